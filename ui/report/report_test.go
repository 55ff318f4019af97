package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
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

var now = uitest.Clock

// policy judges at the test clock: stale after 90 days, expiring within 14.
var policy = audit.Policy{Now: now, StaleDays: 90, ExpiryWarnDays: 14}

const day = 24 * time.Hour

// credential is a public-key credential as the audit lists it.
func credential(id, name string, scope client.Scope, podName string, created, expires, revoked time.Duration) audit.Key {
	k := audit.Key{Kind: audit.PublicKey, PodName: podName, Fingerprint: "fp-" + id}
	k.ID, k.Name, k.CreatedAt = id, name, now.Add(-created)
	k.Permissions = client.Restricted()
	switch scope.Kind {
	case client.ScopePod:
		k.PodID = scope.ID
	case client.ScopeInbox:
		k.PodID, k.InboxID = "pod-acme", scope.ID
	}
	if expires != 0 {
		k.ExpiresAt = now.Add(expires)
	}
	if revoked != 0 {
		k.RevokedAt = now.Add(-revoked)
	}
	return k
}

// sample is a small audit with every kind of finding and one failed pod.
func sample() *audit.Result {
	acme := client.Pod{ID: "pod-acme", Name: "Acme Support"}
	empty := client.Pod{ID: "pod-empty", Name: "Initech Sandbox"}
	broken := client.Pod{ID: "pod-broken", Name: "Globex Billing"}
	key := func(pod client.Pod, id, name string, created, used time.Duration, perms client.Permissions) audit.Key {
		k := audit.Key{APIKey: client.APIKey{ID: id, Name: name, Prefix: "am_" + id[:4], PodID: pod.ID,
			CreatedAt: now.Add(-created), Permissions: perms}, PodName: pod.Name}
		if used >= 0 {
			k.UsedAt = now.Add(-used)
		}
		return k
	}
	inboxKey := key(acme, "k6inbox", "support inbox", 60*day, 10*day, client.Restricted("message_read"))
	inboxKey.InboxID = "support@acme.agentmail.to"
	keys := []audit.Key{
		key(acme, "k1never", "ci, old", 400*day, -1, client.Unrestricted()),
		key(acme, "k2stale", "backfill", 300*day, 120*day, client.Restricted("inbox_read")),
		key(acme, "k3month", "support-agent", 100*day, 20*day, client.Restricted("inbox_read", "message_send")),
		key(acme, "k4week", "webhook", 50*day, 3*day, client.Restricted("webhook_read")),
		key(client.Pod{}, "k5org", "org admin", 700*day, 2*time.Hour, client.Unrestricted()),
		inboxKey,
		credential("p1revoked", "old laptop", client.OrganizationScope(), "", 200*day, 0, 40*day),
		credential("p2expired", "trial agent", client.InboxScope("support@acme.agentmail.to"), "Acme Support", 35*day, -2*day, 0),
		credential("p3soon", "deploy agent", client.PodScope("pod-acme"), "Acme Support", 25*day, 3*day, 0),
		credential("p4later", "release bot", client.OrganizationScope(), "", 20*day, 180*day, 0),
		credential("p5none", "ops signer", client.PodScope("pod-acme"), "Acme Support", 30*day, 0, 0),
	}
	audit.SortStalestFirst(keys)
	return &audit.Result{
		Keys:    keys,
		Pods:    []audit.PodInfo{{Pod: acme, Keys: 5, Inboxes: 2, Scanned: true}, {Pod: empty, Scanned: true}, {Pod: broken}},
		Failed:  []audit.Failure{{Pod: broken, Err: &client.Error{Status: 500, ErrCode: "internal_error", Message: "boom"}}},
		OrgKeys: true, Credentials: true,
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"table", "CSV", "json"} {
		if _, err := report.ParseFormat(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if _, err := report.ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "table, csv or json") {
		t.Errorf("xml: %v", err)
	}
}

func TestTableGolden(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteTable(&b, report.New(sample(), policy)); err != nil {
		t.Fatal(err)
	}
	uitest.Golden(t, "table", b.String())
}

func TestCSVRows(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteCSV(&b, report.New(sample(), policy)); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 12 || rows[0][0] != "pod_id" || len(rows[0]) != 21 || rows[0][13] != "kind" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	byID := map[string]string{}
	for _, r := range rows[1:] {
		byID[r[2]] = strings.Join(r, "|")
	}
	first := strings.Join(rows[1], "|")
	want := "pod-acme|Acme Support|k1never|ci, old|am_k1ne|pod|2025-10-24T12:00:00Z|||true|false|true|unrestricted|" +
		"bearer|pod-acme||||||"
	if first != want {
		t.Errorf("first row\n got %s\nwant %s", first, want)
	}
	stale := strings.Join(rows[2], "|")
	if !strings.Contains(stale, "|120|false|true|false|inbox_read|bearer|pod-acme|") {
		t.Errorf("stale row %s", stale)
	}
	for id, want := range map[string]string{
		"k6inbox": "pod-acme|Acme Support|k6inbox|support inbox|am_k6in|inbox|2026-09-29T12:00:00Z|2026-11-18T12:00:00Z|10|false|false|false|message_read|" +
			"bearer|support@acme.agentmail.to||||||",
		"p1revoked": "||p1revoked|old laptop||organization|2026-05-12T12:00:00Z|||||||" +
			"public_key||fp-p1revoked||2026-10-19T12:00:00Z|false|false|true",
		"p2expired": "pod-acme|Acme Support|p2expired|trial agent||inbox|2026-10-24T12:00:00Z|||||||" +
			"public_key|support@acme.agentmail.to|fp-p2expired|2026-11-26T12:00:00Z||true|false|false",
		"p3soon": "pod-acme|Acme Support|p3soon|deploy agent||pod|2026-11-03T12:00:00Z|||||||" +
			"public_key|pod-acme|fp-p3soon|2026-12-01T12:00:00Z||false|true|false",
		"p4later": "||p4later|release bot||organization|2026-11-08T12:00:00Z|||||||" +
			"public_key||fp-p4later|2027-05-27T12:00:00Z||false|false|false",
	} {
		if byID[id] != want {
			t.Errorf("row %s\n got %s\nwant %s", id, byID[id], want)
		}
	}
	// Bearer keys first, then public keys most urgent first.
	if rows[6][13] != "bearer" || rows[7][2] != "p1revoked" || rows[8][2] != "p2expired" || rows[11][2] != "p5none" {
		t.Errorf("order: %v %v %v %v", rows[6][:3], rows[7][:3], rows[8][:3], rows[11][:3])
	}
}

// Spreadsheet formula injection and CSV quoting.
func TestCSVInjectionAndQuoting(t *testing.T) {
	cases := []struct{ name, want string }{
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@x", "'@x"},
		{"\tx", "'␉x"},
		{"\rx", "'␍x"},
		{"=HYPERLINK(\"https://evil.invalid\")", "'=HYPERLINK(\"https://evil.invalid\")"},
		{`say "hi"`, `say "hi"`},
		{"a,b,c", "a,b,c"},
		{"line1\nline2", "line1\nline2"},
		{"line1\r\n=line2", "line1\n=line2"},
		{"plain", "plain"},
		{"", ""},
	}
	res := &audit.Result{OrgKeys: true}
	for i, c := range cases {
		res.Keys = append(res.Keys, audit.Key{APIKey: client.APIKey{ID: string(rune('a' + i)), Name: c.name}, PodName: c.name})
	}
	var b bytes.Buffer
	if err := report.WriteCSV(&b, report.New(res, policy)); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v\n%s", err, b.String())
	}
	for i, c := range cases {
		row := rows[i+1]
		if row[3] != c.want || row[1] != c.want {
			t.Errorf("%q: got name %q pod %q, want %q", c.name, row[3], row[1], c.want)
		}
	}
	for _, r := range rows {
		for _, cell := range r {
			if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
}

// hostile is a result whose every server string is a hostile case.
func hostile() (*audit.Result, []string) {
	res := &audit.Result{OrgKeys: true, Notes: []string{"note \x1b[2J"}}
	var names []string
	for i, c := range sanitize.Corpus() {
		pod := client.Pod{ID: "pod\x1b]0;x\x07" + c.Name, Name: c.Text}
		res.Pods = append(res.Pods, audit.PodInfo{Pod: pod, Scanned: true, Keys: 1})
		res.Keys = append(res.Keys, audit.Key{APIKey: client.APIKey{ID: c.Name, Name: c.Text, Prefix: c.Text,
			PodID: pod.ID, InboxID: c.Text, CreatedAt: now.Add(-time.Duration(i) * day),
			Permissions: client.Restricted("inbox_read", c.Text)}, PodName: c.Text})
		names = append(names, c.Text)
		cred := audit.Key{Kind: audit.PublicKey, PodName: c.Text, Fingerprint: c.Text, ExpiresAt: now.Add(day)}
		cred.ID, cred.Name, cred.PodID, cred.InboxID = "pk-"+c.Name, c.Text, pod.ID, c.Text
		res.Keys = append(res.Keys, cred)
		names = append(names, c.Text)
	}
	res.Credentials = true
	res.Failed = []audit.Failure{{Pod: client.Pod{ID: "x", Name: "\x1b[31mred"}, Err: errors.New("fail \x1b]52;c;aGk=\x07 \u202e")}}
	return res, names
}

// dangerous reports a byte or rune that a terminal could act on: C0
// controls other than line breaks, DEL, C1 controls and format characters.
func dangerous(s string, allowNewline bool) string {
	for i, r := range s {
		switch {
		case r == '\n' && allowNewline:
		case r == utf8.RuneError:
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, unicode.Is(unicode.Cf, r):
			return strings.ToValidUTF8(s[max(0, i-20):min(len(s), i+20)], "?")
		}
	}
	return ""
}

func TestHostileTableIsInert(t *testing.T) {
	res, _ := hostile()
	var b bytes.Buffer
	if err := report.WriteTable(&b, report.New(res, policy)); err != nil {
		t.Fatal(err)
	}
	if bad := dangerous(b.String(), true); bad != "" {
		t.Fatalf("table holds a control or format character near %q", bad)
	}
	if !utf8.Valid(b.Bytes()) {
		t.Error("table is not valid UTF-8")
	}
}

func TestHostileCSVIsInertAndValid(t *testing.T) {
	res, names := hostile()
	var b bytes.Buffer
	if err := report.WriteCSV(&b, report.New(res, policy)); err != nil {
		t.Fatal(err)
	}
	if bad := dangerous(b.String(), true); bad != "" {
		t.Fatalf("CSV holds a control or format character near %q", bad)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(names)+1 {
		t.Fatalf("%d rows for %d keys", len(rows), len(names))
	}
}

func TestHostileJSONKeepsTextExactly(t *testing.T) {
	res, names := hostile()
	var b bytes.Buffer
	if err := report.WriteJSON(&b, report.New(res, policy)); err != nil {
		t.Fatal(err)
	}
	if bad := dangerous(b.String(), true); bad != "" {
		t.Fatalf("JSON holds a raw control or format character near %q", bad)
	}
	var doc struct {
		GeneratedAt time.Time `json:"generated_at"`
		Summary     struct {
			Keys     int            `json:"keys"`
			LastUsed map[string]int `json:"last_used"`
		} `json:"summary"`
		Keys []struct {
			Name        string   `json:"name"`
			PodName     string   `json:"pod_name"`
			Permissions []string `json:"permissions"`
		} `json:"keys"`
		FailedPods []struct {
			PodName string `json:"pod_name"`
			Error   string `json:"error"`
		} `json:"failed_pods"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if !doc.GeneratedAt.Equal(now) || doc.Summary.Keys != len(names)/2 || len(doc.FailedPods) != 1 || doc.FailedPods[0].PodName != "\x1b[31mred" {
		t.Errorf("document: %+v", doc)
	}
	got := map[string]bool{}
	for _, k := range doc.Keys {
		got[k.Name] = true
		if k.PodName != k.Name {
			t.Errorf("pod name %q differs from key name %q", k.PodName, k.Name)
		}
	}
	for _, n := range names {
		if want := strings.ToValidUTF8(n, "\uFFFD"); !got[want] && !got[n] && utf8.ValidString(n) {
			t.Errorf("name %q did not survive JSON", n)
		}
	}
}

func TestJSONShape(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteJSON(&b, report.New(sample(), policy)); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"generated_at", "summary", "keys", "failed_pods"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("missing %q", k)
		}
	}
	var s map[string]any
	json.Unmarshal(doc["summary"], &s)
	lu := s["last_used"].(map[string]any)
	if s["keys"] != 6.0 || s["unrestricted"] != 2.0 || s["stale"] != 1.0 || s["pods_without_keys"] != 1.0 ||
		s["failed_pods"] != 1.0 || lu["never"] != 1.0 || lu["today"] != 1.0 || lu["older"] != 1.0 {
		t.Errorf("summary %s", doc["summary"])
	}
	scopes, pkScopes := s["keys_by_scope"].(map[string]any), s["public_keys_by_scope"].(map[string]any)
	findings := s["findings"].(map[string]any)
	if s["public_keys"] != 5.0 || s["inboxes"] != 2.0 || s["expired"] != 1.0 || s["expiring"] != 1.0 || s["revoked"] != 1.0 ||
		scopes["organization"] != 1.0 || scopes["pod"] != 4.0 || scopes["inbox"] != 1.0 ||
		pkScopes["organization"] != 2.0 || pkScopes["pod"] != 2.0 || pkScopes["inbox"] != 1.0 ||
		findings["never-used"] != 1.0 || findings["expired"] != 1.0 || s["public_keys_listed"] != true {
		t.Errorf("summary %s", doc["summary"])
	}
	var keys []map[string]any
	json.Unmarshal(doc["keys"], &keys)
	if keys[0]["key_id"] != "k1never" || keys[0]["last_used_at"] != nil || keys[0]["permissions"] != nil ||
		keys[0]["kind"] != "bearer" || keys[0]["scope_id"] != "pod-acme" || keys[0]["expires_at"] != nil {
		t.Errorf("first key %v", keys[0])
	}
	byID := map[string]map[string]any{}
	for _, k := range keys {
		byID[k["key_id"].(string)] = k
	}
	exp := byID["p2expired"]
	if exp["kind"] != "public_key" || exp["scope"] != "inbox" || exp["scope_id"] != "support@acme.agentmail.to" ||
		exp["fingerprint"] != "fp-p2expired" || exp["expires_at"] != "2026-11-26T12:00:00Z" || exp["revoked_at"] != nil ||
		exp["expired"] != true || exp["expiring"] != false || exp["unrestricted"] != false || exp["never_used"] != false ||
		fmt.Sprint(exp["permissions"]) != "[]" || fmt.Sprint(exp["findings"]) != "[expired]" {
		t.Errorf("expired credential %v", exp)
	}
	if rev := byID["p1revoked"]; rev["revoked_at"] != "2026-10-19T12:00:00Z" || fmt.Sprint(rev["findings"]) != "[revoked]" {
		t.Errorf("revoked credential %v", rev)
	}
	if soon := byID["p3soon"]; fmt.Sprint(soon["findings"]) != "[expiring]" || soon["scope_id"] != "pod-acme" {
		t.Errorf("expiring credential %v", soon)
	}
	if fmt.Sprint(byID["k1never"]["findings"]) != "[never-used unrestricted]" {
		t.Errorf("never-used key %v", byID["k1never"])
	}
}
