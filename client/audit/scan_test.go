package audit_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/sandbox"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestScanFindsEveryKeyOnce(t *testing.T) {
	w := newWorld(t, 30, sandbox.Faults{})
	s := audit.Start(context.Background(), w.api, audit.Options{Concurrency: 4})
	<-s.Done()
	res := s.Result()
	if !res.Complete() || !res.OrgKeys {
		t.Fatalf("complete=%v orgKeys=%v failed=%v listErr=%v", res.Complete(), res.OrgKeys, res.Failed, res.ListErr)
	}
	w.check(t, res)
	p := s.Progress()
	if p.PodsKnown != 30 || p.PodsScanned != 30 || !p.ListingDone || p.KeysFound != len(res.Keys) || p.InFlight != 0 || p.Errors != 0 {
		t.Errorf("final progress %+v", p)
	}
	// Pod pages of 100 and key pages of 100: 1 pod page, 30 pods + 1 extra
	// page for the pod with 101 keys, 30 inbox listings (all empty), 1
	// organization listing, 1 credential listing.
	if n := w.srv.RequestCount(http.MethodGet, "/"); n != 1+31+30+1+1 {
		t.Errorf("%d requests, want 64", n)
	}
}

func TestSummary(t *testing.T) {
	w := newWorld(t, 8, sandbox.Faults{})
	res := audit.Run(context.Background(), w.api, audit.Options{})
	s := audit.Summarize(res, audit.Policy{Now: testNow, StaleDays: 90})
	if s.Pods != 8 || s.PodsScanned != 8 || s.PodsWithoutKeys != 2 || s.Keys != len(w.want)+1 {
		t.Fatalf("summary %+v", s)
	}
	total, unrestricted, never, stale := 0, 0, 0, 0
	for _, k := range res.Keys {
		if k.Permissions.IsUnrestricted() {
			unrestricted++
		}
		if k.NeverUsed() {
			never++
		}
		if !k.NeverUsed() && testNow.Sub(k.UsedAt) > 90*24*time.Hour {
			stale++
		}
	}
	for _, n := range s.LastUsed {
		total += n
	}
	if total != s.Keys || s.Unrestricted != unrestricted || s.NeverUsed() != never || s.Stale != stale || stale == 0 {
		t.Errorf("summary %+v; want unrestricted %d never %d stale %d", s, unrestricted, never, stale)
	}
}

func TestBucketBoundaries(t *testing.T) {
	d := 24 * time.Hour
	cases := []struct {
		ago  time.Duration
		want audit.Bucket
	}{
		{-time.Hour, audit.UsedToday}, {0, audit.UsedToday}, {23 * time.Hour, audit.UsedToday},
		{d, audit.UsedWeek}, {7 * d, audit.UsedWeek}, {7*d + time.Second, audit.UsedMonth},
		{30 * d, audit.UsedMonth}, {31 * d, audit.UsedQuarter}, {90 * d, audit.UsedQuarter},
		{90*d + time.Second, audit.UsedOlder}, {900 * d, audit.UsedOlder},
	}
	for _, c := range cases {
		if got := audit.BucketOf(testNow.Add(-c.ago), testNow); got != c.want {
			t.Errorf("%v ago: got %s, want %s", c.ago, got.Label(), c.want.Label())
		}
	}
	if audit.BucketOf(time.Time{}, testNow) != audit.NeverUsed {
		t.Error("zero time is not never")
	}
	if audit.IsStale(time.Time{}, testNow, 1) || !audit.IsStale(testNow.Add(-91*d), testNow, 90) || audit.IsStale(testNow.Add(-89*d), testNow, 90) {
		t.Error("IsStale boundaries")
	}
}

// 10% of requests are answered 429 with Retry-After: 1; the pool waits
// and the result is still complete and exact.
func TestRateLimitedScanIsComplete(t *testing.T) {
	w := newWorld(t, 24, sandbox.Faults{})
	w.srv.SetFaults(sandbox.Faults{RateLimitRate: 0.10, RetryAfterSeconds: 1, Seed: 7})
	res := audit.Run(context.Background(), w.api, audit.Options{})
	if !res.Complete() {
		t.Fatalf("incomplete: failed %v, list error %v", res.Failed, res.ListErr)
	}
	w.check(t, res)
}

func TestFailedPodIsReportedAndRetried(t *testing.T) {
	w := newWorld(t, 12, sandbox.Faults{})
	bad := w.pods[3]
	w.srv.FailPod(bad.ID, 500)
	res := audit.Run(context.Background(), w.api, audit.Options{})
	if res.Complete() || !res.CanRetry() || len(res.Failed) != 1 || res.Failed[0].Pod.ID != bad.ID {
		t.Fatalf("want pod %q failed alone, got %s", bad.Name, podNames(res.Failed))
	}
	if e, ok := client.AsError(res.Failed[0].Err); !ok || e.Status != 500 {
		t.Errorf("failure error %v", res.Failed[0].Err)
	}
	for _, k := range res.Keys {
		if k.PodID == bad.ID {
			t.Fatal("a failed pod contributed keys")
		}
	}
	// The rest is exact: drop the failed pod's keys from what we expect.
	rest := *w
	rest.want = map[string]keyFact{}
	for id, f := range w.want {
		if f.podID != bad.ID {
			rest.want[id] = f
		}
	}
	rest.check(t, res)
	if s := audit.Summarize(res, audit.Policy{Now: testNow, StaleDays: 90}); s.FailedPods != 1 || s.PodsScanned != 11 {
		t.Errorf("summary %+v", s)
	}

	w.srv.FailPod(bad.ID, 0)
	before := w.srv.RequestCount(http.MethodGet, "/")
	retried := audit.Retry(context.Background(), w.api, res, audit.Options{})
	<-retried.Done()
	again := retried.Result()
	if !again.Complete() {
		t.Fatalf("retry incomplete: %v", again.Failed)
	}
	w.check(t, again)
	if n := w.srv.RequestCount(http.MethodGet, "/") - before; n != 2 {
		t.Errorf("retry made %d requests, want 2 (the failed pod's keys and inboxes only)", n)
	}
	if len(res.Failed) != 1 {
		t.Error("Retry changed the earlier result")
	}
}

func TestCancelStopsPromptly(t *testing.T) {
	w := newWorld(t, 40, sandbox.Faults{})
	// A latency no test outlives: only the cancel can end the requests.
	w.srv.SetFaults(sandbox.Faults{Latency: time.Hour})
	s := audit.Start(context.Background(), w.api, audit.Options{Concurrency: 2})
	<-s.Updates()
	s.Cancel()
	// Loose, for a busy machine; without the cancel it would take an hour.
	select {
	case <-s.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("scan did not stop after Cancel")
	}
	res := s.Result()
	if !res.Cancelled || res.Complete() || len(res.Failed) != 0 || res.CanRetry() {
		t.Errorf("cancelled=%v failed=%v", res.Cancelled, res.Failed)
	}
	if p := s.Progress(); p.PodsScanned == 40 || p.InFlight != 0 {
		t.Errorf("progress after cancel %+v", p)
	}
}

// A pod-scoped caller lists its pod through /v0/pods and again through
// /v0/api-keys; each key must still appear once, in its pod.
func TestPodScopedCallerCountsKeysOnce(t *testing.T) {
	w := newWorld(t, 4, sandbox.Faults{})
	pod := w.pods[2]
	own := w.srv.AddKey(pod.ID, "pod admin", client.Unrestricted(), time.Time{})
	api, err := audit.NewClient(client.Options{BaseURL: w.srv.URL, APIKey: own.Secret})
	if err != nil {
		t.Fatal(err)
	}
	defer api.CloseIdleConnections()
	res := audit.Run(context.Background(), api, audit.Options{})
	if !res.Complete() || len(res.Pods) != 1 {
		t.Fatalf("complete=%v pods=%d", res.Complete(), len(res.Pods))
	}
	want := 1 // the pod admin key
	for _, f := range w.want {
		if f.podID == pod.ID {
			want++
		}
	}
	if len(res.Keys) != want {
		t.Errorf("got %d keys, want %d", len(res.Keys), want)
	}
	for _, k := range res.Keys {
		if k.PodID != pod.ID || k.PodName != pod.Name {
			t.Errorf("key %q attributed to %q", k.Name, k.PodName)
		}
	}
}
