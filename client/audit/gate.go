package audit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// ErrWaitBudget stops a scan whose server asked it to wait (429, 503) for
// longer in total than the scan's budget allows.
var ErrWaitBudget = errors.New("stopped: the server kept asking amkeys to wait (rate limited)")

// Gate holds every worker of a scan back until the server's Retry-After has
// passed. It is shared: one 429 pauses all requests that have not started.
// It also adds up how long it has been closed: past a budget, it stays
// shut and every Wait fails with ErrWaitBudget.
type Gate struct {
	mu     sync.Mutex
	until  time.Time
	waited time.Duration // closed time since SetBudget, overlaps counted once
	budget time.Duration // 0 = none
}

// SetBudget starts counting closed time afresh, against budget (0: none).
func (g *Gate) SetBudget(budget time.Duration) {
	g.mu.Lock()
	g.waited, g.budget = 0, budget
	g.mu.Unlock()
}

// Exhausted returns ErrWaitBudget (wrapped with the figures) once the gate
// has been closed for longer than its budget, else nil.
func (g *Gate) Exhausted() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.exhausted()
}

func (g *Gate) exhausted() error {
	if g.budget > 0 && g.waited > g.budget {
		return fmt.Errorf("%w: more than %v of waiting in all", ErrWaitBudget, g.budget)
	}
	return nil
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
	now := time.Now()
	until := now.Add(d)
	g.mu.Lock()
	if until.After(g.until) {
		from := g.until
		if from.Before(now) {
			from = now
		}
		g.waited += until.Sub(from)
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

// Wait returns when the gate is open, or with ctx's error, or with
// ErrWaitBudget once the budget is spent.
func (g *Gate) Wait(ctx context.Context) error {
	for {
		if err := g.Exhausted(); err != nil {
			return err
		}
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
