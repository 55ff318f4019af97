package main

import (
	"fmt"
	"github.com/amkeys/amkeys/internal/argsafe"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/report"
)

// Bounds of --stale, the same as stale_days in the config file, and of
// --expiry-warn.
const (
	minStaleDays, maxStaleDays           = 1, 3650
	minExpiryWarnDays, maxExpiryWarnDays = 1, 3650
)

// Bounds of --timeout: the whole audit, every pod and every wait.
const (
	defaultTimeout = 10 * time.Minute
	maxTimeout     = 24 * time.Hour
)

// failOnHelp is the --fail-on flag's help: what each kind means.
const failOnHelp = "exit 1 when any credential has one of these comma-separated `kinds`:\n" +
	"  never-used    a bearer key with no recorded use\n" +
	"  stale         a bearer key used, but not within --stale\n" +
	"  unrestricted  a bearer key without a permission whitelist\n" +
	"  expired       a public key whose expiry has passed\n" +
	"  expiring      a public key expiring within --expiry-warn\n" +
	"  revoked       a public key that was revoked\n" +
	"  none          never fail on findings (the default)\n" +
	changeKindHelp +
	"(never is a deprecated name for never-used)"

// failOnKinds are the --fail-on kinds in the order of the help.
var failOnKinds = []audit.Finding{audit.FindNeverUsed, audit.FindStale, audit.FindUnrestricted,
	audit.FindExpired, audit.FindExpiring, audit.FindRevoked}

// failOnWords describe each kind in the findings line ("3 never used").
var failOnWords = map[audit.Finding]string{
	audit.FindNeverUsed: "never used", audit.FindStale: "stale", audit.FindUnrestricted: "unrestricted",
	audit.FindExpired: "expired", audit.FindExpiring: "expiring", audit.FindRevoked: "revoked",
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
	if f.expiryWarn != "" {
		if job.expiryWarnDays, err = parseDays("--expiry-warn", f.expiryWarn, "14d", minExpiryWarnDays, maxExpiryWarnDays); err != nil {
			return job, err
		}
	}
	if f.diff != "" {
		job.diffFrom = f.diff
		if job.failOnChanges, err = parseFailOnChanges(f.failOn); err != nil {
			return job, err
		}
	} else if job.failOn, job.warnings, err = parseFailOn(f.failOn); err != nil {
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

// parseStale reads a --stale value (agentid's --expires reads the same form).
func parseStale(s string) (int, error) {
	return parseDays("--stale", s, "90d", minStaleDays, maxStaleDays)
}

// parseDays reads a number of days ("90d", "90") or weeks ("12w").
func parseDays(flag, s, example string, minDays, maxDays int) (int, error) {
	bad := fmt.Errorf("%s %s: want a number of days such as %s, or weeks such as 2w (%d to %d days)",
		flag, argsafe.Quote(s), example, minDays, maxDays)
	num, unit := strings.TrimSpace(strings.ToLower(s)), 1
	switch {
	case strings.HasSuffix(num, "d"):
		num = strings.TrimSuffix(num, "d")
	case strings.HasSuffix(num, "w"):
		num, unit = strings.TrimSuffix(num, "w"), 7
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > maxDays/unit {
		return 0, bad
	}
	if days := n * unit; days >= minDays && days <= maxDays {
		return days, nil
	}
	return 0, bad
}

// parseFailOn reads a comma-separated list of finding kinds; "none" alone
// means no kind. A deprecated name works, with a warning.
func parseFailOn(s string) (kinds []audit.Finding, warnings []string, err error) {
	none := false
	for _, given := range strings.Split(s, ",") {
		part := strings.TrimSpace(strings.ToLower(given))
		switch part {
		case "":
			continue
		case "none":
			none = true
			continue
		case "never":
			warnings = append(warnings, "--fail-on never is deprecated; use never-used")
			part = audit.FindNeverUsed.String()
		}
		i := slices.IndexFunc(failOnKinds, func(k audit.Finding) bool { return k.String() == part })
		if i < 0 && slices.Contains(report.ChangeKinds, report.ChangeKind(part)) {
			return nil, nil, fmt.Errorf("--fail-on: %s is a kind of change: it needs --diff OLD.json", argsafe.Quote(strings.TrimSpace(given)))
		}
		if i < 0 {
			return nil, nil, fmt.Errorf("--fail-on: unknown kind %s (want never-used, stale, unrestricted, expired, expiring, revoked or none, comma-separated)", argsafe.Quote(strings.TrimSpace(given)))
		}
		if !slices.Contains(kinds, failOnKinds[i]) {
			kinds = append(kinds, failOnKinds[i])
		}
	}
	if none && len(kinds) > 0 {
		return nil, nil, fmt.Errorf("--fail-on: none cannot be combined with other kinds")
	}
	return kinds, warnings, nil
}
