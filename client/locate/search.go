package locate

import (
	"context"
	"sync"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
)

// API is what a search lists: pods and keys (the audit's), and inboxes.
type API interface {
	audit.Lister
	audit.InboxLister
}

// Progress is a snapshot of a running search: the audit's (organization
// and pods), then the inboxes searched after it.
type Progress struct {
	Audit           audit.Progress
	InboxPhase      bool // the audit is done; the inboxes are searched
	Inboxes         int  // inboxes to search after the audit
	InboxesSearched int
}

// Search is a lookup running in the background.
type Search struct {
	api     API
	prefix  string
	opts    audit.Options
	scan    *audit.Scan
	cancel  context.CancelFunc
	updates chan struct{}
	done    chan struct{}

	mu       sync.Mutex
	progress Progress
	outcome  Outcome
}

// Start searches every credential listing for the prefix: an audit of the
// organization and its pods (their inboxes included), then the
// organization's inbox listing for inboxes the audit did not reach. At
// most opts.Concurrency requests are in flight, and all of them wait at
// one rate-limit gate.
func Start(ctx context.Context, api API, prefix string, opts audit.Options) *Search {
	if opts.Gate == nil {
		if p, ok := api.(audit.Paced); ok {
			opts.Gate = p.Gate()
		} else {
			opts.Gate = audit.NewGate()
		}
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = audit.DefaultConcurrency
	}
	opts.Concurrency = min(opts.Concurrency, audit.MaxConcurrency)
	ctx, cancel := context.WithCancel(ctx)
	s := &Search{api: api, prefix: prefix, opts: opts, cancel: cancel,
		updates: make(chan struct{}, 1), done: make(chan struct{})}
	s.scan = audit.Start(ctx, api, opts)
	go s.run(ctx)
	return s
}

// Run is Start, waited for.
func Run(ctx context.Context, api API, prefix string, opts audit.Options) Outcome {
	s := Start(ctx, api, prefix, opts)
	<-s.Done()
	return s.Outcome()
}

// AuditScan is the audit the search runs first, for its progress.
func (s *Search) AuditScan() *audit.Scan { return s.scan }

// Progress is a snapshot.
func (s *Search) Progress() Progress {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.progress
	if !p.InboxPhase {
		p.Audit = s.scan.Progress()
	}
	return p
}

// Updates signals (coalesced) that the progress moved.
func (s *Search) Updates() <-chan struct{} { return s.updates }

// Done is closed when the search has ended.
func (s *Search) Done() <-chan struct{} { return s.done }

// Outcome is what was found; complete once Done is closed.
func (s *Search) Outcome() Outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outcome
}

// Cancel stops the search; Done closes soon after.
func (s *Search) Cancel() { s.cancel() }

func (s *Search) signal() {
	select {
	case s.updates <- struct{}{}:
	default:
	}
}

func (s *Search) run(ctx context.Context) {
	defer close(s.done)
	defer s.cancel()
	for waiting := true; waiting; {
		select {
		case <-s.scan.Done():
			waiting = false
		case <-s.scan.Updates():
			s.signal()
		}
	}
	res := s.scan.Result()
	out := InAudit(res, s.prefix)
	final := s.scan.Progress()
	s.mu.Lock()
	s.progress = Progress{Audit: final, InboxPhase: true}
	s.mu.Unlock()
	s.signal()

	found, problems := s.searchInboxes(ctx, searchedPods(res))
	seen := map[string]bool{}
	for _, m := range out.Matches {
		seen[m.Key.ID] = true
	}
	for _, m := range found {
		if !seen[m.Key.ID] {
			seen[m.Key.ID] = true
			m.PodName = podName(res, m.Key.PodID)
			out.Matches = append(out.Matches, m)
		}
	}
	out.Problems = append(out.Problems, problems...)
	s.mu.Lock()
	s.outcome = out
	s.mu.Unlock()
}

// searchedPods are the pods whose inboxes the audit searched completely.
func searchedPods(res *audit.Result) map[string]bool {
	out := map[string]bool{}
	for _, p := range res.Pods {
		if p.Scanned {
			out[p.ID] = true
		}
	}
	return out
}

func podName(res *audit.Result, podID string) string {
	for _, p := range res.Pods {
		if p.ID == podID {
			return p.Name
		}
	}
	return ""
}

// searchInboxes lists the organization's inboxes, then the keys of each
// one the audit did not search (opts.Concurrency at a time, at the gate),
// and returns the keys with the prefix.
func (s *Search) searchInboxes(ctx context.Context, searched map[string]bool) ([]Match, []Problem) {
	var inboxes []client.Inbox
	err := walk(func(token string) (int, int, string, error) {
		if err := s.opts.Gate.Wait(ctx); err != nil {
			return 0, 0, "", err
		}
		page, err := s.api.ListInboxes(ctx, client.OrganizationScope(), client.ListOptions{Limit: audit.PageSize, PageToken: token})
		if err != nil {
			return 0, 0, "", err
		}
		for _, in := range page.Inboxes {
			if in.ID != "" && !searched[in.PodID] {
				inboxes = append(inboxes, in)
			}
		}
		return len(page.Inboxes) + len(page.Unreadable), page.Text, page.NextPageToken, nil
	})
	if err != nil {
		if cause := context.Cause(ctx); cause != nil {
			err = cause
		}
		return nil, []Problem{{Where: "the inbox listing", Err: err}}
	}
	s.mu.Lock()
	s.progress.Inboxes = len(inboxes)
	s.mu.Unlock()
	s.signal()

	var (
		mu       sync.Mutex
		found    []Match
		problems []Problem
		wg       sync.WaitGroup
	)
	slots := make(chan struct{}, s.opts.Concurrency)
	for _, in := range inboxes {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil || s.opts.Gate.Wait(ctx) != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			mine, err := s.inboxMatches(ctx, in)
			mu.Lock()
			found = append(found, mine...)
			if err != nil && !client.IsNotFound(err) && ctx.Err() == nil { // an inbox deleted meanwhile holds no key
				problems = append(problems, Problem{Where: "inbox " + in.ID, Err: err})
			}
			mu.Unlock()
			s.mu.Lock()
			s.progress.InboxesSearched++
			s.mu.Unlock()
			s.signal()
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		problems = append(problems, Problem{Where: "inboxes", Err: err})
	}
	return found, problems
}

// inboxMatches lists one inbox's keys and keeps those with the prefix.
func (s *Search) inboxMatches(ctx context.Context, in client.Inbox) ([]Match, error) {
	var mine []Match
	err := walk(func(token string) (int, int, string, error) {
		page, err := s.api.ListKeys(ctx, client.InboxScope(in.ID), client.ListOptions{Limit: audit.PageSize, PageToken: token})
		if err != nil {
			return 0, 0, "", err
		}
		for _, k := range page.Keys {
			if k.Prefix != s.prefix {
				continue
			}
			if k.InboxID == "" {
				k.InboxID = in.ID
			}
			if k.PodID == "" {
				k.PodID = in.PodID
			}
			mine = append(mine, Match{Key: k, InboxEmail: in.Email})
		}
		return len(page.Keys) + len(page.Unreadable), page.Text, page.NextPageToken, nil
	})
	return mine, err
}

// walk fetches pages until the last, under a client.PageGuard.
func walk(fetch func(token string) (items, text int, next string, err error)) error {
	var guard client.PageGuard
	token := ""
	for {
		items, text, next, err := fetch(token)
		if err != nil {
			return err
		}
		if err := guard.Page(items, text, next); err != nil || next == "" {
			return err
		}
		token = next
	}
}
