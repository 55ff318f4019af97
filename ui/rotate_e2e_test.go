package ui

import (
	"context"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/rotate"
	"github.com/amkeys/amkeys/ui/uitest"
)

// TestEndToEndRotation drives the real program against the demo sandbox:
// the organization's keys, R, the review, the secret screen, the watch.
func TestEndToEndRotation(t *testing.T) {
	c, srv := uitest.SandboxCommon(t, "demo")
	ctx, cancel := context.WithCancel(c.Ctx)
	c.Ctx = ctx
	tm := teatest.NewTestModel(t, New(c, cancel), teatest.WithInitialTermSize(120, 35))

	waitFor(t, tm, "30 pods")
	tm.Type("2")
	waitFor(t, tm, "stale after")
	tm.Type("R")
	waitFor(t, tm, "enter/y creates the replacement")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "This is the only time its secret is shown")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	waitFor(t, tm, "Have you stored the secret?")
	tm.Type("y")
	waitFor(t, tm, "r checks now")
	tm.Type("q") // asks: the watch ends with amkeys
	waitFor(t, tm, "The rotation watch ends; both keys keep working")
	tm.Type("y")
	tm.WaitFinished(t, teatest.WithFinalTimeout(uitest.Patience))

	final := tm.FinalModel(t).(*Model)
	if _, ok := final.Top().(*rotate.Watch); !ok {
		t.Fatalf("ended on %T, want the watch", final.Top())
	}
	watch := final.Top().(*rotate.Watch)
	old, made := watch.Old(), watch.New()
	if made.Name != old.Name+" (rotated 2026-11-28)" {
		t.Errorf("replacement %q for %q", made.Name, old.Name)
	}
	api, err := client.New(client.Options{BaseURL: srv.URL, APIKey: srv.AdminKey(), Timeout: uitest.Patience})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	err = api.EachKey(context.Background(), client.OrganizationScope(), client.ListOptions{Limit: 100}, func(p client.KeyPage) error {
		for _, k := range p.Keys {
			if k.ID == made.ID {
				found = k.Name == made.Name && k.Permissions.Equal(old.Permissions) && k.Scope().IsOrganization()
			}
		}
		return nil
	})
	if err != nil || !found {
		t.Fatalf("the replacement %s is not on the server as planned (err %v)", made.ID, err)
	}
}
