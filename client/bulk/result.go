package bulk

import (
	"time"

	"github.com/amkeys/amkeys/client"
)

// Target is one key to delete, as it was at review.
type Target struct {
	ID    string
	Scope client.Scope
	// UsedAt is the last use seen at review; zero means never used. A key
	// whose last use differs when it is re-read is not deleted.
	UsedAt time.Time
	// Prefix, when set, must match the re-read key's: a key id that now
	// names a different key is not deleted.
	Prefix string
	// Name is for reports only.
	Name string
}

// Outcome is what happened to one key.
type Outcome int

// The outcomes, in the order reports list them.
const (
	Deleted         Outcome = iota // deleted by this run
	AlreadyGone                    // not there when re-read, or the DELETE found it gone
	Refused                        // the server refused (see Result.Fix)
	UsedSinceReview                // skipped: its last use moved since review
	Unknown                        // the DELETE's answer was lost and no listing could tell
	Failed                         // not deleted: a network or server failure
	NotAttempted                   // the run stopped before its turn: not deleted
	OutcomeCount
)

var outcomeNames = [OutcomeCount]string{"deleted", "already gone", "refused", "used since review", "outcome unknown", "failed", "not attempted (stopped)"}
var outcomeIDs = [OutcomeCount]string{"deleted", "gone", "refused", "skipped", "unknown", "failed", "stopped"}

// String is the outcome for people ("used since review").
func (o Outcome) String() string {
	if o < 0 || o >= OutcomeCount {
		return "invalid"
	}
	return outcomeNames[o]
}

// ID is the outcome for machines ("skipped"), one word.
func (o Outcome) ID() string {
	if o < 0 || o >= OutcomeCount {
		return "invalid"
	}
	return outcomeIDs[o]
}

// Result is the outcome for one key.
type Result struct {
	Target
	Outcome Outcome
	// Err says why for Refused, Unknown and Failed, for AlreadyGone when
	// the key's pod or inbox was not found, and for NotAttempted when the
	// caller's ctx ended the run (nil after Stop). It comes partly from the
	// server: sanitise before display.
	Err error
	// Seen is the last use found at re-read, for UsedSinceReview (zero:
	// the key was never used and yet its review said it was).
	Seen time.Time
	// Settled is set when the DELETE's answer was lost and a listing of
	// the scope afterwards decided the outcome (Deleted or Failed).
	Settled bool
}

// Fix is the server's advice for a refusal (untrusted text), "" if none.
func (r Result) Fix() string {
	if e, ok := client.AsError(r.Err); ok {
		return e.Fix
	}
	return ""
}

// Progress is a snapshot of a running delete.
type Progress struct {
	Total    int // distinct keys
	Done     int // keys with a result
	Counts   [OutcomeCount]int
	InFlight int // requests on the wire
	// PausedUntil is set while the pool waits for a Retry-After.
	PausedUntil time.Time
}

// Summary counts results by outcome.
func Summary(results []Result) [OutcomeCount]int {
	var n [OutcomeCount]int
	for _, r := range results {
		if r.Outcome >= 0 && r.Outcome < OutcomeCount {
			n[r.Outcome]++
		}
	}
	return n
}
