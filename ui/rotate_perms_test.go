package ui

// Review findings 1, 5, 6, 7(d): a key with permissions the API no longer
// knows, a second rotation the same day, a leaked key, and leaving the
// watch, against the sandbox's demo data over HTTP.

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/rotate"
	"github.com/amkeys/amkeys/ui/secret"
	"github.com/amkeys/amkeys/ui/uitest"
)

const legacyName = "Legacy CI — do not use"

// legacyRotation is the demo organization with its keys screen open, and
// its "Legacy CI" key (message_read, thread_read, thread_delete: the API
// knows only the first).
type legacyRotation struct {
	c     *common.Common
	srv   *sandbox.Running
	admin *client.Client
	m     *Model
	old   client.APIKey
}

func newLegacyRotation(t *testing.T, w, h int) *legacyRotation {
	t.Helper()
	c, srv := uitest.SandboxCommon(t, "demo")
	r := &legacyRotation{c: c, srv: srv, admin: newClient(t, srv.URL, srv.AdminKey())}
	r.m = New(c, nil)
	r.m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	uitest.Run(r.m, r.m.Init())
	uitest.Run(r.m, r.m.Open(keys.New(c, common.OrganizationKeys())))
	for _, k := range r.orgKeys(t) {
		if k.Name == legacyName {
			r.old = k
		}
	}
	if r.old.ID == "" || len(r.old.Permissions.Names()) != 3 {
		t.Fatalf("the demo data has no %q with three permissions: %+v", legacyName, r.old)
	}
	return r
}

func (r *legacyRotation) orgKeys(t *testing.T) []client.APIKey {
	t.Helper()
	var out []client.APIKey
	err := r.admin.EachKey(context.Background(), client.OrganizationScope(), client.ListOptions{Limit: 100}, func(p client.KeyPage) error {
		out = append(out, p.Keys...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (r *legacyRotation) named(t *testing.T, name string) []client.APIKey {
	var out []client.APIKey
	for _, k := range r.orgKeys(t) {
		if k.Name == name {
			out = append(out, k)
		}
	}
	return out
}

func (r *legacyRotation) rotate(leaked bool) {
	uitest.Settle(r.m, common.RotateMsg{Scope: common.OrganizationKeys(), Key: r.old, Leaked: leaked})
}

func (r *legacyRotation) frame() string { return uitest.Plain(r.m.View()) }

func mustShow(t *testing.T, frame string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(frame, w) {
			t.Errorf("%q is not on screen:\n%s", w, frame)
		}
	}
}

func TestRotationNamesThePermissionsTheReplacementCannotGet(t *testing.T) {
	r := newLegacyRotation(t, 120, 35)
	r.rotate(false)
	f := r.frame()
	mustShow(t, f, "The API does not know thread_read, thread_delete: the replacement cannot get them.", "1 of 36, not the old key's 1 of 36 +2")
	if strings.Contains(f, "exactly the same") {
		t.Errorf("the review promises exactly the same permissions:\n%s", f)
	}

	press(r.m, "enter") // accepted: the replacement gets message_read only
	if _, ok := r.m.Top().(*secret.Model); !ok {
		t.Fatalf("after the create: %T on top", r.m.Top())
	}
	mustShow(t, r.frame(), "The replacement lacks thread_read, thread_delete")
	press(r.m, "esc")
	mustShow(t, r.frame(), "rotate the old one again")
	press(r.m, "y")
	watch, ok := r.m.Top().(*rotate.Watch)
	if !ok {
		t.Fatalf("after the secret screen: %T on top", r.m.Top())
	}
	mustShow(t, r.frame(), "The new key lacks thread_read, thread_delete")
	press(r.m, "d")
	mustShow(t, r.frame(), "Delete this API key?", "The new key lacks thread_read, thread_delete", "has not been used yet")
	press(r.m, "esc")

	made := r.named(t, legacyName+" (rotated 2026-11-28)")
	if len(made) != 1 || !made[0].Permissions.Equal(client.Restricted("message_read")) || made[0].ID != watch.New().ID {
		t.Fatalf("on the server: %+v", made)
	}

	// esc leaves the watch, saying both keys keep working; R again says a
	// replacement from today exists.
	notices := settleNoting(r.m, tea.KeyMsg{Type: tea.KeyEsc})
	if r.m.Top() == watch || len(notices) == 0 || !strings.Contains(notices[0], "both keys keep working") {
		t.Errorf("esc on the watch: top %T, notices %q", r.m.Top(), notices)
	}
	r.rotate(false)
	mustShow(t, r.frame(), "A replacement made today already exists: "+keys.MaskPrefix(made[0].Prefix))
}

// A server that grants less than the review said (here: a name the API
// knows) gets its replacement deleted again before the secret shows.
func TestRotationDeletesAReplacementGrantedLessThanReviewed(t *testing.T) {
	r := newLegacyRotation(t, 120, 35)
	r.c.API = stingyCreate{API: r.c.API}
	r.rotate(false)
	press(r.m, "enter")
	if _, ok := r.m.Top().(*rotate.Review); !ok {
		t.Fatalf("after a short grant: %T on top, want the review", r.m.Top())
	}
	mustShow(t, r.frame(), "did not grant the replacement message_read", "so amkeys deleted it", "The old key is untouched")
	if made := r.named(t, legacyName+" (rotated 2026-11-28)"); len(made) != 0 {
		t.Errorf("the short replacement is still on the server: %+v", made)
	}
	if len(r.named(t, legacyName)) != 1 {
		t.Error("the old key is gone")
	}
}

// stingyCreate creates keys without the permissions asked for, as a
// server that drops names would.
type stingyCreate struct{ common.API }

func (s stingyCreate) CreateKey(ctx context.Context, scope client.Scope, name string, perms client.Permissions) (client.CreatedAPIKey, error) {
	return s.API.CreateKey(ctx, scope, name, client.Restricted("inbox_read"))
}

func TestRotationOfALeakedKeySaysNotToWait(t *testing.T) {
	r := newLegacyRotation(t, 120, 35)
	r.rotate(true)
	mustShow(t, r.frame(), "The old key is leaked: delete it as soon as the new key is deployed; do not wait for it to go quiet")
	press(r.m, "enter", "esc", "y")
	mustShow(t, r.frame(), "The old key is leaked: delete it (d) as soon as the new key is deployed")
	if strings.Contains(r.frame(), "when it has been quiet") {
		t.Errorf("the watch of a leaked key says to wait:\n%s", r.frame())
	}
}

// q and ctrl+c on the watch ask while the old key exists; "Stay" stays.
func TestQuittingTheWatchAsks(t *testing.T) {
	r := newLegacyRotation(t, 120, 35)
	r.rotate(false)
	press(r.m, "enter", "esc", "y")
	watch := r.m.Top().(*rotate.Watch)
	for _, k := range []string{"q", "ctrl+c"} {
		_, cmd := r.m.Update(uitest.Key(k))
		if cmd != nil {
			if _, quit := cmd().(common.QuitMsg); quit {
				t.Fatalf("%s quit without asking", k)
			}
		}
		mustShow(t, r.frame(), "The rotation watch ends; both keys keep working")
		press(r.m, "n")
		if r.m.Top() != watch || strings.Contains(r.frame(), "The rotation watch ends") {
			t.Fatalf("after n: %T on top:\n%s", r.m.Top(), r.frame())
		}
	}
}
