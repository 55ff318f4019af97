package audit

import (
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

// fakeOrg is three pods of generated keys and one pod without keys; the
// fake has no organization keys, so the screen notes them as not listed.
func fakeOrg() *uitest.FakeAPI {
	api := &uitest.FakeAPI{Keys: map[string][]client.APIKey{}}
	for i, n := range []int{40, 0, 12, 25} {
		id := string(rune('a'+i)) + "-pod"
		api.Pods = append(api.Pods, client.Pod{ID: id, Name: []string{"Acme Support", "Initech Sandbox", "Globex", "Umbrella"}[i]})
		api.Keys[id] = uitest.GenerateKeys(id, n)
	}
	return api
}

func newScreen(t testing.TB, api common.API, w, h int) *Model {
	c := uitest.NewCommon(t, api)
	m := New(c)
	m.SetSize(w, h)
	return m
}

func TestProgressGolden(t *testing.T) {
	m := newScreen(t, fakeOrg(), 100, 12)
	m.progress = audit.Progress{PodsKnown: 400, PodsScanned: 150, KeysFound: 734, InFlight: 8, Errors: 1}
	uitest.Golden(t, "progress", m.View())
	m.progress.ListingDone, m.progress.PausedUntil = true, uitest.Clock
	uitest.Golden(t, "progress-paused", m.View())
}

func TestChartAndTableGolden(t *testing.T) {
	m := newScreen(t, fakeOrg(), 110, 30)
	finish(t, m, m.Init())
	if m.Scanning() || m.Result() == nil || len(m.Result().Keys) != 77 {
		t.Fatalf("scan did not finish with 77 keys")
	}
	uitest.Golden(t, "chart", m.View())
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
	want := []int{
		len(res.Keys),
		count(func(k audit.Key) bool { return audit.IsStale(k.UsedAt, now, 90) }),
		count(func(k audit.Key) bool { return k.NeverUsed() }),
		count(func(k audit.Key) bool { return k.Permissions.IsUnrestricted() }),
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
	if !strings.Contains(frame, "1 pod failed") || !strings.Contains(frame, "✗ Bad pod: 500") || len(m.rows) != 2 {
		t.Fatalf("failure not shown (rows %d):\n%s", len(m.rows), frame)
	}
	if !m.retryBinding().Enabled() {
		t.Error("R is not offered")
	}
	srv.FailPod(bad.ID, 0)
	before := srv.RequestCount("", "/")
	_, cmd := m.Update(uitest.Key("R"))
	if !m.Scanning() || !strings.Contains(m.View(), "Retrying the pods that failed") {
		t.Error("R did not start a retry")
	}
	finish(t, m, cmd)
	if !m.Result().Complete() || len(m.rows) != 3 || strings.Contains(uitest.Plain(m.View()), "failed") {
		t.Errorf("after retry: complete=%v rows=%d", m.Result().Complete(), len(m.rows))
	}
	if n := srv.RequestCount("", "/") - before; n != 1 {
		t.Errorf("retry made %d requests, want 1", n)
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
	_, cmd := m.Update(uitest.Key("enter"))
	push, ok := cmd().(common.PushMsg)
	if !ok {
		t.Fatal("enter did not open a screen")
	}
	ks := push.Screen.(*keys.Model)
	ks.SetSize(110, 30)
	uitest.Run(screenModel{ks}, ks.Init())
	sel, ok := ks.List().Selected()
	if !ok || sel.ID != oldest || ks.List().Len() != 35 {
		t.Fatalf("cursor on %v after loading %d keys, want the oldest (created first, so on the last page)", sel, ks.List().Len())
	}
	// Delete it there (a key never used recently needs no typing).
	ks.Update(uitest.Key("d"))
	_, cmd = ks.Update(uitest.Key("y"))
	for _, msg := range uitest.Collect(cmd, uitest.Patience) {
		m.Update(msg)
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
