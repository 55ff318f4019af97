// Package rotated holds what the headless `amkeys rotate` and the
// dashboard's guided rotation share, so that both name a replacement the
// same way.
package rotated

import "time"

// MaxKeyName is the API's limit on a key's name, in characters.
const MaxKeyName = 256

// Name is the replacement's name, "<name> (rotated YYYY-MM-DD)", within
// MaxKeyName characters: a long name is cut, never the suffix. The date is
// day's, in day's own location: the caller picks UTC or local time.
func Name(name string, day time.Time) string {
	suffix := " (rotated " + day.Format("2006-01-02") + ")"
	r := []rune(name)
	if room := MaxKeyName - len([]rune(suffix)); len(r) > room {
		r = r[:room]
	}
	return string(r) + suffix
}
