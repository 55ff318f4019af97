package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// Widest a column may grow; longer text is cut with "…".
const (
	maxPodWidth   = 28
	maxKeyWidth   = 32
	barWidth      = 30
	maxEmptyNamed = 10 // pods without keys named before "and N more"
	errorWidth    = 100
)

// tableHeads: pod, scope, key name, prefix (or "public key"), created,
// last use (or expiry), permissions (or fingerprint).
var tableHeads = [tableCols]string{"POD", "SCOPE", "KEY", "PREFIX", "CREATED", "USED / EXPIRES", "PERMISSIONS"}

// tableCaps are the widest each column may grow.
var tableCaps = [tableCols]int{maxPodWidth, maxScopeWidth, maxKeyWidth, 16, 10, 30, 16}

const (
	tableCols     = 7
	maxScopeWidth = 32
)

// WriteTable writes the report for people: a summary with a bar chart of
// last use, the failures, then one row per credential: bearer keys
// stalest first, then public keys. Every server string goes through
// ui/sanitize and the output holds no escape sequence.
func WriteTable(w io.Writer, r Report) error {
	bw := bufio.NewWriter(w)
	writeSummary(bw, r)
	writeKeys(bw, r)
	return bw.Flush()
}

func writeSummary(w *bufio.Writer, r Report) {
	s := r.Summary
	pods := plural(s.PodsScanned, "pod")
	if s.PodsScanned != s.Pods {
		pods = fmt.Sprintf("%d of %s", s.PodsScanned, plural(s.Pods, "pod"))
	}
	// Where the keys are: the organization's own belong to no pod, and an
	// inbox's keys are counted apart from its pod's.
	keys := fmt.Sprintf("%s (%d organization, %d in %s, %d in %s)", plural(s.Keys, "key"),
		s.KeyScopes.Organization, s.KeyScopes.Pod, pods, s.KeyScopes.Inbox, pluralInboxes(s.Inboxes))
	fmt.Fprintf(w, "amkeys audit · %s · %s and %s · stale after %s\n\n",
		format.DateTime(r.GeneratedAt)+" UTC", keys, plural(s.PublicKeys, "public key"), plural(r.StaleDays, "day"))
	fmt.Fprintln(w, "Last used (keys)")
	most := 0
	for _, n := range s.LastUsed {
		most = max(most, n)
	}
	for b := range audit.BucketCount {
		n := s.LastUsed[b]
		fmt.Fprintf(w, "  %-10s %7d  %s\n", b.Label(), n, strings.Repeat("█", barLength(n, most, barWidth)))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Unrestricted keys:  %d\n", s.Unrestricted)
	fmt.Fprintf(w, "Stale keys:         %d (used, but not in the last %s)\n", s.Stale, plural(r.StaleDays, "day"))
	fmt.Fprintf(w, "Never used:         %d\n", s.NeverUsed())
	fmt.Fprintf(w, "Keys by scope:      %s\n", scopeCounts(s.KeyScopes))
	fmt.Fprintf(w, "Public keys:        %d (%s)\n", s.PublicKeys, scopeCounts(s.PublicKeyScopes))
	fmt.Fprintf(w, "Expired:            %d\n", s.Expired)
	fmt.Fprintf(w, "Expiring:           %d (within %s)\n", s.Expiring, plural(s.ExpiryWarnDays, "day"))
	fmt.Fprintf(w, "Revoked:            %d\n", s.Revoked)
	fmt.Fprintf(w, "Pods without keys:  %d%s\n", s.PodsWithoutKeys, emptyPodNames(r.Result))
	if !r.Result.OrgKeys {
		fmt.Fprintln(w, "Organization keys:  not listed")
	}
	if !r.Result.Credentials {
		fmt.Fprintln(w, "Public keys:        not listed")
	}
	for _, n := range r.Result.Notes {
		fmt.Fprintf(w, "Note: %s\n", sanitize.Truncate(n, errorWidth))
	}
	writeFailures(w, r.Result)
	fmt.Fprintln(w)
}

func scopeCounts(c audit.ScopeCount) string {
	return fmt.Sprintf("organization %d · pod %d · inbox %d", c.Organization, c.Pod, c.Inbox)
}

// barLength scales n to width against the largest bucket; any non-zero
// count shows at least one block.
func barLength(n, most, width int) int {
	if n == 0 || most == 0 {
		return 0
	}
	return max(1, n*width/most)
}

func emptyPodNames(res *audit.Result) string {
	empty := res.PodsWithoutKeys()
	if len(empty) == 0 {
		return ""
	}
	names := make([]string, 0, maxEmptyNamed)
	for i, p := range empty {
		if i == maxEmptyNamed {
			names = append(names, "and "+strconv.Itoa(len(empty)-i)+" more")
			break
		}
		names = append(names, sanitize.Truncate(p.Name, maxPodWidth))
	}
	return " (" + strings.Join(names, ", ") + ")"
}

func writeFailures(w *bufio.Writer, res *audit.Result) {
	if res.ListErr != nil {
		fmt.Fprintf(w, "\nINCOMPLETE: the pod listing stopped: %s\n", sanitize.Truncate(res.ListErr.Error(), errorWidth))
		if e, ok := client.AsError(res.ListErr); ok && e.Hint() != "" {
			fmt.Fprintf(w, "  hint: %s\n", e.Hint())
		}
	}
	switch {
	case res.Stopped != nil:
		fmt.Fprintf(w, "\nINCOMPLETE: %s\n", sanitize.Truncate(res.Stopped.Error(), errorWidth))
	case res.Cancelled:
		fmt.Fprintln(w, "\nINCOMPLETE: the audit was cancelled")
	}
	writeUnreadable(w, res)
	if len(res.Failed) == 0 {
		return
	}
	fmt.Fprintf(w, "\nINCOMPLETE: %s could not be read:\n", plural(len(res.Failed), "listing"))
	for _, f := range res.Failed {
		what := FailureName(f)
		kept := ""
		if f.Kept > 0 {
			kept = " (" + plural(f.Kept, "credential") + " listed before it stopped are below)"
		}
		fmt.Fprintf(w, "  %s: %s%s\n", what, sanitize.Truncate(f.Err.Error(), errorWidth), kept)
	}
}

// FailureName says, sanitised, whose listing failed: "organization keys",
// "public keys" or "Pod name (pod id)".
func FailureName(f audit.Failure) string {
	switch {
	case f.Credentials:
		return "public keys"
	case f.IsOrganization():
		return "organization keys"
	}
	return sanitize.Truncate(f.Pod.Name, maxPodWidth) + " (" + sanitize.Truncate(f.Pod.ID, 40) + ")"
}

// maxUnreadableRows bounds the list of unreadable items in the table.
const maxUnreadableRows = 50

func writeUnreadable(w *bufio.Writer, res *audit.Result) {
	if len(res.Unreadable) == 0 {
		return
	}
	fmt.Fprintf(w, "\nINCOMPLETE: %d listed items could not be read:\n", len(res.Unreadable))
	for i, u := range res.Unreadable {
		if i == maxUnreadableRows {
			fmt.Fprintf(w, "  and %d more\n", len(res.Unreadable)-i)
			break
		}
		where := "(organization)"
		if u.Pod.ID != "" {
			where = sanitize.Truncate(u.Pod.Name, maxPodWidth) + " (" + sanitize.Truncate(u.Pod.ID, 40) + ")"
		} else if u.Kind == "pod" {
			where = "pod listing"
		}
		fmt.Fprintf(w, "  %s: %s\n", where, sanitize.Truncate(u.ItemError.Error(), errorWidth))
	}
}

// writeKeys writes the table with columns as wide as their content.
func writeKeys(w *bufio.Writer, r Report) {
	keys := r.Result.Keys
	if len(keys) == 0 {
		fmt.Fprintln(w, "No keys found.")
		return
	}
	rows := make([][tableCols]string, len(keys))
	widths := [tableCols]int{}
	for i, h := range tableHeads {
		widths[i] = len(h)
	}
	for i := range keys {
		rows[i] = tableRow(&keys[i], r)
		for c, cell := range rows[i] {
			widths[c] = max(widths[c], sanitize.Width(sanitize.Truncate(cell, tableCaps[c])))
		}
	}
	line := make([]string, tableCols)
	for c, h := range tableHeads {
		line[c] = sanitize.Cell(h, widths[c])
	}
	writeLine(w, line)
	for _, row := range rows {
		for c, cell := range row {
			line[c] = sanitize.Cell(cell, min(widths[c], tableCaps[c]))
		}
		writeLine(w, line)
	}
}

func writeLine(w *bufio.Writer, cells []string) {
	w.WriteString(strings.TrimRight(strings.Join(cells, "  "), " "))
	w.WriteByte('\n')
}

func tableRow(k *audit.Key, r Report) [tableCols]string {
	pod := k.PodName
	if k.PodID == "" {
		pod = "(organization)"
	}
	if !k.IsBearer() {
		fp := ""
		if k.Fingerprint != "" {
			fp = "fp " + k.Fingerprint
		}
		return [tableCols]string{pod, ScopeLabel(k), k.Name, "public key", format.Date(k.CreatedAt), Expiry(k, r.GeneratedAt), fp}
	}
	prefix := ""
	if k.Prefix != "" {
		prefix = k.Prefix + "…"
	}
	return [tableCols]string{pod, ScopeLabel(k), k.Name, prefix, format.Date(k.CreatedAt), lastUsed(k, r), k.Permissions.Summary()}
}

// ScopeLabel is a credential's scope in a few words: "org", "pod" or
// "inbox ADDRESS" (not sanitised: cells are).
func ScopeLabel(k *audit.Key) string {
	switch s := k.Scope(); s.Kind {
	case client.ScopeInbox:
		return "inbox " + s.ID
	case client.ScopePod:
		return "pod"
	}
	return "org"
}

// Expiry is a public key's state for people: "revoked 2026-10-19",
// "expired 2026-11-26", "expires 2026-12-01 (3 days)" or "no expiry".
func Expiry(k *audit.Key, now time.Time) string {
	switch {
	case !k.RevokedAt.IsZero():
		return "revoked " + format.Date(k.RevokedAt)
	case k.ExpiresAt.IsZero():
		return "no expiry"
	case !now.Before(k.ExpiresAt):
		return "expired " + format.Date(k.ExpiresAt)
	}
	left := int(k.ExpiresAt.Sub(now) / (24 * time.Hour))
	if left < 1 {
		return "expires " + format.Date(k.ExpiresAt) + " (today)"
	}
	return "expires " + format.Date(k.ExpiresAt) + " (" + plural(left, "day") + ")"
}

// lastUsed is "never" or the date and days since: "2026-03-01 (88 days)".
func lastUsed(k *audit.Key, r Report) string {
	if k.NeverUsed() {
		return "never"
	}
	days := daysSince(k.UsedAt, r.GeneratedAt)
	if days <= 0 {
		return format.Date(k.UsedAt) + " (today)"
	}
	return format.Date(k.UsedAt) + " (" + plural(days, "day") + ")"
}

func pluralInboxes(n int) string {
	if n == 1 {
		return "1 inbox"
	}
	return strconv.Itoa(n) + " inboxes"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
