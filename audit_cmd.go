package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/internal/argsafe"
	"github.com/amkeys/amkeys/ui/report"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// exitIncomplete: the API or the network failed; the report, if any, is
// partial.
const exitIncomplete = 3

const auditUsage = `Usage: amkeys audit [flags]

Report every credential of the organization: each API key of every pod,
of each pod's inboxes and of the organization itself, with when it was last
used (stalest first), and each AgentID public-key credential with its
scope, expiry and revocation; with a summary by last use, scope and
finding. Only reads: nothing is changed. Progress goes to stderr when
stderr is a terminal.

Examples:
  amkeys audit                            a table for people
  amkeys audit --format csv -o keys.csv   a spreadsheet (written atomically, mode 0600)
  amkeys audit --format json | jq .summary
  amkeys audit --fail-on never-used,unrestricted   fail a CI job on findings
  amkeys audit --fail-on expired,expiring --expiry-warn 30d
  amkeys audit --demo                     try it on the built-in demo organization
  amkeys audit --diff last.json --fail-on new-unrestricted,new-key
                                          compare with an earlier --format json report
                                          (a scheduled CI job: fail on new risks)

With --diff OLD.json the output is not the report but what changed since
OLD.json (an earlier amkeys audit --format json): credentials added and
removed, changed permissions, and credentials newly unrestricted, stale,
expired, expiring or revoked; as a table, CSV or JSON (--format). Credentials
are matched by id. --fail-on then takes kinds of change (see below).

Exit codes:
  0  no findings (with --diff: changes) of the --fail-on kinds (always 0
     without --fail-on)
  1  findings (with --diff: changes) of a --fail-on kind
  2  usage or configuration error; with --diff, an unreadable or invalid
     OLD.json
  3  API or network failure, or the --timeout passed: the audit is
     incomplete (the report is still written, with what was found, the
     listings that failed and the items that could not be read; a diff is
     written for what was found and marked incomplete)

Flags:
`

// auditFlags are the command's own flags.
type auditFlags struct {
	stale       string
	expiryWarn  string
	format      string
	output      string
	failOn      string
	diff        string
	concurrency int
	demo        bool
	timeout     time.Duration
}

// auditJob is a checked command line.
type auditJob struct {
	format    report.Format
	output    string
	staleDays int // 0 = from the settings
	// expiryWarnDays: a public key expiring within it is "expiring";
	// 0 = from the settings.
	expiryWarnDays int
	failOn         []audit.Finding
	// diffFrom is the --diff file; old, its report once read.
	diffFrom      string
	old           *report.Old
	failOnChanges []report.ChangeKind // --fail-on with --diff
	warnings      []string            // about the flags (a deprecated name)
	concurrency   int                 // 0 = from the settings
	demo          bool
	timeout       time.Duration // the whole run
}

// runAudit is `amkeys audit`: scan, write the report, map the outcome to
// the exit code.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("amkeys audit", flag.ContinueOnError)
	fs.SetOutput(argsafe.Writer(stderr)) // the flag package echoes bad values
	settingsFlags := config.RegisterFlags(fs)
	var f auditFlags
	fs.StringVar(&f.stale, "stale", "", "a used key is stale when its last use is older than this, e.g. 90d or 12w (default: stale_days from the config, 90d)")
	fs.StringVar(&f.format, "format", "table", "output format: table, csv or json")
	fs.StringVar(&f.output, "output", "", "write the report to `FILE` instead of stdout (atomically, mode 0600)")
	fs.StringVar(&f.output, "o", "", "short for --output")
	fs.StringVar(&f.expiryWarn, "expiry-warn", "", "a public key is expiring when its expiry is within this, e.g. 14d or 2w (default: expiry_warn_days from the config, 14d)")
	fs.StringVar(&f.failOn, "fail-on", "", failOnHelp)
	fs.StringVar(&f.diff, "diff", "", "compare with `OLD.json`, an earlier amkeys audit --format json report, and write what changed")
	fs.IntVar(&f.concurrency, "concurrency", 0, fmt.Sprintf("requests in flight, 1 to %d (default: audit_concurrency from the config, %d)", audit.MaxConcurrency, audit.DefaultConcurrency))
	fs.DurationVar(&f.timeout, "timeout", defaultTimeout, "stop the whole audit after this `duration` (e.g. 90s, 30m), report what was found and exit 3")
	fs.BoolVar(&f.demo, "demo", false, "audit the built-in demo organization (in-process sandbox, no key needed)")
	fs.Usage = func() {} // the flag package has printed the error; help is on request only
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, auditUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		fmt.Fprintln(stderr, "see amkeys audit --help")
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "amkeys audit: %s (see amkeys audit --help)\n", argsafe.Unexpected(fs.Arg(0)))
		return exitUsage
	}
	if msg := argsafe.CheckFlags(fs, "api-key"); msg != "" {
		fmt.Fprintln(stderr, "amkeys audit:", msg)
		return exitUsage
	}
	job, err := f.check()
	if err != nil {
		fmt.Fprintln(stderr, "amkeys audit:", err)
		return exitUsage
	}
	if job.diffFrom != "" { // before any request: a bad file is a usage error
		old, err := loadOld(job.diffFrom)
		if err != nil {
			fmt.Fprintln(stderr, "amkeys audit:", err)
			return exitUsage
		}
		job.old = &old
	}
	settings, err := config.Resolver{Flags: settingsFlags}.Resolve(ctx, !job.demo)
	if err != nil {
		fmt.Fprintln(stderr, "amkeys audit:", err)
		return exitUsage
	}
	for _, w := range append(job.warnings, settings.Warnings...) {
		fmt.Fprintln(stderr, "amkeys audit: warning:", w)
	}
	if job.demo {
		srv, err := sandbox.Start(sandbox.Options{Seed: "demo"}, "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(stderr, "amkeys audit: cannot start the demo sandbox:", err)
			return exitIncomplete
		}
		defer srv.Close()
		settings.BaseURL, settings.APIKey = srv.URL, config.NewSecret(srv.AdminKey())
	}
	return job.run(ctx, settings, stdout, stderr)
}

// run scans and reports.
func (j auditJob) run(ctx context.Context, s config.Settings, stdout, stderr io.Writer) int {
	if j.staleDays == 0 {
		j.staleDays = s.StaleDays
	}
	if j.concurrency == 0 {
		j.concurrency = s.AuditConcurrency
	}
	if j.expiryWarnDays == 0 {
		j.expiryWarnDays = s.ExpiryWarnDays
	}
	api, err := newClient(s, true) // an audit never changes anything
	if err != nil {
		fmt.Fprintln(stderr, "amkeys audit:", err)
		return exitUsage
	}
	defer api.CloseIdleConnections() // lets an in-process demo sandbox stop at once

	ctx, cancel := context.WithTimeoutCause(ctx, j.timeout, fmt.Errorf("stopped: the audit ran for its --timeout of %v", j.timeout))
	defer cancel()
	scan := audit.Start(ctx, api, audit.Options{Concurrency: j.concurrency})
	showProgress(scan, stderr)
	res := scan.Result()
	// The report is written whatever happened, even with nothing found:
	// a script reading JSON gets a valid document with the errors in it.
	rep := report.New(res, audit.Policy{Now: time.Now(), StaleDays: j.staleDays, ExpiryWarnDays: j.expiryWarnDays})
	if j.old != nil {
		return j.finishDiff(rep, stdout, stderr)
	}
	if err := j.write(rep, stdout); err != nil {
		fmt.Fprintln(stderr, "amkeys audit:", err)
		return exitIncomplete
	}
	if !res.Complete() {
		reportIncomplete(res, stderr)
		return exitIncomplete
	}
	if found := findings(rep, j.failOn); found != "" {
		fmt.Fprintln(stderr, "amkeys audit: findings:", found)
		return exitFail
	}
	return exitOK
}

// write sends the report to stdout or, atomically, to the output file.
func (j auditJob) write(rep report.Report, stdout io.Writer) error {
	if j.output == "" || j.output == "-" {
		return report.Write(stdout, j.format, rep)
	}
	return writeFileAtomic(j.output, func(w io.Writer) error { return report.Write(w, j.format, rep) })
}

// reportIncomplete tells, on stderr, what the report is missing.
func reportIncomplete(res *audit.Result, stderr io.Writer) {
	switch {
	case res.Stopped != nil:
		fmt.Fprintln(stderr, "amkeys audit:", describe(res.Stopped)+"; the report is incomplete")
	case res.Cancelled:
		fmt.Fprintln(stderr, "amkeys audit: cancelled; the report is incomplete")
	}
	if res.ListErr != nil {
		fmt.Fprintln(stderr, "amkeys audit: the pod listing stopped early:", describe(res.ListErr))
	}
	for _, f := range res.Failed {
		what := report.FailureName(f)
		if !f.IsOrganization() && !f.Credentials {
			what = "pod " + what
		}
		kept := ""
		if f.Kept > 0 {
			kept = fmt.Sprintf(" (%d credentials listed before it stopped are in the report)", f.Kept)
		}
		fmt.Fprintf(stderr, "amkeys audit: %s: %s%s\n", what, describe(f.Err), kept)
	}
	const maxUnreadable = 20
	for i, u := range res.Unreadable {
		if i == maxUnreadable {
			fmt.Fprintf(stderr, "amkeys audit: and %d more items could not be read (see the report)\n", len(res.Unreadable)-i)
			break
		}
		where := ""
		if u.Pod.ID != "" {
			where = "pod " + sanitize.Truncate(u.Pod.Name, 40) + " (" + sanitize.Truncate(u.Pod.ID, 40) + "): "
		}
		fmt.Fprintln(stderr, "amkeys audit: "+where+describe(u.ItemError))
	}
}

// describe is an error for stderr: sanitised (the server wrote part of it),
// with the server's fix when it gave one.
func describe(err error) string {
	s := err.Error()
	if e, ok := client.AsError(err); ok && e.Fix != "" {
		s += " · fix: " + e.Fix
	} else if ok && e.Hint() != "" {
		s += " · hint: " + e.Hint()
	}
	return sanitize.Truncate(s, 300)
}

// findings lists the --fail-on kinds the report has, e.g. "3 stale, 2 never
// used"; "" when none.
func findings(rep report.Report, kinds []audit.Finding) string {
	var parts []string
	for _, k := range kinds {
		if n := rep.Summary.Count(k); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, failOnWords[k]))
		}
	}
	return strings.Join(parts, ", ")
}
