package audit

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"go.uber.org/goleak"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/uitest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// finish feeds the screen the messages of cmd until the scan is over, as
// the Bubble Tea loop would.
func finish(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	for i := 0; cmd != nil; i++ {
		if i > 100_000 {
			t.Fatal("the scan never ended")
		}
		_, cmd = m.Update(cmd())
	}
}

// fakeOrg is three pods of generated keys and one pod without keys, the
// first pod with two inboxes (one holding three keys), and four public-key
// credentials: revoked, expired, expiring in 3 days, without expiry. The
// fake has no organization keys, so the screen notes them as not listed.
func fakeOrg() *fakeCredentials {
	api := &fakeCredentials{FakeAPI: &uitest.FakeAPI{Keys: map[string][]client.APIKey{}}, inboxes: map[string][]client.Inbox{}}
	for i, n := range []int{40, 0, 12, 25} {
		id := string(rune('a'+i)) + "-pod"
		api.Pods = append(api.Pods, client.Pod{ID: id, Name: []string{"Acme Support", "Initech Sandbox", "Globex", "Umbrella"}[i]})
		api.Keys[id] = uitest.GenerateKeys(id, n)
	}
	const support, billing = "support@acme.agentmail.to", "billing@acme.agentmail.to"
	api.inboxes["a-pod"] = []client.Inbox{{ID: support, PodID: "a-pod"}, {ID: billing, PodID: "a-pod"}}
	api.Keys[support] = uitest.GenerateKeys("", 3) // the inbox listing names neither pod nor inbox
	api.Keys[billing] = nil
	day := 24 * time.Hour
	cred := func(id, name string, scope client.CredentialScope, expires, revoked time.Time) client.PublicKeyCredential {
		return client.PublicKeyCredential{ID: id, Type: "public_key", Name: name, Scope: scope, CreatedAt: uitest.Clock.Add(-30 * day),
			PublicKey: client.PublicKeyMaterial{Fingerprint: "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"}, ExpiresAt: expires, RevokedAt: revoked}
	}
	api.creds = []client.PublicKeyCredential{
		cred("pk-1", "Old laptop (lost)", client.CredentialScope{Type: client.ScopeOrganization}, time.Time{}, uitest.Clock.Add(-40*day)),
		cred("pk-2", "Trial agent", client.CredentialScope{Type: client.ScopeInbox, ID: support}, uitest.Clock.Add(-2*day), time.Time{}),
		cred("pk-3", "Deploy agent", client.CredentialScope{Type: client.ScopePod, ID: "c-pod"}, uitest.Clock.Add(3*day), time.Time{}),
		cred("pk-4", "Ops signer", client.CredentialScope{Type: client.ScopeOrganization}, time.Time{}, time.Time{}),
	}
	return api
}

// fakeCredentials adds inboxes and public-key credentials to the fake API.
type fakeCredentials struct {
	*uitest.FakeAPI
	inboxes map[string][]client.Inbox // by pod id
	creds   []client.PublicKeyCredential
}

func (f *fakeCredentials) ListInboxes(_ context.Context, scope client.Scope, _ client.ListOptions) (client.InboxPage, error) {
	return client.InboxPage{Inboxes: f.inboxes[scope.ID]}, nil
}

func (f *fakeCredentials) ListPublicKeys(context.Context, client.ListOptions) (client.PublicKeyPage, error) {
	return client.PublicKeyPage{Credentials: f.creds}, nil
}

func newScreen(t testing.TB, api common.API, w, h int) *Model {
	c := uitest.NewCommon(t, api)
	m := New(c)
	m.SetSize(w, h)
	return m
}

func TestProgressGolden(t *testing.T) {
	m := newScreen(t, fakeOrg(), 100, 12)
	m.progress = audit.Progress{PodsKnown: 400, PodsScanned: 150, KeysFound: 734, InboxesFound: 37, InFlight: 8, Errors: 1}
	uitest.Golden(t, "progress", m.View())
	m.progress.ListingDone, m.progress.PausedUntil = true, uitest.Clock
	uitest.Golden(t, "progress-paused", m.View())
}

func TestChartAndTableGolden(t *testing.T) {
	m := newScreen(t, fakeOrg(), 110, 30)
	finish(t, m, m.Init())
	if m.Scanning() || m.Result() == nil || len(m.Result().Keys) != 77+3+4 {
		t.Fatalf("scan did not finish with 77 pod keys, 3 inbox keys and 4 public keys")
	}
	for _, k := range m.Result().Keys {
		if k.InboxID == "support@acme.agentmail.to" && (k.PodID != "a-pod" || k.PodName != "Acme Support") {
			t.Errorf("%s %q of the support inbox attributed to pod %q", k.Kind, k.Name, k.PodID)
		}
	}
	uitest.Golden(t, "chart", m.View())
	m.Update(uitest.Key("G")) // the end: the least stale keys, then the public keys
	uitest.Golden(t, "table-end", m.View())
	m.Update(uitest.Key("g"))
	m.SetSize(110, 16) // too short for the chart: it folds into one line
	uitest.Golden(t, "chart-compact", m.View())
}

func TestFilters(t *testing.T) {
	m := newScreen(t, fakeOrg(), 110, 30)
	finish(t, m, m.Init())
	res, now := m.Result(), uitest.Clock
	count := func(keep func(k audit.Key) bool) int {
		n := 0
		for _, k := range res.Keys {
			if keep(k) {
				n++
			}
		}
		return n
	}
	bearer := func(k audit.Key) bool { return k.Kind == audit.Bearer }
	want := []int{
		len(res.Keys),
		count(func(k audit.Key) bool { return bearer(k) && k.NeverUsed() }),
		count(func(k audit.Key) bool { return bearer(k) && audit.IsStale(k.UsedAt, now, 90) }),
		count(func(k audit.Key) bool { return bearer(k) && k.Permissions.IsUnrestricted() }),
		1, // the credential expired 2 days ago
		1, // the one expiring in 3 days
		1, // the revoked one
	}
	for i, w := range want {
		if len(m.rows) != w || w == 0 {
			t.Errorf("show %s: %d rows, want %d (non-zero)", showNames[i], len(m.rows), w)
		}
		m.Update(uitest.Key("f"))
	}
	if m.show != ShowAll {
		t.Fatal("f did not cycle back to all")
	}
	m.Update(uitest.Key("j"))
	pod := m.key(m.table.Cursor()).PodID
	m.Update(uitest.Key("p"))
	if n := count(func(k audit.Key) bool { return k.PodID == pod }); len(m.rows) != n || n == len(res.Keys) {
		t.Errorf("this pod: %d rows, want %d", len(m.rows), n)
	}
	if !strings.Contains(uitest.Plain(m.View()), "pod: "+m.pods[pod].Name) {
		t.Error("the filter line does not name the pod")
	}
	m.Update(uitest.Key("p"))
	if len(m.rows) != len(res.Keys) {
		t.Error("p again did not lift the pod filter")
	}
}

// A pod that always answers 500 is listed as failed; the rest is shown;
// R retries only it once the fault is gone.
func TestFailedPodAndRetry(t *testing.T) {
	c, srv := uitest.SandboxCommon(t, "empty")
	good, bad := srv.AddPod("Good pod", "good"), srv.AddPod("Bad pod", "bad")
	srv.AddKey(good.ID, "g1", client.Restricted("inbox_read"), time.Time{})
	srv.AddKey(bad.ID, "b1", client.Restricted("inbox_read"), time.Time{})
	srv.FailPod(bad.ID, 500)
	m := New(c)
	m.SetSize(110, 30)
	finish(t, m, m.Init())
	frame := uitest.Plain(m.View())
	if !strings.Contains(frame, "1 listing failed") || !strings.Contains(frame, "✗ Bad pod: 500") || len(m.rows) != 2 {
		t.Fatalf("failure not shown (rows %d):\n%s", len(m.rows), frame)
	}
	if !m.retryBinding().Enabled() {
		t.Error("R is not offered")
	}
	srv.FailPod(bad.ID, 0)
	before := srv.RequestCount("", "/")
	_, cmd := m.Update(uitest.Key("R"))
	if !m.Scanning() || !strings.Contains(m.View(), "Retrying the listings that failed") {
		t.Error("R did not start a retry")
	}
	finish(t, m, cmd)
	if !m.Result().Complete() || len(m.rows) != 3 || strings.Contains(uitest.Plain(m.View()), "failed") {
		t.Errorf("after retry: complete=%v rows=%d", m.Result().Complete(), len(m.rows))
	}
	if n := srv.RequestCount("", "/") - before; n != 2 {
		t.Errorf("retry made %d requests, want 2 (the pod's keys and its inboxes)", n)
	}
	if m.retryBinding().Enabled() {
		t.Error("R still offered after a complete retry")
	}
}

// Esc reaches the screen as the root's GuardQuit: the scan stops.
func TestGuardQuitCancelsTheScan(t *testing.T) {
	c, srv := uitest.SandboxCommon(t, "demo")
	// A latency no test outlives: only the cancel can end the scan.
	srv.SetFaults(sandbox.Faults{Latency: time.Hour})
	m := New(c)
	m.SetSize(100, 30)
	m.Init()
	scan := m.scan
	if m.GuardQuit() {
		t.Error("the audit must never hold a quit back")
	}
	select {
	case <-scan.Done():
	case <-time.After(uitest.Patience):
		t.Fatal("the scan kept running after the screen closed")
	}
	if !scan.Result().Cancelled || m.Scanning() {
		t.Error("scan not cancelled")
	}
}

// Enter opens the key's pod with the cursor on it, even when the key is
// pages deep; a delete there drops it from the audit.
func TestOpenFocusesTheKeyAndDeleteDropsIt(t *testing.T) {
	c, srv := uitest.SandboxCommon(t, "empty")
	c.Settings.PageSize = 10
	pod := srv.AddPod("Deep pod", "deep")
	var oldest string
	for i := range 35 {
		k := srv.AddKey(pod.ID, "key "+string(rune('A'+i)), client.Restricted("inbox_read"), uitest.Clock.Add(-time.Duration(35-i)*time.Hour))
		if i == 0 {
			oldest = k.ID
		}
	}
	m := New(c)
	m.SetSize(110, 30)
	finish(t, m, m.Init())
	if m.key(0).ID != oldest {
		t.Fatalf("stalest first: top is %q", m.key(0).Name)
	}
	m.Update(uitest.Key("enter"))
	nav := c.TakeNav()
	if len(nav) != 1 || nav[0].Kind != common.NavPush {
		t.Fatalf("enter did not open a screen: %v", nav)
	}
	ks := nav[0].Screen.(*keys.Model)
	ks.SetSize(110, 30)
	uitest.Run(screenModel{ks}, ks.Init())
	sel, ok := ks.List().Selected()
	if !ok || sel.ID != oldest || ks.List().Len() != 35 {
		t.Fatalf("cursor on %v after loading %d keys, want the oldest (created first, so on the last page)", sel, ks.List().Len())
	}
	// Delete it there (a key never used recently needs no typing).
	ks.Update(uitest.Key("d"))
	_, cmd := ks.Update(uitest.Key("y"))
	var counts tea.Cmd
	for _, msg := range uitest.Collect(cmd, uitest.Patience) {
		if _, c := m.Update(msg); c != nil {
			counts = c
		}
	}
	if n := countsOf(t, counts).Pods[pod.ID].Keys; n != 34 {
		t.Errorf("after the delete the pods are told %d keys, want 34 (35 made, 1 deleted)", n)
	}
	if len(m.rows) != 35 || m.sum.Keys != 35 {
		t.Errorf("after the delete the audit shows %d rows (%d keys), want 35", len(m.rows), m.sum.Keys)
	}
	for i := range m.rows {
		if m.key(i).ID == oldest {
			t.Fatal("the deleted key is still listed")
		}
	}
}

// screenModel adapts a screen to uitest's tea.Model shape.
type screenModel struct{ s common.Screen }

func (a screenModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := a.s.Update(msg)
	return a, cmd
}

func (a screenModel) View() string { return a.s.View() }

func (a screenModel) Init() tea.Cmd { return nil }

func TestHostileNamesAreInert(t *testing.T) {
	c, srv := uitest.SandboxCommon(t, "hostile")
	srv.FailPod(srv.AddPod("\x1b]0;evil\x07pod", "evil").ID, 500) // a failure line too
	m := New(c)
	m.SetSize(120, 40)
	finish(t, m, m.Init())
	frames := []string{m.View()}
	m.Update(uitest.Key("G")) // the other end of the table
	frames = append(frames, m.View())
	if !strings.Contains(frames[0], "␛") {
		t.Fatal("the hostile names should show as visible placeholders")
	}
	for _, frame := range frames {
		for _, l := range strings.Split(frame, "\n") {
			if sanitize.HasControl(l) {
				t.Fatalf("frame line holds control characters: %q", l)
			}
		}
		if strings.ContainsAny(frame, "\x1b\u009b\u009d\r\a") {
			t.Fatal("frame holds ESC, C1, CR or BEL")
		}
	}
}

// A scan that stopped (the timeout, the rate-limit budget) and items that
// could not be read are said above the table, inert.
func TestStoppedAndUnreadableAreShown(t *testing.T) {
	m := newScreen(t, fakeOrg(), 110, 30)
	pod := client.Pod{ID: "a-pod", Name: "Acme \x1b[2JSupport"}
	res := &audit.Result{
		Pods:    []audit.PodInfo{{Pod: pod, Scanned: true}},
		Stopped: errors.New("stopped: the server kept asking amkeys to wait (rate limited)"),
		Unreadable: []audit.Unreadable{
			{Pod: pod, ItemError: client.ItemError{Scope: client.PodScope("a-pod"), Kind: "key", ID: "k\x1b]52;c;aGk=\x07", Field: "created_at", Value: "yesterday", Problem: "is not a time"}},
			{ItemError: client.ItemError{Kind: "public key", ID: "pk-9", Field: "expires_at", Value: "soon", Problem: "is not a time"}},
		},
	}
	m.setResult(res)
	frame := uitest.Plain(m.View())
	for _, want := range []string{"stopped: the server kept asking amkeys to wait", "2 listed items could not be read",
		`✗ Acme ␛[2JSupport: pod:a-pod: key "k\x1b]52;c;aGk=\a" could not be read`, `✗ public key "pk-9" could not be read`} {
		if !strings.Contains(frame, want) {
			t.Errorf("frame lacks %q:\n%s", want, frame)
		}
	}
	for _, l := range strings.Split(m.View(), "\n") {
		if sanitize.HasControl(uitest.Plain(l)) {
			t.Fatalf("line holds control characters: %q", l)
		}
	}
}

// f and p keep the cursor on the selected key (by id) while it is still
// listed; a key the filter hides sends the cursor to the top.
func TestFiltersKeepTheSelectedKey(t *testing.T) {
	m := newScreen(t, fakeOrg(), 110, 30)
	finish(t, m, m.Init())
	policy := m.policy()
	var want string
	selected := func(step string, from int) {
		t.Helper()
		if got := m.key(m.table.Cursor()).ID; got != want {
			t.Fatalf("after %s the cursor is on %q (row %d), want %q", step, got, m.table.Cursor(), want)
		}
		if m.table.Cursor() == from {
			t.Fatalf("%s: the test needs the key's row to move (stays %d)", step, from)
		}
	}

	// p: the last bearer key, below keys of other pods.
	row := 0
	for i := range m.rows {
		if m.key(i).IsBearer() {
			row = i
		}
	}
	want = m.key(row).ID
	m.table.SetCursor(row)
	m.Update(uitest.Key("p"))
	selected("p (this pod)", row)
	from := m.table.Cursor()
	m.Update(uitest.Key("p"))
	selected("p (all pods)", from)

	// f: from stale to unrestricted, a key that is both.
	m.setShow(ShowStale)
	row = -1
	for i := range m.rows {
		if policy.Findings(m.key(i)).Has(audit.FindUnrestricted) {
			row = i
		}
	}
	if row < 0 {
		t.Fatal("the fake has no stale unrestricted key")
	}
	want = m.key(row).ID
	m.table.SetCursor(row)
	m.Update(uitest.Key("f"))
	if m.show != ShowUnrestricted {
		t.Fatalf("f went to %s, want unrestricted", showNames[m.show])
	}
	selected("f (unrestricted)", row)

	// f again: expired shows only public keys, so the cursor goes to the top.
	m.Update(uitest.Key("f"))
	if m.table.Cursor() != 0 {
		t.Errorf("the key left the list but the cursor is on row %d", m.table.Cursor())
	}
}

// With f or p applied esc belongs to the screen (the root asks TakesBack)
// and clears both filters, keeping the selected key; then esc means back.
func TestEscClearsTheFiltersFirst(t *testing.T) {
	m := newScreen(t, fakeOrg(), 110, 30)
	var _ common.BackTaker = m
	if m.TakesBack() {
		t.Fatal("esc must cancel a running scan (the root's GuardQuit)")
	}
	finish(t, m, m.Init())
	if m.TakesBack() {
		t.Fatal("esc taken without a filter")
	}
	m.Update(uitest.Key("j"))
	m.Update(uitest.Key("p"))
	m.Update(uitest.Key("f"))
	want := m.key(m.table.Cursor()).ID
	if !m.TakesBack() || !strings.Contains(uitest.Plain(m.View()), "show: never used · pod: ") {
		t.Fatal("esc not taken with f and p applied")
	}
	if b := m.clearBinding(); !b.Enabled() || b.Help().Key != "esc" {
		t.Error("the footer does not offer esc")
	}
	m.Update(uitest.Key("esc"))
	if m.TakesBack() || m.show != ShowAll || m.pod != nil || len(m.rows) != len(m.Result().Keys) {
		t.Fatalf("esc did not clear the filters: show %s, pod %v, %d rows", showNames[m.show], m.pod, len(m.rows))
	}
	if got := m.key(m.table.Cursor()).ID; got != want {
		t.Errorf("esc moved the cursor from %q to %q", want, got)
	}
}

// countsOf runs cmd and returns the AuditCountsMsg among its messages.
func countsOf(t *testing.T, cmd tea.Cmd) common.AuditCountsMsg {
	t.Helper()
	for _, msg := range uitest.Collect(cmd, uitest.Patience) {
		if c, ok := msg.(common.AuditCountsMsg); ok {
			return c
		}
	}
	t.Fatal("no AuditCountsMsg sent")
	return common.AuditCountsMsg{}
}

// A finished audit tells the pods screen each pod's keys (its inboxes'
// included) and stale keys; a pod whose listing failed is left out.
func TestAuditSendsPodCounts(t *testing.T) {
	api := fakeOrg()
	m := newScreen(t, api, 110, 30)
	var last tea.Cmd
	for cmd := m.Init(); cmd != nil; {
		msg := cmd()
		if _, ok := msg.(doneMsg); ok {
			_, last = m.Update(msg)
			break
		}
		_, cmd = m.Update(msg)
	}
	got := countsOf(t, last)
	stale := map[string]int{}
	for _, k := range m.Result().Keys {
		if k.IsBearer() && audit.IsStale(k.UsedAt, uitest.Clock, m.c.Settings.StaleDays) {
			stale[k.PodID]++
		}
	}
	want := map[string]common.PodCount{
		"a-pod": {Keys: 40 + 3, Stale: stale["a-pod"]}, "b-pod": {}, "c-pod": {Keys: 12, Stale: stale["c-pod"]},
		"d-pod": {Keys: 25, Stale: stale["d-pod"]},
	}
	if len(got.Pods) != len(want) || !got.At.Equal(uitest.Clock) {
		t.Fatalf("counts %v at %v, want %v", got.Pods, got.At, want)
	}
	for id, w := range want {
		if got.Pods[id] != w {
			t.Errorf("pod %s: %+v, want %+v", id, got.Pods[id], w)
		}
	}
	if stale["a-pod"]+stale["c-pod"]+stale["d-pod"] == 0 {
		t.Error("the fake has no stale key: the stale counts are untested")
	}

	// A pod whose listing failed has no count.
	c, srv := uitest.SandboxCommon(t, "empty")
	good, bad := srv.AddPod("Good pod", "good"), srv.AddPod("Bad pod", "bad")
	srv.AddKey(good.ID, "g1", client.Restricted("inbox_read"), time.Time{})
	srv.FailPod(bad.ID, 500)
	m = New(c)
	m.SetSize(110, 30)
	for cmd := m.Init(); cmd != nil; {
		msg := cmd()
		if _, ok := msg.(doneMsg); ok {
			_, last = m.Update(msg)
			break
		}
		_, cmd = m.Update(msg)
	}
	got = countsOf(t, last)
	if n, ok := got.Pods[good.ID]; !ok || n.Keys != 1 || len(got.Pods) != 1 {
		t.Errorf("counts %v, want only the good pod with 1 key", got.Pods)
	}
}

// Dates are in the user's zone (local unless --utc), named once on the
// filter line as on the keys screen.
func TestTimesInTheUsersZone(t *testing.T) {
	for _, utc := range []bool{true, false} {
		m := newScreen(t, fakeOrg(), 140, 30)
		m.c.Settings.UTC = utc
		finish(t, m, m.Init())
		loc, name := time.UTC, "UTC"
		if !utc {
			loc = time.Local
			name, _ = uitest.Clock.In(time.Local).Zone()
		}
		k := m.key(0)
		if got, want := m.cell(0, 4), k.CreatedAt.In(loc).Format("2006-01-02"); got != want {
			t.Errorf("utc=%v: created %q, want %q", utc, got, want)
		}
		if frame := uitest.Plain(m.View()); strings.Count(frame, "times in "+name) != 1 {
			t.Errorf("utc=%v: the frame does not name the zone %q once:\n%s", utc, name, frame)
		}
	}
}

// The counts say when they include the organization's own credentials,
// which are in no pod.
func TestSummarySaysOrganizationKeysAreCounted(t *testing.T) {
	c, srv := uitest.SandboxCommon(t, "empty") // it holds one organization key
	pod := srv.AddPod("Only pod", "only")
	srv.AddKey(pod.ID, "k1", client.Restricted("inbox_read"), time.Time{})
	srv.AddKey(pod.ID, "k2", client.Restricted("inbox_read"), time.Time{})
	m := New(c)
	m.SetSize(140, 30)
	finish(t, m, m.Init())
	if m.sum.KeyScopes.Organization != 1 {
		t.Fatalf("%d organization keys, want the sandbox's one", m.sum.KeyScopes.Organization)
	}
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "3 keys and 0 public keys in 1 pod and the organization ·") {
		t.Errorf("the summary does not say the organization's keys are counted:\n%s", frame)
	}
	if s := m.Status(); !strings.HasSuffix(s, "in 1 pod and the organization") {
		t.Errorf("status %q", s)
	}

	// Without organization credentials the counts are the pods' alone.
	api := fakeOrg()
	api.creds = api.creds[1:3] // the inbox's and the pod's public keys
	m = newScreen(t, api, 140, 30)
	finish(t, m, m.Init())
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "80 keys and 2 public keys in 4 pods ·") {
		t.Errorf("summary without organization credentials:\n%s", frame)
	}
}
