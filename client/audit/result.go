package audit

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/amkeys/amkeys/client"
)

// Lister is what a scan needs from the API; *client.Client, *PacedClient
// and the UI's API all satisfy it.
type Lister interface {
	ListPods(ctx context.Context, o client.ListOptions) (client.PodPage, error)
	ListKeys(ctx context.Context, scope client.Scope, o client.ListOptions) (client.KeyPage, error)
}

// Key is one key found by the audit, with the pod it belongs to. PodID is
// the pod that listed it; "" (and PodName "") for an organization key.
type Key struct {
	client.APIKey
	PodName string
}

// PodInfo is one pod the listing returned.
type PodInfo struct {
	client.Pod
	Keys    int  // keys found in it
	Scanned bool // its keys were listed completely
}

// Failure is a pod whose keys could not be listed, or not completely. A
// zero Pod.ID stands for the organization keys. Kept is how many of its
// keys were listed before a paging stop (a repeated page, too many items);
// they are in the result. Other failures keep none.
type Failure struct {
	Pod  client.Pod
	Err  error
	Kept int
}

// Unreadable is a listed key (or pod) the client could not decode; its
// neighbours are in the result. Pod is the pod whose listing held it (zero
// for the organization keys and for the pod listing itself).
type Unreadable struct {
	Pod client.Pod
	client.ItemError
}

// IsOrganization reports whether the failure is the organization keys'.
func (f Failure) IsOrganization() bool { return f.Pod.ID == "" }

// Result is what a scan found. Keys of a failed pod are left out entirely
// (not half a pod), so retrying it cannot count a key twice.
type Result struct {
	Keys   []Key     // stalest first: never used, then least recently used
	Pods   []PodInfo // in the server's order
	Failed []Failure
	// OrgKeys is true when the organization keys were listed.
	OrgKeys bool
	// Notes are things worth telling that are not failures, such as
	// "organization keys not listed (not permitted)".
	Notes []string
	// ListErr is set when the pod listing stopped early: pods after the
	// failing page are missing. A retry resumes the listing there.
	ListErr   error
	Cancelled bool
	// Stopped says why the whole scan ended early: the --timeout passed
	// (the caller's context cause), the rate-limit wait budget ran out, or
	// the scan held as much as it may. Nil after a plain cancel.
	Stopped error
	// Unreadable are keys and pods that could not be decoded.
	Unreadable []Unreadable

	resumeToken string // page token of the pod page that failed
	resumable   bool   // the listing can go on from resumeToken
}

// Complete reports whether every pod (and the listing) succeeded.
func (r *Result) Complete() bool {
	return len(r.Failed) == 0 && r.ListErr == nil && !r.Cancelled && r.Stopped == nil && len(r.Unreadable) == 0
}

// CanRetry reports whether Retry has anything to do.
func (r *Result) CanRetry() bool { return len(r.Failed) > 0 || (r.ListErr != nil && r.resumable) }

// PodsWithoutKeys are the scanned pods that hold no key.
func (r *Result) PodsWithoutKeys() []client.Pod {
	var out []client.Pod
	for _, p := range r.Pods {
		if p.Scanned && p.Keys == 0 {
			out = append(out, p.Pod)
		}
	}
	return out
}

// stalestFirst orders never-used keys first (oldest created first), then
// by last use, oldest first; ids break ties so the order is stable.
func stalestFirst(a, b Key) int {
	if an, bn := a.NeverUsed(), b.NeverUsed(); an != bn {
		if an {
			return -1
		}
		return 1
	}
	if c := a.UsedAt.Compare(b.UsedAt); c != 0 {
		return c
	}
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return cmp.Or(strings.Compare(a.PodID, b.PodID), strings.Compare(a.ID, b.ID))
}

// SortStalestFirst sorts keys in the audit's order.
func SortStalestFirst(keys []Key) { slices.SortFunc(keys, stalestFirst) }
