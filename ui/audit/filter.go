package audit

import (
	"github.com/amkeys/amkeys/client/audit"
)

// Show is the quick filter.
type Show int

// The quick filters, in the order f cycles through them: the keys
// screen's order (all, never used, stale, unrestricted), then the
// findings of public keys.
const (
	ShowAll Show = iota
	ShowNever
	ShowStale
	ShowUnrestricted
	ShowExpired
	ShowExpiring
	ShowRevoked
	showCount
)

var showNames = [...]string{"all", "never used", "stale", "unrestricted", "expired", "expiring", "revoked"}

// showFinding is the finding each quick filter keeps (none for all).
var showFinding = [...]audit.Finding{0, audit.FindNeverUsed, audit.FindStale, audit.FindUnrestricted,
	audit.FindExpired, audit.FindExpiring, audit.FindRevoked}

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

// clearFilters is esc: it clears the text filter first, then f and p.
func (m *Model) clearFilters() {
	if m.searching() {
		m.setSearch("")
		return
	}
	m.show, m.pod = ShowAll, nil
	m.refilter()
}

// podRef names the pod of the one-pod filter ("" id = organization keys).
type podRef struct{ id, name string }

// refilter rebuilds the rows from the keys, keeping the audit's order, in
// one pass. The cursor stays on the selected key (by id) while it is still
// listed, else goes to the top.
func (m *Model) refilter() { m.refilterOn(m.selectedID(), 0) }

// refilterOn rebuilds the rows with the cursor on the key id, or on row
// fallback when that key is not listed.
func (m *Model) refilterOn(id string, fallback int) {
	if m.res == nil {
		return
	}
	selected := m.indexOf(id)
	keep, keeps := m.keeper(), m.searchKeeps()
	rows := m.rows[:0]
	cursor := fallback
	for i := range m.res.Keys {
		if keep(&m.res.Keys[i]) && keeps(i) {
			if i == selected {
				cursor = len(rows)
			}
			rows = append(rows, int32(i))
		}
	}
	m.rows = rows
	m.table.SetRows(len(rows))
	m.table.SetCursor(cursor)
}

// indexOf finds the key id in res.Keys (-1 when absent), looking first
// where the cursor's row pointed and then up: a key only moves up, when
// keys above it are deleted. So a filter pass compares one id, not every
// key's (reading each key's id string was most of a keystroke's cost).
func (m *Model) indexOf(id string) int {
	if id == "" {
		return -1
	}
	from := len(m.res.Keys) - 1
	if c := m.table.Cursor(); c < len(m.rows) {
		from = min(int(m.rows[c]), from)
	}
	for i := from; i >= 0; i-- {
		if m.res.Keys[i].ID == id {
			return i
		}
	}
	return -1
}

// selectedID is the id of the key under the cursor, "" when none.
func (m *Model) selectedID() string {
	c := m.table.Cursor()
	if m.res == nil || c >= len(m.rows) || int(m.rows[c]) >= len(m.res.Keys) {
		return ""
	}
	return m.res.Keys[m.rows[c]].ID
}

func (m *Model) keeper() func(k *audit.Key) bool {
	want, policy, pod := showFinding[m.show], m.policy(), m.pod
	return func(k *audit.Key) bool {
		if pod != nil && k.PodID != pod.id {
			return false
		}
		return want == 0 || policy.Findings(k).Has(want)
	}
}

// policy is what the screen judges credentials by.
func (m *Model) policy() audit.Policy {
	return audit.Policy{Now: m.now, StaleDays: m.c.Settings.StaleDays, ExpiryWarnDays: m.expiryWarnDays()}
}

// expiryWarnDays is the user's expiry_warn_days, or the default when unset.
func (m *Model) expiryWarnDays() int {
	if d := m.c.Settings.ExpiryWarnDays; d > 0 {
		return d
	}
	return audit.DefaultExpiryWarnDays
}
