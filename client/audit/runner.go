package audit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/amkeys/amkeys/client"
)

// job is one listing of keys: a pod's, or the organization's (org true).
type job struct {
	pod client.Pod
	org bool
}

// runner holds one scan's work and findings.
type runner struct {
	api   Lister
	opts  Options
	scan  *Scan
	slots chan struct{}           // one token per request in flight
	stop  context.CancelCauseFunc // ends the whole scan, saying why

	mu        sync.Mutex
	pods      []PodInfo
	podIndex  map[string]int // pod id -> index in pods
	gone      map[string]bool
	podKeys   []Key
	orgKeys   []Key
	failed    []Failure
	notes     []string
	orgListed bool
	bad       []Unreadable
	items     int // keys and pods held, against opts.Limits.MaxItems
	text      int // their text, against opts.Limits.MaxText
}

func newRunner(api Lister, opts Options, s *Scan, prev *Result) *runner {
	r := &runner{api: api, opts: opts, scan: s, slots: make(chan struct{}, opts.Concurrency),
		podIndex: map[string]int{}, gone: map[string]bool{}}
	if prev != nil {
		r.adopt(prev)
	}
	return r
}

// adopt starts from an earlier result: its pods, keys and notes stand.
func (r *runner) adopt(prev *Result) {
	r.pods = append([]PodInfo(nil), prev.Pods...)
	for i, p := range r.pods {
		r.podIndex[p.ID] = i
	}
	r.podKeys = append([]Key(nil), prev.Keys...)
	r.notes = append([]string(nil), prev.Notes...)
	r.orgListed = prev.OrgKeys
	for _, u := range prev.Unreadable {
		if u.Kind == "pod" {
			r.bad = append(r.bad, u) // pod pages are not listed again
		}
	}
	scanned := 0
	for _, p := range prev.Pods {
		if p.Scanned {
			scanned++
		}
	}
	r.scan.prog = Progress{PodsKnown: len(prev.Pods), PodsScanned: scanned, KeysFound: len(prev.Keys),
		ListingDone: prev.ListErr == nil}
}

// run feeds jobs to the workers while it lists pods, then waits for them.
func (r *runner) run(ctx context.Context, prev *Result) *Result {
	jobs := make(chan job, 2*r.opts.PageSize)
	var wg sync.WaitGroup
	for range r.opts.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				r.listKeys(ctx, j)
			}
		})
	}
	send := func(j job) bool {
		select {
		case jobs <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}
	res := &Result{}
	switch {
	case prev == nil:
		if send(job{org: true}) {
			r.listPods(ctx, "", send, res)
		}
	default:
		for _, f := range prev.Failed {
			if !send(job{pod: f.Pod, org: f.IsOrganization()}) {
				break
			}
		}
		if prev.ListErr != nil && prev.resumable {
			r.listPods(ctx, prev.resumeToken, send, res)
		} else {
			res.ListErr = prev.ListErr
		}
	}
	close(jobs)
	wg.Wait()
	return r.result(ctx, res)
}

// listPods walks the pod pages from token, handing each pod to the workers
// as soon as its page arrives. A failure is kept in res with where to resume.
func (r *runner) listPods(ctx context.Context, token string, send func(job) bool, res *Result) {
	guard := r.opts.Limits
	for {
		var page client.PodPage
		err := r.call(ctx, func(ctx context.Context) (err error) {
			page, err = r.api.ListPods(ctx, client.ListOptions{Limit: r.opts.PageSize, PageToken: token})
			return err
		})
		if err != nil {
			if ctx.Err() == nil {
				res.ListErr, res.resumeToken, res.resumable = err, token, true
			}
			return
		}
		fresh := r.addPods(page.Pods)
		r.unreadable(client.Pod{}, page.Unreadable)
		if err := r.hold(len(fresh)+len(page.Unreadable), page.Text); err != nil {
			return
		}
		for _, p := range fresh {
			if !send(job{pod: p}) {
				return
			}
		}
		if err := guard.Page(len(fresh)+len(page.Unreadable), page.Text, page.NextPageToken); err != nil {
			res.ListErr = err // a looping listing cannot be resumed
			return
		}
		if page.NextPageToken == "" {
			r.scan.update(func(p *Progress) { p.ListingDone = true })
			return
		}
		token = page.NextPageToken
	}
}

// hold counts what the scan keeps against its bounds; past them it stops
// the whole scan, saying why.
func (r *runner) hold(items, text int) error {
	r.mu.Lock()
	r.items += items
	r.text += text
	maxItems, maxText := orDefault(r.opts.Limits.MaxItems, client.MaxItems), orDefault(r.opts.Limits.MaxText, client.MaxText)
	var err error
	switch {
	case r.items > maxItems:
		err = fmt.Errorf("%w (more than %d keys and pods in one audit)", client.ErrListTooLarge, maxItems)
	case r.text > maxText:
		err = fmt.Errorf("%w (more than %d MiB of key and pod names and ids in one audit)", client.ErrListTooLarge, maxText>>20)
	}
	r.mu.Unlock()
	if err != nil {
		r.stop(err)
	}
	return err
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// unreadable records items the client could not decode.
func (r *runner) unreadable(pod client.Pod, items []client.ItemError) {
	if len(items) == 0 {
		return
	}
	r.mu.Lock()
	for _, e := range items {
		r.bad = append(r.bad, Unreadable{Pod: pod, ItemError: e})
	}
	r.mu.Unlock()
}

// addPods records listed pods and returns those not seen before.
func (r *runner) addPods(pods []client.Pod) []client.Pod {
	fresh := pods[:0:0]
	r.mu.Lock()
	for _, p := range pods {
		if _, seen := r.podIndex[p.ID]; seen || p.ID == "" {
			continue
		}
		r.podIndex[p.ID] = len(r.pods)
		r.pods = append(r.pods, PodInfo{Pod: p})
		fresh = append(fresh, p)
	}
	r.mu.Unlock()
	r.scan.update(func(p *Progress) { p.PodsKnown += len(fresh) })
	return fresh
}

// listKeys lists every page of one job's keys and records them, or the
// failure. A pod whose listing fails contributes no keys, except when
// paging was stopped (a repeated page, too much): then what was fetched is
// kept and the pod is reported as incomplete.
func (r *runner) listKeys(ctx context.Context, j job) {
	if ctx.Err() != nil {
		return
	}
	scope := client.PodScope(j.pod.ID)
	if j.pod.ID == "" {
		scope = client.OrganizationScope()
	}
	var keys []client.APIKey
	seen := map[string]struct{}{}
	guard := r.opts.Limits
	token := ""
	for {
		var page client.KeyPage
		err := r.call(ctx, func(ctx context.Context) (err error) {
			page, err = r.api.ListKeys(ctx, scope, client.ListOptions{Limit: r.opts.PageSize, PageToken: token})
			return err
		})
		if err != nil {
			r.fail(ctx, j, err, len(keys))
			return
		}
		fresh, text := 0, 0
		for i := range page.Keys {
			k := &page.Keys[i]
			if _, dup := seen[k.ID]; dup {
				continue // a server repeating a page under a new token
			}
			seen[k.ID] = struct{}{}
			keys = append(keys, *k)
			fresh++
			text += len(k.ID) + len(k.Name) + len(k.Prefix) + len(k.InboxID)
		}
		r.unreadable(j.pod, page.Unreadable)
		r.scan.update(func(p *Progress) { p.KeysFound += fresh })
		if err := r.hold(fresh+len(page.Unreadable), text); err != nil {
			r.partial(j, keys, err)
			return
		}
		if err := guard.Page(fresh+len(page.Unreadable), text, page.NextPageToken); err != nil {
			r.partial(j, keys, err)
			return
		}
		if page.NextPageToken == "" {
			break
		}
		token = page.NextPageToken
	}
	r.commit(j, keys)
}

// partial keeps the keys of a listing whose paging was stopped and reports
// the pod as incomplete, with the reason.
func (r *runner) partial(j job, keys []client.APIKey, err error) {
	r.commit(j, keys)
	r.mu.Lock()
	r.failed = append(r.failed, Failure{Pod: j.pod, Err: err, Kept: len(keys)})
	if i, ok := r.podIndex[j.pod.ID]; ok && !j.org {
		r.pods[i].Scanned = false
	}
	r.mu.Unlock()
	r.scan.update(func(p *Progress) { p.Errors++ })
}

// call runs one request when the gate is open and a slot is free. A request
// still rate limited after the client's retries pauses the whole pool and
// is tried again.
func (r *runner) call(ctx context.Context, request func(context.Context) error) error {
	for attempt := 0; ; {
		if err := r.opts.Gate.Wait(ctx); err != nil {
			if errors.Is(err, ErrWaitBudget) {
				r.stop(err)
			}
			return err
		}
		select {
		case r.slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		if time.Until(r.opts.Gate.Until()) > 0 { // closed while we queued for a slot
			<-r.slots
			continue
		}
		r.scan.update(func(p *Progress) { p.InFlight++ })
		err := request(ctx)
		<-r.slots
		r.scan.update(func(p *Progress) { p.InFlight-- })
		if budget := r.opts.Gate.Exhausted(); budget != nil {
			r.stop(budget) // the server keeps us waiting: give up on the whole scan
			return budget
		}
		if err == nil || !isRateLimited(err) || attempt >= rateLimitRetries || ctx.Err() != nil {
			return err
		}
		attempt++
		r.opts.Gate.Pause(time.Duration(attempt) * rateLimitPause)
	}
}

// rateLimitPause is the first pause after a request the client gave up on
// as rate limited (its Retry-After is not known here); a variable for tests.
var rateLimitPause = time.Second

func isRateLimited(err error) bool {
	e, ok := client.AsError(err)
	return ok && e.Status == http.StatusTooManyRequests
}

// fail records why a job's keys could not be listed. Being cancelled is not
// a failure, nor are organization keys the caller may not list, nor a pod
// deleted since the listing.
func (r *runner) fail(ctx context.Context, j job, err error, partial int) {
	if ctx.Err() != nil {
		r.scan.update(func(p *Progress) { p.KeysFound -= partial })
		return
	}
	r.mu.Lock()
	note, counted := "", false
	switch {
	case j.org && (client.IsForbidden(err) || client.IsNotFound(err)):
		note = "organization keys not listed: this API key may not list them"
	case !j.org && client.IsNotFound(err):
		r.gone[j.pod.ID] = true
		note = "a pod was deleted during the audit: " + j.pod.ID
	default:
		r.failed = append(r.failed, Failure{Pod: j.pod, Err: err})
		counted = true
	}
	if note != "" {
		r.notes = append(r.notes, note)
	}
	r.mu.Unlock()
	r.scan.update(func(p *Progress) {
		p.KeysFound -= partial
		if !j.org {
			p.PodsScanned++
		}
		if counted {
			p.Errors++
		}
	})
}

// commit records a job's keys, attributed to its pod.
func (r *runner) commit(j job, keys []client.APIKey) {
	r.mu.Lock()
	if j.org {
		r.orgListed = true
		for _, k := range keys {
			r.orgKeys = append(r.orgKeys, Key{APIKey: k})
		}
	} else {
		podID := j.pod.ID // one string shared by all the pod's keys
		for _, k := range keys {
			k.PodID = podID
			r.podKeys = append(r.podKeys, Key{APIKey: k, PodName: j.pod.Name})
		}
		if i, ok := r.podIndex[podID]; ok {
			r.pods[i].Keys, r.pods[i].Scanned = len(keys), true
		}
	}
	r.mu.Unlock()
	if !j.org {
		r.scan.update(func(p *Progress) { p.PodsScanned++ })
	}
}

// result assembles the findings: pod keys, then organization keys not
// already listed under a pod (a pod-scoped caller's /v0/api-keys lists its
// own pod's keys), each key once by id, stalest first.
func (r *runner) result(ctx context.Context, res *Result) *Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res.Cancelled = ctx.Err() != nil
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		res.Stopped = cause
	}
	res.Failed, res.Notes, res.OrgKeys, res.Unreadable = r.failed, r.notes, r.orgListed, r.bad
	for _, p := range r.pods {
		if !r.gone[p.ID] {
			res.Pods = append(res.Pods, p)
		}
	}
	seen := make(map[string]struct{}, len(r.podKeys)+len(r.orgKeys))
	keys := make([]Key, 0, len(r.podKeys)+len(r.orgKeys))
	for _, k := range r.podKeys {
		if _, dup := seen[k.ID]; !dup {
			seen[k.ID] = struct{}{}
			keys = append(keys, k)
		}
	}
	for _, k := range r.orgKeys {
		if _, dup := seen[k.ID]; dup {
			continue
		}
		seen[k.ID] = struct{}{}
		if i, ok := r.podIndex[k.PodID]; ok && k.PodID != "" {
			k.PodName = r.pods[i].Name
		}
		keys = append(keys, k)
	}
	SortStalestFirst(keys)
	res.Keys = keys
	return res
}
