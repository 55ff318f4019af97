package sandbox

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
)

func TestRateLimitFault(t *testing.T) {
	e := start(t, Options{Faults: Faults{RateLimitRate: 1}})
	res := e.do("GET", "/v0/pods", e.admin, nil)
	res.wantError(t, http.StatusTooManyRequests, client.CodeRateLimited)
	if got := res.header.Get("Retry-After"); got != "1" {
		t.Fatalf("Retry-After %q, want the default 1", got)
	}
	e.SetFaults(Faults{RateLimitRate: 1, RetryAfterSeconds: 7})
	if got := e.do("GET", "/v0/pods", e.admin, nil).header.Get("Retry-After"); got != "7" {
		t.Fatalf("Retry-After %q, want 7", got)
	}
	e.SetFaults(Faults{})
	e.do("GET", "/v0/pods", e.admin, nil).want(t, 200)
}

// A fault that strikes first changes nothing: no pod, no used_at.
func TestErrorAndDropBeforeHandlingChangeNothing(t *testing.T) {
	e := start(t, Options{})

	e.SetFaults(Faults{ErrorRate: 1})
	e.clock.Advance(time.Hour)
	e.do("POST", "/v0/pods", e.admin, `{"client_id":"x"}`).wantError(t, 500, client.CodeInternal)

	e.SetFaults(Faults{DropRate: 1})
	if _, err := e.try(context.Background(), "POST", "/v0/pods", e.admin, `{"client_id":"y"}`); err == nil {
		t.Fatal("a dropped request got a response")
	}
	if n := e.RequestCount("POST", "/v0/pods"); n != 2 {
		t.Fatalf("RequestCount %d, want 2", n)
	}

	e.SetFaults(Faults{})
	var pods podList
	e.do("GET", "/v0/pods", e.admin, nil).want(t, 200).decode(t, &pods)
	if pods.Count != 0 {
		t.Fatalf("failed requests created %d pods", pods.Count)
	}
	// The GET above is the only use recorded since.
	if got := e.listAllKeys("/v0/api-keys", e.admin, "", 10)[0].UsedAt; got == nil || *got != formatTime(testNow.Add(time.Hour)) {
		t.Fatalf("used_at %v", got)
	}
}

// AfterEffect models a response lost on the way back: the key exists.
func TestFaultsAfterEffect(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	path := "/v0/pods/" + pod.PodID + "/api-keys"

	e.SetFaults(Faults{DropRate: 1, AfterEffect: true})
	if _, err := e.try(context.Background(), "POST", path, e.admin, `{"name":"lost reply"}`); err == nil {
		t.Fatal("the dropped create got a response")
	}
	e.SetFaults(Faults{ErrorRate: 1, AfterEffect: true})
	e.do("POST", path, e.admin, `{"name":"500 reply"}`).wantError(t, 500, client.CodeInternal)
	e.SetFaults(Faults{})

	if n := e.RequestCount("POST", path); n != 2 {
		t.Fatalf("POST reached the server %d times, want 2", n)
	}
	names := map[string]bool{}
	for _, k := range e.listAllKeys(path, e.admin, "", 10) {
		names[k.Name] = true
	}
	if !names["lost reply"] || !names["500 reply"] || len(names) != 2 {
		t.Fatalf("keys %v, want both creates to have taken effect", names)
	}
}

func TestLatencyHonoursCancellationAndHoldsNoLock(t *testing.T) {
	const latency = 200 * time.Millisecond
	e := start(t, Options{Faults: Faults{Latency: latency}})

	began := time.Now()
	e.do("GET", "/v0/pods", e.admin, nil).want(t, 200)
	if d := time.Since(began); d < latency {
		t.Fatalf("request took %v, want at least %v", d, latency)
	}

	// From here the latency is far longer than any test, so that only the
	// client's cancellation can end a request, however slow the machine.
	e.SetFaults(Faults{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := e.try(ctx, "GET", "/v0/pods", e.admin, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want the deadline", err)
	}

	// Eight requests wait out their latency together: while all eight are
	// waiting, a ninth (with no latency) is answered. A wait that held a
	// lock would keep the later ones from arriving or the ninth from an
	// answer.
	before := e.RequestCount("GET", "/v0/pods")
	pending, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := e.try(pending, "GET", "/v0/pods", e.admin, nil); !errors.Is(err, context.Canceled) {
				t.Errorf("a waiting request ended with %v, want the cancellation", err)
			}
		})
	}
	deadline := time.Now().Add(30 * time.Second)
	for e.RequestCount("GET", "/v0/pods")-before < 8 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of 8 requests arrived: latency is serialised", e.RequestCount("GET", "/v0/pods")-before)
		}
		time.Sleep(time.Millisecond)
	}
	e.SetFaults(Faults{})
	e.do("GET", "/v0/pods", e.admin, nil).want(t, 200)
	stop()
	wg.Wait()
}

// The dice are seeded: the same faults give the same sequence.
func TestFaultDiceAreReproducible(t *testing.T) {
	e := start(t, Options{})
	run := func() []int {
		e.SetFaults(Faults{ErrorRate: 0.5, Seed: 42})
		var out []int
		for range 30 {
			out = append(out, e.do("GET", "/v0/pods", e.admin, nil).status)
		}
		return out
	}
	first, second := run(), run()
	counts := map[int]int{}
	for i := range first {
		if first[i] != second[i] {
			t.Fatalf("sequences differ at %d: %v vs %v", i, first, second)
		}
		counts[first[i]]++
	}
	if counts[200] == 0 || counts[500] == 0 || counts[200]+counts[500] != 30 {
		t.Fatalf("statuses %v, want a mix of 200 and 500", counts)
	}
}

func TestFailPod(t *testing.T) {
	e := start(t, Options{})
	a, b := e.createPod("a", ""), e.createPod("b", "")
	e.FailPod(a.PodID, http.StatusServiceUnavailable)
	e.do("GET", "/v0/pods/"+a.PodID+"/api-keys", e.admin, nil).wantError(t, 503, client.CodeInternal)
	e.do("GET", "/v0/pods/"+a.PodID, e.admin, nil).wantError(t, 503, client.CodeInternal)
	e.do("DELETE", "/v0/pods/"+a.PodID, e.admin, nil).wantError(t, 503, client.CodeInternal)
	e.do("GET", "/v0/pods/"+b.PodID+"/api-keys", e.admin, nil).want(t, 200)
	e.do("GET", "/v0/pods", e.admin, nil).want(t, 200)

	e.FailPod(a.PodID, http.StatusForbidden)
	e.do("GET", "/v0/pods/"+a.PodID+"/api-keys", e.admin, nil).wantError(t, 403, client.CodeForbidden)
	e.FailPod(a.PodID, 0)
	e.do("GET", "/v0/pods/"+a.PodID, e.admin, nil).want(t, 200) // the failed DELETE did nothing
}

func TestSetFaultsClampsBadValues(t *testing.T) {
	e := start(t, Options{})
	e.SetFaults(Faults{ErrorRate: -3, RateLimitRate: 0, DropRate: -1, Latency: -time.Second})
	e.do("GET", "/v0/pods", e.admin, nil).want(t, 200)
	if _, err := New(Options{Faults: Faults{ErrorRate: 1.5}}); err == nil {
		t.Fatal("New accepted an error rate of 1.5")
	}
	if _, err := New(Options{Seed: "bogus"}); err == nil {
		t.Fatal("New accepted an unknown seed")
	}
	if _, err := New(Options{AdminKey: "sk_live_123456"}); err == nil {
		t.Fatal("New accepted an admin key without am_")
	}
}
