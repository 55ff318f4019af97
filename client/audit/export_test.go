package audit

import "time"

// ShortenRateLimitPause makes tests of the engine's own retries fast.
func ShortenRateLimitPause(d time.Duration) (restore func()) {
	old := rateLimitPause
	rateLimitPause = d
	return func() { rateLimitPause = old }
}
