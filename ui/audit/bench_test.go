package audit

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/ui/uitest"
)

// BenchmarkAuditFanout is the measurement through the screen: the
// load path (Init, then every message through Update until the result is
// shown) against the sandbox with 1,000 pods of 5 keys, 20 ms per request,
// 8 in flight. x-ideal is the time over (pod pages + 1,000) / 8 x 20 ms.
func BenchmarkAuditFanout(b *testing.B) {
	const pods, latency, inFlight = 1000, 20 * time.Millisecond, 8
	srv, err := sandbox.Start(sandbox.Options{Faults: sandbox.Faults{Latency: latency}}, "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.AddPods(pods, 5)
	api, err := audit.NewClient(client.Options{BaseURL: srv.URL, APIKey: srv.AdminKey()})
	if err != nil {
		b.Fatal(err)
	}
	defer api.CloseIdleConnections()
	c := uitest.NewCommon(b, api)
	c.Settings.AuditConcurrency = inFlight
	pages := (pods + audit.PageSize - 1) / audit.PageSize
	ideal := time.Duration(pages+pods) * latency / inFlight
	for b.Loop() {
		m := New(c)
		m.SetSize(120, 40)
		finish(b, m, m.Init())
		if !m.Result().Complete() || len(m.Result().Keys) != pods*5+1 {
			b.Fatalf("incomplete: %d keys", len(m.Result().Keys))
		}
		_ = m.View()
	}
	b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(ideal), "x-ideal")
}

// bigResult is an audit of n keys over 1,000 pods.
func bigResult(n int) *audit.Result {
	keys := uitest.GenerateKeys("pod", n)
	res := &audit.Result{OrgKeys: true, Keys: make([]audit.Key, n)}
	for i := range 1000 {
		res.Pods = append(res.Pods, audit.PodInfo{Pod: client.Pod{ID: "pod-" + strconv.Itoa(i), Name: "Pod " + strconv.Itoa(i)}, Scanned: true})
	}
	for i, k := range keys {
		p := res.Pods[i%1000]
		k.PodID = p.ID
		res.Keys[i] = audit.Key{APIKey: k, PodName: p.Name}
		res.Pods[i%1000].Keys++
	}
	audit.SortStalestFirst(res.Keys)
	return res
}

// BenchmarkView100k draws a frame of a 100,000-key audit scrolled to the
// middle: only the visible rows are formatted.
func BenchmarkView100k(b *testing.B) {
	m := newScreen(b, uitest.NewFakeAPI("p", 0), 120, 40)
	m.setResult(bigResult(100_000))
	m.table.SetCursor(50_000)
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkFilter100k is one press of f (a new quick filter) on 100,000 keys.
func BenchmarkFilter100k(b *testing.B) {
	m := newScreen(b, uitest.NewFakeAPI("p", 0), 120, 40)
	m.setResult(bigResult(100_000))
	for b.Loop() {
		m.Update(uitest.Key("f"))
	}
}

// A frame of 100,000 keys, scrolled to the very end, still fits its window
// while the filter changes. How fast is BenchmarkView100k's and
// BenchmarkFilter100k's business: a timed test would fail on a busy machine.
func TestView100kAtTheEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 100,000 keys")
	}
	m := newScreen(t, uitest.NewFakeAPI("p", 0), 120, 40)
	m.setResult(bigResult(100_000))
	m.table.SetCursor(99_999)
	for range 10 {
		frame := m.View()
		if lines := strings.Count(frame, "\n") + 1; frame == "" || lines > 40 {
			t.Fatalf("a frame of %d lines for a 40-line window", lines)
		}
		m.Update(uitest.Key("f"))
	}
}
