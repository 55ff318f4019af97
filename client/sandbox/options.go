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
	// keys, never a secret.
	StatePath string
	// Faults injects latency and failures (off by default).
	Faults Faults
	// Now is the clock (default time.Now). Seeds place their timestamps
	// relative to Now at start.
	Now func() time.Time
	// Logf, if set, receives one line per request: method, path, status and
	// the caller's key prefix. Never a secret.
	Logf func(format string, args ...any)
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
