package audit

import (
	"github.com/amkeys/amkeys/client/audit"
)

// Show is the quick filter.
type Show int

// The quick filters, in the order f cycles through them.
const (
	ShowAll Show = iota
	ShowStale
	ShowNever
	ShowUnrestricted
	showCount
)

var showNames = [...]string{"all", "stale", "never used", "unrestricted"}

// setShow sets the quick filter.
func (m *Model) setShow(s Show) {
	m.show = s
	m.refilter()
}

// toggleThisPod limits the table to the selected key's pod, or lifts that.
func (m *Model) toggleThisPod() {
	if m.pod != nil {
		m.pod = nil
	} else if len(m.rows) > 0 {
		k := &m.res.Keys[m.rows[m.table.Cursor()]]
		m.pod = &podRef{id: k.PodID, name: k.PodName}
	}
	m.refilter()
}

// podRef names the pod of the one-pod filter ("" id = organization keys).
type podRef struct{ id, name string }

// refilter rebuilds the rows from the keys, keeping the stalest-first
// order, in one pass.
func (m *Model) refilter() {
	if m.res == nil {
		return
	}
	keep := m.keeper()
	rows := m.rows[:0]
	for i := range m.res.Keys {
		if keep(&m.res.Keys[i]) {
			rows = append(rows, int32(i))
		}
	}
	m.rows = rows
	m.table.SetRows(len(rows))
}

func (m *Model) keeper() func(k *audit.Key) bool {
	show, now, days, pod := m.show, m.now, m.c.Settings.StaleDays, m.pod
	return func(k *audit.Key) bool {
		if pod != nil && k.PodID != pod.id {
			return false
		}
		switch show {
		case ShowStale:
			return audit.IsStale(k.UsedAt, now, days)
		case ShowNever:
			return k.NeverUsed()
		case ShowUnrestricted:
			return k.Permissions.IsUnrestricted()
		}
		return true
	}
}
