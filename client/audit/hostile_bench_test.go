package audit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
)

// The hostile servers of issue 9, finding 10: each would have grown the
// audit without end. Every one must now end with a clear error and a
// bounded heap. Figures: docs/reliability-budgets.md.

// hostileServer answers one pod, no organization keys, and the pod's key
// pages from page(n, token), counting requests.
type hostileServer struct {
	name     string
	page     func(n int64, token string) string
	limits   client.PageGuard // for the test; the benchmark runs the defaults
	requests atomic.Int64
}

func (h *hostileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := h.requests.Add(1)
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/v0/pods":
		fmt.Fprint(w, `{"pods":[{"pod_id":"p1","name":"hostile"}]}`)
	case "/v0/api-keys":
		fmt.Fprint(w, `{"api_keys":[]}`)
	case "/v0/api-keys/public-keys":
		fmt.Fprint(w, `{"public_keys":[]}`)
	case "/v0/pods/p1/inboxes":
		fmt.Fprint(w, `{"inboxes":[]}`)
	default:
		fmt.Fprint(w, h.page(n, r.URL.Query().Get("page_token")))
	}
}

// fatPage is about 3.9 MB: 95 keys of 40 KiB names each, all new.
func fatPage(n int64, _ string) string {
	var b strings.Builder
	b.WriteString(`{"next_page_token":"t` + fmt.Sprint(n) + `","api_keys":[`)
	name := strings.Repeat("n", 40<<10)
	for i := range 95 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"api_key_id":"k%d-%d","name":"%s","created_at":"2026-01-02T03:04:05Z"}`, n, i, name)
	}
	b.WriteString(`]}`)
	return b.String()
}

func hostileServers() []*hostileServer {
	return []*hostileServer{
		{name: "fat pages", page: fatPage},
		{name: "3 MB page tokens", page: func(n int64, _ string) string {
			return fmt.Sprintf(`{"next_page_token":"%d%s","api_keys":[{"api_key_id":"k%d","created_at":"2026-01-02T03:04:05Z"}]}`,
				n, strings.Repeat("t", 3<<20), n)
		}},
		{name: "one item per page forever", limits: client.PageGuard{Max: 2000}, page: func(n int64, _ string) string {
			return fmt.Sprintf(`{"next_page_token":"t%d","api_keys":[{"api_key_id":"k%d","created_at":"2026-01-02T03:04:05Z"}]}`, n, n)
		}},
		{name: "empty pages forever", page: func(n int64, _ string) string {
			return fmt.Sprintf(`{"next_page_token":"t%d","api_keys":[]}`, n)
		}},
	}
}

// peakHeap samples HeapInuse every 5 ms until stop is closed.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// runHostile audits h and returns the result and the peak heap in use.
func runHostile(t testing.TB, h *hostileServer, limits client.PageGuard) (*audit.Result, uint64) {
	ts := httptest.NewServer(h)
	defer ts.Close()
	api, err := audit.NewClient(client.Options{BaseURL: ts.URL, APIKey: "am_test"})
	if err != nil {
		t.Fatal(err)
	}
	defer api.CloseIdleConnections()
	runtime.GC()
	stop := make(chan struct{})
	peak := peakHeap(stop)
	res := audit.Run(context.Background(), api, audit.Options{Limits: limits})
	close(stop)
	return res, <-peak
}

// stopReason is the clear error a hostile server must end with.
func stopReason(res *audit.Result) error {
	if res.Stopped != nil {
		return res.Stopped
	}
	for _, f := range res.Failed {
		return f.Err
	}
	return res.ListErr
}

const heapBound = 300 << 20

func TestHostileServersEndWithAClearErrorInBoundedMemory(t *testing.T) {
	for _, h := range hostileServers() {
		done := make(chan struct{})
		var res *audit.Result
		var peak uint64
		go func() { defer close(done); res, peak = runHostile(t, h, h.limits) }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("%s: the audit did not end", h.name)
		}
		err := stopReason(res)
		if err == nil || !(client.IsPagingStop(err) || errors.Is(err, client.ErrListTooLarge)) {
			t.Errorf("%s: ended with %v, want a paging stop", h.name, err)
		}
		if peak > heapBound {
			t.Errorf("%s: heap in use peaked at %d MiB", h.name, peak>>20)
		}
		t.Logf("%s: %d requests, %d keys kept, peak heap %d MiB: %v", h.name, h.requests.Load(), len(res.Keys), peak>>20, err)
	}
}

// BenchmarkHostileServers runs each hostile server with the default bounds
// and reports requests, keys kept, the peak heap in use and the process's
// peak RSS (VmHWM; run one benchmark per process for a clean figure:
// go test ./client/audit -run '^$' -bench 'HostileServers/fat' -benchtime 1x).
func BenchmarkHostileServers(b *testing.B) {
	for _, h := range hostileServers() {
		b.Run(strings.ReplaceAll(h.name, " ", "_"), func(b *testing.B) {
			var peak uint64
			var res *audit.Result
			for b.Loop() {
				h.requests.Store(0)
				res, peak = runHostile(b, h, client.PageGuard{})
			}
			if stopReason(res) == nil {
				b.Fatalf("%s: no stop", h.name)
			}
			b.ReportMetric(float64(h.requests.Load()), "requests")
			b.ReportMetric(float64(len(res.Keys)), "keys")
			b.ReportMetric(float64(peak>>20), "peak-heap-MiB")
			b.ReportMetric(float64(vmHWM()>>20), "peak-RSS-MiB")
		})
	}
}

// vmHWM is the process's peak resident set size, from /proc (0 elsewhere).
func vmHWM() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb uint64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb << 10
		}
	}
	return 0
}
