package bulk_test

import (
	"context"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/bulk"
	"github.com/amkeys/amkeys/client/sandbox"
)

// The measurement: 1,000 keys, 20 ms added to every request, 8 in
// flight. The keys sit in 50 pods of 20, so the run also re-reads 50
// scopes (one page each): 1,050 requests where the ideal counts 1,000.
const (
	benchPods        = 50
	benchKeysPerPod  = 20
	benchLatency     = 20 * time.Millisecond
	benchConcurrency = 8
)

// idealDelete is the ideal: every DELETE, 8 at a time, each taking
// the injected latency.
func idealDelete(keys int) time.Duration {
	return time.Duration(keys) * benchLatency / benchConcurrency
}

// BenchmarkBulkDelete reports the time of one bulk delete of 1,000 keys as
// a multiple of the ideal (x-ideal; the issue wants <= 1.3).
func BenchmarkBulkDelete(b *testing.B) {
	srv, err := sandbox.Start(sandbox.Options{}, "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	api := newAPI(b, srv, srv.AdminKey())
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		srv.SetFaults(sandbox.Faults{})
		targets := plantBenchKeys(b, srv)
		srv.SetFaults(sandbox.Faults{Latency: benchLatency})
		start := time.Now()
		b.StartTimer()
		results := bulk.Delete(context.Background(), api, targets, bulk.Options{Concurrency: benchConcurrency})
		b.StopTimer()
		total += time.Since(start)
		if n := bulk.Summary(results); n[bulk.Deleted] != len(targets) {
			b.Fatalf("deleted %d of %d: %v", n[bulk.Deleted], len(targets), n)
		}
	}
	b.ReportMetric(float64(total/time.Duration(b.N))/float64(idealDelete(benchPods*benchKeysPerPod)), "x-ideal")
}

// plantBenchKeys adds the pods and keys and lists them as a review would.
func plantBenchKeys(b *testing.B, srv *sandbox.Running) []bulk.Target {
	b.Helper()
	api := newAPI(b, srv, srv.AdminKey())
	var targets []bulk.Target
	for range benchPods {
		pod := srv.AddPod("bench", "")
		for range benchKeysPerPod {
			srv.AddKey(pod.ID, "k", client.Restricted("inbox_read"), time.Time{})
		}
		err := api.EachKey(context.Background(), client.PodScope(pod.ID), client.ListOptions{Limit: 100}, func(p client.KeyPage) error {
			for _, k := range p.Keys {
				targets = append(targets, bulk.Target{ID: k.ID, Scope: k.Scope(), UsedAt: k.UsedAt, Prefix: k.Prefix})
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return targets
}
