// Package report writes an audit for people and programs: a table (every
// server string through ui/sanitize, no escape sequences at all), CSV for
// spreadsheets (quoted by encoding/csv, formula injection neutralised) and
// one JSON document for scripts.
package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client/audit"
)

// Format is an output format.
type Format string

// The formats.
const (
	Table Format = "table"
	CSV   Format = "csv"
	JSON  Format = "json"
)

// Formats lists the formats, for help and errors.
var Formats = []Format{Table, CSV, JSON}

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want table, csv or json)", s)
}

// Report is an audit result with the moment and thresholds it was judged by.
type Report struct {
	GeneratedAt    time.Time
	StaleDays      int
	ExpiryWarnDays int
	Result         *audit.Result
	Summary        audit.Summary
	policy         audit.Policy
}

// New judges res by p (the moment, the stale threshold, the expiry window).
func New(res *audit.Result, p audit.Policy) Report {
	s := audit.Summarize(res, p)
	return Report{GeneratedAt: p.Now, StaleDays: p.StaleDays, ExpiryWarnDays: s.ExpiryWarnDays, Result: res,
		Summary: s, policy: p}
}

// findings judges one credential.
func (r Report) findings(k *audit.Key) audit.Finding { return r.policy.Findings(k) }

// Write writes r in format f.
func Write(w io.Writer, f Format, r Report) error {
	switch f {
	case CSV:
		return WriteCSV(w, r)
	case JSON:
		return WriteJSON(w, r)
	default:
		return WriteTable(w, r)
	}
}

// permissionNames is the key's permissions for machines: nil when
// unrestricted (there is no list: everything is allowed), empty for a
// public-key credential (it grants no REST access).
func permissionNames(k *audit.Key) []string {
	if !k.IsBearer() {
		return []string{}
	}
	if k.Permissions.IsUnrestricted() {
		return nil
	}
	names := k.Permissions.Names()
	if names == nil {
		names = []string{}
	}
	return names
}

// daysSince is whole days since t, for "last used" columns.
func daysSince(t, now time.Time) int { return int(now.Sub(t) / (24 * time.Hour)) }

// scopeID is the id of a credential's scope: its pod's id, its inbox's
// address, or "" for the organization.
func scopeID(k *audit.Key) string { return k.Scope().ID }
