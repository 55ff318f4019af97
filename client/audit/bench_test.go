package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/sandbox"
)

// The measurement: 1,000 pods with 5 keys each, 20 ms added to every
// request, 8 in flight.
const (
	benchPods        = 1000
	benchKeysPerPod  = 5
	benchLatency     = 20 * time.Millisecond
	benchConcurrency = 8
)

// IdealFanout is the ideal time for a scan: every pod-list page and
// every pod's key list, 8 at a time, each taking the injected latency.
func idealFanout(pods int) time.Duration {
	pages := (pods + audit.PageSize - 1) / audit.PageSize
	return time.Duration(pages+pods) * benchLatency / benchConcurrency
}

// BenchmarkAuditFanout runs the engine behind `amkeys audit` and reports
// its time as a multiple of the ideal (x-ideal; the issue wants <= 1.3).
func BenchmarkAuditFanout(b *testing.B) {
	srv, err := sandbox.Start(sandbox.Options{Faults: sandbox.Faults{Latency: benchLatency}}, "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.AddPods(benchPods, benchKeysPerPod)
	api, err := audit.NewClient(client.Options{BaseURL: srv.URL, APIKey: srv.AdminKey()})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res := audit.Run(context.Background(), api, audit.Options{Concurrency: benchConcurrency})
		if !res.Complete() || len(res.Keys) != benchPods*benchKeysPerPod+1 {
			b.Fatalf("incomplete scan: %d keys, %d failed, list error %v", len(res.Keys), len(res.Failed), res.ListErr)
		}
	}
	perScan := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(perScan)/float64(idealFanout(benchPods)), "x-ideal")
}
