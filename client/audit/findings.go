package audit

import "time"

// Finding is what the audit flags about a credential; a credential may
// have several. Never-used, stale and unrestricted apply to bearer keys
// (public keys have no record of use and no permissions); expired,
// expiring and revoked to public-key credentials (bearer keys have no
// expiry in this API).
type Finding uint8

// The findings, in the order reports list them.
const (
	FindNeverUsed    Finding = 1 << iota // a bearer key with no recorded use
	FindStale                            // a bearer key not used within the stale threshold
	FindUnrestricted                     // a bearer key without a permission whitelist
	FindExpired                          // a public key whose expires_at has passed
	FindExpiring                         // a public key expiring within the warning window
	FindRevoked                          // a public key revoked (revoked_at set)
)

// AllFindings lists every finding, in report order.
var AllFindings = []Finding{FindNeverUsed, FindStale, FindUnrestricted, FindExpired, FindExpiring, FindRevoked}

var findingNames = map[Finding]string{
	FindNeverUsed: "never-used", FindStale: "stale", FindUnrestricted: "unrestricted",
	FindExpired: "expired", FindExpiring: "expiring", FindRevoked: "revoked",
}

// String is the finding's name for machines and --fail-on ("never-used").
func (f Finding) String() string { return findingNames[f] }

// Has reports whether f includes every finding of g.
func (f Finding) Has(g Finding) bool { return f&g == g }

// DefaultExpiryWarnDays is how close an expiry must be to count as expiring.
const DefaultExpiryWarnDays = 14

// Policy is what a credential is judged by: the moment, the stale
// threshold of bearer keys and the expiry warning window of public keys.
type Policy struct {
	Now            time.Time
	StaleDays      int
	ExpiryWarnDays int // 0 = DefaultExpiryWarnDays
}

func (p Policy) warnDays() int {
	if p.ExpiryWarnDays <= 0 {
		return DefaultExpiryWarnDays
	}
	return p.ExpiryWarnDays
}

// Findings judges one credential.
func (p Policy) Findings(k *Key) Finding {
	var f Finding
	if k.Kind == PublicKey {
		revoked := !k.RevokedAt.IsZero()
		expired := !k.ExpiresAt.IsZero() && !p.Now.Before(k.ExpiresAt)
		if revoked {
			f |= FindRevoked
		}
		if expired {
			f |= FindExpired
		}
		if !revoked && !expired && IsExpiring(k.ExpiresAt, p.Now, p.warnDays()) {
			f |= FindExpiring
		}
		return f
	}
	if k.NeverUsed() {
		f |= FindNeverUsed
	}
	if IsStale(k.UsedAt, p.Now, p.StaleDays) {
		f |= FindStale
	}
	if k.Permissions.IsUnrestricted() {
		f |= FindUnrestricted
	}
	return f
}

// IsExpiring reports an expiry still ahead of now but within warnDays.
func IsExpiring(expiresAt, now time.Time, warnDays int) bool {
	return !expiresAt.IsZero() && now.Before(expiresAt) && expiresAt.Sub(now) <= time.Duration(warnDays)*day
}
