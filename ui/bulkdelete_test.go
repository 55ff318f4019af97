package ui

// Issue 12: the reviewed bulk delete of marked keys, against the sandbox
// over HTTP, through the root model (messages and rendered frames).

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/bulk"
	"github.com/amkeys/amkeys/client/sandbox"
	auditui "github.com/amkeys/amkeys/ui/audit"
	"github.com/amkeys/amkeys/ui/bulkdelete"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/marks"
	"github.com/amkeys/amkeys/ui/uitest"
)

// bulkFixture is a sandbox with one pod "Bulk" of 260 keys, 20 of them
// never used (spread over the pages), and a dashboard whose API is an
// *audit.PacedClient, as amkeys runs it.
type bulkFixture struct {
	srv   *sandbox.Running
	api   *audit.PacedClient
	c     *common.Common
	pod   client.Pod
	never []client.CreatedAPIKey
	used  []client.CreatedAPIKey
}

func newBulkFixture(t *testing.T) *bulkFixture {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Options{Now: func() time.Time { return uitest.Clock }}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	api, err := audit.NewClient(client.Options{BaseURL: srv.URL, APIKey: srv.AdminKey(), Backoff: 10 * time.Millisecond, Timeout: uitest.Patience})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.CloseIdleConnections)
	f := &bulkFixture{srv: srv, api: api, pod: srv.AddPod("Bulk", "bulk")}
	for i := range 260 {
		if i%13 == 5 {
			f.never = append(f.never, srv.AddKey(f.pod.ID, fmt.Sprintf("never-%02d", len(f.never)), client.Restricted("inbox_read"), time.Time{}))
			continue
		}
		used := uitest.Clock.Add(-time.Duration(i+1) * 24 * time.Hour)
		f.used = append(f.used, srv.AddKey(f.pod.ID, fmt.Sprintf("used-%03d", i), client.Restricted("inbox_read"), used))
	}
	if len(f.never) != 20 || len(f.used) != 240 {
		t.Fatalf("fixture: %d never used, %d used", len(f.never), len(f.used))
	}
	f.c = uitest.NewCommon(t, api)
	f.c.Settings.PageSize = 20
	return f
}

// app opens the dashboard at 120x35 on the fixture.
func (f *bulkFixture) app() *Model {
	m := New(f.c, nil)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	uitest.Run(m, m.Init())
	return m
}

// openKeys opens the pod's keys screen from the pods screen.
func (f *bulkFixture) openKeys(t *testing.T, m *Model) *keys.Model {
	t.Helper()
	press(m, "enter")
	k, ok := m.Top().(*keys.Model)
	if !ok {
		t.Fatalf("top screen is %T, want the keys screen", m.Top())
	}
	return k
}

// onServer lists the pod's keys over HTTP.
func (f *bulkFixture) onServer(t *testing.T) map[string]client.APIKey {
	t.Helper()
	out := map[string]client.APIKey{}
	err := f.api.EachKey(context.Background(), client.PodScope(f.pod.ID), client.ListOptions{Limit: 100}, func(p client.KeyPage) error {
		for _, k := range p.Keys {
			out[k.ID] = k
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkNeverUsedGone: exactly the 20 never-used keys are gone.
func (f *bulkFixture) checkNeverUsedGone(t *testing.T) {
	t.Helper()
	left := f.onServer(t)
	for _, k := range f.never {
		if _, ok := left[k.ID]; ok {
			t.Errorf("%s is still on the server", k.Name)
		}
	}
	for _, k := range f.used {
		if _, ok := left[k.ID]; !ok {
			t.Errorf("%s was deleted, but it was not marked", k.Name)
		}
	}
	if len(left) != 240 {
		t.Errorf("%d keys left on the server, want 240", len(left))
	}
}

// The flow, in a real program: quick filter "never used" on a
// 260-key pod, *, D, type 20, enter. The result table says 20 deleted, the
// server lost exactly those 20, and the keys screen forgot them.
func TestBulkDeleteMarkedByQuickFilterOnKeysScreen(t *testing.T) {
	f := newBulkFixture(t)
	ctx, cancel := context.WithCancel(f.c.Ctx)
	f.c.Ctx = ctx
	tm := teatest.NewTestModel(t, New(f.c, cancel), teatest.WithInitialTermSize(120, 35))

	waitFor(t, tm, "Bulk")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "never-19")
	tm.Type("f")
	waitFor(t, tm, "20 of 260 keys")
	tm.Type("*")
	waitFor(t, tm, "20 marked")
	tm.Type("D")
	waitFor(t, tm, "Type 20 to delete them")
	tm.Type("20")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Deleted 20 of 20 keys")
	f.checkNeverUsedGone(t)

	tm.Send(tea.KeyMsg{Type: tea.KeyEsc}) // close the result
	waitFor(t, tm, "0 of 240 keys")
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(uitest.Patience))
	final := tm.FinalModel(t).(*Model)
	screen, ok := final.Top().(*keys.Model)
	if !ok {
		t.Fatalf("ended on %T, want the keys screen", final.Top())
	}
	if n := screen.Marks().Len(); n != 0 {
		t.Errorf("%d marks left after the delete, want 0", n)
	}
	if n := screen.List().Len(); n != 240 {
		t.Errorf("the keys screen lists %d keys, want 240", n)
	}
}

// The same from the audit screen: f until "never used", *, D, 20, enter.
func TestBulkDeleteMarkedOnAuditScreen(t *testing.T) {
	f := newBulkFixture(t)
	m := f.app()
	press(m, "a")
	a, ok := m.Top().(*auditui.Model)
	if !ok || a.Result() == nil {
		t.Fatalf("top screen is %T after a, or the audit did not finish", m.Top())
	}
	press(m, "f") // never used
	press(m, "*")
	if !strings.Contains(m.View(), "20 marked") {
		t.Fatalf("the status line does not say 20 marked:\n%s", uitest.Plain(m.View()))
	}
	press(m, "D")
	frame := uitest.Plain(m.View())
	for _, want := range []string{"Delete 20 marked keys?", "20 keys in 1 pod", "most recent use: none of them was ever used", "never-00"} {
		if !strings.Contains(frame, want) {
			t.Errorf("the review does not show %q:\n%s", want, frame)
		}
	}
	typeText(m, "20")
	press(m, "enter")
	frame = uitest.Plain(m.View())
	if !strings.Contains(frame, "Deleted 20 of 20 keys") || !strings.Contains(frame, "20 deleted") {
		t.Fatalf("result:\n%s", frame)
	}
	f.checkNeverUsedGone(t)

	press(m, "esc")
	if m.Top() != a {
		t.Fatalf("esc left %T on top, want the audit", m.Top())
	}
	if n := a.Marks().Len(); n != 0 {
		t.Errorf("%d marks left, want 0", n)
	}
	for _, k := range a.Result().Keys {
		if strings.HasPrefix(k.Name, "never-") {
			t.Errorf("the audit still lists %s", k.Name)
		}
	}
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "0 of 241 credentials") {
		t.Errorf("the audit table after the delete:\n%s", frame)
	}
}

// A key used after it was marked is skipped, reported "used since
// review", stays on the server and stays marked.
func TestBulkDeleteSkipsKeyUsedSinceMarked(t *testing.T) {
	f := newBulkFixture(t)
	m := f.app()
	k := f.openKeys(t, m)
	press(m, "f", " ", " ", " ") // never used; mark the first three
	if n := k.Marks().Len(); n != 3 {
		t.Fatalf("%d marked, want 3", n)
	}
	marked := k.Marks().All()
	usedID := marked[1].Target.ID
	var secret string
	for _, n := range f.never {
		if n.ID == usedID {
			secret = n.Secret
		}
	}
	user, err := client.New(client.Options{BaseURL: f.srv.URL, APIKey: secret, Backoff: 10 * time.Millisecond, Timeout: uitest.Patience})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = user.GetOrganization(context.Background()) // refused or not, the use is recorded
	if f.onServer(t)[usedID].NeverUsed() {
		t.Fatal("the sandbox did not record the use")
	}

	press(m, "D")
	typeText(m, "3")
	press(m, "enter")
	frame := uitest.Plain(m.View())
	for _, want := range []string{"Deleted 2 of 3 keys", "2 deleted · 1 used since review (skipped)", "used since review", "after it was marked: kept"} {
		if !strings.Contains(frame, want) {
			t.Errorf("the result does not show %q:\n%s", want, frame)
		}
	}
	left := f.onServer(t)
	for i, mk := range marked {
		if _, there := left[mk.Target.ID]; there != (i == 1) {
			t.Errorf("%s on the server: %v", mk.Target.Name, there)
		}
	}
	press(m, "esc")
	if k.Marks().Len() != 1 || !k.Marks().Has(marks.Of(client.PodScope(f.pod.ID), usedID)) {
		t.Errorf("marks after the delete: %+v, want only the used key", k.Marks().All())
	}
	// The keys screen shows the new last use at once (no r needed): the
	// key leaves the "never used" quick filter, and the next review of
	// its mark shows the use.
	if mk := k.Marks().All(); len(mk) == 1 && mk[0].Target.UsedAt.IsZero() {
		t.Error("the mark still says never used")
	}
	if frame := uitest.Plain(m.View()); strings.Contains(frame, marked[1].Target.Name) {
		t.Errorf("the used key is still listed as never used:\n%s", frame)
	}
	for _, it := range k.List().Items() {
		if it.ID == usedID && it.NeverUsed() {
			t.Error("the keys screen's row still says never used")
		}
	}
}

// droppingAPI drops the connection of one key's DELETE after the server
// acted on it, as a network could: the answer is lost, the key is gone.
type droppingAPI struct {
	*audit.PacedClient
	srv  *sandbox.Running
	drop string
}

func (d *droppingAPI) DeleteKeyOnce(ctx context.Context, scope client.Scope, id string) error {
	if id != d.drop {
		return d.PacedClient.DeleteKeyOnce(ctx, scope, id)
	}
	d.srv.SetFaults(sandbox.Faults{DropRate: 1, AfterEffect: true})
	defer d.srv.SetFaults(sandbox.Faults{})
	return d.PacedClient.DeleteKeyOnce(ctx, scope, id)
}

// A DELETE whose answer is lost is not retried blindly: listing the scope
// settles it, and the result table says so.
func TestBulkDeleteLostAnswerIsSettledByListing(t *testing.T) {
	f := newBulkFixture(t)
	dropped := f.never[19] // newest first: the first row shown
	f.c.API = &droppingAPI{PacedClient: f.api, srv: f.srv, drop: dropped.ID}
	f.c.Settings.AuditConcurrency = 1 // the fault is server-wide: one request at a time
	m := f.app()
	k := f.openKeys(t, m)
	press(m, "f", " ", " ") // never-19 and never-18
	if !k.Marks().Has(marks.Of(client.PodScope(f.pod.ID), dropped.ID)) {
		t.Fatalf("marks: %+v", k.Marks().All())
	}
	press(m, "D")
	typeText(m, "2")
	press(m, "enter")
	b, ok := m.Top().(*bulkdelete.Model)
	if !ok {
		t.Fatalf("top is %T", m.Top())
	}
	var got *bulk.Result
	for i, r := range b.Results() {
		if r.ID == dropped.ID {
			got = &b.Results()[i]
		}
	}
	if got == nil || got.Outcome != bulk.Deleted || !got.Settled {
		t.Fatalf("the dropped DELETE: %+v", got)
	}
	for _, r := range b.Results() {
		if r.ID != dropped.ID && (r.Outcome != bulk.Deleted || r.Settled) {
			t.Errorf("the other key: %+v", r)
		}
	}
	frame := uitest.Plain(m.View())
	if !strings.Contains(frame, "answer lost; listing shows it gone") || !strings.Contains(frame, "2 deleted") {
		t.Errorf("the result table:\n%s", frame)
	}
	if n := f.srv.RequestCount("DELETE", "/v0/pods/"+f.pod.ID+"/api-keys/"+dropped.ID); n != 1 {
		t.Errorf("%d DELETEs of the dropped key, want exactly 1", n)
	}
	if _, there := f.onServer(t)[dropped.ID]; there {
		t.Error("the key is still on the server")
	}
}

// Marks: space toggles and moves down; they survive sort, filter, paging
// and refresh; a key gone from the server loses its mark; u clears.
func TestMarksSurviveSortFilterPagingAndClear(t *testing.T) {
	f := newBulkFixture(t)
	m := f.app()
	k := f.openKeys(t, m)
	if k.List().Complete() {
		t.Fatal("every page loaded at once: paging is not tested")
	}
	first := k.List().Item(0)
	id := marks.Of(first.Scope(), first.ID)
	press(m, " ")
	if !k.Marks().Has(id) || k.List().Table.Cursor() != 1 {
		t.Fatalf("space: marked %v, cursor %d", k.Marks().Has(id), k.List().Table.Cursor())
	}
	if !strings.Contains(m.View(), "1 marked") || !strings.Contains(uitest.Plain(m.View()), "✓"+first.Name) {
		t.Errorf("the mark does not show:\n%s", uitest.Plain(m.View()))
	}
	press(m, "k", " ")
	if k.Marks().Len() != 0 {
		t.Fatal("space did not unmark")
	}
	press(m, "k", " ")

	press(m, "G") // every page
	press(m, "s", "s", "s")
	press(m, "/")
	typeText(m, first.Name)
	press(m, "enter")
	if k.Marks().Len() != 1 || !strings.Contains(uitest.Plain(m.View()), "✓"+first.Name) {
		t.Errorf("after paging, sort and filter, marks %d:\n%s", k.Marks().Len(), uitest.Plain(m.View()))
	}
	press(m, "esc", "r")
	if k.Marks().Len() != 1 {
		t.Errorf("a refresh dropped the mark of a key still there")
	}

	// Deleted elsewhere: the next complete listing drops the mark.
	if err := f.api.DeleteKey(context.Background(), client.PodScope(f.pod.ID), first.ID); err != nil {
		t.Fatal(err)
	}
	press(m, "r")
	if !k.List().Complete() {
		t.Fatal("the refresh under a sort did not load every page")
	}
	if k.Marks().Len() != 0 {
		t.Errorf("the mark of a key gone from the server is kept")
	}

	press(m, "g", " ", " ")
	if k.Marks().Len() != 2 || !strings.Contains(m.View(), "2 marked") {
		t.Fatalf("marks %d", k.Marks().Len())
	}
	press(m, "u")
	if k.Marks().Len() != 0 || strings.Contains(m.View(), "marked") {
		t.Errorf("u left %d marks", k.Marks().Len())
	}
	if got := noticeAfter(m, "D"); got != marks.NoneMarked {
		t.Errorf("D with nothing marked: notice %q", got)
	}
}

// The review refuses a wrong count, deletes nothing, and esc keeps the
// marks; read-only mode marks but does not delete.
func TestBulkReviewRefusesWrongCount(t *testing.T) {
	f := newBulkFixture(t)
	m := f.app()
	k := f.openKeys(t, m)
	press(m, " ", " ", "D")
	typeText(m, "3")
	press(m, "enter")
	b, ok := m.Top().(*bulkdelete.Model)
	if !ok || b.Running() || b.Results() != nil {
		t.Fatalf("a wrong count went on: top %T", m.Top())
	}
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "that is not 2: type 2 to confirm") {
		t.Errorf("no hint:\n%s", frame)
	}
	if n := f.srv.RequestCount("DELETE", "/v0/"); n != 0 {
		t.Errorf("%d DELETEs after a wrong count", n)
	}
	press(m, "esc")
	if m.Top() != k || k.Marks().Len() != 2 {
		t.Fatalf("esc: top %T, %d marks", m.Top(), k.Marks().Len())
	}

	f.c.Settings.ReadOnly = true
	if got := noticeAfter(m, "D"); got != common.ReadOnlyNotice || m.Top() != k {
		t.Errorf("read-only D: notice %q, top %T", got, m.Top())
	}
}

// noticeAfter presses a key and returns the notice it shows ("" if none),
// before the notice's timer could clear it.
func noticeAfter(m *Model, key string) string {
	_, cmd := m.Update(uitest.Key(key))
	for _, msg := range uitest.Collect(cmd, uitest.Patience) {
		if n, ok := msg.(common.NoticeMsg); ok {
			return n.Text
		}
	}
	return ""
}

// holdingAPI holds every DELETE until the test releases it, so that a
// test can stop a run in the middle.
type holdingAPI struct {
	*audit.PacedClient
	started chan string
	release chan struct{}
}

func (h holdingAPI) DeleteKeyOnce(ctx context.Context, scope client.Scope, id string) error {
	h.started <- id
	select {
	case <-h.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return h.PacedClient.DeleteKeyOnce(ctx, scope, id)
}

// esc while deleting asks; y stops: the DELETE on the wire finishes and is
// counted deleted, the keys not attempted say so (no Go error text), are
// kept on the server and stay marked.
func TestBulkDeleteStop(t *testing.T) {
	f := newBulkFixture(t)
	hold := holdingAPI{PacedClient: f.api, started: make(chan string, 3), release: make(chan struct{})}
	f.c.API = hold
	f.c.Settings.AuditConcurrency = 1
	m := f.app()
	k := f.openKeys(t, m)
	press(m, " ", " ", " ", "D")
	typeText(m, "3")
	_, listen := m.Update(uitest.Key("enter")) // the run's news, collected below
	b, ok := m.Top().(*bulkdelete.Model)
	if !ok || !b.Running() {
		t.Fatalf("not running: top %T", m.Top())
	}
	if !strings.Contains(uitest.Plain(m.View()), "Deleting 3 keys") {
		t.Errorf("progress:\n%s", uitest.Plain(m.View()))
	}
	select {
	case <-hold.started:
	case <-time.After(uitest.Patience):
		t.Fatal("no DELETE started")
	}
	m.Update(uitest.Key("esc"))
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "Stop deleting?") || !b.Running() {
		t.Fatalf("esc did not ask:\n%s", frame)
	}
	m.Update(uitest.Key("n"))
	if strings.Contains(uitest.Plain(m.View()), "Stop deleting?") {
		t.Fatal("n did not go on")
	}
	m.Update(uitest.Key("esc"))
	m.Update(uitest.Key("y"))
	close(hold.release) // the DELETE on the wire goes out after the stop
	uitest.Run(m, listen)
	frame := uitest.Plain(m.View())
	for _, want := range []string{"Deleted 1 of 3 keys (stopped)", "1 deleted · 2 not attempted (stopped)"} {
		if !strings.Contains(frame, want) {
			t.Errorf("the result does not show %q:\n%s", want, frame)
		}
	}
	for _, bad := range []string{"failed", "context", "unknown"} {
		if strings.Contains(frame, bad) {
			t.Errorf("the result shows %q:\n%s", bad, frame)
		}
	}
	if n := len(f.onServer(t)); n != 259 {
		t.Errorf("%d keys on the server after a stop, want 259 (the one on the wire deleted)", n)
	}
	if n := len(hold.started); n != 0 {
		t.Errorf("%d DELETEs started after the stop", n)
	}
	press(m, "enter")
	if m.Top() != k || k.Marks().Len() != 2 {
		t.Errorf("after closing: top %T, %d marks (want the keys screen, 2)", m.Top(), k.Marks().Len())
	}
}

// A refusal shows the server's fix; the key stays, and stays marked.
func TestBulkDeleteRefusedShowsFix(t *testing.T) {
	f := newBulkFixture(t)
	reader := f.srv.AddKey("", "reader", client.Restricted("api_key_read", "pod_read"), time.Time{})
	api, err := audit.NewClient(client.Options{BaseURL: f.srv.URL, APIKey: reader.Secret, Backoff: 10 * time.Millisecond, Timeout: uitest.Patience})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.CloseIdleConnections)
	f.c.API = api
	m := f.app()
	k := f.openKeys(t, m)
	press(m, " ", "D")
	typeText(m, "1")
	press(m, "enter")
	b := m.Top().(*bulkdelete.Model)
	res := b.Results()
	if len(res) != 1 || res[0].Outcome != bulk.Refused || res[0].Fix() == "" {
		t.Fatalf("results %+v", res)
	}
	frame := uitest.Plain(m.View())
	fix := []rune(res[0].Fix())
	if !strings.Contains(frame, "refused") || !strings.Contains(frame, string(fix[:min(len(fix), 12)])) {
		t.Errorf("the refusal or its fix does not show:\n%s", frame)
	}
	press(m, "esc")
	if k.Marks().Len() != 1 {
		t.Errorf("the refused key lost its mark")
	}
}

// The key amkeys runs with is never marked: a bulk delete would cut its
// own branch.
func TestOwnKeyCannotBeMarked(t *testing.T) {
	f := newBulkFixture(t)
	f.c.Settings.OwnKeyPrefix = f.api.KeyPrefix()
	m := f.app()
	press(m, "2") // the organization's keys: only the admin key
	k, ok := m.Top().(*keys.Model)
	if !ok || k.List().Len() != 1 {
		t.Fatalf("top %T", m.Top())
	}
	if got := noticeAfter(m, " "); got != marks.OwnKeyNotice || k.Marks().Len() != 0 {
		t.Errorf("space on the own key: notice %q, %d marks", got, k.Marks().Len())
	}
	press(m, "*")
	if k.Marks().Len() != 0 {
		t.Errorf("* marked the own key")
	}
}

// Public-key credentials are revoked in the AgentID tab, not marked.
func TestAuditPublicKeyCannotBeMarked(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	press(m, "a", "G") // public keys come last
	a, ok := m.Top().(*auditui.Model)
	if !ok {
		t.Fatalf("top %T", m.Top())
	}
	if got := noticeAfter(m, " "); !strings.Contains(got, "public-key credential cannot be marked") || a.Marks().Len() != 0 {
		t.Errorf("space on a public key: notice %q, %d marks", got, a.Marks().Len())
	}
}

// * before every page is loaded loads them all, then marks every row.
func TestMarkAllLoadsEveryPageFirst(t *testing.T) {
	f := newBulkFixture(t)
	m := f.app()
	k := f.openKeys(t, m)
	if k.List().Complete() {
		t.Fatal("every page loaded at once")
	}
	press(m, "*")
	if !k.List().Complete() || k.Marks().Len() != 260 {
		t.Fatalf("complete %v, %d marked, want 260", k.List().Complete(), k.Marks().Len())
	}
	if !strings.Contains(m.View(), "260 marked") {
		t.Errorf("status:\n%s", uitest.Plain(m.View()))
	}
}

// noticeMsgAfter presses a key and returns the notice it shows (zero if
// none), before its timer could clear it.
func noticeMsgAfter(m *Model, key string) common.NoticeMsg {
	_, cmd := m.Update(uitest.Key(key))
	for _, msg := range uitest.Collect(cmd, uitest.Patience) {
		if n, ok := msg.(common.NoticeMsg); ok {
			return n
		}
	}
	return common.NoticeMsg{}
}

// The marking keys are in ? before anything is marked and space is in the
// footer; D joins the footer with the count once something is marked. A
// refusal or hint is a warning, never shown as done. In read-only mode D
// is not advertised but still answers.
func TestMarkingKeysAreAdvertisedAndRefusalsWarn(t *testing.T) {
	f := newBulkFixture(t)
	m := f.app()
	f.openKeys(t, m)
	footer := func() string {
		lines := strings.Split(strings.TrimRight(uitest.Plain(m.View()), "\n"), "\n")
		return lines[len(lines)-1]
	}
	if ft := footer(); !strings.Contains(ft, "space mark") || strings.Contains(ft, "D delete") {
		t.Errorf("footer before marking: %q", ft)
	}
	press(m, "?")
	help := uitest.Plain(m.View())
	for _, want := range []string{"space", "mark all shown", "clear marks", "delete marked"} {
		if !strings.Contains(help, want) {
			t.Errorf("? lacks %q before anything is marked:\n%s", want, help)
		}
	}
	press(m, "esc") // closes the help
	if n := noticeMsgAfter(m, "u"); n.Text != marks.NoneToClear || !n.Warning {
		t.Errorf("u with nothing marked: %+v", n)
	}
	if n := noticeMsgAfter(m, "D"); n.Text != marks.NoneMarked || !n.Warning {
		t.Errorf("D with nothing marked: %+v", n)
	}
	press(m, " ", " ")
	if ft := footer(); !strings.Contains(ft, "D delete 2 marked") {
		t.Errorf("footer with 2 marked: %q", ft)
	}
	if n := noticeMsgAfter(m, "u"); n.Text != "Marks cleared" || n.Warning {
		t.Errorf("u with marks: %+v", n)
	}

	press(m, " ")
	f.c.Settings.ReadOnly = true
	if ft := footer(); strings.Contains(ft, "D delete") {
		t.Errorf("read-only footer advertises D: %q", ft)
	}
	press(m, "?")
	if help := uitest.Plain(m.View()); strings.Contains(help, "delete marked") {
		t.Errorf("read-only ? advertises D:\n%s", help)
	}
	press(m, "esc")
	if n := noticeMsgAfter(m, "D"); n.Text != common.ReadOnlyNotice || !n.Warning {
		t.Errorf("read-only D: %+v", n)
	}
}

// * where only public keys are shown says there is nothing to mark, as a
// warning and with no empty parts.
func TestMarkAllWithOnlyPublicKeysWarns(t *testing.T) {
	m := auditWithPublicKeyOnly(t)
	n := noticeMsgAfter(m, "*")
	if n.Text != "nothing to mark here: public keys are revoked in the AgentID tab" || !n.Warning {
		t.Errorf("* with only a public key: %+v", n)
	}
}

// auditWithPublicKeyOnly is the demo's audit searched down to one public
// key ("Old laptop (lost)").
func auditWithPublicKeyOnly(t *testing.T) *Model {
	t.Helper()
	m, _ := newDemoApp(t, "demo")
	press(m, "a", "/")
	typeText(m, "Old laptop")
	press(m, "enter")
	if _, ok := m.Top().(*auditui.Model); !ok {
		t.Fatalf("top %T", m.Top())
	}
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "Old laptop") {
		t.Fatalf("the search did not find the public key:\n%s", frame)
	}
	return m
}

// A key the audit's bulk delete kept as used since review shows its new
// last use in the audit at once, and in its mark.
func TestAuditShowsTheUseOfAKeyKeptAsUsed(t *testing.T) {
	f := newBulkFixture(t)
	m := f.app()
	press(m, "a")
	a, ok := m.Top().(*auditui.Model)
	if !ok || a.Result() == nil {
		t.Fatalf("top screen is %T after a, or the audit did not finish", m.Top())
	}
	press(m, "f", " ") // never used; mark the first
	marked := a.Marks().All()
	if len(marked) != 1 {
		t.Fatalf("%d marked", len(marked))
	}
	var secret string
	for _, n := range f.never {
		if n.ID == marked[0].Target.ID {
			secret = n.Secret
		}
	}
	user, err := client.New(client.Options{BaseURL: f.srv.URL, APIKey: secret, Backoff: 10 * time.Millisecond, Timeout: uitest.Patience})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = user.GetOrganization(context.Background()) // the use is recorded
	press(m, "D")
	typeText(m, "1")
	press(m, "enter", "esc")
	if m.Top() != a {
		t.Fatalf("top %T, want the audit", m.Top())
	}
	for _, k := range a.Result().Keys {
		if k.ID == marked[0].Target.ID && k.NeverUsed() {
			t.Error("the audit still says the kept key was never used")
		}
	}
	if mk := a.Marks().All(); len(mk) != 1 || mk[0].Target.UsedAt.IsZero() {
		t.Errorf("the mark after the delete: %+v", mk)
	}
	if frame := uitest.Plain(m.View()); strings.Contains(frame, marked[0].Target.Name) {
		t.Errorf("the never-used view still lists the used key:\n%s", frame)
	}
}
