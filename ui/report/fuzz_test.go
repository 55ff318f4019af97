package report_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/report"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// csvSeeds are the hostile corpus (without its huge cases, which unit tests
// cover and which would slow mutation down) and spreadsheet formulas.
func csvSeeds() []string {
	seeds := []string{"=1+1", "+1", "-1", "@SUM(A1)", "\t=x", "\r=x", "=HYPERLINK(\"https://evil.invalid\")",
		"a,b", `say "hi"`, "line1\nline2", "line1\r\n=line2", "\n=cmd", " =1", "", "plain"}
	for _, c := range sanitize.Corpus() {
		if len(c.Text) <= 1024 {
			seeds = append(seeds, c.Text)
		}
	}
	return seeds
}

// FuzzCSV writes a report whose pod name, key name, prefix, ids and a
// permission name are arbitrary strings, and so are a public key's name,
// inbox and fingerprint. The output must parse back to one record of 21
// fields per credential; no cell may start a spreadsheet formula;
// the only control byte is the newline (between records and inside quoted
// cells); every cell reads back as SafeCell of what was written, and
// SafeCell keeps harmless text exactly.
func FuzzCSV(f *testing.F) {
	seeds := csvSeeds()
	for i, s := range seeds {
		f.Add(s, seeds[(i+1)%len(seeds)], seeds[(i+7)%len(seeds)])
	}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, a, b, c string) {
		pod := client.Pod{ID: c, Name: a}
		k := audit.Key{APIKey: client.APIKey{ID: b, Name: b, Prefix: c, PodID: pod.ID, CreatedAt: now.Add(-time.Hour),
			UsedAt: now.Add(-48 * time.Hour), Permissions: client.Restricted("inbox_read", a)}, PodName: a}
		plain := audit.Key{APIKey: client.APIKey{ID: "k2", Name: "plain", Prefix: "am_plain", CreatedAt: now}}
		cred := audit.Key{Kind: audit.PublicKey, Fingerprint: a, ExpiresAt: now.Add(time.Hour)}
		cred.ID, cred.Name, cred.InboxID, cred.CreatedAt = "pk", b, c, now.Add(-time.Hour)
		res := &audit.Result{Keys: []audit.Key{k, plain, cred}, Pods: []audit.PodInfo{{Pod: pod, Keys: 1, Scanned: true}}, OrgKeys: true}
		var out bytes.Buffer
		if err := report.WriteCSV(&out, report.New(res, policy)); err != nil {
			t.Fatalf("WriteCSV: %v", err)
		}
		if !utf8.Valid(out.Bytes()) {
			t.Fatalf("the CSV is not valid UTF-8: %q", out.String())
		}
		for i, r := range out.String() {
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029 {
				t.Fatalf("control %U at %d in %q", r, i, out.String())
			}
		}
		rows, err := csv.NewReader(bytes.NewReader(out.Bytes())).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse: %v\n%q", err, out.String())
		}
		if len(rows) != 4 {
			t.Fatalf("%d records for 3 credentials: %q", len(rows), out.String())
		}
		for _, row := range rows {
			if len(row) != 21 {
				t.Fatalf("a record of %d fields: %q", len(row), row)
			}
			for _, cell := range row {
				if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 {
					t.Fatalf("cell %q starts a formula", cell)
				}
			}
		}
		check := map[[2]int]string{{1, 0}: c, {1, 1}: a, {1, 2}: b, {1, 3}: b, {1, 4}: c, {3, 3}: b, {3, 14}: c, {3, 15}: a}
		for at, in := range check {
			row, col := rows[at[0]], at[1] // the credentials in the result's order
			want := report.SafeCell(in)
			if row[col] != want {
				t.Fatalf("column %d: wrote %q, read back %q, want SafeCell = %q", col, in, row[col], want)
			}
			if harmless(in) && row[col] != in {
				t.Fatalf("column %d: harmless %q read back as %q", col, in, row[col])
			}
		}
	})
}

// harmless text needs no change: printable ASCII and newlines, not
// starting a formula.
func harmless(s string) bool {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return false
	}
	for _, r := range s {
		if r != '\n' && (r < 0x20 || r > 0x7e) {
			return false
		}
	}
	return true
}
