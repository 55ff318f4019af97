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
// request, 8 in flight; and the same pods with 3 inboxes of one key each.
const (
	benchPods        = 1000
	benchKeysPerPod  = 5
	benchLatency     = 20 * time.Millisecond
	benchConcurrency = 8
)

// idealFanout is the ideal time for a scan: every request, 8 at a
// time, each taking the injected latency. A scan makes one request per
// pod-list page, per pod's key list, per pod's inbox list and per inbox's
// key list, plus the organization keys and the public-key credentials
// (every list here fits one page of 100).
func idealFanout(pods, inboxesPerPod int) time.Duration {
	pages := (pods + audit.PageSize - 1) / audit.PageSize
	requests := pages + pods + pods + pods*inboxesPerPod + 2
	return time.Duration(requests) * benchLatency / benchConcurrency
}

// BenchmarkAuditFanout runs the engine behind `amkeys audit` and reports
// its time as a multiple of the ideal (x-ideal; the issue wants <= 1.3).
func BenchmarkAuditFanout(b *testing.B) {
	b.Run("pods=1000/keys=5", func(b *testing.B) { benchFanout(b, 0, 0) })
	b.Run("pods=1000/keys=5/inboxes=3", func(b *testing.B) { benchFanout(b, 3, 1) })
}

func benchFanout(b *testing.B, inboxesPerPod, keysPerInbox int) {
	srv, err := sandbox.Start(sandbox.Options{}, "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.AddPods(benchPods, benchKeysPerPod)
	srv.AddInboxes(inboxesPerPod, keysPerInbox)
	srv.SetFaults(sandbox.Faults{Latency: benchLatency})
	api, err := audit.NewClient(client.Options{BaseURL: srv.URL, APIKey: srv.AdminKey()})
	if err != nil {
		b.Fatal(err)
	}
	defer api.CloseIdleConnections()
	want := benchPods*(benchKeysPerPod+inboxesPerPod*keysPerInbox) + 1 // and the admin key
	for b.Loop() {
		res := audit.Run(context.Background(), api, audit.Options{Concurrency: benchConcurrency})
		if !res.Complete() || len(res.Keys) != want || res.Inboxes() != benchPods*inboxesPerPod {
			b.Fatalf("incomplete scan: %d keys (want %d), %d inboxes, %d failed, list error %v",
				len(res.Keys), want, res.Inboxes(), len(res.Failed), res.ListErr)
		}
	}
	perScan := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(perScan)/float64(idealFanout(benchPods, inboxesPerPod)), "x-ideal")
}
