package sandbox

import (
	"bytes"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkStateWrites measures key creations per second with a state file:
// 500 concurrent clients over real HTTP, each answer only after the change
// is on disk. It reports writes/s and the median and 99th-percentile
// latency of one creation.
//
//	go test -run '^$' -bench StateWrites -benchtime 3000x ./client/sandbox/
func BenchmarkStateWrites(b *testing.B) {
	const writers = 500
	path := filepath.Join(b.TempDir(), "state.json")
	r, err := Start(Options{StatePath: path}, "")
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	r.AddPods(30, 10) // a file about the size of the demo's
	transport := &http.Transport{MaxIdleConnsPerHost: writers}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 5 * time.Minute}
	admin, url := r.AdminKey(), r.URL+"/v0/api-keys"

	latencies := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	began := time.Now()
	for range writers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				req, _ := http.NewRequest("POST", url, bytes.NewReader([]byte(`{"name":"bench"}`)))
				req.Header.Set("Authorization", "Bearer "+admin)
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
				latencies[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	b.StopTimer()
	slices.Sort(latencies)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "writes/s")
	b.ReportMetric(float64(latencies[len(latencies)/2])/float64(time.Millisecond), "median-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100])/float64(time.Millisecond), "p99-ms")
}
