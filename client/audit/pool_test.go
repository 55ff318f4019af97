package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
)

// podServer answers /v0/pods with n pods (one page) and each pod's keys with
// one key, after delay; hook may answer instead.
type podServer struct {
	n     int
	delay time.Duration
	hook  func(w http.ResponseWriter, r *http.Request) bool
	// barrier > 0: each pod's key listing is held until barrier requests
	// are in flight at once, so that a test sees the pool at its full
	// width however the machine schedules the workers.
	barrier  int32
	full     chan struct{}
	fullOnce sync.Once

	mu       sync.Mutex
	arrivals []time.Time
	inFlight atomic.Int32
	maxSeen  atomic.Int32
}

func (s *podServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.arrivals = append(s.arrivals, time.Now())
	s.mu.Unlock()
	now := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		seen := s.maxSeen.Load()
		if now <= seen || s.maxSeen.CompareAndSwap(seen, now) {
			break
		}
	}
	if s.barrier > 0 && strings.HasPrefix(r.URL.Path, "/v0/pods/") {
		s.holdUntilFull(now)
	}
	time.Sleep(s.delay)
	if s.hook != nil && s.hook(w, r) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/v0/pods":
		pods := make([]map[string]string, s.n)
		for i := range pods {
			pods[i] = map[string]string{"pod_id": fmt.Sprintf("p%03d", i), "name": fmt.Sprintf("pod %d", i)}
		}
		json.NewEncoder(w).Encode(map[string]any{"pods": pods})
	case r.URL.Path == "/v0/api-keys":
		json.NewEncoder(w).Encode(map[string]any{"api_keys": []any{}})
	case r.URL.Path == "/v0/api-keys/public-keys":
		json.NewEncoder(w).Encode(map[string]any{"public_keys": []any{}})
	case strings.HasSuffix(r.URL.Path, "/inboxes"):
		json.NewEncoder(w).Encode(map[string]any{"inboxes": []any{}})
	case strings.HasSuffix(r.URL.Path, "/api-keys"):
		id := strings.Split(r.URL.Path, "/")[3]
		json.NewEncoder(w).Encode(map[string]any{"api_keys": []any{map[string]string{"api_key_id": "k-" + id, "name": "key"}}})
	default:
		http.NotFound(w, r)
	}
}

// holdUntilFull waits until barrier requests are in flight; the bound only
// keeps a broken pool (narrower than the barrier) from hanging the test.
func (s *podServer) holdUntilFull(now int32) {
	if now >= s.barrier {
		s.fullOnce.Do(func() { close(s.full) })
	}
	select {
	case <-s.full:
	case <-time.After(30 * time.Second):
	}
}

func startPodServer(t *testing.T, s *podServer) *audit.PacedClient {
	t.Helper()
	return startPodServerWith(t, s, client.Options{})
}

// startPodServerWith is startPodServer with client options (base URL and
// key are filled in).
func startPodServerWith(t *testing.T, s *podServer, opts client.Options) *audit.PacedClient {
	t.Helper()
	s.full = make(chan struct{})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	opts.BaseURL, opts.APIKey = ts.URL, "am_test_pool_key"
	api, err := audit.NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.CloseIdleConnections)
	return api
}

func TestConcurrencyIsBounded(t *testing.T) {
	s := &podServer{n: 60, delay: 5 * time.Millisecond, barrier: 3}
	api := startPodServer(t, s)
	res := audit.Run(context.Background(), api, audit.Options{Concurrency: 3})
	if !res.Complete() || len(res.Keys) != 60 {
		t.Fatalf("complete=%v keys=%d", res.Complete(), len(res.Keys))
	}
	if got := s.maxSeen.Load(); got != 3 {
		t.Errorf("at most %d requests in flight, want exactly 3", got)
	}
}

// One 429 with Retry-After: 1 must hold back every worker, not only the one
// that got it: no request may start while the pool waits.
func TestRateLimitPausesTheWholePool(t *testing.T) {
	var limitedAt atomic.Int64
	// 200 pods at 10 ms, 4 at a time: half a second of work, most of it
	// after the 429, so that a pool that did not wait would be seen.
	s := &podServer{n: 200, delay: 10 * time.Millisecond}
	s.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/v0/pods/p005/api-keys" && limitedAt.CompareAndSwap(0, time.Now().UnixNano()) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
		return false
	}
	// pausedAt is when the client announced its wait: the gate had just
	// closed. Taken from the event, not guessed from the clock, so that a
	// slow machine moves it along with everything else.
	var pausedAt atomic.Int64
	api := startPodServerWith(t, s, client.Options{OnRetry: func(wait time.Duration, status int) {
		if status == http.StatusTooManyRequests {
			pausedAt.CompareAndSwap(0, time.Now().UnixNano())
		}
	}})
	const concurrency = 4
	res := audit.Run(context.Background(), api, audit.Options{Concurrency: concurrency})
	if !res.Complete() || len(res.Keys) != 200 {
		t.Fatalf("complete=%v keys=%d failed=%v", res.Complete(), len(res.Keys), res.Failed)
	}
	if pausedAt.Load() == 0 {
		t.Fatal("the client never announced a wait for the 429")
	}
	from, until := time.Unix(0, pausedAt.Load()), api.Gate().Until()
	// The client saw the 429 after the server sent it, so the gate must
	// stay closed until at least a second after that.
	if t429 := time.Unix(0, limitedAt.Load()); !until.After(t429.Add(time.Second)) {
		t.Fatalf("the gate opens at %v, before Retry-After has passed since the 429 (%v)", until, t429)
	}
	// Requests of the other workers that were already past the gate when
	// it closed may still land after it, one per worker at most; after
	// that, silence until Retry-After has passed. (The 429's own retry
	// comes after its one-second wait, so after until.)
	s.mu.Lock()
	defer s.mu.Unlock()
	during, after := 0, 0
	for _, at := range s.arrivals {
		if at.After(from) && at.Before(until) {
			during++
		}
		if !at.Before(until) {
			after++
		}
	}
	if during > concurrency-1 {
		t.Errorf("%d requests started while the pool should wait (at most %d were already on their way)", during, concurrency-1)
	}
	if after == 0 {
		t.Error("no request after the pause: the test did not exercise it")
	}
}

// fakeAPI is an in-memory Lister whose answers tests can break.
type fakeAPI struct {
	mu       sync.Mutex
	pods     []client.Pod
	keys     map[string][]client.APIKey // "" = organization
	podErr   map[string]error           // by page token
	keysErr  map[string]error           // by pod id
	pageSize int
}

func newFakeAPI(pods, keysPerPod int) *fakeAPI {
	f := &fakeAPI{keys: map[string][]client.APIKey{}, podErr: map[string]error{}, keysErr: map[string]error{}, pageSize: 2}
	for i := range pods {
		p := client.Pod{ID: fmt.Sprintf("pod-%d", i), Name: fmt.Sprintf("Pod %d", i)}
		f.pods = append(f.pods, p)
		for j := range keysPerPod {
			f.keys[p.ID] = append(f.keys[p.ID], client.APIKey{ID: fmt.Sprintf("%s-k%d", p.ID, j), Name: "k", PodID: p.ID})
		}
	}
	f.keys[""] = []client.APIKey{{ID: "org-1", Name: "org"}}
	return f
}

func (f *fakeAPI) ListPods(_ context.Context, o client.ListOptions) (client.PodPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.podErr[o.PageToken]; err != nil {
		return client.PodPage{}, err
	}
	start := 0
	fmt.Sscan(o.PageToken, &start)
	end := min(start+f.pageSize, len(f.pods))
	next := ""
	if end < len(f.pods) {
		next = fmt.Sprint(end)
	}
	return client.PodPage{Pods: append([]client.Pod(nil), f.pods[start:end]...), NextPageToken: next}, nil
}

func (f *fakeAPI) ListKeys(_ context.Context, scope client.Scope, _ client.ListOptions) (client.KeyPage, error) {
	podID := scope.ID
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.keysErr[podID]; err != nil {
		return client.KeyPage{}, err
	}
	return client.KeyPage{Keys: append([]client.APIKey(nil), f.keys[podID]...)}, nil
}

// ListInboxes: the fake's pods have no inboxes.
func (f *fakeAPI) ListInboxes(context.Context, client.Scope, client.ListOptions) (client.InboxPage, error) {
	return client.InboxPage{}, nil
}

// ListPublicKeys: the fake has no credentials.
func (f *fakeAPI) ListPublicKeys(context.Context, client.ListOptions) (client.PublicKeyPage, error) {
	return client.PublicKeyPage{}, nil
}

func apiError(status int) error { return &client.Error{Status: status, Message: "injected"} }

func TestOrganizationKeysForbiddenIsANote(t *testing.T) {
	f := newFakeAPI(3, 2)
	f.keysErr[""] = apiError(http.StatusForbidden)
	res := audit.Run(context.Background(), f, audit.Options{})
	if !res.Complete() || res.OrgKeys || len(res.Keys) != 6 || len(res.Notes) != 1 {
		t.Fatalf("complete=%v orgKeys=%v keys=%d notes=%q", res.Complete(), res.OrgKeys, len(res.Keys), res.Notes)
	}
}

func TestOrganizationKeysFailureIsRetried(t *testing.T) {
	f := newFakeAPI(3, 2)
	f.keysErr[""] = apiError(http.StatusInternalServerError)
	res := audit.Run(context.Background(), f, audit.Options{})
	if len(res.Failed) != 1 || !res.Failed[0].IsOrganization() || len(res.Keys) != 6 {
		t.Fatalf("failed=%v keys=%d", res.Failed, len(res.Keys))
	}
	delete(f.keysErr, "")
	again := audit.Run(context.Background(), f, audit.Options{})
	retried := audit.Retry(context.Background(), f, res, audit.Options{})
	<-retried.Done()
	if got := retried.Result(); !got.Complete() || !got.OrgKeys || len(got.Keys) != len(again.Keys) {
		t.Fatalf("after retry: complete=%v keys=%d, want %d", got.Complete(), len(got.Keys), len(again.Keys))
	}
}

func TestPodDeletedDuringAuditIsANote(t *testing.T) {
	f := newFakeAPI(4, 1)
	f.keysErr["pod-2"] = apiError(http.StatusNotFound)
	res := audit.Run(context.Background(), f, audit.Options{})
	if !res.Complete() || len(res.Pods) != 3 || len(res.Keys) != 4 || len(res.Notes) != 1 {
		t.Fatalf("complete=%v pods=%d keys=%d notes=%q", res.Complete(), len(res.Pods), len(res.Keys), res.Notes)
	}
}

// The pod listing fails on its second page: the pods of the first page are
// still scanned, and a retry resumes the listing where it stopped.
func TestPodListingFailureResumes(t *testing.T) {
	f := newFakeAPI(5, 1)
	f.podErr["2"] = apiError(http.StatusBadGateway)
	res := audit.Run(context.Background(), f, audit.Options{})
	if res.ListErr == nil || !res.CanRetry() || len(res.Pods) != 2 || len(res.Keys) != 3 {
		t.Fatalf("listErr=%v pods=%d keys=%d", res.ListErr, len(res.Pods), len(res.Keys))
	}
	delete(f.podErr, "2")
	s := audit.Retry(context.Background(), f, res, audit.Options{})
	<-s.Done()
	got := s.Result()
	if !got.Complete() || len(got.Pods) != 5 || len(got.Keys) != 6 {
		t.Fatalf("after retry: complete=%v pods=%d keys=%d", got.Complete(), len(got.Pods), len(got.Keys))
	}
}

func TestRepeatedPageTokenStops(t *testing.T) {
	f := newFakeAPI(6, 0)
	loop := &loopingPods{fakeAPI: f}
	res := audit.Run(context.Background(), loop, audit.Options{})
	if !errorsIs(res.ListErr, client.ErrPagination) || res.CanRetry() {
		t.Fatalf("listErr=%v canRetry=%v", res.ListErr, res.CanRetry())
	}
}

// loopingPods hands back the same next token forever.
type loopingPods struct{ *fakeAPI }

func (l *loopingPods) ListPods(ctx context.Context, o client.ListOptions) (client.PodPage, error) {
	p, err := l.fakeAPI.ListPods(ctx, client.ListOptions{})
	p.NextPageToken = "again"
	return p, err
}

// flakyKeys answers 429 to the first n key listings of one pod.
type flakyKeys struct {
	*fakeAPI
	podID string
	n     atomic.Int32
}

func (f *flakyKeys) ListKeys(ctx context.Context, scope client.Scope, o client.ListOptions) (client.KeyPage, error) {
	if scope.ID == f.podID && f.n.Add(-1) >= 0 {
		return client.KeyPage{}, apiError(http.StatusTooManyRequests)
	}
	return f.fakeAPI.ListKeys(ctx, scope, o)
}

// A request still rate limited after the client's own retries is tried
// again after a pause, a bounded number of times.
func TestEngineRetriesRateLimitedRequests(t *testing.T) {
	defer audit.ShortenRateLimitPause(5 * time.Millisecond)()
	f := &flakyKeys{fakeAPI: newFakeAPI(3, 1), podID: "pod-1"}
	f.n.Store(2)
	if res := audit.Run(context.Background(), f, audit.Options{}); !res.Complete() || len(res.Keys) != 4 {
		t.Fatalf("after two 429s: complete=%v keys=%d", res.Complete(), len(res.Keys))
	}
	f.n.Store(100)
	res := audit.Run(context.Background(), f, audit.Options{})
	if len(res.Failed) != 1 || res.Failed[0].Pod.ID != "pod-1" {
		t.Fatalf("a pod always rate limited must fail, got %v", res.Failed)
	}
	if left := f.n.Load(); left != 100-4 {
		t.Errorf("%d attempts, want 4", 100-left)
	}
}
