package bulk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
)

// Defaults of a run.
const (
	DefaultConcurrency = audit.DefaultConcurrency
	// rateLimitRetries is how often a request still rate limited is tried
	// again, after a pause of the whole pool (a 429 means nothing was done).
	rateLimitRetries = 3
	// settleTimeout bounds the listing that settles a lost answer; it runs
	// even after Stop, since the DELETE before it may have taken effect.
	settleTimeout = 30 * time.Second
)

// errStopped is the cause of the run's stop context after Stop.
var errStopped = errors.New("stopped")

// rateLimitPause is the first pause after a 429 whose wait is unknown; a
// variable for tests.
var rateLimitPause = time.Second

// API is what a run needs: *client.Client, *audit.PacedClient and the
// dashboard's API satisfy it.
type API interface {
	ListKeys(ctx context.Context, scope client.Scope, o client.ListOptions) (client.KeyPage, error)
	DeleteKey(ctx context.Context, scope client.Scope, keyID string) error
}

// onceDeleter is an API that can make exactly one DELETE attempt
// (*client.Client and so *audit.PacedClient): a lost answer then shows as
// such instead of as a retry's 404. Without it, DeleteKey is used.
type onceDeleter interface {
	DeleteKeyOnce(ctx context.Context, scope client.Scope, keyID string) error
}

// Options tune a run; the zero value is the default.
type Options struct {
	Concurrency int // requests in flight; 0 = DefaultConcurrency
	// Gate is the shared rate-limit gate; nil: the API's own (see
	// audit.Paced), else a new one.
	Gate *audit.Gate
	// MaxWait bounds the time spent paused by 429s and 503s in all;
	// 0 = audit.DefaultMaxWait.
	MaxWait time.Duration
	// OnResult, if set, receives each key's result as soon as it is
	// known. Calls never overlap; they come from the run's goroutines, so
	// keep it short (send a message, append to a slice).
	OnResult func(Result)
}

// Run is a bulk delete running in the background.
type Run struct {
	api    API
	once   onceDeleter
	opts   Options
	parent context.Context // the caller's: it ends requests on the wire
	// stop ends the start of new requests (Stop, or the caller's ctx);
	// requests already on the wire finish under parent.
	stop    context.Context
	cancel  context.CancelCauseFunc
	slots   chan struct{}
	updates chan struct{}
	done    chan struct{}

	mu       sync.Mutex
	targets  []Target
	results  []Result
	has      []bool
	prog     Progress
	final    []Result
	resumed  chan struct{} // non-nil while paused; closed by Resume
	resultMu sync.Mutex    // serialises OnResult
}

// Start deletes the targets in the background: one Result per distinct key
// id, in the order of first appearance. Stop (or ctx's end) stops it; keys
// not attempted by then end as NotAttempted. Cancelling ctx also ends the
// requests on the wire; Stop lets them finish.
func Start(ctx context.Context, api API, targets []Target, opts Options) *Run {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	opts.Concurrency = min(opts.Concurrency, audit.MaxConcurrency)
	if opts.MaxWait <= 0 {
		opts.MaxWait = audit.DefaultMaxWait
	}
	if opts.Gate == nil {
		if p, ok := api.(audit.Paced); ok {
			opts.Gate = p.Gate()
		} else {
			opts.Gate = audit.NewGate()
		}
	}
	opts.Gate.SetBudget(opts.MaxWait)
	stop, cancel := context.WithCancelCause(ctx)
	r := &Run{api: api, opts: opts, parent: ctx, stop: stop, cancel: cancel, slots: make(chan struct{}, opts.Concurrency),
		updates: make(chan struct{}, 1), done: make(chan struct{})}
	r.once, _ = api.(onceDeleter)
	seen := map[string]bool{}
	for _, t := range targets {
		if !seen[t.ID] {
			seen[t.ID] = true
			r.targets = append(r.targets, t)
		}
	}
	r.results = make([]Result, len(r.targets))
	r.has = make([]bool, len(r.targets))
	r.prog.Total = len(r.targets)
	go func() {
		defer close(r.done)
		defer cancel(nil)
		r.run()
	}()
	return r
}

// Delete is Start and wait.
func Delete(ctx context.Context, api API, targets []Target, opts Options) []Result {
	r := Start(ctx, api, targets, opts)
	<-r.Done()
	return r.Results()
}

// Progress returns the current counts.
func (r *Run) Progress() Progress {
	r.mu.Lock()
	p := r.prog
	r.mu.Unlock()
	if until := r.opts.Gate.Until(); time.Until(until) > 0 {
		p.PausedUntil = until
	}
	return p
}

// Updates receives a signal after progress changed; signals coalesce, so
// read Progress for the numbers.
func (r *Run) Updates() <-chan struct{} { return r.updates }

// Done is closed when every key has its result.
func (r *Run) Done() <-chan struct{} { return r.done }

// Results are the outcomes, one per distinct key; nil until Done is closed.
func (r *Run) Results() []Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.final
}

// Stop starts no new request: the requests on the wire finish (within the
// client's timeout) and are settled as usual; keys not yet attempted end as
// NotAttempted.
func (r *Run) Stop() { r.cancel(errStopped) }

// Pause holds back every new request until Resume or Stop (while the user
// is asked whether to stop); requests on the wire go on.
func (r *Run) Pause() {
	r.mu.Lock()
	if r.resumed == nil {
		r.resumed = make(chan struct{})
	}
	r.mu.Unlock()
}

// Resume lets new requests start again after Pause.
func (r *Run) Resume() {
	r.mu.Lock()
	if r.resumed != nil {
		close(r.resumed)
		r.resumed = nil
	}
	r.mu.Unlock()
}

// waitResumed returns when the run is not paused, or with ctx's error.
func (r *Run) waitResumed(ctx context.Context) error {
	for {
		r.mu.Lock()
		ch := r.resumed
		r.mu.Unlock()
		if ch == nil {
			return ctx.Err()
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (r *Run) paused() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.resumed != nil
}

// run re-reads the scopes (up to Concurrency listings at once) and deletes
// each key that checks out as soon as its scope is read; listings and
// DELETEs share the pool's slots.
func (r *Run) run() {
	ctx := r.stop
	var order []client.Scope
	groups := map[client.Scope][]int{}
	for i, t := range r.targets {
		if _, ok := groups[t.Scope]; !ok {
			order = append(order, t.Scope)
		}
		groups[t.Scope] = append(groups[t.Scope], i)
	}
	scopes := make(chan []int)
	ready := make(chan int, r.opts.Concurrency)
	var listers sync.WaitGroup
	for range r.opts.Concurrency {
		listers.Go(func() {
			for g := range scopes {
				r.reread(g, ready)
			}
		})
	}
	go func() {
		defer func() {
			listers.Wait()
			close(ready)
		}()
		defer close(scopes)
		for _, s := range order {
			select {
			case scopes <- groups[s]:
			case <-ctx.Done():
				return
			}
		}
	}()
	var workers sync.WaitGroup
	for range r.opts.Concurrency {
		workers.Go(func() {
			for i := range ready {
				r.delete(i)
			}
		})
	}
	workers.Wait()

	// Stop leaves no reason; the caller's ctx its own (such as a --timeout).
	var cause error
	if c := context.Cause(ctx); c != nil && !errors.Is(c, errStopped) {
		cause = c
	}
	for i := range r.targets {
		if !r.hasResult(i) {
			r.finish(i, Result{Outcome: NotAttempted, Err: cause})
		}
	}
	r.mu.Lock()
	r.final = r.results
	r.mu.Unlock()
}

// reread lists the scope of a group of keys once and hands on those still
// there with the last use seen at review.
func (r *Run) reread(group []int, ready chan<- int) {
	ctx := r.stop
	scope := r.targets[group[0]].Scope
	want := make(map[string]bool, len(group))
	for _, i := range group {
		want[r.targets[i].ID] = true
	}
	found, err := r.list(ctx, r.parent, true, scope, want)
	if err != nil {
		if errors.As(err, new(notStarted)) || r.parent.Err() != nil {
			return // not attempted
		}
		res := listFailure(err)
		for _, i := range group {
			r.finish(i, res)
		}
		return
	}
	for _, i := range group {
		t := r.targets[i]
		k, ok := found[t.ID]
		switch {
		case !ok:
			r.finish(i, Result{Outcome: AlreadyGone})
		case !k.UsedAt.Equal(t.UsedAt):
			r.finish(i, Result{Outcome: UsedSinceReview, Seen: k.UsedAt})
		case t.Prefix != "" && k.Prefix != t.Prefix:
			r.finish(i, Result{Outcome: Failed, Err: fmt.Errorf("not attempted: the key's prefix is now %q, not %q as at review", clip(k.Prefix), clip(t.Prefix))})
		default:
			select {
			case ready <- i:
			case <-ctx.Done():
				return
			}
		}
	}
}

// listFailure is the result for every key of a scope that could not be
// re-read: a scope not found holds none of them any more.
func listFailure(err error) Result {
	switch e, ok := client.AsError(err); {
	case client.IsNotFound(err):
		return Result{Outcome: AlreadyGone, Err: fmt.Errorf("its pod or inbox was not found: %w", err)}
	case ok && e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests:
		return Result{Outcome: Refused, Err: fmt.Errorf("not attempted: re-reading its scope was refused: %w", err)}
	}
	return Result{Outcome: Failed, Err: fmt.Errorf("not attempted: re-reading its scope failed: %w", err)}
}

// list walks every page of a scope's keys and returns the wanted ones;
// waitCtx, reqCtx and fresh are as for call.
func (r *Run) list(waitCtx, reqCtx context.Context, fresh bool, scope client.Scope, want map[string]bool) (map[string]client.APIKey, error) {
	found := map[string]client.APIKey{}
	var guard client.PageGuard
	token := ""
	for {
		var page client.KeyPage
		err := r.call(waitCtx, reqCtx, fresh, func(ctx context.Context) (err error) {
			page, err = r.api.ListKeys(ctx, scope, client.ListOptions{Limit: audit.PageSize, PageToken: token})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, k := range page.Keys {
			if want[k.ID] {
				found[k.ID] = k
			}
		}
		if err := guard.Page(len(page.Keys)+len(page.Unreadable), page.Text, page.NextPageToken); err != nil {
			return nil, err
		}
		if page.NextPageToken == "" {
			return found, nil
		}
		token = page.NextPageToken
	}
}

// delete deletes one key that checked out, and settles a lost answer.
func (r *Run) delete(i int) {
	t := r.targets[i]
	if r.stop.Err() != nil {
		return // not attempted
	}
	err := r.call(r.stop, r.parent, true, func(ctx context.Context) error {
		if r.once != nil {
			return r.once.DeleteKeyOnce(ctx, t.Scope, t.ID)
		}
		return r.api.DeleteKey(ctx, t.Scope, t.ID)
	})
	e, isAPI := client.AsError(err)
	switch {
	case errors.As(err, new(notStarted)):
		return // not attempted (stopped while waiting for its turn)
	case err == nil:
		r.finish(i, Result{Outcome: Deleted})
	case client.IsNotFound(err):
		r.finish(i, Result{Outcome: AlreadyGone})
	case answerLost(err):
		r.finish(i, r.settle(t, err))
	case isAPI && e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests:
		r.finish(i, Result{Outcome: Refused, Err: err})
	default:
		r.finish(i, Result{Outcome: Failed, Err: err})
	}
}

// answerLost reports a DELETE that may have taken effect without a usable
// answer: no answer, a 5xx, or (through a retrying DeleteKey) a transport
// failure.
func answerLost(err error) bool {
	var te *client.TransportError
	e, isAPI := client.AsError(err)
	return errors.Is(err, client.ErrOutcomeUnknown) || errors.As(err, &te) || (isAPI && e.Status >= 500)
}

// settle lists the key's scope after a lost answer: gone means this run
// deleted it, still there means it did not. The listing has its own
// bounded context: the DELETE was sent, so a stop (or the caller's ctx
// ending) must not leave its outcome unknown.
func (r *Run) settle(t Target, lost error) Result {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.parent), settleTimeout)
	defer cancel()
	found, err := r.list(ctx, ctx, false, t.Scope, map[string]bool{t.ID: true})
	switch {
	case err != nil && client.IsNotFound(err):
		return Result{Outcome: Deleted, Settled: true} // its whole scope is gone
	case err != nil:
		return Result{Outcome: Unknown, Err: fmt.Errorf("%w; listing its scope to find out failed too: %v", lost, err)}
	}
	if _, there := found[t.ID]; there {
		return Result{Outcome: Failed, Settled: true,
			Err: fmt.Errorf("not deleted: the DELETE's answer was lost and the key is still listed (%w)", lost)}
	}
	return Result{Outcome: Deleted, Settled: true}
}

// notStarted is a request that never went out: the wait for its turn
// ended (Stop, or the caller's ctx).
type notStarted struct{ err error }

func (e notStarted) Error() string { return "not started: " + e.err.Error() }
func (e notStarted) Unwrap() error { return e.err }

// call runs one request when the gate is open and a slot is free. A
// request still rate limited pauses the whole pool and is tried again.
// waitCtx ends the waiting (a notStarted error), reqCtx the request on the
// wire; a fresh request (not the settling of one already sent) also waits
// while the run is paused.
func (r *Run) call(waitCtx, reqCtx context.Context, fresh bool, request func(context.Context) error) error {
	gate := r.opts.Gate
	for attempt := 0; ; {
		if fresh {
			if err := r.waitResumed(waitCtx); err != nil {
				return notStarted{err}
			}
		}
		if err := gate.Wait(waitCtx); err != nil {
			if waitCtx.Err() != nil {
				return notStarted{err}
			}
			return err
		}
		select {
		case r.slots <- struct{}{}:
		case <-waitCtx.Done():
			return notStarted{waitCtx.Err()}
		}
		// Closed or paused while we queued for a slot, or stopped.
		if time.Until(gate.Until()) > 0 || (fresh && r.paused()) || waitCtx.Err() != nil {
			<-r.slots
			continue
		}
		r.update(func(p *Progress) { p.InFlight++ })
		err := request(reqCtx)
		<-r.slots
		r.update(func(p *Progress) { p.InFlight-- })
		if budget := gate.Exhausted(); budget != nil && err != nil {
			return budget
		}
		if err == nil || !rateLimited(err) || attempt >= rateLimitRetries || reqCtx.Err() != nil {
			return err
		}
		attempt++
		if time.Until(gate.Until()) <= 0 { // the server gave no wait of its own
			gate.Pause(time.Duration(attempt) * rateLimitPause)
		}
	}
}

func rateLimited(err error) bool {
	e, ok := client.AsError(err)
	return ok && e.Status == http.StatusTooManyRequests
}

// finish records key i's result once and tells OnResult.
func (r *Run) finish(i int, res Result) {
	res.Target = r.targets[i]
	r.mu.Lock()
	if r.has[i] {
		r.mu.Unlock()
		return
	}
	r.has[i] = true
	r.results[i] = res
	r.prog.Done++
	r.prog.Counts[res.Outcome]++
	r.mu.Unlock()
	r.signal()
	if r.opts.OnResult != nil {
		r.resultMu.Lock()
		r.opts.OnResult(res)
		r.resultMu.Unlock()
	}
}

func (r *Run) hasResult(i int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.has[i]
}

// update changes the progress under the lock and signals readers.
func (r *Run) update(f func(p *Progress)) {
	r.mu.Lock()
	f(&r.prog)
	r.mu.Unlock()
	r.signal()
}

func (r *Run) signal() {
	select {
	case r.updates <- struct{}{}:
	default:
	}
}

// clip bounds server text quoted in an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
