package pods

import (
	"context"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/createpod"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// deletedMsg is the answer to a pod's delete.
type deletedMsg struct {
	podID, name string
	err         error
}

// refusedMsg is a delete refused because the pod still has inboxes, with
// how many it has (counted after the refusal).
type refusedMsg struct {
	deletedMsg
	inboxes  int
	more     bool  // more than inboxes: only the first page was counted
	countErr error // the count failed; the refusal still stands
}

// countLimit bounds the inboxes counted after a refusal: one page.
const countLimit = 100

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
			m.c.Push(createpod.New(m.c))
			return true, nil
		case key.Matches(msg, m.KeyMap.Delete):
			if p, ok := m.list.Selected(); ok {
				return true, m.askDelete(*p)
			}
			return true, nil
		}
	case deletedMsg:
		return true, m.onDeleted(msg)
	case refusedMsg:
		return true, m.onRefused(msg)
	case createpod.CreatedMsg:
		return true, m.onCreated(msg.Pod)
	case common.AuditCountsMsg:
		m.setCounts(msg)
		return true, nil
	case inboxCountMsg:
		m.onInboxCount(msg)
		return true, nil
	}
	return false, nil
}

// askDelete always needs the pod's name typed: its keys go with it. It
// counts the pod's inboxes for the dialog.
func (m *Model) askDelete(p client.Pod) tea.Cmd {
	o := confirm.Options{
		Title: "Delete this pod and all of its API keys?",
		Fields: []confirm.Field{
			{Label: "name", Value: p.Name},
			{Label: "pod id", Value: p.ID},
			{Label: "client id", Value: p.ClientID},
			{Label: "created", Value: m.c.Times().Exact(p.CreatedAt)},
			{Label: "keys", Value: m.keyCount(p)},
			{Label: "inboxes", Value: "counting…"},
		},
		Notes: []string{
			"Every API key of this pod is deleted with it, and everything using those keys stops working at once. This cannot be undone.",
			"A pod that still has inboxes or domains cannot be deleted: delete them first (the server refuses, and amkeys deletes none for you).",
		},
		Confirm: "Delete pod",
	}
	o.Type, o.TypeWhat = p.Name, "the pod's name"
	if !confirm.Typeable(p.Name) {
		o.Type, o.TypeWhat = p.ID, "the pod's id (its name cannot be typed)"
	}
	m.deleting = p
	m.dialog = confirm.New(m.c.Styles, o)
	return m.countInboxesFor(p.ID)
}

// keyCount is what the last audit found in p, if it ran.
func (m *Model) keyCount(p client.Pod) string {
	if m.counts == nil {
		return "not counted yet (a runs the audit)"
	}
	n, ok := m.counts.Pods[p.ID]
	if !ok {
		return "not counted (the audit did not read this pod)"
	}
	s := plural(n.Keys, "key")
	if n.Stale > 0 {
		s += " (" + strconv.Itoa(n.Stale) + " stale)"
	}
	return s + ", at the audit " + format.Ago(m.counts.At, m.c.Now())
}

// inboxCountMsg is the inbox count of a pod whose delete is being asked.
type inboxCountMsg struct {
	podID string
	n     int
	more  bool
	err   error
}

// countInboxesFor counts a pod's inboxes (one page) for the dialog: a pod
// with inboxes cannot be deleted, and the dialog says so before the try.
func (m *Model) countInboxesFor(podID string) tea.Cmd {
	api, ctx := m.c.API, m.c.Ctx
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		page, err := api.ListInboxes(rctx, client.PodScope(podID), client.ListOptions{Limit: countLimit})
		return inboxCountMsg{podID: podID, n: len(page.Inboxes), more: page.NextPageToken != "", err: err}
	}
}

func (m *Model) onInboxCount(msg inboxCountMsg) {
	if m.dialog == nil || m.deleting.ID != msg.podID {
		return // the dialog is closed, or about another pod
	}
	var v string
	switch {
	case msg.err != nil:
		v = "could not be counted"
	case msg.n == 0:
		v = "none"
	case msg.more:
		v = "more than " + strconv.Itoa(msg.n) + ": delete them first (the server refuses)"
	default:
		v = strconv.Itoa(msg.n) + " inboxes: delete them first (the server refuses)"
		if msg.n == 1 {
			v = "1 inbox: delete it first (the server refuses)"
		}
	}
	m.dialog.SetField("inboxes", v)
}

func (m *Model) updateDialog(k tea.KeyMsg) tea.Cmd {
	switch m.dialog.Update(k) {
	case confirm.Canceled:
		m.dialog = nil
	case confirm.Confirmed:
		m.dialog = nil
		api, ctx, id, name := m.c.API, m.c.Ctx, m.deleting.ID, m.deleting.Name
		return func() tea.Msg {
			rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
			defer cancel()
			return deletedMsg{podID: id, name: name, err: api.DeletePod(rctx, id)}
		}
	}
	return nil
}

func (m *Model) onDeleted(msg deletedMsg) tea.Cmd {
	name := sanitize.Truncate(msg.name, 60)
	drop := func(p *client.Pod) bool { return p.ID == msg.podID }
	switch {
	case msg.err == nil:
		m.list.Remove(drop)
		return common.Notify("Deleted pod " + name + " and its keys")
	case client.IsNotFound(msg.err):
		m.list.Remove(drop)
		return common.Notify("Pod " + name + " was already gone; removed it from the list")
	case client.Code(msg.err) == client.CodeCannotDelete:
		return m.countInboxes(msg)
	}
	return common.Fail("deleting pod "+name, msg.err)
}

// countInboxes counts the refused pod's inboxes (one page), so that the
// error can say how many stand in the way.
func (m *Model) countInboxes(refused deletedMsg) tea.Cmd {
	api, ctx := m.c.API, m.c.Ctx
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		page, err := api.ListInboxes(rctx, client.PodScope(refused.podID), client.ListOptions{Limit: countLimit})
		return refusedMsg{deletedMsg: refused, inboxes: len(page.Inboxes), more: page.NextPageToken != "", countErr: err}
	}
}

// onRefused explains the refusal; the server's own message and fix follow
// on the error line.
func (m *Model) onRefused(msg refusedMsg) tea.Cmd {
	name := sanitize.Truncate(msg.name, 60)
	why := "it still has inboxes or domains; delete them first"
	if msg.countErr == nil && msg.inboxes > 0 {
		n := strconv.Itoa(msg.inboxes)
		if msg.more {
			n = "more than " + n
		}
		what := n + " inboxes; delete them first"
		if msg.inboxes == 1 && !msg.more {
			what = "1 inbox; delete it first"
		}
		why = "this pod still has " + what + " (open the pod, 2 shows its inboxes)"
	}
	return common.Fail("deleting pod "+name+": "+why, msg.err)
}

// onCreated shows the new pod first. A client id the API already knew
// returns that pod: it is moved, not doubled.
func (m *Model) onCreated(p client.Pod) tea.Cmd {
	existed := m.list.Remove(func(q *client.Pod) bool { return q.ID == p.ID }) > 0
	m.list.Prepend(p) // and selects it
	name := sanitize.Truncate(p.Name, 60)
	if existed {
		return common.Warn("A pod with that client id already exists: " + name)
	}
	return common.Notify("Created pod " + name)
}
