package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/report"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/uitest"
)

// oldReport writes res as the audit's JSON report, judged at the test
// clock, and reads it back as a diff's earlier report: the reader is
// tested against the real writer.
func oldReport(t *testing.T, res *audit.Result) report.Old {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJSON(&b, report.New(res, policy)); err != nil {
		t.Fatal(err)
	}
	return readOld(t, b.String())
}

func readOld(t *testing.T, doc string) report.Old {
	t.Helper()
	old, err := report.ReadOld(strings.NewReader(doc), report.MaxOldReport)
	if err != nil {
		t.Fatalf("ReadOld: %v", err)
	}
	return old
}

// changeList is "kind id" per change, in the diff's order.
func changeList(d report.Diff) []string {
	out := []string{}
	for _, c := range d.Changes {
		out = append(out, string(c.Kind)+" "+c.Credential.ID)
	}
	return out
}

// keyByID finds a key of res (the test fails when it is missing).
func keyByID(t *testing.T, res *audit.Result, id string) *audit.Key {
	t.Helper()
	for i := range res.Keys {
		if res.Keys[i].ID == id {
			return &res.Keys[i]
		}
	}
	t.Fatalf("no key %s", id)
	return nil
}

func TestDiffOfTheSameAuditIsEmpty(t *testing.T) {
	d := report.Compare(oldReport(t, sample()), report.New(sample(), policy))
	if len(d.Changes) != 0 || d.NotCompared != 0 {
		t.Errorf("changes %v, not compared %d", changeList(d), d.NotCompared)
	}
	if d.Complete || d.OldComplete { // the sample has a failed pod, with no keys
		t.Errorf("complete %v, old complete %v", d.Complete, d.OldComplete)
	}
}

// evolved is the sample a week later: one key gone, one new unrestricted
// key, one key with other permissions that is now stale, one public key
// expired, one expiring, one revoked.
func evolved(t *testing.T) *audit.Result {
	res := sample()
	res.Keys = slices.DeleteFunc(res.Keys, func(k audit.Key) bool { return k.ID == "k4week" })
	month := keyByID(t, res, "k3month")
	month.Permissions = client.Restricted("inbox_read", "draft_send")
	month.UsedAt = now.Add(-100 * day)
	keyByID(t, res, "p3soon").ExpiresAt = now.Add(-time.Hour)
	keyByID(t, res, "p4later").ExpiresAt = now.Add(5 * day)
	keyByID(t, res, "p5none").RevokedAt = now.Add(-day)
	fresh := audit.Key{APIKey: client.APIKey{ID: "k7new", Name: "hotfix", Prefix: "am_k7ne", PodID: "pod-acme",
		CreatedAt: now.Add(-day), Permissions: client.Unrestricted()}, PodName: "Acme Support"}
	res.Keys = append(res.Keys, fresh)
	audit.SortStalestFirst(res.Keys)
	return res
}

func TestDiffFindsEveryKindOfChange(t *testing.T) {
	d := report.Compare(oldReport(t, sample()), report.New(evolved(t), policy))
	want := []string{"new-key k7new", "removed k4week", "permissions-changed k3month", "new-unrestricted k7new",
		"new-stale k3month", "new-expired p3soon", "new-expiring p4later", "new-revoked p5none"}
	if got := changeList(d); !slices.Equal(got, want) {
		t.Fatalf("changes\n got %v\nwant %v", got, want)
	}
	perms := d.Changes[2]
	if perms.Before == nil || !slices.Equal(perms.Before.Permissions, []string{"inbox_read", "message_send"}) ||
		!slices.Equal(perms.Credential.Permissions, []string{"inbox_read", "draft_send"}) {
		t.Errorf("permissions change %+v, before %+v", perms.Credential, perms.Before)
	}
	if d.Changes[3].Before != nil {
		t.Errorf("a new key has no before: %+v", d.Changes[3].Before)
	}
	for _, k := range report.ChangeKinds {
		if d.Count(k) != 1 {
			t.Errorf("%s: count %d", k, d.Count(k))
		}
	}
}

func TestDiffTableGolden(t *testing.T) {
	d := report.Compare(oldReport(t, sample()), report.New(evolved(t), policy))
	var b bytes.Buffer
	if err := report.WriteDiffTable(&b, d); err != nil {
		t.Fatal(err)
	}
	uitest.Golden(t, "diff-table", b.String())
}

func TestDiffCSVAndJSON(t *testing.T) {
	d := report.Compare(oldReport(t, sample()), report.New(evolved(t), policy))
	var b bytes.Buffer
	if err := report.WriteDiffCSV(&b, d); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 9 || rows[0][0] != "change" || rows[0][6] != "key_id" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	perms := strings.Join(rows[3], "|")
	if !strings.HasPrefix(perms, "permissions-changed|bearer|pod|pod-acme|pod-acme|Acme Support|k3month|support-agent|") ||
		!strings.HasSuffix(perms, "|inbox_read message_send|inbox_read draft_send|granted draft_send · withdrawn message_send") {
		t.Errorf("permissions row %s", perms)
	}
	b.Reset()
	if err := report.WriteDiffJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Complete    bool           `json:"complete"`
		Summary     map[string]int `json:"summary"`
		NotCompared int            `json:"not_compared"`
		Changes     []struct {
			Change      string    `json:"change"`
			KeyID       string    `json:"key_id"`
			Kind        string    `json:"kind"`
			Permissions *[]string `json:"permissions"`
			Before      *struct {
				Permissions *[]string `json:"permissions"`
				Findings    []string  `json:"findings"`
			} `json:"before"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Summary) != len(report.ChangeKinds) || doc.Summary["new-key"] != 1 || len(doc.Changes) != 8 {
		t.Fatalf("summary %v, %d changes", doc.Summary, len(doc.Changes))
	}
	unrestricted := doc.Changes[3]
	if unrestricted.Change != "new-unrestricted" || unrestricted.Permissions != nil || unrestricted.Before != nil {
		t.Errorf("new unrestricted key %+v", unrestricted)
	}
	stale := doc.Changes[4]
	if stale.Change != "new-stale" || stale.Before == nil || slices.Contains(stale.Before.Findings, "stale") {
		t.Errorf("new stale key %+v", stale)
	}
	revoked := doc.Changes[7]
	if revoked.Kind != "public_key" || revoked.Permissions == nil || len(*revoked.Permissions) != 0 {
		t.Errorf("revoked public key %+v", revoked)
	}
}

// A listing that failed now: its credentials are not "removed"; one that
// the earlier report lacked: its credentials are not "new".
func TestDiffComparesOnlyWhatBothListed(t *testing.T) {
	old := oldReport(t, sample())
	res := sample()
	// The acme pod fails now: its keys are missing from the audit.
	res.Keys = slices.DeleteFunc(res.Keys, func(k audit.Key) bool { return k.IsBearer() && k.PodID == "pod-acme" })
	res.Pods[0].Scanned = false
	res.Failed = append(res.Failed, audit.Failure{Pod: res.Pods[0].Pod, Err: fmt.Errorf("boom")})
	// The previously broken pod lists now, with a key.
	res.Pods[2].Scanned = true
	res.Failed = res.Failed[1:]
	res.Keys = append(res.Keys, audit.Key{APIKey: client.APIKey{ID: "k8broken", Name: "billing", PodID: "pod-broken",
		CreatedAt: now.Add(-400 * day), Permissions: client.Restricted("inbox_read")}})
	// The organization key is gone: its listing succeeded, so it is removed.
	res.Keys = slices.DeleteFunc(res.Keys, func(k audit.Key) bool { return k.ID == "k5org" })
	d := report.Compare(old, report.New(res, policy))
	if got, want := changeList(d), []string{"removed k5org"}; !slices.Equal(got, want) {
		t.Errorf("changes %v, want %v", got, want)
	}
	// Not compared: acme's five bearer keys and the broken pod's new key.
	if d.NotCompared != 6 || !slices.ContainsFunc(d.Notes, func(n string) bool { return strings.Contains(n, "6 credentials not compared") }) {
		t.Errorf("not compared %d, notes %q", d.NotCompared, d.Notes)
	}
}

// A pod absent from a complete pod listing is gone, keys and all.
func TestDiffReportsTheKeysOfADeletedPodAsRemoved(t *testing.T) {
	old := oldReport(t, sample())
	res := sample()
	res.Keys = slices.DeleteFunc(res.Keys, func(k audit.Key) bool { return k.IsBearer() && k.PodID == "pod-acme" })
	res.Pods = res.Pods[1:]
	d := report.Compare(old, report.New(res, policy))
	want := []string{"removed k6inbox", "removed k1never", "removed k2stale", "removed k3month", "removed k4week"}
	slices.Sort(want)
	got := changeList(d)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("changes %v, want %v", got, want)
	}
	// When the pod listing stopped early, absence proves nothing.
	res.ListErr = fmt.Errorf("listing stopped")
	if d := report.Compare(old, report.New(res, policy)); len(d.Changes) != 0 || d.NotCompared != 5 {
		t.Errorf("with a stopped pod listing: changes %v, not compared %d", changeList(d), d.NotCompared)
	}
}

// earlyReport is a report as the first amkeys wrote it: no kind, no
// findings, no public keys, inboxes or listing fields.
const earlyReport = `{
  "generated_at": "2026-10-01T09:00:00Z",
  "stale_days": 60,
  "complete": true,
  "summary": {"pods": 1, "keys": 2, "organization_keys_listed": true},
  "keys": [
    {"pod_id": "pod-acme", "pod_name": "Acme Support", "key_id": "k1never", "name": "ci, old", "prefix": "am_k1ne",
     "scope": "pod", "created_at": "2025-10-24T12:00:00Z", "last_used_at": null, "days_since_use": null,
     "never_used": true, "stale": false, "unrestricted": true, "permissions": null},
    {"pod_id": "pod-acme", "pod_name": "Acme Support", "key_id": "k2stale", "name": "backfill", "prefix": "am_k2st",
     "scope": "pod", "created_at": "2026-01-01T12:00:00Z", "last_used_at": "2026-09-01T12:00:00Z", "days_since_use": 30,
     "never_used": false, "stale": false, "unrestricted": true, "permissions": null},
    {"pod_id": "", "pod_name": "", "key_id": "k9org", "name": "gone", "prefix": "am_k9or",
     "scope": "organization", "created_at": "2026-01-01T12:00:00Z", "last_used_at": null, "days_since_use": null,
     "never_used": true, "stale": false, "unrestricted": false, "permissions": ["inbox_read"]}
  ],
  "failed_pods": [],
  "notes": [],
  "pod_list_error": null
}`

func TestDiffAgainstAnEarlyReport(t *testing.T) {
	old := readOld(t, earlyReport)
	if old.StaleDays != 60 || len(old.Keys) != 3 || old.Keys[0].Kind != audit.Bearer || old.Keys[0].Permissions != nil ||
		!old.Keys[0].Findings.Has(audit.FindUnrestricted|audit.FindNeverUsed) {
		t.Fatalf("read %+v", old)
	}
	d := report.Compare(old, report.New(sample(), policy))
	// k2stale: restricted now (it was unrestricted) and stale; the other
	// pod keys are new, except the inbox key (inboxes were not listed);
	// public keys are not compared at all.
	want := []string{"new-key k5org", "new-key k3month", "new-key k4week", "removed k9org", "permissions-changed k2stale",
		"new-unrestricted k5org", "new-stale k2stale"}
	if got := changeList(d); !slices.Equal(got, want) {
		t.Errorf("changes\n got %v\nwant %v", got, want)
	}
	if d.NotCompared != 6 { // the inbox key and five public keys
		t.Errorf("not compared %d", d.NotCompared)
	}
	notes := strings.Join(d.Notes, "\n")
	for _, w := range []string{"did not list public keys", "did not list inboxes", "staleness after 60 days, this audit after 90 days"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q:\n%s", w, notes)
		}
	}
}

func TestReadOldSaysWhatIsWrong(t *testing.T) {
	const at = `"generated_at": "2026-11-01T00:00:00Z"`
	for _, c := range []struct{ doc, want string }{
		{"", "ends early"},
		{"   ", "ends early"},
		{"[]", "one JSON object"},
		{"{", "ends early"},
		{"{" + at + "}", `no "generated_at" or no "keys"`},
		{`{"keys": []}`, `no "generated_at" or no "keys"`},
		{`{"generated_at": 5, "keys": []}`, "generated_at: want a string, got a JSON number"},
		{`{"generated_at": "last week", "keys": []}`, `"generated_at" is "last week": want a time`},
		{`{"generated_at": null, "keys": []}`, `no "generated_at"`},
		{"{" + at + `, "keys": {}}`, `"keys" must be an array`},
		{"{" + at + `, "keys": [{"key_id": 7}]}`, "keys[0].key_id: want a string, got a JSON number"},
		{"{" + at + `, "keys": [{"key_id": "a"}, {"name": "b"}]}`, `keys[1]: "key_id" is missing or empty`},
		{"{" + at + `, "keys": [{"key_id": "a", "permissions": 5}]}`, `keys[0]: "permissions" must be null or an array of strings`},
		{"{" + at + `, "keys": [{"key_id": "a", "permissions": [1]}]}`, `keys[0]: "permissions" must be null or an array of strings`},
		{"{" + at + `, "keys": [{"key_id": "a", "kind": "robot"}]}`, `keys[0]: "kind" is "robot": want "bearer" or "public_key"`},
		{"{" + at + `, "keys": [{"key_id": "a", "last_used_at": "yesterday"}]}`, `keys[0]: "last_used_at" is "yesterday"`},
		{"{" + at + `, "keys": [{"key_id": "a", "never_used": "yes"}]}`, "keys[0].never_used: want true or false, got a JSON string"},
		{"{" + at + `, "keys": [{"key_id": "` + strings.Repeat("x", 2000) + `"}]}`, `"key_id" is 2000 bytes long`},
		{"{" + at + `, "keys": [{"key_id": "a"}`, "ends early"},
		{"{" + at + `, "keys": [{"key_id": "a"}, ,]}`, "keys[1]: invalid JSON: invalid character ','"},
		{"{" + at + `, "keys": [], "keys": []}`, `the field "keys" appears twice`},
		{"{" + at + `, "keys": []} {}`, "more after the report"},
		{"{" + at + `, "keys": [], "summary": "yes"}`, "summary: want an object, got a JSON string"},
		{"{" + at + `, "keys": [], "failed_pods": [{"pod_id": 1}]}`, "failed_pods[0].pod_id: want a string, got a JSON number"},
		{"{" + at + `, "keys": [], "stale_days": 1.5}`, "stale_days: want a whole number"},
	} {
		_, err := report.ReadOld(strings.NewReader(c.doc), report.MaxOldReport)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%.80q: error %v, want %q", c.doc, err, c.want)
		}
	}
}

func TestReadOldBoundsItsInput(t *testing.T) {
	doc := `{"generated_at": "2026-11-01T00:00:00Z", "keys": []}`
	if _, err := report.ReadOld(strings.NewReader(doc), int64(len(doc))); err != nil {
		t.Errorf("a report of exactly the limit: %v", err)
	}
	for _, padded := range []string{doc + " ", strings.Replace(doc, "[]", "["+strings.Repeat(" ", 100)+"]", 1)} {
		_, err := report.ReadOld(strings.NewReader(padded), int64(len(doc)))
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("larger than %d bytes", len(doc))) {
			t.Errorf("%q: %v", padded, err)
		}
	}
	// A long name is cut, on a rune boundary.
	long := strings.Repeat("é", 10_000)
	old := readOld(t, `{"generated_at": "2026-11-01T00:00:00Z", "keys": [{"key_id": "a", "name": "`+long+`"}]}`)
	if n := old.Keys[0].Name; len(n) > 4<<10 || !utf8.ValidString(n) || !strings.HasSuffix(n, "…") {
		t.Errorf("name of %d bytes, valid %v", len(n), utf8.ValidString(n))
	}
}

// The hostile corpus as the strings of an earlier report, all removed
// now: the table holds no control and keeps one width per row, every
// CSV cell is safe, JSON is inert and keeps the (bounded) text.
func TestDiffOfAHostileReportIsInert(t *testing.T) {
	var keys []string
	for i, c := range sanitize.Corpus() {
		text, _ := json.Marshal(c.Text)
		keys = append(keys, fmt.Sprintf(`{"key_id": "k%d", "pod_id": %s, "pod_name": %s, "name": %s, "prefix": %s,
			"scope": "pod", "permissions": [%s], "kind": "bearer"}`, i, text, text, text, text, text))
	}
	doc := `{"generated_at": "2026-11-01T00:00:00Z", "complete": true, "keys": [` + strings.Join(keys, ",") + `]}`
	old := readOld(t, doc)
	res := &audit.Result{OrgKeys: true, Credentials: true} // every pod is gone: every key is removed
	d := report.Compare(old, report.New(res, policy))
	if len(d.Changes) != len(keys) {
		t.Fatalf("%d changes for %d keys", len(d.Changes), len(keys))
	}
	for _, f := range report.Formats {
		var b bytes.Buffer
		if err := report.WriteDiff(&b, f, d); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for i, r := range out {
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029 {
				t.Fatalf("%s: control %U at %d near %q", f, r, i, out[max(0, i-20):min(len(out), i+20)])
			}
		}
		if !utf8.ValidString(out) {
			t.Errorf("%s: invalid UTF-8", f)
		}
		switch f {
		case report.Table:
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			rows := lines[len(lines)-len(keys)-1:]
			for _, l := range rows[1:] {
				if !strings.HasPrefix(l, "removed ") {
					t.Errorf("a row broke: %q", l)
				}
			}
		case report.CSV:
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(rows) != len(keys)+1 {
				t.Fatalf("CSV: %d rows, %v", len(rows), err)
			}
			for _, row := range rows {
				for _, cell := range row {
					if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 {
						t.Errorf("cell %q starts a formula", cell)
					}
				}
			}
		case report.JSON:
			var back struct {
				Changes []struct {
					KeyID string `json:"key_id"`
					Name  string `json:"name"`
				} `json:"changes"`
			}
			if err := json.Unmarshal(b.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			names := map[string]string{}
			for _, k := range old.Keys {
				names[k.ID] = k.Name
			}
			for _, c := range back.Changes {
				if c.Name != names[c.KeyID] {
					t.Errorf("JSON changed the name of %s: %q, want %q", c.KeyID, c.Name, names[c.KeyID])
				}
			}
		}
	}
}

// FuzzReadOld: any input either fails to read with a message, or reads
// into a report that compares and writes in every format without a
// control character on the output.
func FuzzReadOld(f *testing.F) {
	f.Add(earlyReport)
	f.Add(`{"generated_at": "2026-11-01T00:00:00Z", "keys": [{"key_id": "a", "kind": "public_key", "revoked_at": "2026-11-02T00:00:00Z"}]}`)
	f.Add(`{"generated_at": "2026-11-01T00:00:00Z", "keys": [{"key_id": "\u001b[2J", "name": "=cmd", "permissions": ["\u202e"]}], "failed_pods": [{"pod_id": ""}]}`)
	f.Add(`{"generated_at": "2026-11-01T00:00:00Z", "keys": [], "unreadable": [{"kind": "pod", "id": "p"}], "pod_list_error": "x"}`)
	f.Fuzz(func(t *testing.T, doc string) {
		old, err := report.ReadOld(strings.NewReader(doc), 1<<20)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error message")
			}
			return
		}
		d := report.Compare(old, report.New(sample(), policy))
		for _, format := range report.Formats {
			var b bytes.Buffer
			if err := report.WriteDiff(&b, format, d); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			for _, r := range b.String() {
				if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r) {
					t.Fatalf("%s: control %U in %q", format, r, b.String())
				}
			}
		}
	})
}
