// Package createinbox is the small form that creates an inbox in a pod: a
// username, a domain (the server's default when empty) and a display name.
// The form sends a client id of its own, made once when it opens, so that
// submitting again after a lost answer returns the same inbox instead of a
// second one.
package createinbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// MaxField is the longest value a field takes.
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

// CreatedMsg tells the inboxes screen of PodID about a new inbox.
type CreatedMsg struct {
	PodID string
	Inbox client.Inbox
}

type createdMsg struct {
	id    int
	inbox client.Inbox
	err   error
}

// The fields, in tab order.
const (
	fieldUsername = iota
	fieldDomain
	fieldDisplayName
	fieldCount
)

var labels = [fieldCount]string{"Username", "Domain", "Display name"}

// Model is the form.
type Model struct {
	c        *common.Common
	pod      client.Pod
	clientID string // sent with every attempt: the API's idempotency handle
	KeyMap   KeyMap
	inputs   [fieldCount]textinput.Model
	focus    int
	pending  int
	problem  []string
	width    int
	height   int
}

// New makes the form for pod.
func New(c *common.Common, pod client.Pod) *Model {
	m := &Model{c: c, pod: pod, clientID: newClientID(), KeyMap: DefaultKeyMap()}
	for i, ph := range [fieldCount]string{"e.g. support (random when empty)", "empty for the default, agentmail.to", "e.g. Acme Support"} {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = ph
		in.CharLimit = MaxField
		in.Cursor.SetMode(cursor.CursorStatic)
		m.inputs[i] = in
	}
	m.inputs[fieldUsername].Focus()
	return m
}

func newClientID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "amkeys-" + hex.EncodeToString(b[:])
}

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Title is the breadcrumb entry.
func (m *Model) Title() string { return "new inbox" }

// Status summarises the form.
func (m *Model) Status() string {
	if m.pending != 0 {
		return "creating…"
	}
	return "new inbox"
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

// Values are what the form would send (for tests).
func (m *Model) Values() client.NewInbox {
	return client.NewInbox{
		Username:    strings.TrimSpace(m.inputs[fieldUsername].Value()),
		Domain:      strings.TrimSpace(m.inputs[fieldDomain].Value()),
		DisplayName: strings.TrimSpace(m.inputs[fieldDisplayName].Value()),
		ClientID:    m.clientID,
	}
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
			m.setFocus((m.focus + 1) % fieldCount)
		case key.Matches(msg, m.KeyMap.Prev):
			m.setFocus((m.focus + fieldCount - 1) % fieldCount)
		case key.Matches(msg, m.KeyMap.Submit) || (msg.Type == tea.KeyEnter && m.focus == fieldCount-1):
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
	in := m.Values()
	if strings.ContainsAny(in.Username, "@ ") || strings.ContainsAny(in.Domain, "@ ") {
		m.problem = []string{"Give the username and the domain apart, without @ or spaces: support and example.com make support@example.com."}
		return nil
	}
	m.problem = nil
	m.pending = m.c.NextRequestID()
	id, api, ctx, podID := m.pending, m.c.API, m.c.Ctx, m.pod.ID
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		inbox, err := api.CreateInbox(rctx, podID, in)
		return createdMsg{id: id, inbox: inbox, err: err}
	}
}

func (m *Model) onCreated(msg createdMsg) tea.Cmd {
	if msg.id != m.pending {
		return nil
	}
	m.pending = 0
	if msg.err == nil {
		created := CreatedMsg{PodID: m.pod.ID, Inbox: msg.inbox}
		return tea.Batch(common.Pop, func() tea.Msg { return created })
	}
	if errors.Is(msg.err, context.Canceled) {
		return nil
	}
	if errors.Is(msg.err, client.ErrOutcomeUnknown) {
		m.problem = []string{"The server's answer was lost: the inbox may or may not have been created. amkeys did not send it again.",
			"Submitting again is safe: the form sends the same client id, so the API returns the inbox if it exists."}
		return nil
	}
	m.problem = describe(msg.err)
	return nil
}

func describe(err error) []string {
	e, ok := client.AsError(err)
	if !ok {
		return []string{"Could not create the inbox: " + err.Error()}
	}
	what := "The server refused to create the inbox"
	if e.ErrCode != "" {
		what += " (" + e.ErrCode + ")"
	}
	lines := []string{what + ": " + e.Message}
	for _, f := range e.Fields {
		lines = append(lines, "  "+f.Path+": "+f.Message)
	}
	if e.Fix != "" {
		lines = append(lines, "Fix: "+e.Fix)
	}
	return lines
}

// View draws the fields and any problem.
func (m *Model) View() string {
	st := &m.c.Styles
	w := max(m.width, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render(sanitize.Truncate("New inbox in pod "+m.pod.Name, w)) + "\n\n")
	for i, label := range labels {
		l := st.Label
		if i == m.focus {
			l = st.Accent
		}
		b.WriteString(l.Render(label+strings.Repeat(" ", 14-len(label))) + m.inputs[i].View() + "\n")
	}
	b.WriteByte('\n')
	if m.pending != 0 {
		b.WriteString(st.Muted.Render("creating the inbox…") + "\n")
	} else {
		b.WriteString(st.Muted.Render(sanitize.Truncate("enter on the last field or ctrl+s creates the inbox · esc cancels", w)) + "\n")
	}
	for _, p := range m.problem {
		for _, l := range sanitize.Lines(p, w, 4) {
			b.WriteString(st.Danger.Render(l) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

var _ common.Screen = (*Model)(nil)
