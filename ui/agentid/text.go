package agentid

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// ShortFingerprint is how many fingerprint characters the list shows and
// the revoke dialog accepts.
const ShortFingerprint = 8

// Soon is how close an expiry must be for the list to warn of it.
const Soon = 7 * 24 * time.Hour

// MaxName is the longest name the API takes (in characters).
const MaxName = 256

// shortFingerprint is the fingerprint's start, marked as cut (raw: the
// caller sanitises, as for any server text).
func shortFingerprint(fp string) string {
	if start := fingerprintStart(fp); start != fp {
		return start + "…"
	}
	return fp
}

// fingerprintStart is what a user types to confirm a revoke: the first
// ShortFingerprint characters (whole runes, whatever the server sent).
func fingerprintStart(fp string) string {
	r := []rune(fp)
	if len(r) <= ShortFingerprint {
		return fp
	}
	return string(r[:ShortFingerprint])
}

// scopeText: "organization", "pod <id>", "inbox <email>".
func scopeText(s client.CredentialScope) string {
	switch s.Type {
	case "", client.ScopeOrganization:
		return "organization"
	case client.ScopePod, client.ScopeInbox:
		return string(s.Type) + " " + s.ID
	}
	return string(s.Type) + " " + s.ID // a kind this version does not know: shown as sent
}

// status: revoked, expired or active.
func status(p *client.PublicKeyCredential, now time.Time) string {
	switch {
	case p.Revoked():
		return "revoked"
	case p.Expired(now):
		return "expired"
	}
	return "active"
}

// expiring reports an active credential that expires within Soon.
func expiring(p *client.PublicKeyCredential, now time.Time) bool {
	return !p.Revoked() && !p.ExpiresAt.IsZero() && !p.Expired(now) && p.ExpiresAt.Sub(now) <= Soon
}

// expiryText: "never", "expired", "in 5 hours", "in 12 days".
func expiryText(at, now time.Time) string {
	switch {
	case at.IsZero():
		return "never"
	case !now.Before(at):
		return "expired"
	}
	d := at.Sub(now)
	switch {
	case d < time.Hour:
		return "in <1 hour"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour", "in ")
	}
	return plural(int(d/(24*time.Hour)), "day", "in ")
}

func plural(n int, noun, before string) string {
	if n == 1 {
		return before + "1 " + noun
	}
	return before + strconv.Itoa(n) + " " + noun + "s"
}

// typeable reports whether a name can be typed back in a confirmation:
// not blank, no control characters, not absurdly long.
func typeable(name string) bool {
	return strings.TrimSpace(name) != "" && !sanitize.HasControl(name) && len([]rune(name)) <= MaxName
}

// maxExpiryDays bounds an expiry typed as a count (about 100 years).
const maxExpiryDays = 36500

// parseExpiry reads the form's expiry: "" (the caller's own), a number of
// days or weeks ("90d", "12w") or a date ("2027-03-31", the end of that day
// in UTC). The result must be in the future.
func parseExpiry(text string, now time.Time) (time.Time, error) {
	s := strings.ToLower(strings.TrimSpace(text))
	if s == "" {
		return time.Time{}, nil
	}
	bad := errors.New("expiry: want a number of days (90d), weeks (12w) or a date (2027-03-31)")
	if t, err := time.Parse("2006-01-02", s); err == nil {
		t = t.Add(24*time.Hour - time.Second)
		if !t.After(now) {
			return time.Time{}, errors.New("expiry: the date has passed")
		}
		return t, nil
	}
	unitDays := 1
	switch {
	case strings.HasSuffix(s, "d"):
		s = strings.TrimSuffix(s, "d")
	case strings.HasSuffix(s, "w"):
		s, unitDays = strings.TrimSuffix(s, "w"), 7
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, bad
	}
	if n < 1 || n > maxExpiryDays/unitDays {
		return time.Time{}, fmt.Errorf("expiry: %s is out of range (1 day to 100 years)", strings.TrimSpace(text))
	}
	return now.Add(time.Duration(n*unitDays) * 24 * time.Hour), nil
}

// parseScope reads the form's scope: "" (the caller's own, omitted),
// "organization", "pod:ID" or "inbox:EMAIL".
func parseScope(text string) (*client.Scope, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return nil, nil
	}
	sc, err := client.ParseScope(s)
	if err != nil {
		return nil, errors.New("scope: want organization, pod:ID or inbox:EMAIL (empty: the key's own)")
	}
	return &sc, nil
}
