package audit

import (
	"context"
	"sync"
	"time"

	"github.com/amkeys/amkeys/client"
)

// Limits of a scan.
const (
	DefaultConcurrency = 8
	MaxConcurrency     = 64
	// PageSize is the API's largest page: the pod listing is sequential,
	// so fewer, larger pages keep the workers fed.
	PageSize = 100
	// rateLimitRetries is how often a request still rate limited after the
	// client's own retries is tried again, after a pause of the whole pool.
	rateLimitRetries = 3
	// DefaultMaxWait bounds the time a scan spends paused by 429s and 503s
	// in all (Retry-After of many pods, or one far in the future).
	DefaultMaxWait = 5 * time.Minute
)

// Options tune a scan; the zero value is the default.
type Options struct {
	Concurrency int   // requests in flight; 0 = DefaultConcurrency
	PageSize    int   // 0 = PageSize
	Gate        *Gate // nil: the API's own (see Paced), else a new one
	// MaxWait is the scan's budget of rate-limit pauses; 0 = DefaultMaxWait.
	MaxWait time.Duration
	// Bounds of what one scan holds, over all listings together, and of
	// each listing's paging; zero fields are client's defaults.
	Limits client.PageGuard
}

func (o Options) withDefaults(api Lister) Options {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	o.Concurrency = min(o.Concurrency, MaxConcurrency)
	if o.MaxWait <= 0 {
		o.MaxWait = DefaultMaxWait
	}
	if o.PageSize <= 0 || o.PageSize > PageSize {
		o.PageSize = PageSize
	}
	if o.Gate == nil {
		if p, ok := api.(Paced); ok {
			o.Gate = p.Gate()
		} else {
			o.Gate = NewGate()
		}
	}
	return o
}

// Progress is a snapshot of a running scan.
type Progress struct {
	PodsKnown   int  // pods listed so far
	PodsScanned int  // pods whose keys were listed or failed
	ListingDone bool // every page of pods is in
	KeysFound   int  // credentials: bearer keys and public keys
	// InboxesFound is the inboxes listed so far.
	InboxesFound int
	InFlight     int // requests on the wire
	Errors       int // failed pods so far
	// PausedUntil is set while the pool waits for a Retry-After.
	PausedUntil time.Time
}

// Scan is an audit running in the background.
type Scan struct {
	cancel  context.CancelFunc
	gate    *Gate
	updates chan struct{}
	done    chan struct{}

	mu     sync.Mutex
	prog   Progress
	result *Result
}

// Start begins a scan of every pod, its inboxes, the organization keys and
// the public-key credentials.
func Start(ctx context.Context, api Lister, opts Options) *Scan { return start(ctx, api, opts, nil) }

// Retry scans only what failed in prev (its failed pods, the organization
// keys and the credentials if they failed, and the rest of the pod listing
// if it stopped) and
// returns prev's findings merged with the new ones. prev is not changed.
func Retry(ctx context.Context, api Lister, prev *Result, opts Options) *Scan {
	return start(ctx, api, opts, prev)
}

// Run is Start and wait.
func Run(ctx context.Context, api Lister, opts Options) *Result {
	s := Start(ctx, api, opts)
	<-s.Done()
	return s.Result()
}

func start(ctx context.Context, api Lister, opts Options, prev *Result) *Scan {
	opts = opts.withDefaults(api)
	opts.Gate.SetBudget(opts.MaxWait)
	ctx, cancel := context.WithCancelCause(ctx)
	s := &Scan{cancel: func() { cancel(nil) }, gate: opts.Gate, updates: make(chan struct{}, 1), done: make(chan struct{})}
	r := newRunner(api, opts, s, prev)
	r.stop = cancel
	go func() {
		defer close(s.done)
		defer cancel(nil)
		res := r.run(ctx, prev)
		s.mu.Lock()
		s.result = res
		s.mu.Unlock()
	}()
	return s
}

// Progress returns the current counts.
func (s *Scan) Progress() Progress {
	s.mu.Lock()
	p := s.prog
	s.mu.Unlock()
	if until := s.gate.Until(); time.Until(until) > 0 {
		p.PausedUntil = until
	}
	return p
}

// Updates receives a signal after progress changed; signals coalesce, so
// read Progress for the numbers.
func (s *Scan) Updates() <-chan struct{} { return s.updates }

// Done is closed when the scan has finished (or stopped after Cancel).
func (s *Scan) Done() <-chan struct{} { return s.done }

// Result is the outcome; nil until Done is closed.
func (s *Scan) Result() *Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.result
}

// Cancel stops the scan; requests in flight are abandoned.
func (s *Scan) Cancel() { s.cancel() }

// update changes the progress under the lock and signals readers.
func (s *Scan) update(f func(p *Progress)) {
	s.mu.Lock()
	f(&s.prog)
	s.mu.Unlock()
	select {
	case s.updates <- struct{}{}:
	default:
	}
}
