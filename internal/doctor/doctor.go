// Package doctor checks what an amkeys session needs, like gh auth status
// and flutter doctor: the settings and where they came from, the API, what
// the key can do, the clipboard path and the terminal. Each check says
// ok, warning or problem, with the fix. It never shows the key: only the
// prefix the API lists it under, and where it came from.
package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/amkeys/amkeys/ui/sanitize"
)

// Status is the outcome of one check.
type Status string

// The statuses, mildest first. A problem means a dashboard session would
// not work; a warning that part of it would not, or not as expected.
const (
	OK      Status = "ok"
	Warning Status = "warning"
	Problem Status = "problem"
	Skipped Status = "skipped" // an earlier problem made the check pointless
)

// Check is one line of the report.
type Check struct {
	Section string `json:"section"` // settings, api, key, clipboard, terminal
	Name    string `json:"name"`
	Status  Status `json:"status"`
	Detail  string `json:"detail"`
	Fix     string `json:"fix,omitempty"`
}

// Report is every check, in order.
type Report struct {
	Version string  `json:"version"`
	OK      bool    `json:"ok"` // no problem: a dashboard session would work
	Checks  []Check `json:"checks"`
}

// add appends a check; server text in detail or fix must be sanitised by
// the caller's use of clean.
func (r *Report) add(section, name string, st Status, detail, fix string) {
	r.Checks = append(r.Checks, Check{Section: section, Name: name, Status: st, Detail: detail, Fix: fix})
}

// finish sets OK from the checks.
func (r *Report) finish() {
	r.OK = true
	for _, c := range r.Checks {
		if c.Status == Problem {
			r.OK = false
		}
	}
}

// clean makes untrusted text (from a server, a config file, the
// environment) one bounded, inert line.
func clean(s string, width int) string {
	return sanitize.Truncate(strings.Join(strings.Fields(s), " "), width)
}

// WriteJSON writes the report for scripts.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people: a heading per section, one
// line per check, the fix below it.
func WriteText(w io.Writer, r Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "amkeys %s\n", r.Version)
	section := ""
	for _, c := range r.Checks {
		if c.Section != section {
			section = c.Section
			fmt.Fprintf(&b, "\n%s\n", sectionTitles[section])
		}
		fmt.Fprintf(&b, "  %-8s %s: %s\n", c.Status, c.Name, c.Detail)
		if c.Fix != "" {
			fmt.Fprintf(&b, "  %-8s fix: %s\n", "", c.Fix)
		}
	}
	if r.OK {
		b.WriteString("\nA dashboard session would work.\n")
	} else {
		b.WriteString("\nA dashboard session would not work: see the problems above.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var sectionTitles = map[string]string{
	"settings":  "Settings",
	"api":       "API",
	"key":       "What the key can do",
	"clipboard": "Clipboard",
	"terminal":  "Terminal",
}
