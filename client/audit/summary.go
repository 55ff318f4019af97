package audit

import (
	"time"
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

// Summary counts what the audit found.
type Summary struct {
	Pods            int // pods listed
	PodsScanned     int
	PodsWithoutKeys int
	FailedPods      int // failures, the organization keys included
	Keys            int
	LastUsed        [BucketCount]int
	Unrestricted    int
	Stale           int
	StaleDays       int
}

// NeverUsed is the number of keys never used.
func (s Summary) NeverUsed() int { return s.LastUsed[NeverUsed] }

// Summarize counts r's keys relative to now.
func Summarize(r *Result, now time.Time, staleDays int) Summary {
	s := Summary{Pods: len(r.Pods), FailedPods: len(r.Failed), Keys: len(r.Keys), StaleDays: staleDays}
	for _, p := range r.Pods {
		if p.Scanned {
			s.PodsScanned++
			if p.Keys == 0 {
				s.PodsWithoutKeys++
			}
		}
	}
	for i := range r.Keys {
		k := &r.Keys[i]
		s.LastUsed[BucketOf(k.UsedAt, now)]++
		if k.Permissions.IsUnrestricted() {
			s.Unrestricted++
		}
		if IsStale(k.UsedAt, now, staleDays) {
			s.Stale++
		}
	}
	return s
}
