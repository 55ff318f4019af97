package agentid

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/ui/sanitize"
)

// fixedRows are the form's lines that are always drawn: title, key row,
// four fields, a blank and the button. The rest of the height holds the
// messages and the focused field's hint, so the button shows in the
// smallest window.
const fixedRows = 8

// View draws the form.
func (r *Register) View() string {
	st := &r.c.Styles
	w := max(r.width, 20)
	lines := []string{
		st.Title.Render(sanitize.Truncate("Register an AgentID credential", w)),
		r.label("Key", stopMode) + r.modeRow(),
		r.label(map[Mode]string{ModeGenerate: "Save key to", ModeImport: "Public key"}[r.mode], stopPath) + r.pathInput().View(),
		r.label("Name", stopName) + r.name.View(),
		r.label("Scope", stopScope) + r.scope.View(),
		r.label("Expires", stopExpiry) + r.expiry.View(),
		"",
		r.button(),
	}
	room := max(r.height-fixedRows, 0)
	msgs := r.messages(w, room)
	lines = append(lines, msgs...)
	if hint := room - len(msgs); hint > 0 {
		for _, l := range sanitize.Lines(r.hint(), w, min(hint, 3)) {
			lines = append(lines, st.Muted.Render(l))
		}
	}
	for i, l := range lines { // at the narrowest windows no line may wrap
		lines[i] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(lines, "\n")
}

// messages are the last failure (red) and our notes, within room lines;
// the failure's last part (the fix, or what to do) is kept first.
func (r *Register) messages(w, room int) []string {
	st := &r.c.Styles
	var out []string
	if r.info != "" {
		out = sanitize.Lines(r.info, w, min(room, 3))
	}
	for i := range out {
		out[i] = st.Warning.Render(out[i])
	}
	for _, l := range fitLines(r.problem, w, room-len(out)) {
		out = append(out, st.Danger.Render(l))
	}
	return out
}

// fitLines wraps parts into at most n lines. The last part keeps up to 3
// lines; the parts before it are cut first, the cut marked with "…".
func fitLines(parts []string, width, n int) []string {
	if len(parts) == 0 || n <= 0 {
		return nil
	}
	last := sanitize.Lines(parts[len(parts)-1], width, min(3, n))
	var head []string
	for _, p := range parts[:len(parts)-1] {
		head = append(head, sanitize.Lines(p, width, n)...)
	}
	if room := n - len(last); len(head) > room {
		head = head[:room]
		if room > 0 {
			head[room-1] = sanitize.Truncate(head[room-1], width-1) + "…"
		}
	}
	return append(head, last...)
}

func (r *Register) label(text string, s stop) string {
	l := padRight(text, labelWidth)
	if r.focus == s {
		return r.c.Styles.Accent.Render(l)
	}
	return r.c.Styles.Label.Render(l)
}

func (r *Register) modeRow() string {
	opt := func(m Mode, text string) string {
		if r.mode == m {
			return "(•) " + text
		}
		return "( ) " + text
	}
	row := opt(ModeGenerate, "new key pair") + "   " + opt(ModeImport, "existing public key")
	if r.focus == stopMode {
		return r.c.Styles.SelectedRow.Apply(row)
	}
	return row
}

func (r *Register) button() string {
	st := &r.c.Styles
	switch {
	case r.pending != 0 && r.sent.mode == ModeGenerate:
		return st.Muted.Render("saving the private key, then registering…")
	case r.pending != 0:
		return st.Muted.Render("registering…")
	case r.checking != 0:
		return st.Muted.Render("checking whether it was registered…")
	case r.focus == stopSubmit:
		return st.Accent.Render("[> Register <]") + st.Muted.Render("  enter")
	}
	return "[  Register  ]" + st.Muted.Render("  ctrl+s")
}

// hint explains the focused field.
func (r *Register) hint() string {
	switch r.focus {
	case stopMode:
		return "A new key pair: amkeys makes a P-256 key, saves the private half and registers only the public half. Or register a public key you already have."
	case stopPath:
		if r.mode == ModeGenerate {
			return "The private key is saved here first (PKCS#8 PEM, mode 0600, never over an existing file); only then is its public half sent."
		}
		return "A PEM public key, a JWK file, or a private key file, of which only the public half is read and sent."
	case stopName:
		return "Optional, up to 256 characters. Empty: AgentID key and the fingerprint's start."
	case stopScope:
		return "Empty: the key's own scope. Or organization, pod:ID or inbox:EMAIL within it."
	case stopExpiry:
		return "Empty: the key's own expiry (none if it has none). Or 90d, 12w or a date such as 2027-03-31."
	}
	return "Registers the credential; amkeys then shows the id (kid) to store beside the private key."
}
