package audit

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Gate holds every worker of a scan back until the server's Retry-After has
// passed. It is shared: one 429 pauses all requests that have not started.
type Gate struct {
	mu    sync.Mutex
	until time.Time
}

// NewGate returns an open gate.
func NewGate() *Gate { return &Gate{} }

// Observe has the shape of client.Options.OnRetry: a rate limit (429) or an
// overloaded server (503) closes the gate for the wait the client announced.
func (g *Gate) Observe(wait time.Duration, status int) {
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		g.Pause(wait)
	}
}

// Pause closes the gate for d from now (never shortening an earlier pause).
func (g *Gate) Pause(d time.Duration) {
	if d <= 0 {
		return
	}
	until := time.Now().Add(d)
	g.mu.Lock()
	if until.After(g.until) {
		g.until = until
	}
	g.mu.Unlock()
}

// Until is when the gate opens again (in the past when it is open).
func (g *Gate) Until() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.until
}

// Wait returns when the gate is open, or with ctx's error.
func (g *Gate) Wait(ctx context.Context) error {
	for {
		d := time.Until(g.Until())
		if d <= 0 {
			return ctx.Err()
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
			// Loop: another 429 may have pushed the time further.
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}
