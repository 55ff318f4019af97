package bulk_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/bulk"
	"github.com/amkeys/amkeys/client/sandbox"
)

func startSandbox(t testing.TB) *sandbox.Running {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Options{}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func newAPI(t testing.TB, srv *sandbox.Running, key string) *audit.PacedClient {
	t.Helper()
	api, err := audit.NewClient(client.Options{BaseURL: srv.URL, APIKey: key, Backoff: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.CloseIdleConnections)
	return api
}

// target is a key as a reviewer saw it.
func target(k client.CreatedAPIKey) bulk.Target {
	return bulk.Target{ID: k.ID, Scope: k.Scope(), UsedAt: k.UsedAt, Prefix: k.Prefix, Name: k.Name}
}

// use makes one request with the key's secret, which moves its used_at.
func use(t testing.TB, srv *sandbox.Running, secret string) {
	t.Helper()
	api := newAPI(t, srv, secret)
	_, _ = api.GetOrganization(context.Background()) // refused or not, the use is recorded
}

// present lists a scope with the admin key and reports whether id is in it.
func present(t testing.TB, api *audit.PacedClient, scope client.Scope, id string) bool {
	t.Helper()
	found := false
	err := api.EachKey(context.Background(), scope, client.ListOptions{Limit: 100}, func(p client.KeyPage) error {
		for _, k := range p.Keys {
			found = found || k.ID == id
		}
		return nil
	})
	if err != nil && !client.IsNotFound(err) {
		t.Fatal(err)
	}
	return found
}

// Keys in two pods and the organization: three delete, one was used after
// the review, one was deleted by someone else, one's pod is gone; every key
// gets one result, told once to OnResult, and the server agrees.
func TestDeleteReReadsEachKeyFirst(t *testing.T) {
	srv := startSandbox(t)
	api := newAPI(t, srv, srv.AdminKey())
	a, b, c := srv.AddPod("A", "a"), srv.AddPod("B", "b"), srv.AddPod("C", "c")
	old := time.Now().Add(-200 * 24 * time.Hour)
	keep := []client.CreatedAPIKey{
		srv.AddKey(a.ID, "a1", client.Restricted("inbox_read"), old),
		srv.AddKey(a.ID, "a2", client.Unrestricted(), time.Time{}),
		srv.AddKey("", "org1", client.Restricted("pod_read"), old),
	}
	used := srv.AddKey(b.ID, "b used", client.Restricted("inbox_read"), old)
	gone := srv.AddKey(b.ID, "b gone", client.Restricted("inbox_read"), old)
	inGonePod := srv.AddKey(c.ID, "c1", client.Restricted("inbox_read"), old)
	var targets []bulk.Target
	for _, k := range append(keep, used, gone, inGonePod) {
		targets = append(targets, target(k))
	}
	targets = append(targets, target(keep[0])) // a duplicate counts once

	use(t, srv, used.Secret)
	if err := api.DeleteKey(context.Background(), gone.Scope(), gone.ID); err != nil {
		t.Fatal(err)
	}
	if err := api.DeletePod(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	told := map[string]int{}
	results := bulk.Delete(context.Background(), api, targets, bulk.Options{OnResult: func(r bulk.Result) {
		mu.Lock()
		told[r.ID]++
		mu.Unlock()
	}})
	if len(results) != 6 {
		t.Fatalf("%d results for 6 distinct keys", len(results))
	}
	want := map[string]bulk.Outcome{keep[0].ID: bulk.Deleted, keep[1].ID: bulk.Deleted, keep[2].ID: bulk.Deleted,
		used.ID: bulk.UsedSinceReview, gone.ID: bulk.AlreadyGone, inGonePod.ID: bulk.AlreadyGone}
	for i, r := range results {
		if r.ID != targets[i].ID {
			t.Errorf("result %d is for %s, want %s (the targets' order)", i, r.ID, targets[i].ID)
		}
		if r.Outcome != want[r.ID] {
			t.Errorf("%s: %v (%v), want %v", r.Name, r.Outcome, r.Err, want[r.ID])
		}
		if told[r.ID] != 1 {
			t.Errorf("%s: told %d times", r.Name, told[r.ID])
		}
	}
	if r := results[3]; r.Seen.IsZero() || !r.Seen.After(used.UsedAt) {
		t.Errorf("used since review: seen %v, reviewed %v", r.Seen, used.UsedAt)
	}
	for _, k := range keep {
		if present(t, api, k.Scope(), k.ID) {
			t.Errorf("%s is still on the server", k.Name)
		}
	}
	if !present(t, api, used.Scope(), used.ID) {
		t.Error("the key used since review was deleted")
	}
	if n := bulk.Summary(results); n[bulk.Deleted] != 3 || n[bulk.AlreadyGone] != 2 || n[bulk.UsedSinceReview] != 1 {
		t.Errorf("summary %v", n)
	}
}

// droppingAPI turns on the sandbox's "drop" fault around each DELETE only,
// so that the re-read before it and the listing after it are answered.
type droppingAPI struct {
	*audit.PacedClient
	srv    *sandbox.Running
	faults sandbox.Faults
	keep   bool // leave the fault on after the DELETE (the settling listing fails too)
}

func (d *droppingAPI) DeleteKeyOnce(ctx context.Context, scope client.Scope, id string) error {
	d.srv.SetFaults(d.faults)
	err := d.PacedClient.DeleteKeyOnce(ctx, scope, id)
	if !d.keep {
		d.srv.SetFaults(sandbox.Faults{})
	}
	return err
}

// A DELETE whose connection is dropped is reported as unknown and settled
// by listing the scope: gone (the drop came after the effect) is deleted,
// still listed is not deleted, and a listing that fails leaves it unknown.
func TestLostDeleteAnswerIsSettledByListing(t *testing.T) {
	for _, c := range []struct {
		name    string
		faults  sandbox.Faults
		keep    bool
		want    bulk.Outcome
		settled bool
		gone    bool
	}{
		{"dropped after the effect", sandbox.Faults{DropRate: 1, AfterEffect: true}, false, bulk.Deleted, true, true},
		{"dropped before the effect", sandbox.Faults{DropRate: 1}, false, bulk.Failed, true, false},
		{"the listing fails too", sandbox.Faults{DropRate: 1, AfterEffect: true}, true, bulk.Unknown, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := startSandbox(t)
			admin := newAPI(t, srv, srv.AdminKey())
			pod := srv.AddPod("P", "p")
			k := srv.AddKey(pod.ID, "k", client.Restricted("inbox_read"), time.Time{})
			api := &droppingAPI{PacedClient: admin, srv: srv, faults: c.faults, keep: c.keep}
			results := bulk.Delete(context.Background(), api, []bulk.Target{target(k)}, bulk.Options{Concurrency: 1})
			srv.SetFaults(sandbox.Faults{})
			r := results[0]
			if r.Outcome != c.want || r.Settled != c.settled {
				t.Fatalf("outcome %v settled %v (%v), want %v settled %v", r.Outcome, r.Settled, r.Err, c.want, c.settled)
			}
			if c.want == bulk.Unknown && !errors.Is(r.Err, client.ErrOutcomeUnknown) {
				t.Errorf("unknown without ErrOutcomeUnknown: %v", r.Err)
			}
			if deletes := srv.RequestCount("DELETE", "/v0/pods/"); deletes != 1 {
				t.Errorf("%d DELETE requests, want exactly 1 (never retried blindly)", deletes)
			}
			if got := !present(t, admin, k.Scope(), k.ID); got != c.gone {
				t.Errorf("gone on the server: %v, want %v", got, c.gone)
			}
		})
	}
}

// A refusal carries the server's fix; a cancelled run attempts nothing.
func TestRefusedAndCancelled(t *testing.T) {
	srv := startSandbox(t)
	admin := newAPI(t, srv, srv.AdminKey())
	pod := srv.AddPod("P", "p")
	reader := srv.AddKey("", "reader", client.Restricted("api_key_read"), time.Time{})
	k := srv.AddKey(pod.ID, "k", client.Restricted("inbox_read"), time.Time{})

	res := bulk.Delete(context.Background(), newAPI(t, srv, reader.Secret), []bulk.Target{target(k)}, bulk.Options{})
	if r := res[0]; r.Outcome != bulk.Refused || r.Fix() == "" {
		t.Errorf("a key without api_key_delete: %v (%v), fix %q", r.Outcome, r.Err, r.Fix())
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res = bulk.Delete(ctx, admin, []bulk.Target{target(k)}, bulk.Options{})
	if r := res[0]; r.Outcome != bulk.NotAttempted || !errors.Is(r.Err, context.Canceled) {
		t.Errorf("cancelled: %v (%v)", r.Outcome, r.Err)
	}
	if !present(t, admin, k.Scope(), k.ID) {
		t.Error("the key was deleted by a cancelled run")
	}
}

// A 429 on a DELETE pauses the shared gate for its Retry-After and the key
// is deleted after it; Progress shows the pause.
func TestRateLimitedDeleteWaitsAtTheGate(t *testing.T) {
	srv := startSandbox(t)
	admin := newAPI(t, srv, srv.AdminKey())
	pod := srv.AddPod("P", "p")
	k := srv.AddKey(pod.ID, "k", client.Restricted("inbox_read"), time.Time{})
	api := &droppingAPI{PacedClient: admin, srv: srv, faults: sandbox.Faults{RateLimitRate: 1, RetryAfterSeconds: 1}}
	once := false
	limited := &onceLimited{droppingAPI: api, first: &once}
	run := bulk.Start(context.Background(), limited, []bulk.Target{target(k)}, bulk.Options{})
	paused := false
	for done := false; !done; {
		select {
		case <-run.Done():
			done = true
		case <-run.Updates():
		case <-time.After(20 * time.Millisecond):
		}
		paused = paused || !run.Progress().PausedUntil.IsZero()
	}
	if r := run.Results()[0]; r.Outcome != bulk.Deleted {
		t.Fatalf("after a 429: %v (%v)", r.Outcome, r.Err)
	}
	if !paused {
		t.Error("the pool never showed a pause")
	}
	if n := srv.RequestCount("DELETE", "/v0/pods/"); n != 2 {
		t.Errorf("%d DELETEs, want 2 (the 429, then the delete)", n)
	}
}

// onceLimited rate-limits only the first DELETE.
type onceLimited struct {
	*droppingAPI
	first *bool
}

func (o *onceLimited) DeleteKeyOnce(ctx context.Context, scope client.Scope, id string) error {
	if !*o.first {
		*o.first = true
		return o.droppingAPI.DeleteKeyOnce(ctx, scope, id)
	}
	return o.PacedClient.DeleteKeyOnce(ctx, scope, id)
}

// heldAPI holds every DELETE until the test releases it: one token each.
type heldAPI struct {
	*audit.PacedClient
	started chan string   // a DELETE is on the wire
	release chan struct{} // one token lets one held DELETE go out
}

func (h *heldAPI) DeleteKeyOnce(ctx context.Context, scope client.Scope, id string) error {
	h.started <- id
	select {
	case <-h.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return h.PacedClient.DeleteKeyOnce(ctx, scope, id)
}

// Stop lets the DELETEs on the wire finish and be counted as deleted;
// the keys never attempted end as NotAttempted (no error) and stay on the
// server. While paused, no new DELETE starts; Resume lets them go on.
func TestStopFinishesDeletesOnTheWire(t *testing.T) {
	srv := startSandbox(t)
	admin := newAPI(t, srv, srv.AdminKey())
	pod := srv.AddPod("P", "p")
	var targets []bulk.Target
	for i := range 6 {
		targets = append(targets, target(srv.AddKey(pod.ID, fmt.Sprint("k", i), client.Restricted("inbox_read"), time.Time{})))
	}
	api := &heldAPI{PacedClient: admin, started: make(chan string, len(targets)), release: make(chan struct{}, len(targets))}
	let := func(n int) {
		for range n {
			api.release <- struct{}{}
		}
	}
	run := bulk.Start(context.Background(), api, targets, bulk.Options{Concurrency: 2})
	wait := func() string {
		select {
		case id := <-api.started:
			return id
		case <-time.After(30 * time.Second):
			t.Fatal("no DELETE started")
		}
		return ""
	}
	onWire := map[string]bool{wait(): true, wait(): true}
	run.Pause()
	let(2) // the two held DELETEs go out while paused
	// Paused: the two finish, and no third DELETE starts.
	for deadline := time.Now().Add(30 * time.Second); run.Progress().Done < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("the DELETEs on the wire did not finish: %+v", run.Progress())
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case id := <-api.started:
		t.Fatalf("DELETE of %s started while paused", id)
	case <-time.After(100 * time.Millisecond): // a started one would be caught later too
	}
	run.Resume()
	onWire[wait()], onWire[wait()] = true, true
	run.Stop()
	let(2) // the two on the wire at Stop finish
	<-run.Done()
	if n := len(api.started); n > 0 {
		t.Errorf("%d DELETEs started after Stop", n)
	}
	deleted := 0
	for _, r := range run.Results() {
		switch r.Outcome {
		case bulk.Deleted:
			deleted++
			if !onWire[r.ID] {
				t.Errorf("%s deleted but was never on the wire", r.Name)
			}
		case bulk.NotAttempted:
			if r.Err != nil {
				t.Errorf("%s: not attempted with an error %v", r.Name, r.Err)
			}
			if !present(t, admin, r.Scope, r.ID) {
				t.Errorf("%s not attempted but gone", r.Name)
			}
		default:
			t.Errorf("%s: %v (%v)", r.Name, r.Outcome, r.Err)
		}
	}
	if deleted != 4 {
		t.Errorf("%d deleted, want the 4 sent before Stop", deleted)
	}
	if bulk.NotAttempted.ID() != "stopped" || bulk.NotAttempted.String() != "not attempted (stopped)" {
		t.Errorf("names: %q %q", bulk.NotAttempted.ID(), bulk.NotAttempted)
	}
}
