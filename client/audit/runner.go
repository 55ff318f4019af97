package audit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/amkeys/amkeys/client"
)

// job is one unit of work: a pod (its keys, its inboxes and their keys),
// the organization keys (org) or the public-key credentials (creds).
type job struct {
	pod   client.Pod
	org   bool
	creds bool
}

// Notes for listings the caller may not make; they are not failures.
const (
	noteOrgKeys     = "organization keys not listed: this API key may not list them"
	noteCredentials = "public-key credentials not listed (not permitted)"
	noteNoCredAPI   = "public-key credentials not listed (the server does not offer them)"
	noteInboxes     = "inboxes not listed (not permitted): only inbox keys that a pod's own listing includes are audited"
	noteNoInboxAPI  = "inboxes not listed: this client cannot list them"
	noteNoCredsAPI  = "public-key credentials not listed: this client cannot list them"
)

// runner holds one scan's work and findings.
type runner struct {
	api     Lister
	inboxes InboxLister      // nil: inboxes are not walked
	creds   CredentialLister // nil: credentials are not listed
	opts    Options
	scan    *Scan
	slots   chan struct{}           // one token per request in flight
	stop    context.CancelCauseFunc // ends the whole scan, saying why

	mu          sync.Mutex
	pods        []PodInfo
	podIndex    map[string]int // pod id -> index in pods
	inboxPod    map[string]string
	gone        map[string]bool
	podKeys     []Key
	orgKeys     []Key
	credKeys    []Key
	failed      []Failure
	notes       []string
	orgListed   bool
	credsListed bool
	bad         []Unreadable
	items       int // items held, against opts.Limits.MaxItems
	text        int // their text, against opts.Limits.MaxText
}

func newRunner(api Lister, opts Options, s *Scan, prev *Result) *runner {
	r := &runner{api: api, opts: opts, scan: s, slots: make(chan struct{}, opts.Concurrency),
		podIndex: map[string]int{}, inboxPod: map[string]string{}, gone: map[string]bool{}}
	r.inboxes, _ = api.(InboxLister)
	r.creds, _ = api.(CredentialLister)
	if prev != nil {
		r.adopt(prev)
	}
	return r
}

// adopt starts from an earlier result: its pods, credentials and notes
// stand, and so do the unreadable items of listings that are not retried.
func (r *runner) adopt(prev *Result) {
	r.pods = append([]PodInfo(nil), prev.Pods...)
	for i, p := range r.pods {
		r.podIndex[p.ID] = i
	}
	for _, k := range prev.Keys {
		if k.Kind == PublicKey {
			r.credKeys = append(r.credKeys, k)
		} else {
			r.podKeys = append(r.podKeys, k)
		}
	}
	r.notes = append([]string(nil), prev.Notes...)
	r.orgListed, r.credsListed = prev.OrgKeys, prev.Credentials
	retried := map[string]bool{}
	org, creds := false, false
	for _, f := range prev.Failed {
		switch {
		case f.Credentials:
			creds = true
		case f.IsOrganization():
			org = true
		default:
			retried[f.Pod.ID] = true
		}
	}
	for _, u := range prev.Unreadable {
		again := false
		switch {
		case u.Kind == "pod": // pod pages are not listed again
		case u.Kind == "public key":
			again = creds
		case u.Pod.ID == "":
			again = org
		default:
			again = retried[u.Pod.ID]
		}
		if !again {
			r.bad = append(r.bad, u)
		}
	}
	scanned := 0
	for _, p := range prev.Pods {
		if p.Scanned {
			scanned++
		}
	}
	r.scan.prog = Progress{PodsKnown: len(prev.Pods), PodsScanned: scanned, KeysFound: len(prev.Keys),
		InboxesFound: prev.Inboxes(), ListingDone: prev.ListErr == nil}
}

// run feeds jobs to the workers while it lists pods, then waits for them.
func (r *runner) run(ctx context.Context, prev *Result) *Result {
	jobs := make(chan job, 2*r.opts.PageSize)
	var wg sync.WaitGroup
	for range r.opts.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				switch {
				case j.creds:
					r.scanCredentials(ctx)
				case j.org:
					r.scanOrgKeys(ctx)
				default:
					r.scanPod(ctx, j.pod)
				}
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
		if r.inboxes == nil {
			r.note(noteNoInboxAPI)
		}
		if r.creds == nil {
			r.note(noteNoCredsAPI)
		}
		if send(job{org: true}) && (r.creds == nil || send(job{creds: true})) {
			r.listPods(ctx, "", send, res)
		}
	default:
		for _, f := range prev.Failed {
			if !send(job{pod: f.Pod, org: f.IsOrganization(), creds: f.Credentials}) {
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
		err = fmt.Errorf("%w (more than %d credentials, pods and inboxes in one audit)", client.ErrListTooLarge, maxItems)
	case r.text > maxText:
		err = fmt.Errorf("%w (more than %d MiB of names and ids in one audit)", client.ErrListTooLarge, maxText>>20)
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

// note records a note once.
func (r *runner) note(s string) {
	r.mu.Lock()
	if !slices.Contains(r.notes, s) {
		r.notes = append(r.notes, s)
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

// scanPod lists a pod's keys, its inboxes and each inbox's keys, one after
// the other (the pool's parallelism is across pods), and records them, or
// why not. Keys are counted once by id: a pod's listing may already hold
// its inboxes' keys.
func (r *runner) scanPod(ctx context.Context, pod client.Pod) {
	if ctx.Err() != nil {
		return
	}
	seen := map[string]struct{}{}
	var keys []Key
	if err := r.listKeys(ctx, pod, client.PodScope(pod.ID), "", seen, &keys); err != nil {
		r.endPod(ctx, pod, "", keys, err)
		return
	}
	var inboxes []client.Inbox
	if r.inboxes != nil {
		var err error
		inboxes, err = r.listInboxes(ctx, pod)
		switch {
		case err == nil:
		case client.IsForbidden(err) && ctx.Err() == nil:
			r.note(noteInboxes)
		default:
			r.endPod(ctx, pod, "", keys, fmt.Errorf("listing its inboxes: %w", err))
			return
		}
	}
	for _, in := range inboxes {
		err := r.listKeys(ctx, pod, client.InboxScope(in.ID), in.ID, seen, &keys)
		switch {
		case err == nil:
		case client.IsNotFound(err) && ctx.Err() == nil:
			r.note("an inbox was deleted during the audit: " + in.ID)
		default:
			r.endPod(ctx, pod, in.ID, keys, fmt.Errorf("listing the keys of inbox %s: %w", in.ID, err))
			return
		}
	}
	r.commitPod(pod, keys, inboxes)
}

// listKeys appends every page of one key listing to keys, skipping ids in
// seen. Keys are attributed to pod, and to inbox when listed by it. On a
// paging stop keys holds what was fetched.
func (r *runner) listKeys(ctx context.Context, pod client.Pod, scope client.Scope, inbox string, seen map[string]struct{}, keys *[]Key) error {
	guard := r.opts.Limits
	token := ""
	for {
		var page client.KeyPage
		err := r.call(ctx, func(ctx context.Context) (err error) {
			page, err = r.api.ListKeys(ctx, scope, client.ListOptions{Limit: r.opts.PageSize, PageToken: token})
			return err
		})
		if err != nil {
			return err
		}
		fresh, text := 0, 0
		for i := range page.Keys {
			k := page.Keys[i]
			if _, dup := seen[k.ID]; dup {
				continue // a server repeating a page, or an inbox key already in its pod's listing
			}
			seen[k.ID] = struct{}{}
			if pod.ID != "" {
				k.PodID = pod.ID // one string shared by all the pod's keys
			}
			if inbox != "" && k.InboxID == "" {
				k.InboxID = inbox
			}
			*keys = append(*keys, Key{APIKey: k, PodName: pod.Name})
			fresh++
			text += len(k.ID) + len(k.Name) + len(k.Prefix) + len(k.InboxID)
		}
		r.unreadable(pod, page.Unreadable)
		r.scan.update(func(p *Progress) { p.KeysFound += fresh })
		if err := r.hold(fresh+len(page.Unreadable), text); err != nil {
			return err
		}
		if err := guard.Page(fresh+len(page.Unreadable), text, page.NextPageToken); err != nil {
			return err
		}
		if page.NextPageToken == "" {
			return nil
		}
		token = page.NextPageToken
	}
}

// listInboxes returns every inbox of a pod, each once.
func (r *runner) listInboxes(ctx context.Context, pod client.Pod) ([]client.Inbox, error) {
	guard := r.opts.Limits
	seen := map[string]struct{}{}
	var inboxes []client.Inbox
	token := ""
	for {
		var page client.InboxPage
		err := r.call(ctx, func(ctx context.Context) (err error) {
			page, err = r.inboxes.ListInboxes(ctx, client.PodScope(pod.ID), client.ListOptions{Limit: r.opts.PageSize, PageToken: token})
			return err
		})
		if err != nil {
			return inboxes, err
		}
		fresh := 0
		for _, in := range page.Inboxes {
			if _, dup := seen[in.ID]; dup || in.ID == "" {
				continue
			}
			seen[in.ID] = struct{}{}
			inboxes = append(inboxes, in)
			fresh++
		}
		r.unreadable(pod, page.Unreadable)
		r.scan.update(func(p *Progress) { p.InboxesFound += fresh })
		if err := r.hold(fresh+len(page.Unreadable), page.Text); err != nil {
			return inboxes, err
		}
		if err := guard.Page(fresh+len(page.Unreadable), page.Text, page.NextPageToken); err != nil {
			return inboxes, err
		}
		if page.NextPageToken == "" {
			return inboxes, nil
		}
		token = page.NextPageToken
	}
}

// endPod records why a pod's scan ended early. After a paging stop the
// keys fetched are kept and the pod is reported incomplete; otherwise the
// pod contributes nothing. Being cancelled is not a failure, nor a pod
// deleted since the listing.
func (r *runner) endPod(ctx context.Context, pod client.Pod, inbox string, keys []Key, err error) {
	switch {
	case client.IsPagingStop(err):
		r.commitPod(pod, keys, nil)
		r.mu.Lock()
		r.failed = append(r.failed, Failure{Pod: pod, Inbox: inbox, Err: err, Kept: len(keys)})
		if i, ok := r.podIndex[pod.ID]; ok {
			r.pods[i].Scanned = false
		}
		r.mu.Unlock()
		r.scan.update(func(p *Progress) { p.Errors++ })
		return
	case ctx.Err() != nil:
		r.scan.update(func(p *Progress) { p.KeysFound -= len(keys) })
		return
	}
	r.mu.Lock()
	counted := false
	if client.IsNotFound(err) && inbox == "" {
		r.gone[pod.ID] = true
		r.addNote("a pod was deleted during the audit: " + pod.ID)
	} else {
		r.failed = append(r.failed, Failure{Pod: pod, Inbox: inbox, Err: err})
		counted = true
	}
	r.mu.Unlock()
	r.scan.update(func(p *Progress) {
		p.KeysFound -= len(keys)
		p.PodsScanned++
		if counted {
			p.Errors++
		}
	})
}

// addNote is note with r.mu held.
func (r *runner) addNote(s string) {
	if !slices.Contains(r.notes, s) {
		r.notes = append(r.notes, s)
	}
}

// commitPod records a pod's keys and inboxes; the inboxes tell which pod
// an inbox-scoped credential belongs to.
func (r *runner) commitPod(pod client.Pod, keys []Key, inboxes []client.Inbox) {
	r.mu.Lock()
	r.podKeys = append(r.podKeys, keys...)
	for _, in := range inboxes {
		r.inboxPod[strings.ToLower(in.ID)] = pod.ID
	}
	for _, k := range keys { // inboxes named by keys, when inboxes could not be listed
		if k.InboxID != "" {
			r.inboxPod[strings.ToLower(k.InboxID)] = pod.ID
		}
	}
	if i, ok := r.podIndex[pod.ID]; ok {
		r.pods[i].Keys, r.pods[i].Inboxes, r.pods[i].Scanned = len(keys), len(inboxes), true
	}
	r.mu.Unlock()
	r.scan.update(func(p *Progress) { p.PodsScanned++ })
}

// scanOrgKeys lists the organization's own keys. A caller that may not
// list them gets a note, not a failure.
func (r *runner) scanOrgKeys(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	var keys []Key
	err := r.listKeys(ctx, client.Pod{}, client.OrganizationScope(), "", map[string]struct{}{}, &keys)
	r.mu.Lock()
	kept, failed := err == nil || client.IsPagingStop(err), false
	switch {
	case kept:
		r.orgListed = true
		r.orgKeys = append(r.orgKeys, keys...)
		failed = err != nil
	case ctx.Err() != nil:
	case client.IsForbidden(err) || client.IsNotFound(err):
		r.addNote(noteOrgKeys)
	default:
		failed = true
	}
	if failed {
		r.failed = append(r.failed, Failure{Err: err, Kept: len(keys)})
	}
	r.mu.Unlock()
	r.settle(kept, failed, len(keys))
}

// settle updates the progress after one of the organization's listings:
// credentials not kept are no longer found.
func (r *runner) settle(kept, failed bool, found int) {
	r.scan.update(func(p *Progress) {
		if !kept {
			p.KeysFound -= found
		}
		if failed {
			p.Errors++
		}
	})
}

// scanCredentials lists the public-key credentials. A caller that may not
// list them, or a server without them, gets a note, not a failure.
func (r *runner) scanCredentials(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	var creds []Key
	err := r.listCredentials(ctx, &creds)
	r.mu.Lock()
	kept, failed := err == nil || client.IsPagingStop(err), false
	switch {
	case kept:
		r.credsListed = true
		r.credKeys = append(r.credKeys, creds...)
		failed = err != nil
	case ctx.Err() != nil:
	case client.IsForbidden(err):
		r.addNote(noteCredentials)
	case client.IsNotFound(err):
		r.addNote(noteNoCredAPI)
	default:
		failed = true
	}
	if failed {
		r.failed = append(r.failed, Failure{Credentials: true, Err: err, Kept: len(creds)})
	}
	r.mu.Unlock()
	r.settle(kept, failed, len(creds))
}

// listCredentials appends every page of credentials, each once by id.
func (r *runner) listCredentials(ctx context.Context, out *[]Key) error {
	guard := r.opts.Limits
	seen := map[string]struct{}{}
	token := ""
	for {
		var page client.PublicKeyPage
		err := r.call(ctx, func(ctx context.Context) (err error) {
			page, err = r.creds.ListPublicKeys(ctx, client.ListOptions{Limit: r.opts.PageSize, PageToken: token})
			return err
		})
		if err != nil {
			return err
		}
		fresh := 0
		for _, c := range page.Credentials {
			if _, dup := seen[c.ID]; dup {
				continue
			}
			seen[c.ID] = struct{}{}
			*out = append(*out, credentialKey(c))
			fresh++
		}
		r.unreadable(client.Pod{}, page.Unreadable)
		r.scan.update(func(p *Progress) { p.KeysFound += fresh })
		if err := r.hold(fresh+len(page.Unreadable), page.Text); err != nil {
			return err
		}
		if err := guard.Page(fresh+len(page.Unreadable), page.Text, page.NextPageToken); err != nil {
			return err
		}
		if page.NextPageToken == "" {
			return nil
		}
		token = page.NextPageToken
	}
}

// credentialKey is a public-key credential as an audit row; its pod is
// filled in by result when its scope is an inbox.
func credentialKey(c client.PublicKeyCredential) Key {
	k := Key{Kind: PublicKey, Fingerprint: c.PublicKey.Fingerprint, ExpiresAt: c.ExpiresAt, RevokedAt: c.RevokedAt}
	k.ID, k.Name, k.CreatedAt = c.ID, c.Name, c.CreatedAt
	k.Permissions = client.Restricted() // a public key grants no REST access
	switch c.Scope.Type {
	case client.ScopePod:
		k.PodID = c.Scope.ID
	case client.ScopeInbox:
		k.InboxID = c.Scope.ID
	}
	return k
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

// result assembles the findings: pod keys, then organization keys not
// already listed under a pod (a pod-scoped caller's /v0/api-keys lists its
// own pod's keys), then the public-key credentials; each once by id, in
// the audit's order. An inbox's credentials and keys get the inbox's pod.
func (r *runner) result(ctx context.Context, res *Result) *Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res.Cancelled = ctx.Err() != nil
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		res.Stopped = cause
	}
	res.Failed, res.Notes, res.OrgKeys, res.Credentials, res.Unreadable = r.failed, r.notes, r.orgListed, r.credsListed, r.bad
	for _, p := range r.pods {
		if !r.gone[p.ID] {
			res.Pods = append(res.Pods, p)
		}
	}
	keys := make([]Key, 0, len(r.podKeys)+len(r.orgKeys)+len(r.credKeys))
	seen := make(map[string]struct{}, len(r.podKeys)+len(r.orgKeys))
	for _, list := range [][]Key{r.podKeys, r.orgKeys} {
		for _, k := range list {
			if _, dup := seen[k.ID]; !dup {
				seen[k.ID] = struct{}{}
				keys = append(keys, r.attribute(k))
			}
		}
	}
	clear(seen)
	for _, k := range r.credKeys {
		if _, dup := seen[k.ID]; !dup {
			seen[k.ID] = struct{}{}
			keys = append(keys, r.attribute(k))
		}
	}
	SortStalestFirst(keys)
	res.Keys = keys
	return res
}

// attribute fills in a key's pod from its inbox and its pod's name.
func (r *runner) attribute(k Key) Key {
	if k.PodID == "" && k.InboxID != "" {
		k.PodID = r.inboxPod[strings.ToLower(k.InboxID)]
	}
	if k.PodName == "" && k.PodID != "" {
		if i, ok := r.podIndex[k.PodID]; ok {
			k.PodName = r.pods[i].Name
		}
	}
	return k
}
