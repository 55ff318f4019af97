// Package rotated holds what the headless `amkeys rotate` and the
// dashboard's guided rotation share, so that both name a replacement the
// same way and agree on the permissions it can get.
package rotated

import (
	"regexp"
	"slices"
	"time"

	"github.com/amkeys/amkeys/client"
)

// MaxKeyName is the API's limit on a key's name, in characters.
const MaxKeyName = 256

// suffixes matches the " (rotated YYYY-MM-DD)" suffixes earlier rotations
// added, however many stacked up.
var suffixes = regexp.MustCompile(`( \(rotated \d{4}-\d{2}-\d{2}\))+$`)

// Name is the replacement's name, "<name> (rotated YYYY-MM-DD)", within
// MaxKeyName characters: an earlier rotation's suffix is replaced, so that
// suffixes never stack, and a long name is cut, never the suffix. The date
// is day's, in day's own location: the caller picks UTC or local time.
func Name(name string, day time.Time) string {
	if base := suffixes.ReplaceAllString(name, ""); base != "" {
		name = base
	}
	suffix := " (rotated " + day.Format("2006-01-02") + ")"
	r := []rune(name)
	if room := MaxKeyName - len([]rune(suffix)); len(r) > room {
		r = r[:room]
	}
	return string(r) + suffix
}

// Ungrantable lists the names p grants that the current API does not
// define (legacy or unknown ones): the server drops them from a create, so
// a replacement cannot get them.
func Ungrantable(p client.Permissions) []string {
	if p.IsUnrestricted() {
		return nil
	}
	current := client.CurrentPermissionNames()
	var out []string
	for _, n := range p.Names() {
		if !slices.Contains(current, n) {
			out = append(out, n)
		}
	}
	return out
}

// Grantable is what a replacement of a key with p can get: p without its
// Ungrantable names.
func Grantable(p client.Permissions) client.Permissions {
	for _, n := range Ungrantable(p) {
		p = p.Without(n)
	}
	return p
}

// Lost lists what a replacement granted got lost against the old key's
// grant: the old key's names the new key lacks. An unrestricted old key
// loses everything when the new one is restricted: "unrestricted access".
func Lost(old, got client.Permissions) []string {
	if old.IsUnrestricted() && !got.IsUnrestricted() {
		return []string{"unrestricted access"}
	}
	return got.Missing(old)
}
