package ui

import (
	"testing"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/createinbox"
	"github.com/amkeys/amkeys/ui/createkey"
	"github.com/amkeys/amkeys/ui/inboxes"
	"github.com/amkeys/amkeys/ui/keydetail"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/placeholder"
	"github.com/amkeys/amkeys/ui/pods"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/secret"
	"github.com/amkeys/amkeys/ui/uitest"
)

// The hostile corpus as an inbox's address (its id too), its display name
// and client id, the name of its key, the pod's name and the
// organization's id, on every screen of the scopes: the tab bars, the
// inboxes list and its empty state, the inbox and pod delete dialogs, the
// pod delete refusal, an inbox's keys, the key detail, the create form,
// its summary, the secret, the delete key dialog and notice, the new inbox
// form, organization keys and the AgentID tab. The fake API serves it (the
// sandbox has no inboxes yet); every frame is checked as in
// hostile_test.go.
var hostileScopeScreens = []string{"tab bars", "inboxes", "inbox delete dialog", "pod delete dialog",
	"pod delete refusal", "inbox keys", "key detail", "new key form", "create summary", "secret",
	"delete key dialog", "notice line", "new inbox form", "organization keys", "AgentID tab", "status line and breadcrumb"}

func TestHostileScopesOnEveryScreen(t *testing.T) {
	frames := 0
	for _, hc := range hostileCases(t) {
		frames += walkScopes(t, hc)
	}
	t.Logf("%d cases x 7 fields x %d screens; %d frames checked", len(hostileCases(t)), len(hostileScopeScreens), frames)
}

func walkScopes(t *testing.T, hc sanitize.HostileCase) int {
	api := uitest.NewScopesFake()
	api.Pods[0].Name = hc.Text
	api.Org.ID = hc.Text
	// The id as the client will see it after JSON, so that the fake finds
	// the inbox again by it (a real server answers 404 otherwise).
	in := api.AddInbox(uitest.ScopesPodID, uitest.Wire(hc.Text), hc.Text)
	api.Inboxes[uitest.ScopesPodID][0].ClientID = hc.Text
	api.Keys[in.ID] = []client.APIKey{{ID: "hostile-key", Prefix: "am_h", Name: hc.Text, PodID: uitest.ScopesPodID, InboxID: in.ID,
		CreatedAt: uitest.Clock.AddDate(0, 0, -9)}}
	c := uitest.NewCommon(t, api)
	a := newHostileApp(t, c, hc)

	on[*pods.Model](a, "start")
	a.press("d")               // the pod delete dialog, then the refusal: it has inboxes
	typeable := api.Pods[0].ID // what the dialog asks for: the name as listed, if it can be typed
	if name := uitest.Wire(hc.Text); confirm.Typeable(name) {
		typeable = name
	}
	for _, r := range typeable {
		a.press(string(r))
	}
	a.press("enter")
	if a.root.err == nil {
		t.Fatalf("%s: the refused pod delete showed no error", hc.Name)
	}
	a.shows("this pod still has 3 inboxes")

	a.press("enter")
	on[*keys.Model](a, "open pod")
	a.press("2")
	ib := on[*inboxes.Model](a, "inboxes")
	if ib.List().Len() != 3 {
		t.Fatalf("%s: %d inboxes, want 3", hc.Name, ib.List().Len())
	}
	a.press("?")
	a.press("esc", "d") // the inbox delete dialog
	a.press("esc", "n")
	on[*createinbox.Model](a, "new inbox")
	a.press("esc")

	a.press("enter")
	if in.ID == "" { // an inbox without an id cannot be opened
		if a.root.err == nil {
			t.Fatalf("%s: opening an inbox without an id showed no error", hc.Name)
		}
		a.press("ctrl+c")
		return a.frames
	}
	k := on[*keys.Model](a, "inbox keys")
	if k.List().Len() != 1 {
		t.Fatalf("%s: %d inbox keys, want 1", hc.Name, k.List().Len())
	}
	a.press("enter")
	on[*keydetail.Model](a, "key detail")
	a.press("esc", "n")
	on[*createkey.Model](a, "new key")
	a.press("p", "r", "o", "b", "e", "tab", "R", "ctrl+s") // the summary
	a.press("y")
	on[*secret.Model](a, "created")
	a.press("v", "v", "esc")
	a.press("y")
	a.press("j", "d") // the planted key: never used, no typed name
	a.press("y")      // deleted: the notice names it
	if k.List().Len() != 1 || a.root.notice == "" {
		t.Fatalf("%s: after the delete %d keys, notice %q", hc.Name, k.List().Len(), a.root.notice)
	}
	a.press("esc", "esc", "2")
	on[*keys.Model](a, "organization keys")
	a.press("3")
	on[*placeholder.Model](a, "AgentID")
	a.press("ctrl+c")
	return a.frames
}
