package audit

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/bulk"
	"github.com/amkeys/amkeys/ui/bulkdelete"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/marks"
)

// publicKeyNotice is why a public-key credential cannot be marked.
const publicKeyNotice = "A public-key credential cannot be marked: the AgentID tab (3) lists and revokes them"

// markState is the screen's marks for a bulk delete (D).
type markState struct {
	keys marks.KeyMap
	set  marks.Set
}

// initMarks draws a mark in the gutter of each marked row.
func (m *Model) initMarks() {
	m.mk.keys = marks.DefaultKeyMap()
	m.table.SetMarked(func(r int) bool {
		k := m.key(r)
		return k.IsBearer() && m.mk.set.Has(marks.Of(k.Scope(), k.ID))
	})
}

// Marks is the set of marked keys (for tests).
func (m *Model) Marks() *marks.Set { return &m.mk.set }

// MarkKeys are the marking bindings, for help and the README's key table.
func (m *Model) MarkKeys() marks.KeyMap { return m.mk.keys }

func markOf(k *audit.Key) marks.Mark {
	return marks.Mark{
		Target: bulk.Target{ID: k.ID, Scope: k.Scope(), UsedAt: k.UsedAt, Prefix: k.Prefix, Name: k.Name},
		Own:    k.Scope(),
		Where:  whereOf(k),
	}
}

// whereOf names a key's scope as the keys screen does (common.Where):
// "organization", "pod Acme", "inbox a@b.to".
func whereOf(k *audit.Key) string {
	if s := k.Scope(); s.Kind == client.ScopePod {
		return common.Where(s, k.PodName)
	}
	return common.Where(k.Scope(), "")
}

// updateMarks handles space, * , u and D once a result is shown; handled
// is false for everything else.
func (m *Model) updateMarks(k tea.KeyMsg) (handled bool, cmd tea.Cmd) {
	if m.scan != nil || m.res == nil || m.CapturesInput() {
		return false, nil
	}
	km := m.mk.keys
	switch {
	case key.Matches(k, km.Mark):
		if len(m.rows) == 0 {
			return true, nil
		}
		sel := m.key(m.table.Cursor())
		if !sel.IsBearer() {
			return true, common.Warn(publicKeyNotice)
		}
		if marks.IsOwn(m.c.Settings.OwnKeyPrefix, sel.Prefix) {
			return true, common.Warn(marks.OwnKeyNotice)
		}
		m.mk.set.Toggle(markOf(sel))
		m.table.SetCursor(m.table.Cursor() + 1)
		return true, nil
	case key.Matches(k, km.MarkAll):
		n, public, own := 0, 0, false
		for r := range m.rows {
			switch k := m.key(r); {
			case !k.IsBearer():
				public++
			case marks.IsOwn(m.c.Settings.OwnKeyPrefix, k.Prefix):
				own = true
			default:
				m.mk.set.Add(markOf(k))
				n++
			}
		}
		switch {
		case n == 0 && public > 0:
			return true, common.Warn("nothing to mark here: public keys are revoked in the AgentID tab")
		case n == 0 && own:
			return true, common.Warn(marks.OnlyOwnKey)
		case n == 0:
			return true, common.Warn("nothing to mark here: no keys shown")
		}
		var ownNote, publicNote string
		if own {
			ownNote = "not the key amkeys runs with"
		}
		if public > 0 {
			publicNote = plural(public, "public key") + " left out (the AgentID tab revokes them)"
		}
		return true, common.Notify(marks.Marked(n, &m.mk.set, ownNote, publicNote))
	}
	return bulkdelete.ClearOrReview(m.c, &m.mk.set, km, k)
}

// dropGone removes keys deleted by a bulk delete, in one pass, and their
// marks; it tells the pods screen the new counts.
func (m *Model) dropGone(msg common.KeysGoneMsg) tea.Cmd {
	if m.res == nil {
		return nil
	}
	gone := msg.Gone()
	selected := m.selectedID()
	keep := m.res.Keys[:0]
	dropped := false
	for _, k := range m.res.Keys {
		if k.IsBearer() && common.Has(gone, k.Scope(), k.ID) {
			dropped = true
			for j := range m.res.Pods {
				if p := &m.res.Pods[j]; p.ID == k.PodID && p.Keys > 0 {
					p.Keys--
				}
			}
			continue
		}
		keep = append(keep, k)
	}
	clear(m.res.Keys[len(keep):])
	m.res.Keys = keep
	m.search.index.forget()
	m.mk.set.Keep(func(mk marks.Mark) bool { return !common.Has(gone, mk.Own, mk.Target.ID) })
	if !dropped {
		return nil
	}
	m.sum = audit.Summarize(m.res, m.policy())
	m.refilterOn(selected, m.table.Cursor())
	return m.countsCmd()
}

// updateUsed shows the new last use of keys a bulk delete kept (used
// since review), and keeps it in their marks for the next review.
func (m *Model) updateUsed(msg common.KeysUsedMsg) tea.Cmd {
	if m.res == nil {
		return nil
	}
	used := msg.Used()
	changed := false
	for i := range m.res.Keys {
		if k := &m.res.Keys[i]; k.IsBearer() {
			if at, ok := common.UsedAt(used, k.Scope(), k.ID); ok {
				k.UsedAt, changed = at, true
			}
		}
	}
	m.mk.set.Update(func(mk *marks.Mark) {
		if at, ok := common.UsedAt(used, mk.Own, mk.Target.ID); ok {
			mk.Target.UsedAt = at
		}
	})
	if !changed {
		return nil
	}
	m.search.index.forget()
	m.sum = audit.Summarize(m.res, m.policy())
	m.refilterOn(m.selectedID(), m.table.Cursor())
	return m.countsCmd()
}

// pruneMarks drops the marks of keys the result no longer holds: after a
// delete, or a new complete audit (an incomplete one may just have missed
// them).
func (m *Model) pruneMarks() {
	if m.res == nil || m.mk.set.Len() == 0 {
		return
	}
	here := make(map[marks.ID]bool, len(m.res.Keys))
	for i := range m.res.Keys {
		if k := &m.res.Keys[i]; k.IsBearer() {
			here[marks.Of(k.Scope(), k.ID)] = true
		}
	}
	m.mk.set.Keep(func(mk marks.Mark) bool { return here[mk.ID()] })
}

// markPrefix starts the status line with "12 marked · ", where a long
// summary cannot cut it off ("" when none).
func (m *Model) markPrefix() string {
	if s := m.mk.set.Status(); s != "" {
		return s + " · "
	}
	return ""
}
