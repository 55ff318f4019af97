package keys

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/bulk"
	"github.com/amkeys/amkeys/ui/bulkdelete"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/listing"
	"github.com/amkeys/amkeys/ui/marks"
)

// markState is the screen's marks for a bulk delete (D).
type markState struct {
	keys marks.KeyMap
	set  marks.Set
	// pending: * was pressed before every page was loaded; the shown rows
	// are marked once they are.
	pending bool
}

// initMarks draws a mark in the gutter of each marked row.
func (m *Model) initMarks() {
	m.mk.keys = marks.DefaultKeyMap()
	m.list.Table.SetMarked(func(r int) bool {
		k := m.list.Item(r)
		return m.mk.set.Has(marks.Of(k.Scope(), k.ID))
	})
}

// Marks is the set of marked keys (for tests).
func (m *Model) Marks() *marks.Set { return &m.mk.set }

// MarkKeys are the marking bindings, for help and the README's key table.
func (m *Model) MarkKeys() marks.KeyMap { return m.mk.keys }

func (m *Model) markOf(k *client.APIKey) marks.Mark {
	return marks.Mark{
		Target: bulkTarget(m.scope.Scope, k),
		Own:    k.Scope(),
		Where:  ScopeText(m.scope, *k),
	}
}

// updateMarks handles space, *, u and D, and keys gone elsewhere; handled
// is false for everything else.
func (m *Model) updateMarks(msg tea.Msg) (handled bool, cmd tea.Cmd) {
	switch msg := msg.(type) {
	case common.KeysGoneMsg:
		gone := msg.Gone()
		m.list.Remove(func(k *client.APIKey) bool { return common.Has(gone, k.Scope(), k.ID) })
		m.mk.set.Keep(func(mk marks.Mark) bool { return !common.Has(gone, mk.Own, mk.Target.ID) })
		return true, nil
	case common.KeysUsedMsg:
		used := msg.Used()
		m.list.Edit(func(k *client.APIKey) bool {
			at, ok := common.UsedAt(used, k.Scope(), k.ID)
			if ok {
				k.UsedAt = at
			}
			return ok
		})
		m.mk.set.Update(func(mk *marks.Mark) { // the next review shows the new use
			if at, ok := common.UsedAt(used, mk.Own, mk.Target.ID); ok {
				mk.Target.UsedAt = at
			}
		})
		return true, nil
	case tea.KeyMsg:
		if m.list.Filtering() || m.dialog != nil {
			return false, nil
		}
		km := m.mk.keys
		switch {
		case key.Matches(msg, km.Mark):
			sel, ok := m.list.Selected()
			if !ok {
				return true, nil
			}
			if marks.IsOwn(m.c.Settings.OwnKeyPrefix, sel.Prefix) {
				return true, common.Warn(marks.OwnKeyNotice)
			}
			m.mk.set.Toggle(m.markOf(sel))
			m.list, cmd = m.list.Update(tea.KeyMsg{Type: tea.KeyDown}) // on to the next row, loading more as it goes
			return true, cmd
		case key.Matches(msg, km.MarkAll):
			if !m.list.Complete() {
				m.mk.pending = true
				return true, tea.Batch(m.list.LoadAll(), common.Notify("Loading every page to mark every key shown…"))
			}
			return true, m.markShown()
		case key.Matches(msg, km.Clear):
			m.mk.pending = false // a * still loading pages marks nothing after u
		}
		return bulkdelete.ClearOrReview(m.c, &m.mk.set, km, msg)
	}
	return false, nil
}

// afterMarks runs after the listing has seen msg: once every page is
// loaded it drops the marks of keys no longer on the server, and marks
// the shown rows if * is waiting for them.
func (m *Model) afterMarks(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(listing.PageMsg[client.APIKey]); !ok {
		return nil
	}
	if m.list.Complete() && !m.list.Loading() {
		here := make(map[marks.ID]bool, m.list.Len())
		for _, k := range m.list.Items() {
			here[marks.Of(k.Scope(), k.ID)] = true
		}
		m.mk.set.Keep(func(mk marks.Mark) bool { return here[mk.ID()] })
		if m.mk.pending {
			m.mk.pending = false
			return m.markShown()
		}
		return nil
	}
	if m.mk.pending && !m.list.Loading() {
		m.mk.pending = false // the loading stopped (an error says why)
		return common.Warn("Not every page could be loaded: nothing was marked")
	}
	return nil
}

// markShown marks every row shown (after the filter and quick filter).
func (m *Model) markShown() tea.Cmd {
	n, own := 0, false
	for r := range m.list.Shown() {
		k := m.list.Item(r)
		if marks.IsOwn(m.c.Settings.OwnKeyPrefix, k.Prefix) {
			own = true
			continue
		}
		m.mk.set.Add(m.markOf(k))
		n++
	}
	switch {
	case n == 0 && own:
		return common.Warn(marks.OnlyOwnKey)
	case n == 0:
		return common.Warn("nothing to mark here: no keys shown")
	}
	note := ""
	if own {
		note = "not the key amkeys runs with"
	}
	return common.Notify(marks.Marked(n, &m.mk.set, note))
}

// markStatus is the status line's " · 12 marked" ("" when none).
func (m *Model) markStatus() string {
	if s := m.mk.set.Status(); s != "" {
		return " · " + s
	}
	return ""
}

// bulkTarget is k as the review saw it, deleted through the scope it is
// listed in.
func bulkTarget(listed client.Scope, k *client.APIKey) bulk.Target {
	return bulk.Target{ID: k.ID, Scope: listed, UsedAt: k.UsedAt, Prefix: k.Prefix, Name: k.Name}
}
