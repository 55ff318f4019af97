// Package createpod is the small form that creates a pod: a name and an
// optional client id (the API's idempotency handle for pods).
package createpod

import (
	"context"
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/form"
)

// MaxField is the longest name or client id the form takes.
const MaxField = 256

// CreatedMsg tells the pods screen about a new pod.
type CreatedMsg struct{ Pod client.Pod }

type createdMsg struct {
	id  int
	pod client.Pod
	err error
}

// Model is the form.
type Model struct {
	c           *common.Common
	form.Screen // the fields: name, client id
}

// The fields, in tab order.
const (
	fieldName = iota
	fieldClientID
)

// New makes the form.
func New(c *common.Common) *Model {
	return &Model{c: c, Screen: form.NewScreen(c, form.Options{
		Noun: "pod",
		Fields: []form.Field{
			{Label: "Name", Placeholder: "e.g. Acme Support"},
			{Label: "Client id", Placeholder: "optional, e.g. acme-support (makes retries safe)"},
		},
		LabelWidth: 13,
		CharLimit:  MaxField,
	})}
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
	name, clientID := m.Form.Value(fieldName), m.Form.Value(fieldClientID)
	if name == "" {
		m.Problem = []string{"A name is required."}
		m.Form.Focus(fieldName)
		return nil
	}
	m.Problem = nil
	m.Pending = m.c.NextRequestID()
	id, api, ctx := m.Pending, m.c.API, m.c.Ctx
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		pod, err := api.CreatePod(rctx, name, clientID)
		return createdMsg{id: id, pod: pod, err: err}
	}
}

func (m *Model) onCreated(msg createdMsg) tea.Cmd {
	if msg.id != m.Pending {
		return nil
	}
	m.Pending = 0
	if msg.err == nil {
		pod := msg.pod
		m.c.Pop()
		return func() tea.Msg { return CreatedMsg{Pod: pod} }
	}
	if errors.Is(msg.err, context.Canceled) {
		return nil
	}
	m.Problem = m.Refusal(msg.err)
	if errors.Is(msg.err, client.ErrOutcomeUnknown) {
		m.Problem = []string{"The server's answer was lost: the pod may or may not have been created. amkeys did not send it again.",
			"Refresh the pods list (r) to look for it."}
		if m.Form.Value(fieldClientID) != "" {
			m.Problem = append(m.Problem, "With a client id, submitting again is safe: the API returns the existing pod instead of a second one.")
		}
	}
	return nil
}

// View draws the two fields and any problem.
func (m *Model) View() string { return m.Screen.View("New pod") }

var (
	_ common.Screen    = (*Model)(nil)
	_ common.QuitGuard = (*Model)(nil)
)
