package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
)

// The JSON document: one object, keys stalest first.
type jsonReport struct {
	GeneratedAt    time.Time     `json:"generated_at"`
	StaleDays      int           `json:"stale_days"`
	ExpiryWarnDays int           `json:"expiry_warn_days"`
	Complete       bool          `json:"complete"`
	Summary        jsonSummary   `json:"summary"`
	Keys           []jsonKey     `json:"keys"`
	FailedPods     []jsonFailure `json:"failed_pods"`
	Notes          []string      `json:"notes"`
	ListError      *string       `json:"pod_list_error"`
	ListHint       string        `json:"pod_list_hint,omitempty"`
	// Stopped says why the whole audit ended early (--timeout, rate
	// limits, too much data); null when it did not.
	Stopped    *string          `json:"stopped"`
	Unreadable []jsonUnreadable `json:"unreadable"`
}

// jsonUnreadable is a listed item that could not be decoded.
type jsonUnreadable struct {
	PodID   string `json:"pod_id"`
	PodName string `json:"pod_name"`
	Kind    string `json:"kind"` // "key", "pod", "inbox" or "public key"
	ID      string `json:"id"`
	Field   string `json:"field"`
	Value   string `json:"value"`
	Error   string `json:"error"`
}

type jsonSummary struct {
	Pods            int            `json:"pods"`
	PodsScanned     int            `json:"pods_scanned"`
	PodsWithoutKeys int            `json:"pods_without_keys"`
	FailedPods      int            `json:"failed_pods"`
	Keys            int            `json:"keys"`
	LastUsed        map[string]int `json:"last_used"`
	Unrestricted    int            `json:"unrestricted"`
	Stale           int            `json:"stale"`
	NeverUsed       int            `json:"never_used"`
	OrgKeysListed   bool           `json:"organization_keys_listed"`
	Unreadable      int            `json:"unreadable"`
	// Added with inboxes and public keys.
	Inboxes           int            `json:"inboxes"`
	KeysByScope       jsonScopes     `json:"keys_by_scope"` // bearer keys
	PublicKeys        int            `json:"public_keys"`
	PublicKeysByScope jsonScopes     `json:"public_keys_by_scope"`
	CredentialsListed bool           `json:"public_keys_listed"`
	Expired           int            `json:"expired"`
	Expiring          int            `json:"expiring"`
	Revoked           int            `json:"revoked"`
	Findings          map[string]int `json:"findings"` // by --fail-on kind
}

type jsonScopes struct {
	Organization int `json:"organization"`
	Pod          int `json:"pod"`
	Inbox        int `json:"inbox"`
}

type jsonKey struct {
	PodID        string     `json:"pod_id"`
	PodName      string     `json:"pod_name"`
	KeyID        string     `json:"key_id"`
	Name         string     `json:"name"`
	Prefix       string     `json:"prefix"`
	Scope        string     `json:"scope"`
	InboxID      string     `json:"inbox_id,omitempty"`
	CreatedAt    *time.Time `json:"created_at"`
	LastUsedAt   *time.Time `json:"last_used_at"`
	DaysSinceUse *int       `json:"days_since_use"`
	NeverUsed    bool       `json:"never_used"`
	Stale        bool       `json:"stale"`
	Unrestricted bool       `json:"unrestricted"`
	Permissions  []string   `json:"permissions"` // null = unrestricted; [] for a public key
	// Added with inboxes and public keys.
	Kind        string     `json:"kind"`     // "bearer" or "public_key"
	ScopeID     string     `json:"scope_id"` // pod id, inbox address, "" for the organization
	Fingerprint string     `json:"fingerprint,omitempty"`
	ExpiresAt   *time.Time `json:"expires_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
	Expired     bool       `json:"expired"`
	Expiring    bool       `json:"expiring"`
	Revoked     bool       `json:"revoked"`
	Findings    []string   `json:"findings"` // the --fail-on kinds that apply
}

type jsonFailure struct {
	PodID   string `json:"pod_id"` // "" = the organization keys or the public keys
	PodName string `json:"pod_name"`
	// Listing is "pod", "organization_keys" or "public_keys"; InboxID the
	// inbox whose keys could not be listed.
	Listing string `json:"listing"`
	InboxID string `json:"inbox_id,omitempty"`
	Status  int    `json:"status,omitempty"`
	Code    string `json:"code,omitempty"`
	Error   string `json:"error"`
	Hint    string `json:"hint,omitempty"`
	// KeptKeys: keys listed before paging stopped, which are in keys.
	KeptKeys int `json:"kept_keys"`
}

// WriteJSON writes the report as one JSON document. Strings keep the
// server's exact text; JSON escaping makes them inert, and C1 controls and
// invisible format characters, which JSON would leave raw, are escaped too.
func WriteJSON(w io.Writer, r Report) error {
	doc := jsonReport{GeneratedAt: r.GeneratedAt.UTC(), StaleDays: r.StaleDays, ExpiryWarnDays: r.ExpiryWarnDays, Complete: r.Result.Complete(),
		Summary: summaryJSON(r), Keys: make([]jsonKey, 0, len(r.Result.Keys)), FailedPods: []jsonFailure{},
		Notes: append([]string{}, r.Result.Notes...), Unreadable: []jsonUnreadable{}}
	for i := range r.Result.Keys {
		doc.Keys = append(doc.Keys, keyJSON(&r.Result.Keys[i], r))
	}
	for _, f := range r.Result.Failed {
		jf := jsonFailure{PodID: f.Pod.ID, PodName: f.Pod.Name, Listing: listing(f), InboxID: f.Inbox, Error: f.Err.Error(), KeptKeys: f.Kept}
		if e, ok := client.AsError(f.Err); ok {
			jf.Status, jf.Code, jf.Hint = e.Status, e.ErrCode, e.Hint()
		}
		doc.FailedPods = append(doc.FailedPods, jf)
	}
	if r.Result.ListErr != nil {
		msg := r.Result.ListErr.Error()
		doc.ListError = &msg
		if e, ok := client.AsError(r.Result.ListErr); ok {
			doc.ListHint = e.Hint()
		}
	}
	if r.Result.Stopped != nil {
		msg := r.Result.Stopped.Error()
		doc.Stopped = &msg
	}
	for _, u := range r.Result.Unreadable {
		doc.Unreadable = append(doc.Unreadable, jsonUnreadable{PodID: u.Pod.ID, PodName: u.Pod.Name, Kind: u.Kind,
			ID: u.ID, Field: u.Field, Value: u.Value, Error: u.ItemError.Error()})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encoding the report: %w", err)
	}
	_, err := w.Write(escapeInvisible(buf.Bytes()))
	return err
}

func summaryJSON(r Report) jsonSummary {
	s := r.Summary
	out := jsonSummary{Pods: s.Pods, PodsScanned: s.PodsScanned, PodsWithoutKeys: s.PodsWithoutKeys,
		FailedPods: s.FailedPods, Keys: s.Keys, Unrestricted: s.Unrestricted, Stale: s.Stale,
		NeverUsed: s.NeverUsed(), OrgKeysListed: r.Result.OrgKeys, LastUsed: map[string]int{},
		Unreadable: len(r.Result.Unreadable), Inboxes: s.Inboxes, KeysByScope: jsonScopes(s.KeyScopes),
		PublicKeys: s.PublicKeys, PublicKeysByScope: jsonScopes(s.PublicKeyScopes), CredentialsListed: r.Result.Credentials,
		Expired: s.Expired, Expiring: s.Expiring, Revoked: s.Revoked, Findings: map[string]int{}}
	for b := range audit.BucketCount {
		out.LastUsed[b.ID()] = s.LastUsed[b]
	}
	for _, f := range audit.AllFindings {
		out.Findings[f.String()] = s.Count(f)
	}
	return out
}

func listing(f audit.Failure) string {
	switch {
	case f.Credentials:
		return "public_keys"
	case f.IsOrganization():
		return "organization_keys"
	}
	return "pod"
}

func keyJSON(k *audit.Key, r Report) jsonKey {
	f := r.findings(k)
	out := jsonKey{PodID: k.PodID, PodName: k.PodName, KeyID: k.ID, Name: k.Name, Prefix: k.Prefix,
		Scope: k.Scope().Kind.String(), InboxID: k.InboxID, NeverUsed: f.Has(audit.FindNeverUsed), Stale: f.Has(audit.FindStale),
		Unrestricted: f.Has(audit.FindUnrestricted), Permissions: permissionNames(k),
		Kind: k.Kind.String(), ScopeID: scopeID(k), Fingerprint: k.Fingerprint, Expired: f.Has(audit.FindExpired),
		Expiring: f.Has(audit.FindExpiring), Revoked: f.Has(audit.FindRevoked), Findings: []string{},
		CreatedAt: timeOrNull(k.CreatedAt), ExpiresAt: timeOrNull(k.ExpiresAt), RevokedAt: timeOrNull(k.RevokedAt)}
	for _, g := range audit.AllFindings {
		if f.Has(g) {
			out.Findings = append(out.Findings, g.String())
		}
	}
	if k.IsBearer() && !k.NeverUsed() {
		t, days := k.UsedAt.UTC(), daysSince(k.UsedAt, r.GeneratedAt)
		out.LastUsedAt, out.DaysSinceUse = &t, &days
	}
	return out
}

// timeOrNull is t in UTC, or nil (JSON null) for the zero time.
func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// escapeInvisible rewrites, inside encoded JSON, the characters that
// encoding/json leaves raw but a terminal could act on or hide: DEL, C1
// controls and Unicode format characters (bidi overrides, zero-width).
// They can only occur inside strings, where \uXXXX means the same.
func escapeInvisible(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r > 0x7f && unicode.Is(unicode.Cf, r)) {
			if out == nil {
				out = append(make([]byte, 0, len(b)+64), b[:i]...)
			}
			for _, u := range utf16.AppendRune(nil, r) { // a surrogate pair beyond U+FFFF
				out = fmt.Appendf(out, `\u%04x`, u)
			}
		} else if out != nil {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	if out == nil {
		return b
	}
	return out
}
