// Package form is what the small create forms (pod, inbox) share: a column
// of labelled text fields, tab and enter to move, enter on the last field
// or ctrl+s to submit, esc to cancel, and a question before esc or ctrl+c
// throw what was typed away.
package form

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
)

// KeyMap holds the form's bindings.
type KeyMap struct {
	Next, Prev, Submit, Cancel key.Binding
}

// DefaultKeyMap: tab moves, enter on the last field or ctrl+s submits.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Submit: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "create")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// Field is one text field.
type Field struct{ Label, Placeholder string }

// Options describe a form.
type Options struct {
	Noun       string // what the form creates: "pod"
	Fields     []Field
	LabelWidth int // the column the fields start at
	CharLimit  int // the longest value a field takes
}

// Action is what a key asks the screen to do.
type Action int

// The actions: nothing for the screen, close the form, send it, quit amkeys.
const (
	None Action = iota
	Cancel
	Submit
	Quit
)

// Model is the fields, the focus and the quit question.
type Model struct {
	KeyMap KeyMap
	opts   Options
	st     styles.Styles
	inputs []textinput.Model
	focus  int
	quit   *confirm.Model // the question before quitting or discarding, nil when not asked
	// discarding: the question is esc's (discard the form), not ctrl+c's
	discarding bool
	width      int
	height     int
}

// New makes the form with the focus on the first field.
func New(st styles.Styles, o Options) Model {
	m := Model{KeyMap: DefaultKeyMap(), opts: o, st: st}
	for _, f := range o.Fields {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = f.Placeholder
		in.CharLimit = o.CharLimit
		in.Cursor.SetMode(cursor.CursorStatic)
		m.inputs = append(m.inputs, in)
	}
	m.inputs[0].Focus()
	return m
}

// Value is field i as typed, without surrounding spaces.
func (m *Model) Value(i int) string { return strings.TrimSpace(m.inputs[i].Value()) }

// Focus moves the focus to field i.
func (m *Model) Focus(i int) {
	m.inputs[m.focus].Blur()
	m.focus = i
	m.inputs[i].Focus()
}

// HasInput reports whether any field holds text, which quitting would lose.
func (m *Model) HasInput() bool {
	for i := range m.inputs {
		if m.Value(i) != "" {
			return true
		}
	}
	return false
}

// SetSize records the area and sizes the fields.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	for i := range m.inputs {
		m.inputs[i].Width = max(w-16, 10)
	}
}

// Update handles a key. busy (a create in flight) ignores all but ctrl+c.
// ctrl+c with text typed asks first; ctrl+c again, or y, quits.
func (m *Model) Update(k tea.KeyMsg, busy bool) (Action, tea.Cmd) {
	if m.quit != nil {
		return m.updateQuit(k), nil
	}
	if k.Type == tea.KeyCtrlC {
		if !m.HasInput() {
			return Quit, nil
		}
		m.askQuit()
		return None, nil
	}
	if busy {
		return None, nil // one create at a time
	}
	last := len(m.inputs) - 1
	switch {
	case key.Matches(k, m.KeyMap.Cancel):
		if !m.HasInput() {
			return Cancel, nil
		}
		m.quit, m.discarding = NewDiscard(m.st, m.opts.Noun, "what you typed"), true
		return None, nil
	case key.Matches(k, m.KeyMap.Next):
		m.Focus((m.focus + 1) % len(m.inputs))
	case key.Matches(k, m.KeyMap.Prev):
		m.Focus((m.focus + last) % len(m.inputs))
	case key.Matches(k, m.KeyMap.Submit) || (k.Type == tea.KeyEnter && m.focus == last):
		return Submit, nil
	case k.Type == tea.KeyEnter:
		m.Focus(m.focus + 1)
	default:
		var cmd tea.Cmd
		m.inputs[m.focus], cmd = m.inputs[m.focus].Update(k)
		return None, cmd
	}
	return None, nil
}

func (m *Model) askQuit() {
	m.discarding = false
	m.quit = confirm.New(m.st, confirm.Options{
		Title:   "Quit amkeys and lose this form?",
		Notes:   []string{"The " + m.opts.Noun + " is not created yet: what you typed is lost."},
		Confirm: "Quit",
		Cancel:  "Stay",
	})
	m.quit.KeyMap.Yes.SetHelp("y", "quit")
}

func (m *Model) updateQuit(k tea.KeyMsg) Action {
	switch {
	case k.Type == tea.KeyCtrlC && m.discarding:
		m.askQuit() // quitting loses more than the form: ask that
		return None
	case k.Type == tea.KeyCtrlC:
		return Quit // ctrl+c twice quits
	}
	switch m.quit.Update(k) {
	case confirm.Confirmed:
		if m.discarding {
			return Cancel
		}
		return Quit
	case confirm.Canceled:
		m.quit = nil
	}
	return None
}

// NewDiscard is the question before esc throws a filled-in form away:
// esc again (or y) discards, n keeps editing. what is what is lost ("what
// you typed").
func NewDiscard(st styles.Styles, noun, what string) *confirm.Model {
	d := confirm.New(st, confirm.Options{
		Title:   "Discard this new " + noun + "?",
		Notes:   []string{"The " + noun + " is not created yet: " + what + " is lost. esc again discards it."},
		Confirm: "Discard",
		Cancel:  "Keep editing",
	})
	d.KeyMap.Yes.SetKeys("y", "Y", "esc")
	d.KeyMap.Yes.SetHelp("y/esc", "discard")
	d.KeyMap.No.SetKeys("n", "N")
	d.KeyMap.No.SetHelp("n", "keep editing")
	return d
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	if m.quit != nil {
		return m.quit.Bindings()
	}
	return []key.Binding{m.KeyMap.Next, m.KeyMap.Submit, m.KeyMap.Cancel}
}

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding {
	if m.quit != nil {
		return [][]key.Binding{m.quit.Bindings()}
	}
	return [][]key.Binding{{m.KeyMap.Next, m.KeyMap.Prev, m.KeyMap.Submit, m.KeyMap.Cancel}}
}

// View draws the title, the fields, the hint (or the progress while busy)
// and the problems; the quit question over them when it is asked.
func (m *Model) View(title string, busy bool, problems []string) string {
	if m.quit != nil {
		return m.quit.Fit(m.width, m.height)
	}
	st := &m.st
	w := max(m.width, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render(sanitize.Truncate(title, w)) + "\n\n")
	for i, f := range m.opts.Fields {
		l := st.Label
		if i == m.focus {
			l = st.Accent
		}
		b.WriteString(l.Render(f.Label+strings.Repeat(" ", max(m.opts.LabelWidth-len(f.Label), 1))) + m.inputs[i].View() + "\n")
	}
	b.WriteByte('\n')
	if busy {
		b.WriteString(st.Muted.Render("creating the "+m.opts.Noun+"…") + "\n")
	} else {
		b.WriteString(st.Muted.Render(sanitize.Truncate("enter on the last field or ctrl+s creates the "+m.opts.Noun+" · esc cancels", w)) + "\n")
	}
	for _, p := range problems {
		for _, l := range sanitize.Lines(p, w, 4) {
			b.WriteString(st.Danger.Render(l) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
