package audit

import (
	"time"

	"github.com/amkeys/amkeys/client"
)

// Bucket is a range of last use for the chart.
type Bucket int

// The buckets, from most to least recent.
const (
	UsedToday   Bucket = iota // within the last 24 hours
	UsedWeek                  // up to 7 days ago
	UsedMonth                 // up to 30 days ago
	UsedQuarter               // up to 90 days ago
	UsedOlder                 // more than 90 days ago
	NeverUsed
	BucketCount
)

var bucketLabels = [BucketCount]string{"today", "≤ 7 days", "≤ 30 days", "≤ 90 days", "> 90 days", "never"}
var bucketIDs = [BucketCount]string{"today", "7d", "30d", "90d", "older", "never"}

// Label is the bucket's name for people ("≤ 7 days").
func (b Bucket) Label() string { return bucketLabels[b] }

// ID is the bucket's name for machines ("7d"), used in JSON.
func (b Bucket) ID() string { return bucketIDs[b] }

const day = 24 * time.Hour

// BucketOf places a last use relative to now. A use in the future (a
// skewed clock) counts as today.
func BucketOf(usedAt, now time.Time) Bucket {
	if usedAt.IsZero() {
		return NeverUsed
	}
	switch age := now.Sub(usedAt); {
	case age < day:
		return UsedToday
	case age <= 7*day:
		return UsedWeek
	case age <= 30*day:
		return UsedMonth
	case age <= 90*day:
		return UsedQuarter
	default:
		return UsedOlder
	}
}

// IsStale reports a key that was used, but not within staleDays (the same
// rule as the keys screen; never-used keys are counted apart).
func IsStale(usedAt, now time.Time, staleDays int) bool {
	return !usedAt.IsZero() && now.Sub(usedAt) > time.Duration(staleDays)*day
}

// ScopeCount counts credentials by scope kind.
type ScopeCount struct {
	Organization, Pod, Inbox int
}

func (c *ScopeCount) add(kind client.ScopeKind) {
	switch kind {
	case client.ScopeInbox:
		c.Inbox++
	case client.ScopePod:
		c.Pod++
	default:
		c.Organization++
	}
}

// Summary counts what the audit found. Keys, LastUsed, Unrestricted and
// Stale count bearer keys; PublicKeys, Expired, Expiring and Revoked the
// public-key credentials.
type Summary struct {
	Pods            int // pods listed
	PodsScanned     int
	PodsWithoutKeys int
	Inboxes         int // inboxes listed
	FailedPods      int // failures, the organization's listings included
	Keys            int // bearer keys
	KeyScopes       ScopeCount
	LastUsed        [BucketCount]int
	Unrestricted    int
	Stale           int
	StaleDays       int
	PublicKeys      int
	PublicKeyScopes ScopeCount
	Expired         int
	Expiring        int
	Revoked         int
	ExpiryWarnDays  int
}

// NeverUsed is the number of bearer keys never used.
func (s Summary) NeverUsed() int { return s.LastUsed[NeverUsed] }

// Count is the number of credentials with finding f.
func (s Summary) Count(f Finding) int {
	switch f {
	case FindNeverUsed:
		return s.NeverUsed()
	case FindStale:
		return s.Stale
	case FindUnrestricted:
		return s.Unrestricted
	case FindExpired:
		return s.Expired
	case FindExpiring:
		return s.Expiring
	case FindRevoked:
		return s.Revoked
	}
	return 0
}

// Summarize counts r's credentials as judged by p.
func Summarize(r *Result, p Policy) Summary {
	s := Summary{Pods: len(r.Pods), FailedPods: len(r.Failed), StaleDays: p.StaleDays,
		ExpiryWarnDays: p.warnDays(), Inboxes: r.Inboxes()}
	for _, pod := range r.Pods {
		if pod.Scanned {
			s.PodsScanned++
			if pod.Keys == 0 {
				s.PodsWithoutKeys++
			}
		}
	}
	for i := range r.Keys {
		k := &r.Keys[i]
		f := p.Findings(k)
		if k.Kind == PublicKey {
			s.PublicKeys++
			s.PublicKeyScopes.add(k.Scope().Kind)
			s.Expired += count(f.Has(FindExpired))
			s.Expiring += count(f.Has(FindExpiring))
			s.Revoked += count(f.Has(FindRevoked))
			continue
		}
		s.Keys++
		s.KeyScopes.add(k.Scope().Kind)
		s.LastUsed[BucketOf(k.UsedAt, p.Now)]++
		s.Unrestricted += count(f.Has(FindUnrestricted))
		s.Stale += count(f.Has(FindStale))
	}
	return s
}

func count(b bool) int {
	if b {
		return 1
	}
	return 0
}
