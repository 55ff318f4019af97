// Package clip copies a newly created API key secret to the clipboard and
// clears it again later, reporting honestly what happened.
//
// Copy tries the native clipboard first (System, backed by
// github.com/atotto/clipboard, which drives xclip, xsel, wl-copy, pbcopy or
// the Windows API). If that fails (no clipboard tool, no display over SSH, a
// hung helper) it falls back to OSC 52: an escape sequence written to the
// terminal, which many terminals turn into a clipboard write, wrapped for
// tmux passthrough when Options.TmuxPassthrough is set. The Result says which
// Method was used:
//
//   - Native: written by the clipboard tool; Confirmed when reading the
//     clipboard back showed the same content (compared by SHA-256).
//   - OSC52: sent to the terminal; nobody can confirm the terminal accepted it.
//   - Failed: nothing was copied; the message suggests revealing the key.
//
// Every call is bounded by Options.Timeout (2s by default) as a whole. The
// native tool runs in a goroutine; when it does not answer in time the call
// returns a timeout and the stuck helper process (and the goroutine waiting
// on it) lingers until the helper exits by itself. While it lingers, later
// calls wait for it (within their own timeout) instead of starting a second
// helper, so a late write can never land on top of a newer one.
//
// The Copier never keeps the secret: a Receipt holds only the method, a
// SHA-256 of what was copied and the time. ClearIfUnchanged reads the
// clipboard and writes "" only when it still holds exactly that content; a
// newer content is left alone. Messages and errors never contain the secret.
//
// # Use from Bubble Tea
//
// The package starts no tickers and no background work of its own; the UI
// drives timing with tea.Tick and runs each call inside a tea.Cmd:
//
//	// on the copy key (the Cmd captures the secret by value):
//	return m, func() tea.Msg {
//		res, rcpt := copier.Copy(context.Background(), secret)
//		return copiedMsg{res, rcpt}
//	}
//
//	// on copiedMsg: show res.Message, keep rcpt, schedule the clear:
//	m.receipt = msg.rcpt
//	if d := copier.ClearAfter(); d > 0 && msg.rcpt.Clearable() {
//		return m, tea.Tick(d, func(time.Time) tea.Msg { return clearDueMsg{msg.rcpt} })
//	}
//
//	// on clearDueMsg: ignore it unless msg.rcpt == m.receipt, then
//	return m, func() tea.Msg {
//		return clearedMsg{copier.ClearIfUnchanged(context.Background(), msg.rcpt)}
//	}
//
// On quit, call ClearIfUnchanged with the last receipt (it returns within
// Options.Timeout), e.g. after tea.Program.Run returns.
//
// OSC 52 output goes straight to the io.Writer given to New, in a single
// Write call, so it does not interleave with Bubble Tea's renderer output.
package clip
