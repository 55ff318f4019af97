package clip

import "time"

// Method says how a secret reached (or did not reach) the clipboard.
// The zero value is Failed, so an unset Method never claims success.
type Method int

const (
	// Failed: nothing was copied.
	Failed Method = iota
	// Native: the system clipboard tool accepted the secret.
	Native
	// OSC52: the secret was sent to the terminal as an OSC 52 sequence;
	// whether the terminal honoured it cannot be known.
	OSC52
)

func (m Method) String() string {
	switch m {
	case Native:
		return "native"
	case OSC52:
		return "osc52"
	default:
		return "failed"
	}
}

// Result is the outcome of Copy. Message is for the user and never contains
// the secret.
type Result struct {
	Method Method
	// Confirmed is true only for Native when reading the clipboard back
	// showed exactly the copied content.
	Confirmed bool
	// Err is why the native clipboard was not used (for OSC52 and Failed;
	// nil when there is no native backend), or why a Native copy could not
	// be confirmed. It never contains the secret.
	Err     error
	Message string
}

// Receipt remembers a copy without holding the secret: the method, a SHA-256
// of the copied content and the times. Receipts are comparable with ==, so
// the UI can drop a clear tick that belongs to an older copy.
type Receipt struct {
	Method   Method
	CopiedAt time.Time
	// ClearAt is when the UI should call ClearIfUnchanged; zero when the
	// Copier was configured never to clear.
	ClearAt time.Time
	sum     [32]byte
}

// Clearable reports whether there is anything for ClearIfUnchanged to do.
func (r Receipt) Clearable() bool { return r.Method == Native || r.Method == OSC52 }

// ClearResult is the outcome of ClearIfUnchanged. At most one of Cleared,
// LeftAlone and Unconfirmed is true; none is when nothing was done (an empty
// receipt, or an error, which is then in Err). Message is for the user and
// empty only for an empty receipt.
type ClearResult struct {
	// Cleared: the clipboard held the copied content and now holds "".
	Cleared bool
	// LeftAlone: the clipboard holds something else now, so it was kept.
	LeftAlone bool
	// Unconfirmed: a clear request was sent to the terminal (OSC 52);
	// whether it acted on it cannot be known.
	Unconfirmed bool
	Message     string
	Err         error
}
