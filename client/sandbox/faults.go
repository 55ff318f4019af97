package sandbox

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// faultKind is what the dice decided for one request.
type faultKind int

const (
	faultNone faultKind = iota
	faultRateLimit
	faultError
	faultDrop
)

// faultPlan is the fate of one request, decided on arrival.
type faultPlan struct {
	latency     time.Duration
	failStatus  int // from FailPod; 0 = none
	kind        faultKind
	afterEffect bool
	retryAfter  int
}

const defaultFaultSeed = 0x5eed

// maxCountedPaths bounds the request counter's memory against path scanners.
const maxCountedPaths = 100_000

// SetFaults replaces the injected faults at runtime; it is safe to call while
// requests are served. Out-of-range shares are clamped to [0, 1]. The dice
// are reseeded from f.Seed, so a test sees the same sequence every run.
// DropRate needs a connection that can be hijacked (any net/http server);
// when the server is called in-process without one, the drop panics with
// http.ErrAbortHandler, as net/http expects from a handler aborting a reply.
func (s *Server) SetFaults(f Faults) {
	f = f.normalized()
	seed := f.Seed
	if seed == 0 {
		seed = defaultFaultSeed
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = f
	s.dice = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// FailPod makes every request under /v0/pods/{podID} (the pod and its keys)
// answer status with a matching error body, before any other handling.
// Status 0 clears it; a status outside 400..599 is answered as 500.
func (s *Server) FailPod(podID string, status int) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if status == 0 {
		delete(s.failedPods, podID)
		return
	}
	s.failedPods[podID] = status
}

// RequestCount returns how many requests have arrived (whatever their fate:
// served, failed, dropped) whose method is method ("" = any) and whose path
// starts with pathPrefix. Query strings are not part of the path.
func (s *Server) RequestCount(method, pathPrefix string) int {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	total := 0
	for k, n := range s.counts {
		if (method == "" || k.method == method) && strings.HasPrefix(k.path, pathPrefix) {
			total += n
		}
	}
	return total
}

type countKey struct{ method, path string }

// arrive counts the request and decides its faults.
func (s *Server) arrive(r *http.Request) faultPlan {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	k := countKey{r.Method, r.URL.Path}
	if _, seen := s.counts[k]; seen || len(s.counts) < maxCountedPaths {
		s.counts[k]++
	}
	f := s.faults
	plan := faultPlan{latency: f.Latency, afterEffect: f.AfterEffect, retryAfter: f.RetryAfterSeconds}
	if podID, ok := podInPath(r.URL.Path); ok {
		plan.failStatus = s.failedPods[podID]
	}
	if f.DropRate+f.ErrorRate+f.RateLimitRate == 0 {
		return plan
	}
	switch d := s.dice.Float64(); {
	case d < f.DropRate:
		plan.kind = faultDrop
	case d < f.DropRate+f.ErrorRate:
		plan.kind = faultError
	case d < f.DropRate+f.ErrorRate+f.RateLimitRate:
		plan.kind = faultRateLimit
	}
	return plan
}

// podInPath extracts {pod_id} from /v0/pods/{pod_id}[/...].
func podInPath(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/v0/pods/")
	if !ok || rest == "" {
		return "", false
	}
	id, _, _ := strings.Cut(rest, "/")
	return id, id != ""
}

// sleep waits d, or less if ctx ends first; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// drop closes the connection without answering.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
