package createkey

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/sanitize"
)

const labelWidth = 13

// layout is where things are drawn, shared by View and the mouse.
type layout struct {
	messages               []string // sanitised, wrapped lines under the title
	nameY, accessY, listY  int
	listH, submitY, height int
}

// maxMessageLines bounds the problem box so that the form stays usable.
const maxMessageLines = 7

// fitProblem wraps a refusal into at most max lines. Its last part (the
// server's fix, what the user acts on) keeps up to 3 lines; the message
// and field errors before it are cut first.
func fitProblem(parts []string, width, max int) []string {
	if len(parts) == 0 || max <= 0 {
		return nil
	}
	last := sanitize.Lines(parts[len(parts)-1], width, min(3, max))
	var head []string
	for _, p := range parts[:len(parts)-1] {
		head = append(head, sanitize.Lines(p, width, max)...)
	}
	if room := max - len(last); len(head) > room {
		head = head[:room]
		if room > 0 {
			head[room-1] = sanitize.Truncate(head[room-1], width-1) + "…"
		}
	}
	return append(head, last...)
}

// layout places the parts for the current state and fits the checklist
// into the rows left for it (messages come and go).
func (m *Model) layout() layout {
	w := max(m.width, 20)
	var info []string
	if m.info != "" {
		info = sanitize.Lines(m.info, w, 3)
	}
	msgs := append(fitProblem(m.problem, w, maxMessageLines-len(info)), info...)
	l := layout{messages: msgs}
	// In a short window (60x15 leaves the form 11 lines) the blank lines
	// go and the messages shrink, so that the submit line stays on screen.
	gap := 1
	if m.height < 18 {
		gap = 0
		if len(l.messages) > 2 {
			l.messages = l.messages[len(l.messages)-2:]
		}
	}
	l.nameY = 1 + gap // title, blank
	if len(l.messages) > 0 {
		l.nameY = 1 + len(l.messages) + gap // title, messages, blank
	}
	l.accessY = l.nameY + 2 + gap // name, its hint, blank
	l.listY = l.accessY + 3 + gap // two choices, blank, the list's header
	// below the list: the submit line
	l.listH = max(m.height-l.listY-1-gap, 1)
	l.submitY = l.listY + l.listH + gap
	l.height = l.submitY + 1
	m.list.setHeight(l.listH)
	return l
}

// View draws the form, or the dialog or picker over it.
func (m *Model) View() string {
	if m.dialog != nil {
		return m.dialog.Fit(m.width, m.height)
	}
	if m.picker != nil {
		return confirm.Place(m.width, m.height, m.picker.view(m.width, m.height, m.c.Styles))
	}
	st := &m.c.Styles
	w := max(m.width, 20)
	lay := m.layout()
	lines := make([]string, lay.height)
	lines[0] = st.Title.Render(sanitize.Truncate("New API key in "+m.scope.Describe(), w))
	for i, msg := range lay.messages {
		if len(m.problem) > 0 {
			msg = st.Danger.Render(msg)
		}
		lines[1+i] = msg
	}
	lines[lay.nameY] = m.label("Name", fieldName) + m.name.View()
	lines[lay.nameY+1] = strings.Repeat(" ", labelWidth) + m.nameHint()
	// The cursor mark stands in the label's margin, so that the choices
	// line up with the name.
	lines[lay.accessY] = m.labelIn("Access", fieldAccess, labelWidth-2) + m.radio(true, "Unrestricted (full access within this "+m.scope.Kind()+")")
	lines[lay.accessY+1] = strings.Repeat(" ", labelWidth-2) + m.radio(false, "Restricted: only what you tick")
	lines[lay.listY-1] = m.listHeader()
	if m.unrestricted {
		warn := sanitize.Lines("An unrestricted key can do everything within "+m.scope.Describe()+
			": read, send and delete mail, change inboxes and domains, and create and delete other API keys."+
			" Choose Restricted to give it only what it needs.", w-2, lay.listH)
		for i, l := range warn {
			lines[lay.listY+i] = "  " + st.Warning.Render(l)
		}
	} else {
		for i, l := range strings.Split(m.list.view(m.perms, m.focus == fieldList, w, st), "\n") {
			lines[lay.listY+i] = l
		}
	}
	lines[lay.submitY] = m.submitButton()
	for i, l := range lines { // at the narrowest windows no line may wrap
		lines[i] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(lines, "\n")
}

func (m *Model) label(text string, f field) string { return m.labelIn(text, f, labelWidth) }

func (m *Model) labelIn(text string, f field, width int) string {
	l := text + strings.Repeat(" ", width-len(text))
	if m.focus == f {
		return m.c.Styles.Accent.Render(l)
	}
	return m.c.Styles.Label.Render(l)
}

func (m *Model) nameHint() string {
	if m.nameErr != "" {
		return m.c.Styles.Danger.Render(sanitize.Truncate(m.nameErr, max(m.width-labelWidth, 1)))
	}
	return m.c.Styles.Muted.Render("1 to " + strconv.Itoa(MaxName) + " characters")
}

func (m *Model) radio(unrestricted bool, text string) string {
	dot := "( ) "
	if m.unrestricted == unrestricted {
		dot = "(•) "
	}
	mark := "  "
	if m.focus == fieldAccess && m.accessAt == unrestricted {
		mark = "› "
	}
	line := mark + dot + text
	if m.focus == fieldAccess && m.accessAt == unrestricted {
		return m.c.Styles.SelectedRow.Apply(line)
	}
	return line
}

func (m *Model) listHeader() string {
	st := &m.c.Styles
	if m.unrestricted {
		return m.label("Permissions", fieldList) + st.Warning.Render("all, including any the API adds later")
	}
	s := m.perms.Summary() + " ticked"
	if risky := m.riskyTicked(); len(risky) > 0 {
		s += " · " + strconv.Itoa(len(risky)) + " risky"
	}
	above, below := m.list.hidden()
	if above > 0 {
		s += " · ↑ " + strconv.Itoa(above) + " more"
	}
	if below > 0 {
		s += " · ↓ " + strconv.Itoa(below) + " more"
	}
	return m.label("Permissions", fieldList) + s
}

func (m *Model) submitButton() string {
	if m.pending != 0 {
		return m.c.Styles.Muted.Render("  creating the key…")
	}
	if m.focus == fieldSubmit {
		return m.c.Styles.Accent.Render("[> Review and create <]") + m.c.Styles.Muted.Render("  enter")
	}
	return "[  Review and create  ]" + m.c.Styles.Muted.Render("  ctrl+s")
}

// riskyTicked lists the ticked permissions the catalogue marks as risky.
func (m *Model) riskyTicked() []string {
	var out []string
	for _, g := range m.list.groups {
		for _, p := range g.Permissions {
			if p.Risky && m.perms.Has(p.Name) {
				out = append(out, p.Name)
			}
		}
	}
	return out
}
