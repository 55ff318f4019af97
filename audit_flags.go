package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/internal/argsafe"
	"github.com/amkeys/amkeys/ui/report"
)

// Bounds of --stale, the same as stale_days in the config file.
const minStaleDays, maxStaleDays = 1, 3650

// Bounds of --timeout: the whole audit, every pod and every wait.
const (
	defaultTimeout = 10 * time.Minute
	maxTimeout     = 24 * time.Hour
)

// findingKind is one --fail-on kind.
type findingKind struct {
	name, describe string
	count          func(audit.Summary) int
}

var findingKinds = []findingKind{
	{"stale", "stale", func(s audit.Summary) int { return s.Stale }},
	{"never", "never used", func(s audit.Summary) int { return s.NeverUsed() }},
	{"unrestricted", "unrestricted", func(s audit.Summary) int { return s.Unrestricted }},
}

// check validates the flags; every message says what is accepted.
func (f auditFlags) check() (auditJob, error) {
	job := auditJob{output: f.output, demo: f.demo}
	var err error
	if job.format, err = report.ParseFormat(f.format); err != nil {
		return job, fmt.Errorf("--format: %s", argsafe.Redact(err.Error()))
	}
	if f.stale != "" {
		if job.staleDays, err = parseStale(f.stale); err != nil {
			return job, err
		}
	}
	if job.failOn, err = parseFailOn(f.failOn); err != nil {
		return job, err
	}
	if f.concurrency != 0 && (f.concurrency < 1 || f.concurrency > audit.MaxConcurrency) {
		return job, fmt.Errorf("--concurrency must be from 1 to %d, got %d", audit.MaxConcurrency, f.concurrency)
	}
	job.concurrency = f.concurrency
	if f.timeout < time.Second || f.timeout > maxTimeout {
		return job, fmt.Errorf("--timeout must be from 1s to %v, got %v", maxTimeout, f.timeout)
	}
	job.timeout = f.timeout
	return job, nil
}

// parseStale reads a number of days ("90d", "90") or weeks ("12w").
func parseStale(s string) (int, error) {
	bad := fmt.Errorf("--stale %s: want a number of days such as 90d, or weeks such as 12w (%d to %d days)",
		argsafe.Quote(s), minStaleDays, maxStaleDays)
	num, unit := strings.TrimSpace(strings.ToLower(s)), 1
	switch {
	case strings.HasSuffix(num, "d"):
		num = strings.TrimSuffix(num, "d")
	case strings.HasSuffix(num, "w"):
		num, unit = strings.TrimSuffix(num, "w"), 7
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > maxStaleDays/unit {
		return 0, bad
	}
	if days := n * unit; days >= minStaleDays && days <= maxStaleDays {
		return days, nil
	}
	return 0, bad
}

// parseFailOn reads a comma-separated list of finding kinds.
func parseFailOn(s string) ([]findingKind, error) {
	var out []findingKind
	for _, given := range strings.Split(s, ",") {
		part := strings.TrimSpace(strings.ToLower(given))
		if part == "" {
			continue
		}
		found := false
		for _, k := range findingKinds {
			if k.name == part {
				out, found = append(out, k), true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("--fail-on: unknown kind %s (want stale, never or unrestricted, comma-separated)", argsafe.Quote(strings.TrimSpace(given)))
		}
	}
	return out, nil
}
