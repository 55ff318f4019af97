package audit

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/common"
)

// countsCmd tells the pods screen (common.AuditCountsMsg) how many keys and
// stale keys each pod read completely holds, its inboxes' included. A pod
// whose listing failed is left out: its count would be too low.
func (m *Model) countsCmd() tea.Cmd {
	if m.res == nil {
		return nil
	}
	pods := make(map[string]common.PodCount, len(m.res.Pods))
	for _, p := range m.res.Pods {
		if p.Scanned {
			pods[p.ID] = common.PodCount{}
		}
	}
	policy := m.policy()
	for i := range m.res.Keys {
		k := &m.res.Keys[i]
		n, ok := pods[k.PodID]
		if !ok || !k.IsBearer() {
			continue
		}
		n.Keys++
		if policy.Findings(k).Has(audit.FindStale) {
			n.Stale++
		}
		pods[k.PodID] = n
	}
	msg := common.AuditCountsMsg{Pods: pods, At: m.now}
	return func() tea.Msg { return msg }
}

// resultCmd hands the finished scan to the root (common.AuditResultMsg),
// which keeps it for the leak lookup.
func (m *Model) resultCmd() tea.Cmd {
	msg := common.AuditResultMsg{Result: m.res, At: m.now}
	return func() tea.Msg { return msg }
}
