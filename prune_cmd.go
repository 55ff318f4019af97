package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/bulk"
	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/internal/argsafe"
	"github.com/amkeys/amkeys/internal/texttable"
	"github.com/amkeys/amkeys/ui/report"
	"github.com/amkeys/amkeys/ui/sanitize"
)

const pruneUsage = `Usage:
  amkeys prune [--stale 90d] [--never-used [--older-than 30d]] [--scope S] --plan FILE
  amkeys prune --apply FILE [--max-plan-age 24h]

Bulk revoke, reviewed. The first form audits every key and writes the keys
to delete to a plan (JSON, mode 0600) for review; it deletes nothing. The
second deletes exactly the keys of a plan: each key is re-read first and
skipped when it is gone or was used since the plan was made.

  --stale D       keys used, but not within D (e.g. 90d or 12w)
  --never-used    keys never used and older than --older-than (default 30d):
                  a key made an hour ago and not yet deployed is no finding
  --scope S       only keys within S: organization (the organization's own
                  keys), pod:ID (the pod's keys and its inboxes' keys) or
                  inbox:EMAIL
A plan older than --max-plan-age, or made for another base URL, is refused.

Exit codes:
  0  plan written / every key of the plan deleted
  1  apply: some keys were skipped, already gone or refused
  2  usage or configuration error, or a refused plan
  3  API or network failure (plan: the audit was incomplete, the plan holds
     what was found; apply: some keys may not be deleted)

Flags:
`

// Bounds of a plan.
const (
	planFormat        = "amkeys-prune-plan/1"
	maxPlanBytes      = 64 << 20
	defaultMaxPlanAge = 24 * time.Hour
	// planClockSkew is how far in the future a plan's created_at may be.
	planClockSkew = 5 * time.Minute
)

// prunePlan is the reviewable plan file.
type prunePlan struct {
	Format         string       `json:"format"`
	BaseURL        string       `json:"base_url"`
	OrganizationID string       `json:"organization_id,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	Criteria       planCriteria `json:"criteria"`
	// AuditComplete is false when some listings failed: keys there are
	// not in the plan.
	AuditComplete bool      `json:"audit_complete"`
	Keys          []planKey `json:"keys"`
}

type planCriteria struct {
	StaleDays     int    `json:"stale_days,omitempty"`
	NeverUsed     bool   `json:"never_used"`
	OlderThanDays int    `json:"older_than_days,omitempty"`
	Scope         string `json:"scope,omitempty"`
}

type planKey struct {
	ID        string     `json:"api_key_id"`
	Scope     string     `json:"scope"`
	PodName   string     `json:"pod_name,omitempty"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	CreatedAt time.Time  `json:"created_at"`
	UsedAt    *time.Time `json:"used_at"` // null: never used
	Reason    string     `json:"reason"`  // "stale" or "never_used"
	Detail    string     `json:"detail"`
}

// where is the key's scope for people: a pod by its name ("pod Acme
// Support"), else the scope as --scope spells it.
func (k planKey) where() string {
	if k.PodName != "" && strings.HasPrefix(k.Scope, "pod:") {
		return "pod " + k.PodName
	}
	return k.Scope
}

// pruneJob is a checked command line.
type pruneJob struct {
	staleDays, olderThanDays int
	neverUsed                bool
	scope                    *client.Scope
	plan, apply              string
	maxPlanAge, timeout      time.Duration
	now                      time.Time
}

func runPrune(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("amkeys prune", flag.ContinueOnError)
	settingsFlags := config.RegisterFlags(fs)
	stale := fs.String("stale", "", "plan the keys used, but not within this many days, e.g. 90d or 12w")
	never := fs.Bool("never-used", false, "plan the keys never used and older than --older-than")
	olderThan := fs.String("older-than", "30d", "with --never-used: only keys created longer ago than this")
	scope := fs.String("scope", "", "only keys within organization, pod:ID or inbox:EMAIL")
	plan := fs.String("plan", "", "write the plan to `FILE` (atomically, mode 0600)")
	apply := fs.String("apply", "", "delete the keys of the plan in `FILE`")
	maxAge := fs.Duration("max-plan-age", defaultMaxPlanAge, "--apply: refuse a plan older than this")
	timeout := fs.Duration("timeout", defaultTimeout, "stop after this `duration`; what is not done is reported")
	if code, ok := parseFlags(fs, args, pruneUsage, stdout, stderr); !ok {
		return code
	}
	job, err := checkPrune(fs.Args(), *stale, *never, *olderThan, *scope, *plan, *apply, *maxAge, *timeout)
	if err != nil {
		fmt.Fprintln(stderr, "amkeys prune:", err)
		return exitUsage
	}
	settings, ok := resolveSettings(ctx, "amkeys prune", settingsFlags, stderr)
	if !ok {
		return exitUsage
	}
	api, err := newClient(settings, job.apply == "")
	if err != nil {
		fmt.Fprintln(stderr, "amkeys prune:", err)
		return exitUsage
	}
	defer api.CloseIdleConnections()
	if job.apply != "" && settings.ReadOnly {
		fmt.Fprintln(stderr, "amkeys prune: the profile is read-only: --apply deletes keys")
		return exitUsage
	}
	ctx, cancel := context.WithTimeoutCause(ctx, job.timeout, fmt.Errorf("stopped: prune ran for its --timeout of %v", job.timeout))
	defer cancel()
	if job.apply != "" {
		return job.runApply(ctx, api, stdout, stderr)
	}
	return job.runPlan(ctx, api, stdout, stderr)
}

func checkPrune(args []string, stale string, never bool, olderThan, scope, plan, apply string, maxAge, timeout time.Duration) (pruneJob, error) {
	job := pruneJob{neverUsed: never, plan: plan, apply: apply, maxPlanAge: maxAge, timeout: timeout, now: time.Now()}
	if len(args) > 0 {
		return job, fmt.Errorf("unexpected argument %s (see amkeys prune --help)", argsafe.Quote(args[0]))
	}
	if timeout < time.Second || timeout > maxTimeout {
		return job, fmt.Errorf("--timeout must be from 1s to %v, got %v", maxTimeout, timeout)
	}
	if apply != "" {
		if plan != "" || stale != "" || never || scope != "" {
			return job, errors.New("--apply takes only the plan file: the plan says which keys")
		}
		if maxAge < time.Minute || maxAge > 30*day {
			return job, fmt.Errorf("--max-plan-age must be from 1m to 720h, got %v", maxAge)
		}
		return job, nil
	}
	if plan == "" {
		return job, errors.New("give --plan FILE to write a plan, or --apply FILE to carry one out")
	}
	if stale == "" && !never {
		return job, errors.New("say which keys to plan: --stale D, --never-used, or both")
	}
	var err error
	if stale != "" {
		if job.staleDays, err = parseDays("--stale", stale, "90d", minStaleDays, maxStaleDays); err != nil {
			return job, err
		}
	}
	if job.olderThanDays, err = parseDays("--older-than", olderThan, "30d", minStaleDays, maxStaleDays); err != nil {
		return job, err
	}
	if scope != "" {
		s, err := client.ParseScope(scope)
		if err != nil {
			return job, fmt.Errorf("--scope: %w", err)
		}
		job.scope = &s
	}
	return job, nil
}

// runPlan audits, picks the keys and writes the plan.
func (j pruneJob) runPlan(ctx context.Context, api *audit.PacedClient, stdout, stderr io.Writer) int {
	scan := audit.Start(ctx, api, audit.Options{})
	showProgress(scan, stderr)
	res := scan.Result()
	plan := prunePlan{Format: planFormat, BaseURL: api.BaseURL(), CreatedAt: j.now.UTC(),
		Criteria:      j.criteria(),
		AuditComplete: res.Complete(), Keys: []planKey{}}
	if org, err := api.GetOrganization(ctx); err == nil {
		plan.OrganizationID = org.ID
	}
	own := api.KeyPrefix()
	for i := range res.Keys {
		k := &res.Keys[i]
		if own != "" && k.Prefix == own {
			continue // never the key amkeys runs with
		}
		if pk, ok := j.pick(k); ok {
			plan.Keys = append(plan.Keys, pk)
		}
	}
	err := writeFileAtomic(j.plan, func(w io.Writer) error { return report.WriteSafeJSON(w, plan) })
	if err != nil {
		fmt.Fprintln(stderr, "amkeys prune:", err)
		return exitIncomplete
	}
	printPlanSummary(stdout, plan, j.plan)
	if !res.Complete() {
		reportIncomplete(res, stderr)
		fmt.Fprintln(stderr, "amkeys prune: the audit was incomplete: keys it could not read are not in the plan")
		return exitIncomplete
	}
	return exitOK
}

// criteria records in the plan what chose its keys.
func (j pruneJob) criteria() planCriteria {
	c := planCriteria{StaleDays: j.staleDays, NeverUsed: j.neverUsed}
	if j.neverUsed {
		c.OlderThanDays = j.olderThanDays
	}
	if j.scope != nil {
		c.Scope = j.scope.String()
	}
	return c
}

// pick decides whether the plan holds k, and why.
func (j pruneJob) pick(k *audit.Key) (planKey, bool) {
	if j.scope != nil && !within(k.APIKey, *j.scope) {
		return planKey{}, false
	}
	pk := planKey{ID: k.ID, Scope: k.Scope().String(), PodName: k.PodName, Name: k.Name, Prefix: k.Prefix,
		CreatedAt: k.CreatedAt.UTC()}
	switch {
	case k.NeverUsed():
		// A key of unknown age may be minutes old: never a finding.
		if !j.neverUsed || k.CreatedAt.IsZero() || j.now.Sub(k.CreatedAt) <= time.Duration(j.olderThanDays)*day {
			return planKey{}, false
		}
		pk.Reason = "never_used"
		pk.Detail = fmt.Sprintf("never used; created %d days ago", int(j.now.Sub(k.CreatedAt)/day))
	case j.staleDays > 0 && audit.IsStale(k.UsedAt, j.now, j.staleDays):
		used := k.UsedAt.UTC()
		pk.UsedAt = &used
		pk.Reason = "stale"
		pk.Detail = fmt.Sprintf("last used %d days ago", int(j.now.Sub(k.UsedAt)/day))
	default:
		return planKey{}, false
	}
	return pk, true
}

// within reports whether k lies in scope: an organization scope holds only
// the organization's own keys; a pod holds its keys and its inboxes' keys.
func within(k client.APIKey, scope client.Scope) bool {
	switch {
	case scope.IsOrganization():
		return k.Scope().IsOrganization()
	case scope.Kind == client.ScopePod:
		return k.PodID == scope.ID
	default:
		return strings.EqualFold(k.InboxID, scope.ID)
	}
}

// printPlanSummary shows what the plan holds; server text is sanitised.
func printPlanSummary(w io.Writer, plan prunePlan, path string) {
	stale, never := 0, 0
	for _, k := range plan.Keys {
		if k.Reason == "stale" {
			stale++
		} else {
			never++
		}
	}
	fmt.Fprintf(w, "Plan written to %s: %d keys (%d stale, %d never used). Nothing was deleted.\n",
		sanitize.Truncate(path, 200), len(plan.Keys), stale, never)
	if len(plan.Keys) == 0 {
		return
	}
	const maxRows = 50
	tb := texttable.New("REASON", "SCOPE", "NAME", "PREFIX", "CREATED", "LAST USED")
	tb.Caps = []int{0, 48, 40, 12}
	for i, k := range plan.Keys {
		if i == maxRows {
			break
		}
		last := "never"
		if k.UsedAt != nil {
			last = k.UsedAt.Format("2006-01-02")
		}
		tb.Add(strings.ReplaceAll(k.Reason, "_", " "), k.where(), k.Name, k.Prefix, k.CreatedAt.Format("2006-01-02"), last)
	}
	tb.Write(w)
	if len(plan.Keys) > maxRows {
		fmt.Fprintf(w, "and %d more (see the plan)\n", len(plan.Keys)-maxRows)
	}
	fmt.Fprintf(w, "Review it, then: amkeys prune --apply %s\n", sanitize.Truncate(path, 200))
}

// runApply deletes the plan's keys through the bulk engine.
func (j pruneJob) runApply(ctx context.Context, api *audit.PacedClient, stdout, stderr io.Writer) int {
	plan, targets, err := readPlan(j.apply)
	if err != nil {
		fmt.Fprintln(stderr, "amkeys prune:", err)
		return exitUsage
	}
	if err := j.checkPlan(plan, api.BaseURL()); err != nil {
		fmt.Fprintln(stderr, "amkeys prune: plan refused:", err)
		return exitUsage
	}
	if len(targets) == 0 {
		fmt.Fprintln(stderr, "amkeys prune: the plan holds no keys: nothing to do")
		return exitOK
	}
	results := bulk.Delete(ctx, api, targets, bulk.Options{OnResult: func(r bulk.Result) {
		fmt.Fprintln(stdout, resultLine(r))
	}})
	n := bulk.Summary(results)
	var parts []string
	for o := range bulk.OutcomeCount {
		if n[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[o], o))
		}
	}
	fmt.Fprintln(stderr, "amkeys prune:", strings.Join(parts, ", "))
	switch {
	case n[bulk.Unknown] > 0 || n[bulk.Failed] > 0:
		return exitIncomplete
	case n[bulk.Deleted] < len(results): // skipped, gone, refused or not attempted
		return exitFail
	}
	return exitOK
}

// resultLine is one key's outcome: "deleted  ID  SCOPE  NAME", then why.
func resultLine(r bulk.Result) string {
	s := fmt.Sprintf("%-8s %s  %s  %q", r.Outcome.ID(), sanitize.Truncate(r.ID, 60),
		sanitize.Truncate(r.Scope.String(), 60), sanitize.Truncate(r.Name, 60))
	switch {
	case r.Outcome == bulk.UsedSinceReview && r.Seen.IsZero():
		s += "  used since review"
	case r.Outcome == bulk.UsedSinceReview:
		s += "  used since review (last use " + r.Seen.UTC().Format(time.RFC3339) + ")"
	case r.Outcome == bulk.AlreadyGone && r.Err == nil:
		s += "  already gone"
	case r.Settled && r.Outcome == bulk.Deleted:
		s += "  (the answer was lost; a listing shows it gone)"
	case r.Outcome == bulk.NotAttempted && r.Err == nil:
		s += "  not attempted (stopped)"
	case r.Outcome == bulk.NotAttempted:
		s += "  not attempted: " + describe(r.Err)
	case r.Err != nil:
		s += "  " + describe(r.Err)
	}
	return s
}

// readPlan reads and checks a plan file; every key must be well formed.
func readPlan(path string) (prunePlan, []bulk.Target, error) {
	var plan prunePlan
	f, err := os.Open(path)
	if err != nil {
		return plan, nil, fmt.Errorf("cannot read the plan: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPlanBytes+1))
	if err != nil {
		return plan, nil, fmt.Errorf("cannot read the plan: %w", err)
	}
	if len(data) > maxPlanBytes {
		return plan, nil, fmt.Errorf("%s is larger than %d MiB: not a plan", sanitize.Truncate(path, 200), maxPlanBytes>>20)
	}
	if err := json.Unmarshal(data, &plan); err != nil {
		return plan, nil, fmt.Errorf("%s is not a plan: %v", sanitize.Truncate(path, 200), sanitize.Truncate(err.Error(), 200))
	}
	if plan.Format != planFormat {
		return plan, nil, fmt.Errorf("%s is not a plan of this amkeys (format %q, want %q)", sanitize.Truncate(path, 200),
			sanitize.Truncate(plan.Format, 40), planFormat)
	}
	targets := make([]bulk.Target, 0, len(plan.Keys))
	for i, k := range plan.Keys {
		scope, err := client.ParseScope(k.Scope)
		if k.ID == "" || k.Scope == "" || err != nil {
			return plan, nil, fmt.Errorf("plan key %d: want an api_key_id and a scope (organization, pod:ID or inbox:EMAIL)", i+1)
		}
		t := bulk.Target{ID: k.ID, Scope: scope, Prefix: k.Prefix, Name: k.Name}
		if k.UsedAt != nil {
			t.UsedAt = *k.UsedAt
		}
		targets = append(targets, t)
	}
	return plan, targets, nil
}

// checkPlan refuses a plan made for another server or too long ago.
func (j pruneJob) checkPlan(plan prunePlan, baseURL string) error {
	if !sameBaseURL(plan.BaseURL, baseURL) {
		return fmt.Errorf("it was made for %s, and amkeys is talking to %s", sanitize.Truncate(plan.BaseURL, 100), baseURL)
	}
	switch age := j.now.Sub(plan.CreatedAt); {
	case plan.CreatedAt.IsZero():
		return errors.New("it has no created_at")
	case age < -planClockSkew:
		return fmt.Errorf("its created_at %s is in the future", plan.CreatedAt.UTC().Format(time.RFC3339))
	case age > j.maxPlanAge:
		return fmt.Errorf("it was made %v ago, more than --max-plan-age %v: make a new plan and review it",
			age.Round(time.Minute), j.maxPlanAge)
	}
	return nil
}

// sameBaseURL compares base URLs as the client writes them (no trailing
// slash); the host is case-insensitive.
func sameBaseURL(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, "/"), strings.TrimRight(b, "/"))
}
