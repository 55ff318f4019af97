package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// csvHeader: the first 13 columns are those of reports before public keys
// and inboxes were audited; new columns are appended, so that consumers
// reading columns by position keep working. scope is the scope kind.
var csvHeader = []string{"pod_id", "pod_name", "key_id", "key_name", "prefix", "scope", "created_at",
	"last_used_at", "days_since_use", "never_used", "stale", "unrestricted", "permissions",
	"kind", "scope_id", "fingerprint", "expires_at", "revoked_at", "expired", "expiring", "revoked"}

// WriteCSV writes one row per credential (bearer keys stalest first, then
// public-key credentials), with a header row. A finding column that does
// not apply to the row's kind is empty (a public key has no last use, a
// bearer key no expiry). encoding/csv quotes commas, quotes and line
// breaks; every cell is then made safe for spreadsheets (see SafeCell).
// The summary is not repeated: it can be computed from the rows.
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	row := make([]string, len(csvHeader))
	for i := range r.Result.Keys {
		k := &r.Result.Keys[i]
		f := r.findings(k)
		flag := func(g audit.Finding) string { return strconv.FormatBool(f.Has(g)) }
		used, days, perms := "", "", ""
		never, stale, unrestricted, expired, expiring, revoked := "", "", "", "", "", ""
		if k.IsBearer() {
			if !k.NeverUsed() {
				used, days = stamp(k.UsedAt), strconv.Itoa(daysSince(k.UsedAt, r.GeneratedAt))
			}
			perms = "unrestricted"
			if names := permissionNames(k); names != nil {
				perms = strings.Join(names, " ")
			}
			never, stale, unrestricted = flag(audit.FindNeverUsed), flag(audit.FindStale), flag(audit.FindUnrestricted)
		} else {
			expired, expiring, revoked = flag(audit.FindExpired), flag(audit.FindExpiring), flag(audit.FindRevoked)
		}
		copy(row, []string{k.PodID, k.PodName, k.ID, k.Name, k.Prefix, k.Scope().Kind.String(), stamp(k.CreatedAt),
			used, days, never, stale, unrestricted, perms,
			k.Kind.String(), scopeID(k), k.Fingerprint, stamp(k.ExpiresAt), stamp(k.RevokedAt), expired, expiring, revoked})
		for c := range row {
			row[c] = SafeCell(row[c])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SafeCell makes an untrusted string safe in a spreadsheet cell and on a
// terminal that shows the file: each line goes through sanitize.Text (line
// breaks stay, for encoding/csv to quote; controls and invisible characters
// become visible placeholders), and a cell that a spreadsheet would read as
// a formula (starting with = + - @, tab or carriage return) gets a leading
// single quote, as OWASP recommends.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = sanitize.Text(l)
	}
	out := strings.Join(lines, "\n")
	if startsFormula(s) || startsFormula(out) {
		return "'" + out
	}
	return out
}

func startsFormula(s string) bool {
	return s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
