package ui

// Issue 12, guided rotation: R on a key, the review, the create, the
// secret screen, then the watch of both keys, against the sandbox over
// HTTP with the clock driven by the test.

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keydetail"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/rotate"
	"github.com/amkeys/amkeys/ui/secret"
	"github.com/amkeys/amkeys/ui/uitest"
)

// testClock is the time of both the sandbox and the UI, moved by the test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rotation is a sandbox with one inbox key to rotate, and a root model
// showing that inbox's keys.
type rotation struct {
	clock     *testClock
	srv       *sandbox.Running
	admin     *client.Client
	c         *common.Common
	m         *Model
	inbox     common.KeyScope
	old       client.CreatedAPIKey
	oldPerms  client.Permissions
	rotatedAs string
}

func newRotation(t *testing.T, w, h int) *rotation {
	t.Helper()
	clock := &testClock{t: uitest.Clock}
	srv, err := sandbox.Start(sandbox.Options{Seed: "empty", Now: clock.Now}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	admin := newClient(t, srv.URL, srv.AdminKey())
	ctx := context.Background()
	pod, err := admin.CreatePod(ctx, "Deploys", "deploys")
	if err != nil {
		t.Fatal(err)
	}
	in, err := admin.CreateInbox(ctx, pod.ID, client.NewInbox{Username: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	perms := client.Restricted("inbox_read", "draft_send", "api_key_read")
	old, err := admin.CreateKey(ctx, client.InboxScope(in.ID), "ci deploy", perms)
	if err != nil {
		t.Fatal(err)
	}
	c := uitest.NewCommon(t, admin)
	c.Now = clock.Now
	c.Settings.RotatePollEvery = time.Millisecond // the test reads with r; ticks are dropped
	c.Settings.OwnKeyPrefix = admin.KeyPrefix()
	r := &rotation{clock: clock, srv: srv, admin: admin, c: c, inbox: common.InboxKeys(in), old: old, oldPerms: perms,
		rotatedAs: "ci deploy (rotated 2026-11-28)"}
	r.m = New(c, nil)
	r.m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	uitest.Run(r.m, r.m.Init())
	uitest.Run(r.m, r.m.Open(keys.New(c, r.inbox)))
	return r
}

func newClient(t *testing.T, url, key string) *client.Client {
	t.Helper()
	c, err := client.New(client.Options{BaseURL: url, APIKey: key, Backoff: 10 * time.Millisecond, Timeout: uitest.Patience})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// inboxKeys lists the inbox's keys on the server.
func (r *rotation) inboxKeys(t *testing.T) []client.APIKey {
	t.Helper()
	page, err := r.admin.ListKeys(context.Background(), r.inbox.Scope, client.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return page.Keys
}

// use makes a request with a key's secret, as a deployed service would.
func (r *rotation) use(t *testing.T, secret string) {
	t.Helper()
	if _, err := newClient(t, r.srv.URL, secret).ListKeys(context.Background(), r.inbox.Scope, client.ListOptions{Limit: 1}); err != nil {
		t.Fatal(err)
	}
}

// frame is the plain frame, with the random prefixes of the two keys
// masked so that golden files stay put.
func (r *rotation) frame(prefixes ...string) string {
	f := orgID.ReplaceAllString(uitest.Plain(r.m.View()), "org ORG")
	for i, p := range prefixes {
		if p != "" {
			f = strings.ReplaceAll(f, p, "am_"+strings.Repeat(string(rune('A'+i)), len(p)-3))
		}
	}
	return f
}

// settleNoting is uitest.Settle that also returns the notices shown on
// the way (Settle lets them expire).
func settleNoting(m *Model, msg tea.Msg) []string {
	var notices []string
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		if n, ok := next.(common.NoticeMsg); ok {
			notices = append(notices, n.Text)
		}
		if _, ok := next.(noticeExpiredMsg); ok {
			continue
		}
		_, cmd := m.Update(next)
		for _, out := range uitest.Collect(cmd, uitest.Patience) {
			if _, tick := out.(noticeExpiredMsg); tick || !strings.Contains(strings.ToLower(fmt.Sprintf("%T", out)), "tick") {
				queue = append(queue, out)
			}
		}
	}
	return notices
}

var orgID = regexp.MustCompile(`org [0-9a-f-]{36}`)

var revealed = regexp.MustCompile(`secret\s+(am_\S+)`)

func TestRotationFromTheKeysScreenToTheDeletedOldKey(t *testing.T) {
	r := newRotation(t, 80, 24)
	var frames []string
	press(r.m, "R")
	review, ok := r.m.Top().(*rotate.Review)
	if !ok {
		t.Fatalf("R opened %T, want the rotation review", r.m.Top())
	}
	if review.Name() != r.rotatedAs {
		t.Errorf("replacement named %q, want %q", review.Name(), r.rotatedAs)
	}
	f := r.frame(r.old.Prefix)
	uitest.Golden(t, "rotate-review-80x24", f)
	frames = append(frames, f)
	if n := len(r.inboxKeys(t)); n != 1 {
		t.Fatalf("the review changed the server: %d keys", n)
	}

	press(r.m, "enter")
	sec, ok := r.m.Top().(*secret.Model)
	if !ok {
		t.Fatalf("after the create: %T on top, want the secret screen", r.m.Top())
	}
	frames = append(frames, r.frame())
	press(r.m, "v")
	match := revealed.FindStringSubmatch(r.frame())
	if match == nil {
		t.Fatalf("no secret after v:\n%s", r.frame())
	}
	newSecret := match[1]
	if uitest.FindString(r.m, newSecret) == "" {
		t.Fatal("FindString cannot see the secret the secret screen holds: the check below would prove nothing")
	}
	press(r.m, "v", "esc", "y") // hide, leave, "I stored it"
	if sec.Held() {
		t.Error("the secret screen still holds the secret")
	}
	watch, ok := r.m.Top().(*rotate.Watch)
	if !ok {
		t.Fatalf("after the secret screen: %T on top, want the watch", r.m.Top())
	}
	if where := uitest.FindString(r.m, newSecret); where != "" {
		t.Errorf("after leaving the secret screen the secret is still held at %s", where)
	}

	// On the server: one replacement, same scope, exactly the same
	// permissions, the rotated name.
	var created *client.APIKey
	for _, k := range r.inboxKeys(t) {
		if k.ID != r.old.ID {
			if created != nil {
				t.Fatalf("two new keys: %s and %s", created.Name, k.Name)
			}
			created = &k
		}
	}
	switch {
	case created == nil:
		t.Fatal("no replacement on the server")
	case created.Name != r.rotatedAs || created.Scope() != r.inbox.Scope || !created.Permissions.Equal(r.oldPerms):
		t.Fatalf("replacement %q in %v with %v; want %q in %v with %v", created.Name, created.Scope(), created.Permissions,
			r.rotatedAs, r.inbox.Scope, r.oldPerms)
	}
	// The keys screen below has the new key, selected.
	ks := r.m.stack[1].(*keys.Model)
	if sel, ok := ks.List().Selected(); !ok || sel.ID != created.ID {
		t.Errorf("keys screen selects %v, want the new key %s", sel, created.ID)
	}

	f = r.frame(r.old.Prefix, created.Prefix)
	uitest.Golden(t, "rotate-watch-80x24", f)
	frames = append(frames, f)
	for _, want := range []string{"not used yet", "state        never used", "the same as the old key's"} {
		if !strings.Contains(f, want) {
			t.Errorf("watch lacks %q:\n%s", want, f)
		}
	}
	// d before the new key was used warns in the dialog; esc keeps both.
	press(r.m, "d")
	if f := r.frame(); !strings.Contains(f, "The new key has not been used yet: anything still using the old key") {
		t.Errorf("d with the new key unused does not warn:\n%s", f)
	}
	press(r.m, "esc")
	if r.m.Top() != watch || len(r.inboxKeys(t)) != 2 {
		t.Fatalf("esc in the dialog left %T on top, %d keys", r.m.Top(), len(r.inboxKeys(t)))
	}

	// Ten minutes on, the old key is used, then both are read again (r).
	r.clock.Add(10 * time.Minute)
	r.use(t, r.old.Secret)
	r.clock.Add(2 * time.Minute)
	r.use(t, newSecret) // the new key works, and is seen in use
	r.clock.Add(12 * time.Minute)
	press(r.m, "r")
	if got, want := watch.Old().UsedAt, uitest.Clock.Add(10*time.Minute); !got.Equal(want) {
		t.Errorf("old key last used %v, want %v", got, want)
	}
	f = r.frame()
	frames = append(frames, f)
	for _, want := range []string{"quiet for 14m (last used 2026-11-28 12:10:00 UTC)", "in use: last used 12 min ago", "checked just now"} {
		if !strings.Contains(f, want) {
			t.Errorf("watch after r lacks %q:\n%s", want, f)
		}
	}
	// The keys screen below shows both keys as the watch read them.
	for _, want := range []client.APIKey{watch.Old(), watch.New()} {
		found := false
		for i := range ks.List().Len() {
			if k := ks.List().Item(i); k.ID == want.ID {
				found = true
				if !k.UsedAt.Equal(want.UsedAt) {
					t.Errorf("keys screen: %s last used %v, the watch read %v", k.Name, k.UsedAt, want.UsedAt)
				}
			}
		}
		if !found {
			t.Errorf("keys screen lacks %s", want.Name)
		}
	}

	// d: the old key was used within a day, so its name must be typed.
	press(r.m, "d")
	f = r.frame()
	frames = append(frames, f)
	if !strings.Contains(f, "Delete this API key?") || !strings.Contains(f, "Type the key's name") {
		t.Fatalf("d did not open the delete confirmation:\n%s", f)
	}
	press(r.m, "enter") // nothing typed: not deleted
	if len(r.inboxKeys(t)) != 2 {
		t.Fatal("deleted without the typed name")
	}
	typeText(r.m, "ci deploy")
	notices := settleNoting(r.m, tea.KeyMsg{Type: tea.KeyEnter})
	for _, k := range r.inboxKeys(t) {
		if k.ID == r.old.ID {
			t.Fatal("the old key is still on the server")
		}
	}
	if !watch.OldGone() {
		t.Error("the watch does not know the old key is gone")
	}
	f = r.frame()
	frames = append(frames, f)
	if !strings.Contains(f, "deleted") || !slices.Contains(notices, "Deleted key ci deploy") {
		t.Errorf("after the delete: notices %q, frame:\n%s", notices, f)
	}
	// The rotation is over: no more reads, and the screen says so.
	if strings.Contains(f, "r checks now") || strings.Contains(f, "every ") || !strings.Contains(f, "no more checks") {
		t.Errorf("after the delete the watch still offers checks:\n%s", f)
	}
	if _, cmd := watch.Update(uitest.Key("r")); cmd != nil {
		t.Error("r after the delete still reads the keys")
	}
	press(r.m, "esc")
	if ks.List().Len() != 1 {
		t.Errorf("the keys screen still lists %d keys", ks.List().Len())
	}
	for i, f := range frames {
		if strings.Contains(f, newSecret) || strings.Contains(f, newSecret[len(newSecret)-12:]) || strings.Contains(f, r.old.Secret) {
			t.Errorf("frame %d shows a secret:\n%s", i, f)
		}
	}
}

// lossyCreate loses the answer to the first create on the way back: the
// sandbox creates the key, then drops the connection.
type lossyCreate struct {
	*client.Client
	srv  *sandbox.Running
	lost *int
}

func (l lossyCreate) CreateKey(ctx context.Context, scope client.Scope, name string, perms client.Permissions) (client.CreatedAPIKey, error) {
	if *l.lost == 0 {
		*l.lost++
		l.srv.SetFaults(sandbox.Faults{DropRate: 1, AfterEffect: true})
		defer l.srv.SetFaults(sandbox.Faults{})
	}
	return l.Client.CreateKey(ctx, scope, name, perms)
}

func TestRotationWithALostCreateAnswerFindsTheKeyAndNeverCreatesTwo(t *testing.T) {
	r := newRotation(t, 80, 24)
	r.c.API = lossyCreate{Client: r.admin, srv: r.srv, lost: new(int)}
	press(r.m, "R")
	review := r.m.Top().(*rotate.Review)
	posts := r.srv.RequestCount("POST", "/v0/inboxes/") // the old key's
	press(r.m, "enter")
	if r.m.Top() != review {
		t.Fatalf("a lost answer left the review for %T", r.m.Top())
	}
	f := r.frame()
	for _, want := range []string{"answer to creating", "was lost", "It was created", "secret never arrived"} {
		if !strings.Contains(f, want) {
			t.Errorf("review lacks %q:\n%s", want, f)
		}
	}
	press(r.m, "enter", "y") // no second create, whatever is pressed
	keys := r.inboxKeys(t)
	named := 0
	for _, k := range keys {
		if k.Name == r.rotatedAs {
			named++
		}
	}
	if named != 1 || len(keys) != 2 {
		t.Fatalf("%d keys named %q, %d in all; want exactly one replacement", named, r.rotatedAs, len(keys))
	}
	if n := r.srv.RequestCount("POST", "/v0/inboxes/") - posts; n != 1 {
		t.Errorf("%d creates sent, want 1", n)
	}

	// d deletes the replacement nobody holds; then the rotation can run.
	press(r.m, "d")
	if f := r.frame(); !strings.Contains(f, "Nobody holds this key's secret") {
		t.Fatalf("d opened no dialog for the lost replacement:\n%s", f)
	}
	press(r.m, "y")
	if keys := r.inboxKeys(t); len(keys) != 1 || keys[0].ID != r.old.ID {
		t.Fatalf("after deleting the lost replacement: %d keys", len(keys))
	}
	press(r.m, "enter")
	if _, ok := r.m.Top().(*secret.Model); !ok {
		t.Fatalf("the second rotation ended on %T, want the secret screen", r.m.Top())
	}
	if keys := r.inboxKeys(t); len(keys) != 2 {
		t.Fatalf("after the second rotation: %d keys, want the old one and its replacement", len(keys))
	}
}

func TestRotateIsOffWhenReadOnly(t *testing.T) {
	r := newRotation(t, 80, 24)
	r.c.Settings.ReadOnly = true
	for _, steps := range [][]string{{"R"}, {"enter", "R"}} { // keys screen, key detail
		var notices []string
		for _, k := range steps {
			notices = settleNoting(r.m, uitest.Key(k))
		}
		if _, ok := r.m.Top().(*rotate.Review); ok {
			t.Fatalf("%v opened the rotation in read-only mode", steps)
		}
		if !slices.Contains(notices, common.ReadOnlyNotice) {
			t.Errorf("%v: notices %q, want the read-only notice", steps, notices)
		}
	}
	// The leak lookup asks through the root: refused there too.
	notices := settleNoting(r.m, common.RotateMsg{Scope: r.inbox, Key: r.old.APIKey})
	if _, ok := r.m.Top().(*rotate.Review); ok || !slices.Contains(notices, common.ReadOnlyNotice) {
		t.Errorf("RotateMsg in read-only mode: top %T, notices %q", r.m.Top(), notices)
	}
}

func TestRotateFromTheKeyDetail(t *testing.T) {
	r := newRotation(t, 80, 24)
	press(r.m, "enter")
	if _, ok := r.m.Top().(*keydetail.Model); !ok {
		t.Fatalf("enter opened %T", r.m.Top())
	}
	press(r.m, "R")
	review, ok := r.m.Top().(*rotate.Review)
	if !ok || review.Name() != r.rotatedAs {
		t.Fatalf("R in the key detail opened %T", r.m.Top())
	}
	press(r.m, "esc") // cancel: nothing was created
	if _, ok := r.m.Top().(*keydetail.Model); !ok || len(r.inboxKeys(t)) != 1 {
		t.Fatalf("esc left %T on top and %d keys on the server", r.m.Top(), len(r.inboxKeys(t)))
	}
}
