package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/amkeys/amkeys/ui/sanitize"
)

var csvHeader = []string{"pod_id", "pod_name", "key_id", "key_name", "prefix", "scope", "created_at",
	"last_used_at", "days_since_use", "never_used", "stale", "unrestricted", "permissions"}

// WriteCSV writes one row per key, stalest first, with a header row.
// encoding/csv quotes commas, quotes and line breaks; every cell is then
// made safe for spreadsheets (see SafeCell). The summary is not repeated:
// it can be computed from the rows.
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	row := make([]string, len(csvHeader))
	for i := range r.Result.Keys {
		k := &r.Result.Keys[i]
		used, days := "", ""
		if !k.NeverUsed() {
			used, days = stamp(k.UsedAt), strconv.Itoa(daysSince(k.UsedAt, r.GeneratedAt))
		}
		perms := "unrestricted"
		if names := permissionNames(k); names != nil {
			perms = strings.Join(names, " ")
		}
		copy(row, []string{k.PodID, k.PodName, k.ID, k.Name, k.Prefix, k.Scope().Kind.String(), stamp(k.CreatedAt), used, days,
			strconv.FormatBool(k.NeverUsed()), strconv.FormatBool(stale(k.UsedAt, r)),
			strconv.FormatBool(k.Permissions.IsUnrestricted()), perms})
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
