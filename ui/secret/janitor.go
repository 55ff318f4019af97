package secret

import (
	"context"
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/clip"
	"github.com/amkeys/amkeys/ui/common"
)

// CopiedMsg reports a copy of the secret to the clipboard. It holds no
// secret: the Receipt keeps only a hash.
type CopiedMsg struct {
	Screen  int // the secret screen that asked
	Result  clip.Result
	Receipt clip.Receipt
}

// ClearedMsg reports an automatic clear of the clipboard.
type ClearedMsg struct {
	Receipt clip.Receipt
	Result  clip.ClearResult
}

type clearDueMsg struct{ receipt clip.Receipt }

// Janitor clears the clipboard after a copy, once the configured delay has
// passed, and when amkeys quits. It lives in the root, not in the secret
// screen, because the clear must happen after that screen is gone. It only
// ever holds the latest Receipt (a hash), never the secret.
type Janitor struct {
	copier  *clip.Copier
	receipt clip.Receipt
}

// NewJanitor returns a janitor for copier (nil: nothing to clear, ever).
func NewJanitor(copier *clip.Copier) *Janitor { return &Janitor{copier: copier} }

// Update follows copies and runs the clear when it is due. It never
// consumes a message: CopiedMsg and ClearedMsg go on to the screens too.
func (j *Janitor) Update(msg tea.Msg) tea.Cmd {
	if j.copier == nil {
		return nil
	}
	switch msg := msg.(type) {
	case CopiedMsg:
		if !msg.Receipt.Clearable() {
			return nil
		}
		j.receipt = msg.Receipt // a newer copy replaces the older one
		if msg.Receipt.ClearAt.IsZero() {
			return nil // configured never to clear
		}
		r := msg.Receipt
		return tea.Tick(time.Until(r.ClearAt), func(time.Time) tea.Msg { return clearDueMsg{r} })
	case clearDueMsg:
		if msg.receipt != j.receipt {
			return nil // an older copy's timer
		}
		copier, r := j.copier, msg.receipt
		return func() tea.Msg {
			return ClearedMsg{Receipt: r, Result: copier.ClearIfUnchanged(context.Background(), r)}
		}
	case ClearedMsg:
		if msg.Receipt != j.receipt {
			return nil
		}
		j.receipt = clip.Receipt{}
		return report(msg.Result)
	}
	return nil
}

// report shows a clear's outcome on the notice line, or on the error line
// when the clipboard may still hold the key.
func report(r clip.ClearResult) tea.Cmd {
	switch {
	case r.Message == "":
		return nil
	case r.Err != nil:
		return common.Fail("clipboard", errors.New(r.Message))
	}
	return common.Notify(r.Message)
}

// Pending reports whether a copy may still be on the clipboard.
func (j *Janitor) Pending() bool { return j.receipt.Clearable() }

// ClearOnQuit returns a command that clears the clipboard if it still holds
// the last copy (within the copier's timeout), or nil when there is nothing
// to clear. The receipt is handed over, so a later Clear does nothing.
func (j *Janitor) ClearOnQuit() tea.Cmd {
	if j.copier == nil || !j.receipt.Clearable() {
		return nil
	}
	copier, r := j.copier, j.receipt
	j.receipt = clip.Receipt{}
	return func() tea.Msg {
		copier.ClearIfUnchanged(context.Background(), r)
		return nil
	}
}

// Clear clears now if a copy is pending (for after the program ended by
// another way than q); it returns the user-facing outcome, or "".
func (j *Janitor) Clear(ctx context.Context) string {
	if j.copier == nil || !j.receipt.Clearable() {
		return ""
	}
	r := j.receipt
	j.receipt = clip.Receipt{}
	return j.copier.ClearIfUnchanged(ctx, r).Message
}
