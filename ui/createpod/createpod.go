// Package createpod is the small form that creates a pod: a name and an
// optional client id (the API's idempotency handle for pods).
package createpod

import (
	"context"
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// MaxField is the longest name or client id the form takes.
const MaxField = 256

// KeyMap holds the form's bindings.
type KeyMap struct {
	Next, Prev, Submit, Cancel key.Binding
}

// DefaultKeyMap: tab moves, enter on the last field or ctrl+s creates.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Submit: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "create")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// CreatedMsg tells the pods screen about a new pod.
type CreatedMsg struct{ Pod client.Pod }

type createdMsg struct {
	id  int
	pod client.Pod
	err error
}

// Model is the form.
type Model struct {
	c       *common.Common
	KeyMap  KeyMap
	inputs  [2]textinput.Model // name, client id
	focus   int
	pending int
	problem []string
	width   int
	height  int
}

// New makes the form.
func New(c *common.Common) *Model {
	m := &Model{c: c, KeyMap: DefaultKeyMap()}
	for i, ph := range []string{"e.g. Acme Support", "optional, e.g. acme-support (makes retries safe)"} {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = ph
		in.CharLimit = MaxField
		in.Cursor.SetMode(cursor.CursorStatic)
		m.inputs[i] = in
	}
	m.inputs[0].Focus()
	return m
}

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Title is the breadcrumb entry.
func (m *Model) Title() string { return "new pod" }

// Status summarises the form.
func (m *Model) Status() string {
	if m.pending != 0 {
		return "creating…"
	}
	return "new pod"
}

// CapturesInput is always true: a text field always has focus.
func (m *Model) CapturesInput() bool { return true }

// SetSize records the area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	for i := range m.inputs {
		m.inputs[i].Width = max(w-16, 10)
	}
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.KeyMap.Next, m.KeyMap.Submit, m.KeyMap.Cancel}
}

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.KeyMap.Next, m.KeyMap.Prev, m.KeyMap.Submit, m.KeyMap.Cancel}}
}

// Update handles typing, moving, submitting and the answer.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case createdMsg:
		return m, m.onCreated(msg)
	case tea.KeyMsg:
		if m.pending != 0 {
			return m, nil // one create at a time
		}
		switch {
		case key.Matches(msg, m.KeyMap.Cancel):
			return m, common.Pop
		case key.Matches(msg, m.KeyMap.Next):
			m.setFocus((m.focus + 1) % len(m.inputs))
		case key.Matches(msg, m.KeyMap.Prev):
			m.setFocus((m.focus + len(m.inputs) - 1) % len(m.inputs))
		case key.Matches(msg, m.KeyMap.Submit) || (msg.Type == tea.KeyEnter && m.focus == len(m.inputs)-1):
			return m, m.submit()
		case msg.Type == tea.KeyEnter:
			m.setFocus(m.focus + 1)
		default:
			var cmd tea.Cmd
			m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
			return m, cmd
		}
	}
	return m, nil
}

func (m *Model) setFocus(i int) {
	m.inputs[m.focus].Blur()
	m.focus = i
	m.inputs[i].Focus()
}

func (m *Model) submit() tea.Cmd {
	name := strings.TrimSpace(m.inputs[0].Value())
	clientID := strings.TrimSpace(m.inputs[1].Value())
	if name == "" {
		m.problem = []string{"A name is required."}
		m.setFocus(0)
		return nil
	}
	m.problem = nil
	m.pending = m.c.NextRequestID()
	id, api, ctx := m.pending, m.c.API, m.c.Ctx
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		pod, err := api.CreatePod(rctx, name, clientID)
		return createdMsg{id: id, pod: pod, err: err}
	}
}

func (m *Model) onCreated(msg createdMsg) tea.Cmd {
	if msg.id != m.pending {
		return nil
	}
	m.pending = 0
	if msg.err == nil {
		pod := msg.pod
		return tea.Batch(common.Pop, func() tea.Msg { return CreatedMsg{Pod: pod} })
	}
	if errors.Is(msg.err, context.Canceled) {
		return nil
	}
	m.problem = describe(msg.err)
	if errors.Is(msg.err, client.ErrOutcomeUnknown) {
		m.problem = []string{"The server's answer was lost: the pod may or may not have been created. amkeys did not send it again.",
			"Refresh the pods list (r) to look for it."}
		if strings.TrimSpace(m.inputs[1].Value()) != "" {
			m.problem = append(m.problem, "With a client id, submitting again is safe: the API returns the existing pod instead of a second one.")
		}
	}
	return nil
}

func describe(err error) []string {
	e, ok := client.AsError(err)
	if !ok {
		return []string{"Could not create the pod: " + err.Error()}
	}
	lines := []string{"The server refused to create the pod: " + e.Message}
	for _, f := range e.Fields {
		lines = append(lines, "  "+f.Path+": "+f.Message)
	}
	if e.Fix != "" {
		lines = append(lines, "Fix: "+e.Fix)
	}
	return lines
}

// View draws the two fields and any problem.
func (m *Model) View() string {
	st := &m.c.Styles
	w := max(m.width, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render("New pod") + "\n\n")
	for i, label := range []string{"Name", "Client id"} {
		l := st.Label
		if i == m.focus {
			l = st.Accent
		}
		b.WriteString(l.Render(label+strings.Repeat(" ", 13-len(label))) + m.inputs[i].View() + "\n")
	}
	b.WriteByte('\n')
	if m.pending != 0 {
		b.WriteString(st.Muted.Render("creating the pod…") + "\n")
	} else {
		b.WriteString(st.Muted.Render(sanitize.Truncate("enter on the last field or ctrl+s creates the pod · esc cancels", w)) + "\n")
	}
	for _, p := range m.problem {
		for _, l := range sanitize.Lines(p, w, 4) {
			b.WriteString(st.Danger.Render(l) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

var _ common.Screen = (*Model)(nil)
