package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// changeLabels name each kind for people, in the table's summary.
var changeLabels = map[ChangeKind]string{
	NewKey: "New credentials", Removed: "Removed", PermissionsChanged: "Permissions changed",
	NewUnrestricted: "Newly unrestricted", NewStale: "Newly stale", NewExpired: "Newly expired",
	NewExpiring: "Newly expiring", NewRevoked: "Newly revoked",
}

// WriteDiff writes d in format f.
func WriteDiff(w io.Writer, f Format, d Diff) error {
	switch f {
	case CSV:
		return WriteDiffCSV(w, d)
	case JSON:
		return WriteDiffJSON(w, d)
	default:
		return WriteDiffTable(w, d)
	}
}

// diffHeads: the change, then the credential as in the audit table, then
// what changed.
var diffHeads = [diffCols]string{"CHANGE", "POD", "SCOPE", "KEY", "PREFIX", "DETAIL"}

var diffCaps = [diffCols]int{19, maxPodWidth, maxScopeWidth, maxKeyWidth, 16, 60}

const diffCols = 6

// WriteDiffTable writes the diff for people: a count of each kind of
// change, the notes, then one row per change. Every string from a report
// goes through ui/sanitize.
func WriteDiffTable(w io.Writer, d Diff) error {
	bw := bufio.NewWriter(w)
	status := ""
	if !d.Complete {
		status = " · INCOMPLETE"
	}
	fmt.Fprintf(bw, "amkeys audit --diff · %s UTC compared with the report of %s UTC · %s%s\n\n",
		format.DateTime(d.GeneratedAt), format.DateTime(d.OldGeneratedAt), plural(len(d.Changes), "change"), status)
	for _, k := range ChangeKinds {
		fmt.Fprintf(bw, "%-21s %d\n", changeLabels[k]+":", d.Count(k))
	}
	for _, n := range d.Notes {
		fmt.Fprintf(bw, "Note: %s\n", n)
	}
	fmt.Fprintln(bw)
	if len(d.Changes) == 0 {
		fmt.Fprintln(bw, "No changes.")
		return bw.Flush()
	}
	rows := make([][diffCols]string, len(d.Changes))
	widths := [diffCols]int{}
	for c, h := range diffHeads {
		widths[c] = len(h)
	}
	for i, ch := range d.Changes {
		rows[i] = diffRow(ch, d.GeneratedAt)
		for c, cell := range rows[i] {
			widths[c] = max(widths[c], sanitize.Width(sanitize.Truncate(cell, diffCaps[c])))
		}
	}
	line := make([]string, diffCols)
	for c, h := range diffHeads {
		line[c] = sanitize.Cell(h, widths[c])
	}
	writeLine(bw, line)
	for _, row := range rows {
		for c, cell := range row {
			line[c] = sanitize.Cell(cell, min(widths[c], diffCaps[c]))
		}
		writeLine(bw, line)
	}
	return bw.Flush()
}

func diffRow(ch Change, now time.Time) [diffCols]string {
	c := &ch.Credential
	pod := c.PodName
	if c.PodID == "" {
		pod = "(organization)"
	}
	prefix := "public key"
	if c.Kind == audit.Bearer {
		prefix = ""
		if c.Prefix != "" {
			prefix = c.Prefix + "…"
		}
	}
	return [diffCols]string{string(ch.Kind), pod, credentialScopeLabel(c), c.Name, prefix, changeDetail(ch, now)}
}

func credentialScopeLabel(c *Credential) string {
	switch s := c.Scope(); s.Kind {
	case client.ScopeInbox:
		return "inbox " + s.ID
	case client.ScopePod:
		return "pod"
	}
	return "org"
}

// changeDetail says what changed in a few words. Permission names come
// from a report: the table and CSV writers sanitise every cell.
func changeDetail(ch Change, now time.Time) string {
	c := &ch.Credential
	switch ch.Kind {
	case NewKey, Removed:
		switch {
		case c.Kind == audit.PublicKey:
			return "created " + format.Date(c.CreatedAt) + " · " + credentialExpiry(c, now)
		case ch.Kind == NewKey:
			return "created " + format.Date(c.CreatedAt) + " · " + permissionSummary(c.Permissions)
		case c.UsedAt.IsZero():
			return "was never used"
		}
		return "last used " + format.Date(c.UsedAt)
	case PermissionsChanged:
		return permissionDelta(ch.Before.Permissions, c.Permissions)
	case NewUnrestricted:
		if ch.Before == nil {
			return "a new key"
		}
		return "was " + permissionSummary(ch.Before.Permissions)
	case NewStale:
		return "last used " + format.Date(c.UsedAt) + " (" + plural(daysSince(c.UsedAt, now), "day") + ")"
	}
	return credentialExpiry(c, now) // expired, expiring, revoked
}

// credentialExpiry is Expiry for a diff's credential.
func credentialExpiry(c *Credential, now time.Time) string {
	k := audit.Key{Kind: c.Kind, ExpiresAt: c.ExpiresAt, RevokedAt: c.RevokedAt}
	return Expiry(&k, now)
}

// permissionSummary is "unrestricted" or "3 of 36", as in the audit table.
func permissionSummary(names []string) string {
	if names == nil {
		return "unrestricted"
	}
	return client.Restricted(names...).Summary()
}

// maxDeltaNames bounds the names a permission change spells out.
const maxDeltaNames = 4

// permissionDelta is "unrestricted → 3 of 36" when either side is
// unrestricted, else what was granted and withdrawn: "granted inbox_read ·
// withdrawn message_send" (the first few names, then "and N more").
func permissionDelta(before, after []string) string {
	if before == nil || after == nil {
		return permissionSummary(before) + " → " + permissionSummary(after)
	}
	var parts []string
	if granted := missingFrom(after, before); len(granted) > 0 {
		parts = append(parts, "granted "+nameList(granted))
	}
	if withdrawn := missingFrom(before, after); len(withdrawn) > 0 {
		parts = append(parts, "withdrawn "+nameList(withdrawn))
	}
	return strings.Join(parts, " · ")
}

// missingFrom lists the names of a that b lacks.
func missingFrom(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, n := range b {
		in[n] = true
	}
	var out []string
	for _, n := range a {
		if !in[n] {
			out = append(out, n)
		}
	}
	return out
}

func nameList(names []string) string {
	if len(names) > maxDeltaNames {
		return strings.Join(names[:maxDeltaNames], ", ") + fmt.Sprintf(" and %d more", len(names)-maxDeltaNames)
	}
	return strings.Join(names, ", ")
}

// diffCSVHeader: the change, the credential (columns named as in the
// audit's CSV), the permissions before and after, and the detail.
var diffCSVHeader = []string{"change", "kind", "scope", "scope_id", "pod_id", "pod_name", "key_id", "key_name", "prefix",
	"fingerprint", "created_at", "last_used_at", "expires_at", "revoked_at", "permissions_before", "permissions", "detail"}

// WriteDiffCSV writes one row per change, with a header row; every cell
// is made safe for spreadsheets and terminals (SafeCell).
func WriteDiffCSV(w io.Writer, d Diff) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(diffCSVHeader); err != nil {
		return err
	}
	for _, ch := range d.Changes {
		c := &ch.Credential
		before := ""
		if ch.Before != nil && c.Kind == audit.Bearer {
			before = permissionCell(ch.Before.Permissions)
		}
		perms := ""
		if c.Kind == audit.Bearer {
			perms = permissionCell(c.Permissions)
		}
		row := []string{string(ch.Kind), c.Kind.String(), c.Scope().Kind.String(), c.Scope().ID, c.PodID, c.PodName, c.ID,
			c.Name, c.Prefix, c.Fingerprint, stamp(c.CreatedAt), stamp(c.UsedAt), stamp(c.ExpiresAt), stamp(c.RevokedAt),
			before, perms, changeDetail(ch, d.GeneratedAt)}
		for i := range row {
			row[i] = SafeCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// permissionCell is "unrestricted" or the names, space-separated, as in
// the audit's CSV.
func permissionCell(names []string) string {
	if names == nil {
		return "unrestricted"
	}
	return strings.Join(names, " ")
}

type jsonDiff struct {
	GeneratedAt    time.Time `json:"generated_at"`
	OldGeneratedAt time.Time `json:"old_generated_at"`
	StaleDays      int       `json:"stale_days"`
	OldStaleDays   int       `json:"old_stale_days"`
	// Complete is false when this audit's listings did not all succeed.
	Complete    bool           `json:"complete"`
	OldComplete bool           `json:"old_complete"`
	NotCompared int            `json:"not_compared"`
	Summary     map[string]int `json:"summary"` // changes by kind, every kind
	Changes     []jsonChange   `json:"changes"`
	Notes       []string       `json:"notes"`
}

type jsonChange struct {
	Change      string     `json:"change"`
	KeyID       string     `json:"key_id"`
	Kind        string     `json:"kind"`
	Scope       string     `json:"scope"`
	ScopeID     string     `json:"scope_id"`
	PodID       string     `json:"pod_id"`
	PodName     string     `json:"pod_name"`
	Name        string     `json:"name"`
	Prefix      string     `json:"prefix"`
	Fingerprint string     `json:"fingerprint,omitempty"`
	CreatedAt   *time.Time `json:"created_at"`
	LastUsedAt  *time.Time `json:"last_used_at"`
	ExpiresAt   *time.Time `json:"expires_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
	Permissions []string   `json:"permissions"` // null = unrestricted; [] for a public key
	Findings    []string   `json:"findings"`
	// Before is the credential in the earlier report, for a change to a
	// credential in both; null for new-key, removed and a new credential.
	Before *jsonBefore `json:"before"`
}

type jsonBefore struct {
	Permissions []string   `json:"permissions"`
	LastUsedAt  *time.Time `json:"last_used_at"`
	ExpiresAt   *time.Time `json:"expires_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
	Findings    []string   `json:"findings"`
}

// WriteDiffJSON writes the diff as one JSON document, inert on a terminal
// as the audit's is.
func WriteDiffJSON(w io.Writer, d Diff) error {
	doc := jsonDiff{GeneratedAt: d.GeneratedAt.UTC(), OldGeneratedAt: d.OldGeneratedAt.UTC(), StaleDays: d.StaleDays,
		OldStaleDays: d.OldStaleDays, Complete: d.Complete, OldComplete: d.OldComplete, NotCompared: d.NotCompared,
		Summary: map[string]int{}, Changes: make([]jsonChange, 0, len(d.Changes)), Notes: append([]string{}, d.Notes...)}
	for _, k := range ChangeKinds {
		doc.Summary[string(k)] = d.Count(k)
	}
	for _, ch := range d.Changes {
		c := &ch.Credential
		jc := jsonChange{Change: string(ch.Kind), KeyID: c.ID, Kind: c.Kind.String(), Scope: c.Scope().Kind.String(),
			ScopeID: c.Scope().ID, PodID: c.PodID, PodName: c.PodName, Name: c.Name, Prefix: c.Prefix,
			Fingerprint: c.Fingerprint, CreatedAt: timeOrNull(c.CreatedAt), LastUsedAt: timeOrNull(c.UsedAt),
			ExpiresAt: timeOrNull(c.ExpiresAt), RevokedAt: timeOrNull(c.RevokedAt), Permissions: c.Permissions,
			Findings: findingNames(c.Findings)}
		if b := ch.Before; b != nil {
			jc.Before = &jsonBefore{Permissions: b.Permissions, LastUsedAt: timeOrNull(b.UsedAt),
				ExpiresAt: timeOrNull(b.ExpiresAt), RevokedAt: timeOrNull(b.RevokedAt), Findings: findingNames(b.Findings)}
		}
		doc.Changes = append(doc.Changes, jc)
	}
	return WriteSafeJSON(w, doc)
}

func findingNames(f audit.Finding) []string {
	out := []string{}
	for _, g := range audit.AllFindings {
		if f.Has(g) {
			out = append(out, g.String())
		}
	}
	return out
}
