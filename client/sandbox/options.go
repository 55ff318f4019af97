package sandbox

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Options configure a sandbox Server. The zero value is a usable server with
// the "empty" seed, a generated admin key, no state file and no faults.
type Options struct {
	// AdminKey is the secret of the unrestricted organization key named
	// "sandbox admin". Empty: one is generated (see Server.AdminKey). It must
	// start with "am_" and contain only URL-safe characters.
	AdminKey string
	// Seed picks the initial data: "empty" (the default: only the admin key),
	// "demo" (about 30 made-up customer pods) or "hostile" (names carrying
	// terminal escape attacks). It is ignored when StatePath already exists.
	Seed string
	// StatePath, if set, makes the data survive restarts: the file is loaded
	// when it exists, otherwise seeded and written. It holds SHA-256 hashes of
	// keys, never a secret. An existing file that other users can read or
	// write, or that belongs to another user, is refused.
	StatePath string
	// Faults injects latency and failures (off by default).
	Faults Faults
	// Timeouts bound how long one client may hold a connection (Start);
	// zero fields take their defaults.
	Timeouts Timeouts
	// Now is the clock (default time.Now). Seeds place their timestamps
	// relative to Now at start.
	Now func() time.Time
	// Logf, if set, receives one line per request: method, path, status and
	// the caller's key prefix. Never a secret.
	Logf func(format string, args ...any)

	// writeFile replaces the state file (default writeFileAtomic); tests
	// plant failures here, since a read-only directory does not stop root.
	writeFile func(path string, data []byte) error
}

// Faults make the sandbox misbehave like a real network service, for tests
// and demos. Shares are in [0, 1]; at most one fault strikes a request.
type Faults struct {
	// Latency is added to every request; a cancelled request stops waiting.
	Latency time.Duration
	// RateLimitRate is the share of requests answered 429 rate_limit_exceeded with
	// a Retry-After header of RetryAfterSeconds (default 1).
	RateLimitRate     float64
	RetryAfterSeconds int
	// ErrorRate is the share of requests answered 500 internal_error.
	ErrorRate float64
	// DropRate is the share of requests whose connection is closed without
	// any response.
	DropRate float64
	// AfterEffect makes ErrorRate and DropRate strike after the request took
	// effect (a key was created, then the 500 or the drop came back), which
	// models a response lost on the way back. Otherwise a failed request
	// changes nothing.
	AfterEffect bool
	// Seed seeds the dice deciding which requests fail (0 = a fixed default),
	// so that a test sees the same sequence every run.
	Seed uint64
}

// Timeouts of the HTTP server started by Start, so that a slow or stuck
// client cannot hold a connection forever. A zero field takes its default;
// injected latency (Faults.Latency) is added to Read and Write.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers (default 10 s).
	ReadHeader time.Duration
	// Read bounds reading a whole request, headers and body (default 30 s):
	// a client trickling its body is cut off.
	Read time.Duration
	// Write bounds the time from the end of the headers to the end of the
	// response (default 60 s), for a client that does not read.
	Write time.Duration
	// Idle bounds how long a kept-alive connection may wait for its next
	// request (default 120 s).
	Idle time.Duration
}

// DefaultTimeouts are the timeouts used for zero fields of Timeouts.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second,
	Write: 60 * time.Second, Idle: 120 * time.Second}

func (t Timeouts) withDefaults() Timeouts {
	pick := func(v, def time.Duration) time.Duration {
		if v <= 0 {
			return def
		}
		return v
	}
	d := DefaultTimeouts
	return Timeouts{ReadHeader: pick(t.ReadHeader, d.ReadHeader), Read: pick(t.Read, d.Read),
		Write: pick(t.Write, d.Write), Idle: pick(t.Idle, d.Idle)}
}

func (t Timeouts) validate() error {
	for _, f := range []struct {
		name string
		v    time.Duration
	}{{"ReadHeader", t.ReadHeader}, {"Read", t.Read}, {"Write", t.Write}, {"Idle", t.Idle}} {
		if f.v < 0 {
			return fmt.Errorf("sandbox: Timeouts.%s must not be negative", f.name)
		}
	}
	return nil
}

// seedNames are the accepted values of Options.Seed.
var seedNames = []string{"empty", "demo", "hostile"}

func (o Options) validate() error {
	if o.Seed != "" && !contains(seedNames, o.Seed) {
		return fmt.Errorf("sandbox: unknown seed %q (want one of %s)", o.Seed, strings.Join(seedNames, ", "))
	}
	if o.AdminKey != "" {
		if err := ValidateAdminKey(o.AdminKey); err != nil {
			return err
		}
	}
	if err := o.Timeouts.validate(); err != nil {
		return err
	}
	return o.Faults.validate()
}

// ValidateAdminKey reports whether s can serve as an admin key: "am_"
// followed by at least 5 URL-safe characters. The error never contains s.
func ValidateAdminKey(s string) error {
	rest, ok := strings.CutPrefix(s, "am_")
	if !ok || len(rest) < 5 || len(s) > 256 {
		return fmt.Errorf("sandbox: the admin key must start with \"am_\" followed by 5 to 253 characters")
	}
	for _, c := range rest {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("sandbox: the admin key may only contain letters, digits, '-' and '_' after \"am_\"")
		}
	}
	return nil
}

func (f Faults) validate() error {
	for _, r := range []struct {
		name string
		v    float64
	}{{"RateLimitRate", f.RateLimitRate}, {"ErrorRate", f.ErrorRate}, {"DropRate", f.DropRate}} {
		if math.IsNaN(r.v) || r.v < 0 || r.v > 1 {
			return fmt.Errorf("sandbox: Faults.%s must be between 0 and 1, got %v", r.name, r.v)
		}
	}
	if f.Latency < 0 {
		return fmt.Errorf("sandbox: Faults.Latency must not be negative")
	}
	if f.RetryAfterSeconds < 0 {
		return fmt.Errorf("sandbox: Faults.RetryAfterSeconds must not be negative")
	}
	return nil
}

// normalized clamps out-of-range values, for SetFaults which cannot fail.
func (f Faults) normalized() Faults {
	clamp := func(v float64) float64 {
		if math.IsNaN(v) || v < 0 {
			return 0
		}
		return math.Min(v, 1)
	}
	f.RateLimitRate = clamp(f.RateLimitRate)
	f.ErrorRate = clamp(f.ErrorRate)
	f.DropRate = clamp(f.DropRate)
	f.Latency = max(f.Latency, 0)
	if f.RetryAfterSeconds <= 0 {
		f.RetryAfterSeconds = 1
	}
	return f
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
