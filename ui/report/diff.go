package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
)

// ChangeKind is one kind of change between an earlier report and now; the
// names are those of `--diff --fail-on`.
type ChangeKind string

// The kinds of change, in the order a diff lists them. A "new-" finding
// means the credential has that finding now and did not in the earlier
// report (or was not in it at all).
const (
	NewKey             ChangeKind = "new-key"             // a credential not in the earlier report
	Removed            ChangeKind = "removed"             // a credential gone since
	PermissionsChanged ChangeKind = "permissions-changed" // a key's permissions differ
	NewUnrestricted    ChangeKind = "new-unrestricted"
	NewStale           ChangeKind = "new-stale"
	NewExpired         ChangeKind = "new-expired"
	NewExpiring        ChangeKind = "new-expiring"
	NewRevoked         ChangeKind = "new-revoked"
)

// ChangeKinds lists every kind, in report order.
var ChangeKinds = []ChangeKind{NewKey, Removed, PermissionsChanged, NewUnrestricted, NewStale, NewExpired, NewExpiring, NewRevoked}

// newFindings maps the findings whose appearance is a change.
var newFindings = []struct {
	finding audit.Finding
	kind    ChangeKind
}{{audit.FindUnrestricted, NewUnrestricted}, {audit.FindStale, NewStale}, {audit.FindExpired, NewExpired},
	{audit.FindExpiring, NewExpiring}, {audit.FindRevoked, NewRevoked}}

// Credential is one credential as a diff shows it, from either report.
// Strings are as the server (or the earlier file) wrote them: writers
// sanitise them.
type Credential struct {
	ID, Name, Prefix, PodID, PodName, InboxID, Fingerprint string
	Kind                                                   audit.Kind
	Permissions                                            []string // nil = unrestricted; [] for a public key
	CreatedAt, UsedAt, ExpiresAt, RevokedAt                time.Time
	Findings                                               audit.Finding
}

// Scope is the credential's scope, as for an audit key.
func (c *Credential) Scope() client.Scope {
	return client.APIKey{PodID: c.PodID, InboxID: c.InboxID}.Scope()
}

func (c *Credential) identity() credentialID { return credentialID{c.Kind, c.ID} }

// credentialID matches credentials across reports: a bearer key and a
// public key are never the same credential.
type credentialID struct {
	kind audit.Kind
	id   string
}

// fromAudit is a credential of the current audit, judged by r's policy.
func fromAudit(k *audit.Key, r Report) Credential {
	return Credential{ID: k.ID, Name: k.Name, Prefix: k.Prefix, PodID: k.PodID, PodName: k.PodName, InboxID: k.InboxID,
		Fingerprint: k.Fingerprint, Kind: k.Kind, Permissions: permissionNames(k), CreatedAt: k.CreatedAt,
		UsedAt: k.UsedAt, ExpiresAt: k.ExpiresAt, RevokedAt: k.RevokedAt, Findings: r.findings(k)}
}

// Change is one difference. Credential is the current one (the earlier
// one for Removed); Before is the earlier one for a credential in both.
type Change struct {
	Kind       ChangeKind
	Credential Credential
	Before     *Credential
}

// Diff is an audit compared with an earlier report.
type Diff struct {
	GeneratedAt, OldGeneratedAt time.Time
	StaleDays, OldStaleDays     int
	// Complete: every listing of this audit succeeded. When it did not,
	// Removed lists only credentials whose listing succeeded.
	Complete    bool
	OldComplete bool
	// NotCompared counts credentials in one report whose listing the other
	// report lacks (it failed, was not permitted or did not exist yet):
	// they are neither added nor removed.
	NotCompared int
	Notes       []string
	Changes     []Change // by kind, then pod, name and id
}

// Count is the number of changes of kind k.
func (d Diff) Count(k ChangeKind) int {
	n := 0
	for _, c := range d.Changes {
		if c.Kind == k {
			n++
		}
	}
	return n
}

// Compare diffs the current report against an earlier one. Credentials are
// matched by kind and id. A credential present on one side only counts as
// added or removed only when the other side listed where it lives.
func Compare(old Old, cur Report) Diff {
	d := Diff{GeneratedAt: cur.GeneratedAt, OldGeneratedAt: old.GeneratedAt, StaleDays: cur.StaleDays,
		OldStaleDays: old.StaleDays, Complete: cur.Result.Complete(), OldComplete: old.Complete}
	before := make(map[credentialID]*Credential, len(old.Keys))
	for i := range old.Keys {
		before[old.Keys[i].identity()] = &old.Keys[i]
	}
	now := currentCoverage(cur.Result)
	then := old.coverage()
	seen := make(map[credentialID]bool, len(cur.Result.Keys))
	for i := range cur.Result.Keys {
		c := fromAudit(&cur.Result.Keys[i], cur)
		seen[c.identity()] = true
		prev, found := before[c.identity()]
		switch {
		case found:
			d.Changes = append(d.Changes, changed(prev, c)...)
		case then.covers(&c):
			d.Changes = append(d.Changes, Change{Kind: NewKey, Credential: c})
			d.Changes = append(d.Changes, changed(&Credential{}, c)...)
		default:
			d.NotCompared++
		}
	}
	for i := range old.Keys {
		c := &old.Keys[i]
		if seen[c.identity()] { // in both, or listed twice in the earlier report
			continue
		}
		seen[c.identity()] = true
		if now.covers(c) {
			d.Changes = append(d.Changes, Change{Kind: Removed, Credential: *c})
		} else {
			d.NotCompared++
		}
	}
	slices.SortStableFunc(d.Changes, changeOrder)
	d.Notes = diffNotes(d, old, cur)
	return d
}

// changed lists the changes of a credential found in both reports (prev
// is the zero Credential for a new one: every finding is then new).
func changed(prev *Credential, c Credential) []Change {
	var out []Change
	var before *Credential
	if prev.ID != "" {
		before = prev
		if c.Kind == audit.Bearer && !samePermissions(prev.Permissions, c.Permissions) {
			out = append(out, Change{Kind: PermissionsChanged, Credential: c, Before: before})
		}
	}
	for _, nf := range newFindings {
		if c.Findings.Has(nf.finding) && !prev.Findings.Has(nf.finding) {
			out = append(out, Change{Kind: nf.kind, Credential: c, Before: before})
		}
	}
	return out
}

// samePermissions compares two lists as sets; nil (unrestricted) differs
// from an empty whitelist.
func samePermissions(a, b []string) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func changeOrder(a, b Change) int {
	return cmp.Or(cmp.Compare(slices.Index(ChangeKinds, a.Kind), slices.Index(ChangeKinds, b.Kind)),
		strings.Compare(a.Credential.PodName, b.Credential.PodName), strings.Compare(a.Credential.PodID, b.Credential.PodID),
		strings.Compare(a.Credential.Name, b.Credential.Name), strings.Compare(a.Credential.ID, b.Credential.ID))
}

// coverage is what one audit listed completely.
type coverage struct {
	org, publicKeys, inboxes bool
	// podListed reports whether a pod's keys were all listed, or the pod
	// is known to be gone (absent from a complete pod listing).
	podListed     func(podID string) bool
	failedInboxes map[string]bool
	unreadable    map[string]bool
}

// covers reports whether the audit would have seen c had it existed.
func (v coverage) covers(c *Credential) bool {
	if v.unreadable[c.ID] {
		return false
	}
	if c.Kind == audit.PublicKey {
		return v.publicKeys
	}
	if c.InboxID != "" && (!v.inboxes || v.failedInboxes[strings.ToLower(c.InboxID)]) {
		return false
	}
	if c.PodID == "" {
		return v.org
	}
	return v.podListed(c.PodID)
}

func currentCoverage(res *audit.Result) coverage {
	v := coverage{org: res.OrgKeys, publicKeys: res.Credentials, inboxes: !inboxesNotListed(res.Notes),
		failedInboxes: map[string]bool{}, unreadable: map[string]bool{}}
	listed := map[string]bool{} // pod id → its keys were all listed
	for _, p := range res.Pods {
		listed[p.ID] = p.Scanned
	}
	for _, f := range res.Failed {
		switch {
		case f.Credentials:
			v.publicKeys = false
		case f.IsOrganization():
			v.org = false
		default:
			listed[f.Pod.ID] = false
			if f.Inbox != "" {
				v.failedInboxes[strings.ToLower(f.Inbox)] = true
			}
		}
	}
	for _, u := range res.Unreadable {
		switch u.Kind {
		case "pod":
			listed[u.ID] = false
		case "inbox":
			v.failedInboxes[strings.ToLower(u.ID)] = true
		default:
			v.unreadable[u.ID] = true
		}
	}
	// Pods absent from a listing that ran to its end are gone.
	allPods := res.ListErr == nil && res.Stopped == nil && !res.Cancelled &&
		!slices.ContainsFunc(res.Unreadable, func(u audit.Unreadable) bool { return u.Kind == "pod" })
	v.podListed = func(id string) bool {
		scanned, known := listed[id]
		return scanned || (!known && allPods)
	}
	return v
}

func (o Old) coverage() coverage {
	withKeys := map[string]bool{} // a pod with keys in the report was listed
	for _, k := range o.Keys {
		withKeys[k.PodID] = true
	}
	return coverage{org: o.orgKeysListed && !o.orgFailed, publicKeys: o.publicKeysListed && !o.publicKeysFailed,
		inboxes: o.inboxesListed, failedInboxes: o.failedInboxes, unreadable: o.unreadable,
		podListed: func(id string) bool { return !o.failedPods[id] && (o.podListComplete || withKeys[id]) }}
}

// diffNotes says what limits the comparison; only counts and fixed text,
// nothing from either report.
func diffNotes(d Diff, old Old, cur Report) []string {
	var notes []string
	if !d.Complete {
		notes = append(notes, "this audit is incomplete (see stderr or a full audit): credentials whose listing failed are not reported as removed")
	}
	if !old.Complete {
		notes = append(notes, "the earlier report is incomplete: credentials it could not list are not reported as new")
	}
	if !old.publicKeysListed {
		notes = append(notes, "the earlier report did not list public keys (made by an older amkeys or not permitted): public keys are not compared")
	}
	if !old.inboxesListed {
		notes = append(notes, "the earlier report did not list inboxes (made by an older amkeys or not permitted): inbox keys are not compared")
	}
	if !old.orgKeysListed {
		notes = append(notes, "the earlier report did not list the organization keys: they are not compared")
	}
	if old.StaleDays > 0 && old.StaleDays != d.StaleDays {
		notes = append(notes, fmt.Sprintf("the earlier report judged staleness after %s, this audit after %s: new-stale reflects that too",
			plural(old.StaleDays, "day"), plural(d.StaleDays, "day")))
	}
	if old.ExpiryWarnDays > 0 && old.ExpiryWarnDays != cur.ExpiryWarnDays {
		notes = append(notes, fmt.Sprintf("the earlier report warned of expiry within %s, this audit within %s: new-expiring reflects that too",
			plural(old.ExpiryWarnDays, "day"), plural(cur.ExpiryWarnDays, "day")))
	}
	if d.NotCompared > 0 {
		notes = append(notes, fmt.Sprintf("%s not compared: where they live was listed in only one of the two reports",
			plural(d.NotCompared, "credential")))
	}
	return notes
}
