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

// Report is an audit result with the moment and threshold it was judged by.
type Report struct {
	GeneratedAt time.Time
	StaleDays   int
	Result      *audit.Result
	Summary     audit.Summary
}

// New judges res at now with the stale threshold.
func New(res *audit.Result, now time.Time, staleDays int) Report {
	return Report{GeneratedAt: now, StaleDays: staleDays, Result: res, Summary: audit.Summarize(res, now, staleDays)}
}

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
// unrestricted (there is no list: everything is allowed).
func permissionNames(k *audit.Key) []string {
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
