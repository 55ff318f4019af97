package inboxes_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui"
	"github.com/amkeys/amkeys/ui/uitest"
)

// These flows run the whole dashboard on a teatest terminal against the
// fake API (the sandbox serves no inboxes yet); every step is a key and
// every check is on the screen or on the fake's state afterwards.

type app struct {
	t  *testing.T
	tm *teatest.TestModel
}

func startApp(t *testing.T, api *uitest.FakeAPI) *app {
	t.Helper()
	c := uitest.NewCommon(t, api)
	ctx, cancel := context.WithCancel(c.Ctx)
	c.Ctx = ctx
	a := &app{t: t, tm: teatest.NewTestModel(t, ui.New(c, cancel), teatest.WithInitialTermSize(120, 35))}
	t.Cleanup(func() { a.tm.Quit() })
	return a
}

// waitFor waits until the output since the last wait holds every string.
func (a *app) waitFor(wants ...string) {
	a.t.Helper()
	teatest.WaitFor(a.t, a.tm.Output(), func(b []byte) bool {
		for _, w := range wants {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func (a *app) keys(keys ...string) {
	for _, k := range keys {
		a.tm.Send(uitest.Key(k))
	}
}

// quit with ctrl+c, which quits from any screen without a secret.
func (a *app) quit() {
	a.keys("ctrl+c")
	a.tm.WaitFinished(a.t, teatest.WithFinalTimeout(10*time.Second))
}

func findKey(keys []client.APIKey, name string) *client.APIKey {
	for i := range keys {
		if keys[i].Name == name {
			return &keys[i]
		}
	}
	return nil
}

func TestFlowPodInboxKeysCreateAndDelete(t *testing.T) {
	api := uitest.NewScopesFake()
	a := startApp(t, api)
	a.waitFor("Acme Support", "2 pods")
	a.keys("enter")
	a.waitFor("[1:keys]", "2:inboxes", "12 keys")
	a.keys("2")
	a.waitFor("[2:inboxes]", uitest.SupportInbox, uitest.BillingInbox)
	a.keys("enter") // the newest inbox: support
	a.waitFor("pods › Acme Support › "+uitest.SupportInbox, "support-archiver", "2 keys")

	a.keys("n")
	a.waitFor("New API key in inbox " + uitest.SupportInbox)
	a.tm.Type("flow-inbox-key")
	a.keys("tab", "R", "ctrl+s")
	a.waitFor("Create this API key?", "inbox", "restricted: 13 of 36")
	a.keys("y")
	a.waitFor("Key created.", "••••••••", uitest.SupportInbox)

	k := findKey(api.KeysOf(client.InboxScope(uitest.SupportInbox)), "flow-inbox-key")
	if k == nil {
		t.Fatal("the key was not created in the inbox")
	}
	if k.Scope() != client.InboxScope(uitest.SupportInbox) || findKey(api.KeysOf(client.PodScope(uitest.ScopesPodID)), "flow-inbox-key") != nil {
		t.Fatalf("the created key's scope is %v, want the inbox", k.Scope())
	}

	a.keys("esc")
	a.waitFor("Have you stored the secret?")
	a.keys("y")
	a.waitFor("flow-inbox-key", "3 keys")

	// Delete the never-used key at the bottom: no typed name needed.
	a.keys("G", "d")
	a.waitFor("Delete this API key?", "support-archiver", "inbox "+uitest.SupportInbox)
	a.keys("y")
	a.waitFor("Deleted key support-archiver", "2 keys")
	if findKey(api.KeysOf(client.InboxScope(uitest.SupportInbox)), "support-archiver") != nil {
		t.Fatal("the inbox key is still on the server")
	}
	a.quit()
}

func TestFlowOrganizationKeyFromTheFirstScreen(t *testing.T) {
	api := uitest.NewScopesFake()
	a := startApp(t, api)
	a.waitFor("2 pods", "org "+uitest.ScopesOrgID)
	a.keys("2")
	a.waitFor("[2:organization keys]", "org-provisioner", "3 keys")
	a.keys("n")
	a.waitFor("New API key in the organization")
	a.tm.Type("org-flow")
	a.keys("tab", "R", "ctrl+s")
	a.waitFor("Create this API key?", "organization (every pod and inbox)")
	a.keys("y")
	a.waitFor("Key created.", "••••••••")
	k := findKey(api.KeysOf(client.OrganizationScope()), "org-flow")
	if k == nil || !k.Scope().IsOrganization() {
		t.Fatalf("organization keys after the create: %v", api.KeysOf(client.OrganizationScope()))
	}
	a.keys("esc", "y")
	a.waitFor("org-flow", "4 keys")
	a.keys("1")
	a.waitFor("[1:pods]", "Acme Support")
	a.quit()
}

func TestFlowInboxDeleteThenPodDelete(t *testing.T) {
	api := uitest.NewScopesFake()
	a := startApp(t, api)
	a.waitFor("2 pods")

	// The pod still has inboxes: the server refuses and the UI says why.
	a.keys("d")
	a.waitFor("Delete this pod and all of its API keys?", "inboxes or domains cannot be deleted")
	a.tm.Type("Acme Support")
	a.keys("enter")
	a.waitFor("this pod still has 2 inboxes; delete them first", "cannot_delete", "fix: Delete the pod's inboxes")
	if len(api.InboxesOf(uitest.ScopesPodID)) != 2 {
		t.Fatal("a refused pod delete changed the inboxes")
	}

	a.keys("enter") // the next key also dismisses the error line
	a.waitFor("[1:keys]")
	a.keys("2")
	a.waitFor(uitest.SupportInbox)
	a.keys("d")
	a.waitFor("Delete this inbox and all of its API keys?", "Type the inbox's address")
	a.tm.Type("billing")
	a.keys("enter") // not this inbox's address: nothing is deleted
	a.waitFor("> billing")
	if len(api.InboxesOf(uitest.ScopesPodID)) != 2 {
		t.Fatal("a wrong address deleted an inbox")
	}
	for range len("billing") {
		a.keys("backspace")
	}
	a.tm.Type(uitest.SupportInbox)
	a.keys("enter")
	a.waitFor("Deleted inbox "+uitest.SupportInbox+" and its keys", "1 inbox")
	if len(api.InboxesOf(uitest.ScopesPodID)) != 1 || len(api.KeysOf(client.InboxScope(uitest.SupportInbox))) != 0 {
		t.Fatalf("after the delete: inboxes %v, inbox keys %v", api.InboxesOf(uitest.ScopesPodID), api.KeysOf(client.InboxScope(uitest.SupportInbox)))
	}
	a.keys("d")
	a.waitFor("Type the inbox's address")
	a.tm.Type(uitest.BillingInbox)
	a.keys("enter")
	a.waitFor("Deleted inbox "+uitest.BillingInbox, "no inboxes yet in this pod")

	a.keys("esc", "d")
	a.waitFor("Delete this pod")
	a.tm.Type("Acme Support")
	a.keys("enter")
	a.waitFor("Deleted pod Acme Support", "1 pod")
	a.quit()
}

func TestFlowCreateInbox(t *testing.T) {
	api := uitest.NewScopesFake()
	a := startApp(t, api)
	a.waitFor("2 pods")
	a.keys("j", "enter")
	a.waitFor("[1:keys]")
	a.keys("2")
	a.waitFor("no inboxes yet in this pod: n creates one")
	a.keys("n")
	a.waitFor("New inbox in pod Empty Pod")
	a.tm.Type("sales")
	a.keys("tab")
	a.tm.Type("acme.example")
	a.keys("tab")
	a.tm.Type("Acme Sales")
	a.keys("enter")
	a.waitFor("Created inbox sales@acme.example", "Acme Sales", "1 inbox")
	a.keys("enter")
	a.waitFor("pods › Empty Pod › sales@acme.example")
	a.keys("n")
	a.waitFor("New API key in inbox sales@acme.example")
	got := api.InboxesOf(uitest.ScopesEmptyPodID)
	if len(got) != 1 || got[0].Email != "sales@acme.example" || got[0].DisplayName != "Acme Sales" {
		t.Fatalf("the pod's inboxes: %+v", got)
	}
	a.quit()
}
