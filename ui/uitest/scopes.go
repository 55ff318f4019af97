package uitest

import (
	"time"

	"github.com/amkeys/amkeys/client"
)

// Names in the scopes fixture.
const (
	ScopesOrgID      = "org_2f9c41d7"
	ScopesPodID      = "pod-acme"
	ScopesEmptyPodID = "pod-empty"
	SupportInbox     = "support@acme.example"
	BillingInbox     = "billing@acme.example"
)

// NewScopesFake is an organization with keys at every scope: three
// organization keys; pod Acme Support with 12 keys and two inboxes, the
// first with two keys of its own; and an empty pod (no keys, no inboxes).
// The organization is readable (Org is set).
func NewScopesFake() *FakeAPI {
	acme := client.Pod{ID: ScopesPodID, Name: "Acme Support", ClientID: "acme-support", CreatedAt: Clock.AddDate(-1, 0, 0), UpdatedAt: Clock.AddDate(0, -1, 0)}
	empty := client.Pod{ID: ScopesEmptyPodID, Name: "Empty Pod", ClientID: "empty", CreatedAt: Clock.AddDate(0, -2, 0), UpdatedAt: Clock.AddDate(0, -2, 0)}
	f := &FakeAPI{
		Pods: []client.Pod{acme, empty},
		Keys: map[string][]client.APIKey{ScopesPodID: GenerateKeys(ScopesPodID, 12), ScopesEmptyPodID: {}},
		Org:  &client.Organization{ID: ScopesOrgID, InboxCount: 2, CreatedAt: Clock.AddDate(-2, 0, 0)},
	}
	org := GenerateKeys("", 3)
	for i := range org {
		org[i].Name = []string{"org-admin", "org-audit-reader", "org-provisioner"}[i]
	}
	f.Keys[""] = org
	f.AddInbox(ScopesPodID, BillingInbox, "Acme Billing")
	f.AddInbox(ScopesPodID, SupportInbox, "Acme Support Desk")
	f.Keys[SupportInbox] = []client.APIKey{
		{ID: "inbox-key-2", Prefix: "am_SuP2", Name: "support-bot", PodID: ScopesPodID, InboxID: SupportInbox,
			CreatedAt: Clock.Add(-48 * time.Hour), UsedAt: Clock.Add(-3 * time.Hour), Permissions: client.Restricted("inbox_read", "message_read", "message_send")},
		{ID: "inbox-key-1", Prefix: "am_SuP1", Name: "support-archiver", PodID: ScopesPodID, InboxID: SupportInbox,
			CreatedAt: Clock.Add(-30 * 24 * time.Hour)},
	}
	return f
}
