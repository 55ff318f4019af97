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

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/form"
)

// MaxField is the longest value a field takes.
const MaxField = 256

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
)

// Model is the form.
type Model struct {
	c        *common.Common
	pod      client.Pod
	clientID string // sent with every attempt: the API's idempotency handle
	form.Screen
}

// New makes the form for pod.
func New(c *common.Common, pod client.Pod) *Model {
	return &Model{c: c, pod: pod, clientID: newClientID(), Screen: form.NewScreen(c, form.Options{
		Noun: "inbox",
		Fields: []form.Field{
			{Label: "Username", Placeholder: "e.g. support (random when empty)"},
			{Label: "Domain", Placeholder: "empty for the default, agentmail.to"},
			{Label: "Display name", Placeholder: "e.g. Acme Support"},
		},
		LabelWidth: 14,
		CharLimit:  MaxField,
	})}
}

func newClientID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "amkeys-" + hex.EncodeToString(b[:])
}

// Values are what the form would send (for tests).
func (m *Model) Values() client.NewInbox {
	return client.NewInbox{
		Username:    m.Form.Value(fieldUsername),
		Domain:      m.Form.Value(fieldDomain),
		DisplayName: m.Form.Value(fieldDisplayName),
		ClientID:    m.clientID,
	}
}

// Update handles typing, moving, submitting and the answer.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case createdMsg:
		return m, m.onCreated(msg)
	case tea.KeyMsg:
		return m, m.Key(msg, m.submit)
	}
	return m, nil
}

func (m *Model) submit() tea.Cmd {
	in := m.Values()
	if strings.ContainsAny(in.Username, "@ ") || strings.ContainsAny(in.Domain, "@ ") {
		m.Problem = []string{"Give the username and the domain apart, without @ or spaces: support and example.com make support@example.com."}
		return nil
	}
	m.Problem = nil
	m.Pending = m.c.NextRequestID()
	id, api, ctx, podID := m.Pending, m.c.API, m.c.Ctx, m.pod.ID
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		inbox, err := api.CreateInbox(rctx, podID, in)
		return createdMsg{id: id, inbox: inbox, err: err}
	}
}

func (m *Model) onCreated(msg createdMsg) tea.Cmd {
	if msg.id != m.Pending {
		return nil
	}
	m.Pending = 0
	if msg.err == nil {
		created := CreatedMsg{PodID: m.pod.ID, Inbox: msg.inbox}
		m.c.Pop()
		return func() tea.Msg { return created }
	}
	if errors.Is(msg.err, context.Canceled) {
		return nil
	}
	if errors.Is(msg.err, client.ErrOutcomeUnknown) {
		m.Problem = []string{"The server's answer was lost: the inbox may or may not have been created. amkeys did not send it again.",
			"Submitting again is safe: the form sends the same client id, so the API returns the inbox if it exists."}
		return nil
	}
	m.Problem = m.Refusal(msg.err)
	return nil
}

// View draws the fields and any problem.
func (m *Model) View() string {
	return m.Screen.View("New inbox in pod " + m.pod.Name)
}

var (
	_ common.Screen    = (*Model)(nil)
	_ common.QuitGuard = (*Model)(nil)
)
