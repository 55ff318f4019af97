package audit

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
)

// Lister is what a scan needs from the API; *client.Client, *PacedClient
// and the UI's API all satisfy it. An API that is also an InboxLister or a
// CredentialLister has its inboxes' keys or its public-key credentials
// audited too; without, the result says they were not listed.
type Lister interface {
	ListPods(ctx context.Context, o client.ListOptions) (client.PodPage, error)
	ListKeys(ctx context.Context, scope client.Scope, o client.ListOptions) (client.KeyPage, error)
}

// InboxLister lists a pod's inboxes, whose keys the scan then lists.
type InboxLister interface {
	ListInboxes(ctx context.Context, scope client.Scope, o client.ListOptions) (client.InboxPage, error)
}

// CredentialLister lists the AgentID public-key credentials.
type CredentialLister interface {
	ListPublicKeys(ctx context.Context, o client.ListOptions) (client.PublicKeyPage, error)
}

// Kind is what sort of credential a Key is.
type Kind uint8

// The kinds of credentials.
const (
	Bearer    Kind = iota // an API key (a secret that authenticates REST calls)
	PublicKey             // an AgentID public-key credential (approves sign-ins)
)

// String is the kind's name in reports: "bearer" or "public_key".
func (k Kind) String() string {
	if k == PublicKey {
		return "public_key"
	}
	return "bearer"
}

// Key is one credential found by the audit. For a bearer key the embedded
// APIKey is as listed, with PodID the pod that listed it ("" for an
// organization key) and InboxID its inbox. For a public-key credential
// only ID, Name, CreatedAt, PodID and InboxID (from its scope) are set:
// it has no prefix, no record of use and no permissions, and the fields
// below say the rest. Scope() is the credential's scope for both kinds.
type Key struct {
	client.APIKey
	PodName string
	Kind    Kind

	Fingerprint string    // public key: its RFC 7638 thumbprint
	ExpiresAt   time.Time // public key: zero = no expiry
	RevokedAt   time.Time // public key: zero = not revoked
}

// IsBearer reports whether k is an API key rather than a public key.
func (k *Key) IsBearer() bool { return k.Kind == Bearer }

// PodInfo is one pod the listing returned.
type PodInfo struct {
	client.Pod
	Keys    int  // keys found in it, its inboxes' included
	Inboxes int  // inboxes listed in it
	Scanned bool // its keys, inboxes and their keys were listed completely
}

// Failure is a listing that failed, or did not finish: a pod's (its keys,
// its inboxes or one inbox's keys; Inbox names that inbox), the
// organization keys' (zero Pod) or the public-key credentials'
// (Credentials). Kept is how many credentials were listed before a paging
// stop (a repeated page, too many items); they are in the result. Other
// failures keep none: a pod that failed contributes nothing.
type Failure struct {
	Pod         client.Pod
	Inbox       string
	Credentials bool
	Err         error
	Kept        int
}

// IsOrganization reports whether the failure is the organization keys'.
func (f Failure) IsOrganization() bool { return f.Pod.ID == "" && !f.Credentials }

// Unreadable is a listed key, pod, inbox or public key the client could
// not decode; its neighbours are in the result. Pod is the pod whose
// listing held it (zero for the organization's listings and the pod
// listing itself).
type Unreadable struct {
	Pod client.Pod
	client.ItemError
}

// Result is what a scan found. Keys of a failed pod are left out entirely
// (not half a pod), except after a paging stop.
type Result struct {
	// Keys are every credential, each once: bearer keys stalest first
	// (never used, then least recently used), then public-key credentials
	// most urgent first (revoked, then soonest expiry).
	Keys   []Key
	Pods   []PodInfo // in the server's order
	Failed []Failure
	// OrgKeys is true when the organization keys were listed.
	OrgKeys bool
	// Credentials is true when the public-key credentials were listed.
	Credentials bool
	// Notes are things worth telling that are not failures, such as
	// "organization keys not listed (not permitted)"; each once.
	Notes []string
	// ListErr is set when the pod listing stopped early: pods after the
	// failing page are missing. A retry resumes the listing there.
	ListErr   error
	Cancelled bool
	// Stopped says why the whole scan ended early: the --timeout passed
	// (the caller's context cause), the rate-limit wait budget ran out, or
	// the scan held as much as it may. Nil after a plain cancel.
	Stopped error
	// Unreadable are items that could not be decoded.
	Unreadable []Unreadable

	resumeToken string // page token of the pod page that failed
	resumable   bool   // the listing can go on from resumeToken
}

// Complete reports whether every listing succeeded.
func (r *Result) Complete() bool {
	return len(r.Failed) == 0 && r.ListErr == nil && !r.Cancelled && r.Stopped == nil && len(r.Unreadable) == 0
}

// CanRetry reports whether Retry has anything to do.
func (r *Result) CanRetry() bool { return len(r.Failed) > 0 || (r.ListErr != nil && r.resumable) }

// Inboxes is the number of inboxes listed.
func (r *Result) Inboxes() int {
	n := 0
	for _, p := range r.Pods {
		n += p.Inboxes
	}
	return n
}

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

// auditOrder puts bearer keys first, stalest first: never used (oldest
// created first), then by last use, oldest first. Public-key credentials
// follow, most urgent first: revoked, then by expiry, soonest first, those
// without expiry last. Ids break ties so the order is stable.
func auditOrder(a, b Key) int {
	if a.Kind != b.Kind {
		return cmp.Compare(a.Kind, b.Kind)
	}
	if a.Kind == PublicKey {
		if c := credentialUrgency(a, b); c != 0 {
			return c
		}
	} else if c := staleness(a, b); c != 0 {
		return c
	}
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return cmp.Or(strings.Compare(a.PodID, b.PodID), strings.Compare(a.ID, b.ID))
}

func staleness(a, b Key) int {
	if an, bn := a.NeverUsed(), b.NeverUsed(); an != bn {
		if an {
			return -1
		}
		return 1
	}
	return a.UsedAt.Compare(b.UsedAt)
}

func credentialUrgency(a, b Key) int {
	ar, br := !a.RevokedAt.IsZero(), !b.RevokedAt.IsZero()
	switch {
	case ar && br:
		return a.RevokedAt.Compare(b.RevokedAt)
	case ar != br:
		if ar {
			return -1
		}
		return 1
	}
	ae, be := a.ExpiresAt.IsZero(), b.ExpiresAt.IsZero()
	switch {
	case ae && be:
		return 0
	case ae != be:
		if ae {
			return 1
		}
		return -1
	}
	return a.ExpiresAt.Compare(b.ExpiresAt)
}

// SortStalestFirst sorts keys in the audit's order (see Result.Keys).
func SortStalestFirst(keys []Key) { slices.SortFunc(keys, auditOrder) }
