package inboxes

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/createinbox"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// deletedMsg is the answer to an inbox's delete.
type deletedMsg struct {
	podID, inboxID, email string
	err                   error
}

// updateActions handles n and d, the open dialog and their results;
// handled is false for everything else.
func (m *Model) updateActions(msg tea.Msg) (handled bool, cmd tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.dialog != nil {
			return true, m.updateDialog(msg)
		}
		if m.list.Filtering() {
			return false, nil
		}
		switch {
		case m.c.Settings.ReadOnly && (key.Matches(msg, DefaultKeyMap().New) || key.Matches(msg, DefaultKeyMap().Delete)):
			return true, common.ReadOnly
		case key.Matches(msg, m.KeyMap.New):
			m.c.Push(createinbox.New(m.c, m.pod))
			return true, nil
		case key.Matches(msg, m.KeyMap.Delete):
			if in, ok := m.list.Selected(); ok {
				m.askDelete(*in)
			}
			return true, nil
		}
	case deletedMsg:
		if msg.podID == m.pod.ID {
			return true, m.onDeleted(msg)
		}
	case createinbox.CreatedMsg:
		if msg.PodID == m.pod.ID {
			return true, m.onCreated(msg.Inbox)
		}
	}
	return false, nil
}

// askDelete always needs the address typed: the inbox's keys go with it.
func (m *Model) askDelete(in client.Inbox) {
	o := confirm.Options{
		Title: "Delete this inbox and all of its API keys?",
		Fields: []confirm.Field{
			{Label: "email", Value: in.Email},
			{Label: "display name", Value: in.DisplayName},
			{Label: "pod", Value: m.pod.Name},
			{Label: "created", Value: m.c.Times().Exact(in.CreatedAt)},
		},
		Notes:   []string{"Every API key of this inbox is deleted with it, and everything using the address or those keys stops working at once. This cannot be undone."},
		Confirm: "Delete inbox",
	}
	o.Type, o.TypeWhat = in.Email, "the inbox's address"
	if !confirm.Typeable(in.Email) {
		o.Type, o.TypeWhat = "delete", "the word delete (the address cannot be typed)"
	}
	m.deleting = in
	m.dialog = confirm.New(m.c.Styles, o)
}

func (m *Model) updateDialog(k tea.KeyMsg) tea.Cmd {
	switch m.dialog.Update(k) {
	case confirm.Canceled:
		m.dialog = nil
	case confirm.Confirmed:
		m.dialog = nil
		api, ctx, podID, id, email := m.c.API, m.c.Ctx, m.pod.ID, m.deleting.ID, m.deleting.Email
		return func() tea.Msg {
			rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
			defer cancel()
			return deletedMsg{podID: podID, inboxID: id, email: email, err: api.DeleteInbox(rctx, id)}
		}
	}
	return nil
}

func (m *Model) onDeleted(msg deletedMsg) tea.Cmd {
	email := sanitize.Truncate(msg.email, 60)
	drop := func(in *client.Inbox) bool { return in.ID == msg.inboxID }
	switch {
	case msg.err == nil:
		m.list.Remove(drop)
		return common.Notify("Deleted inbox " + email + " and its keys")
	case client.IsNotFound(msg.err):
		m.list.Remove(drop)
		return common.Notify("Inbox " + email + " was already gone; removed it from the list")
	}
	return common.Fail("deleting inbox "+email, msg.err)
}

// onCreated shows the new inbox first; one the API already knew (same
// client id) is moved, not doubled.
func (m *Model) onCreated(in client.Inbox) tea.Cmd {
	m.list.Remove(func(x *client.Inbox) bool { return x.ID == in.ID })
	m.list.Prepend(in) // and selects it
	return common.Notify("Created inbox " + sanitize.Truncate(in.Email, 60))
}
