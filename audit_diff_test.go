package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/jwk"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// diffDoc is the part of `audit --diff --format json` the tests read.
type diffDoc struct {
	Complete    bool           `json:"complete"`
	NotCompared int            `json:"not_compared"`
	Summary     map[string]int `json:"summary"`
	Notes       []string       `json:"notes"`
	Changes     []struct {
		Change      string    `json:"change"`
		KeyID       string    `json:"key_id"`
		Kind        string    `json:"kind"`
		Name        string    `json:"name"`
		PodName     string    `json:"pod_name"`
		Permissions *[]string `json:"permissions"`
		Before      *struct {
			Permissions *[]string `json:"permissions"`
		} `json:"before"`
	} `json:"changes"`
}

// changes is "change name" per change, in the document's order.
func (d diffDoc) changes() []string {
	out := []string{}
	for _, c := range d.Changes {
		out = append(out, c.Change+" "+c.Name)
	}
	return out
}

func parseDiff(t *testing.T, out string) diffDoc {
	t.Helper()
	var d diffDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("diff JSON: %v\n%s", err, out)
	}
	return d
}

// writeOldReport runs `amkeys audit --format json -o FILE` and returns the
// file's path.
func writeOldReport(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.json")
	if code, _, errs := runCmd(t, "audit", "--format", "json", "-o", path); code != exitOK {
		t.Fatalf("audit: exit %d, stderr %q", code, errs)
	}
	return path
}

// editReport rewrites the report's keys, found by name, through edit.
func editReport(t *testing.T, path string, edit func(name string, key map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range doc["keys"].([]any) {
		key := k.(map[string]any)
		edit(key["name"].(string), key)
	}
	if data, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func registerPublicKey(t *testing.T, api *client.Client, name string) client.PublicKeyCredential {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := jwk.FromPublic(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := api.RegisterPublicKey(context.Background(), client.NewPublicKey{JWK: pub, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return cred
}

// The scenario: audit, change the organization (create a key and
// an unrestricted one, delete one, revoke a public key), edit the earlier
// report where the server cannot go back in time (a key fresh then, other
// permissions then), diff in every format.
func TestAuditDiffAgainstTheSandbox(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	api := adminClient(t, srv)
	ctx := context.Background()
	now := time.Now()
	acme, globex := srv.AddPod("Acme", "acme"), srv.AddPod("Globex", "globex")
	srv.AddKey(acme.ID, "support", client.Restricted("inbox_read"), now.Add(-48*time.Hour))
	legacy := srv.AddKey(acme.ID, "legacy", client.Restricted("inbox_read"), now.Add(-240*time.Hour))
	srv.AddKey(globex.ID, "backfill", client.Restricted("message_read"), now.Add(-200*24*time.Hour))
	srv.AddKey(globex.ID, "webhooks", client.Restricted("webhook_read"), now.Add(-24*time.Hour))
	signer := registerPublicKey(t, api, "release signer")
	registerPublicKey(t, api, "laptop")
	old := writeOldReport(t)

	code, out, errs := runCmd(t, "audit", "--diff", old, "--format", "json", "--fail-on", "new-key,removed,new-unrestricted")
	if d := parseDiff(t, out); code != exitOK || len(d.Changes) != 0 || !d.Complete {
		t.Fatalf("no change yet: exit %d, changes %v, stderr %q", code, d.changes(), errs)
	}

	created, err := api.CreateKey(ctx, client.PodScope(acme.ID), "ci-new", client.Restricted("inbox_read"))
	if err != nil {
		t.Fatal(err)
	}
	wide, err := api.CreateKey(ctx, client.PodScope(globex.ID), "wide-open", client.Unrestricted())
	if err != nil {
		t.Fatal(err)
	}
	if err := api.DeleteKey(ctx, client.PodScope(acme.ID), legacy.ID); err != nil {
		t.Fatal(err)
	}
	if err := api.RevokePublicKey(ctx, signer.ID); err != nil { // a hard delete
		t.Fatal(err)
	}
	if _, err := api.RevokeAllPublicKeys(ctx, "8c5f9a5e-3b1d-4c47-9a8e-2f1e6d7c0b11"); err != nil { // revokes the laptop
		t.Fatal(err)
	}
	editReport(t, old, func(name string, key map[string]any) {
		switch name {
		case "backfill": // fresh in the earlier report
			key["stale"], key["findings"] = false, []string{}
		case "webhooks":
			key["permissions"] = []string{"webhook_read", "inbox_read"}
		}
	})

	code, out, errs = runCmd(t, "audit", "--diff", old, "--format", "json")
	d := parseDiff(t, out)
	want := []string{"new-key ci-new", "new-key wide-open", "removed release signer", "removed legacy",
		"permissions-changed webhooks", "new-unrestricted wide-open", "new-stale backfill", "new-revoked laptop"}
	if code != exitOK || !slices.Equal(d.changes(), want) || !d.Complete || d.NotCompared != 0 {
		t.Fatalf("exit %d, stderr %q\nchanges %v\n   want %v\nnot compared %d", code, errs, d.changes(), want, d.NotCompared)
	}
	perms := d.Changes[4]
	if perms.Before == nil || perms.Before.Permissions == nil || len(*perms.Before.Permissions) != 2 ||
		perms.Permissions == nil || !slices.Equal(*perms.Permissions, []string{"webhook_read"}) {
		t.Errorf("permissions change %+v", perms)
	}
	if d.Changes[1].KeyID != wide.ID || d.Changes[1].Permissions != nil || d.Changes[7].Kind != "public_key" || d.Changes[2].Kind != "public_key" {
		t.Errorf("changes %+v", d.Changes)
	}

	code, table, errs := runCmd(t, "audit", "--diff", old)
	for _, w := range []string{"8 changes", "Newly unrestricted:   1", "Removed:              2",
		"new-unrestricted     Globex          pod    wide-open", "removed              Acme            pod    legacy",
		"permissions-changed  Globex          pod    webhooks        am_", "withdrawn inbox_read\n",
		"removed              (organization)  org    release signer  public key  created "} {
		if !strings.Contains(table, w) {
			t.Errorf("the table lacks %q:\n%s", w, table)
		}
	}
	if code != exitOK || errs != "" {
		t.Errorf("table: exit %d, stderr %q", code, errs)
	}

	code, out, _ = runCmd(t, "audit", "--diff", old, "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || code != exitOK || len(rows) != len(want)+1 {
		t.Fatalf("CSV: exit %d, %d rows, %v\n%s", code, len(rows), err, out)
	}
	for i, row := range rows[1:] {
		if got := row[0] + " " + row[7]; got != want[i] {
			t.Errorf("CSV row %d: %s, want %s", i+1, got, want[i])
		}
	}
	for _, output := range []string{out, table} {
		if strings.Contains(output, created.Secret) || strings.Contains(output, wide.Secret) || strings.Contains(output, srv.AdminKey()) {
			t.Error("a secret reached the diff")
		}
	}
}

// The CI use: --fail-on new-unrestricted exits 0 while only restricted
// keys are added, 1 once an unrestricted key is; the diff is still written.
func TestAuditDiffFailOnNewUnrestricted(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	pod := srv.AddPod("Acme", "acme")
	old := writeOldReport(t)
	srv.AddKey(pod.ID, "narrow", client.Restricted("inbox_read"), time.Time{})
	code, out, errs := runCmd(t, "audit", "--diff", old, "--fail-on", "new-unrestricted")
	if code != exitOK || errs != "" || !strings.Contains(out, "new-key") {
		t.Errorf("a restricted key: exit %d, stderr %q\n%s", code, errs, out)
	}
	code, _, errs = runCmd(t, "audit", "--diff", old, "--fail-on", "new-unrestricted,new-key")
	if code != exitFail || !strings.Contains(errs, "changes: 1 new-key") {
		t.Errorf("--fail-on new-key: exit %d, stderr %q", code, errs)
	}
	srv.AddKey(pod.ID, "wide", client.Unrestricted(), time.Time{})
	code, out, errs = runCmd(t, "audit", "--diff", old, "--fail-on", "new-unrestricted", "--format", "json")
	d := parseDiff(t, out)
	if code != exitFail || errs != "amkeys audit: changes: 1 new-unrestricted\n" || d.Summary["new-unrestricted"] != 1 || d.Summary["new-key"] != 2 {
		t.Errorf("an unrestricted key: exit %d, stderr %q, summary %v", code, errs, d.Summary)
	}
	if code, _, _ := runCmd(t, "audit", "--diff", old, "--fail-on", "none"); code != exitOK {
		t.Errorf("--fail-on none: exit %d", code)
	}
}

// A pod failing now: exit 3, the diff is written and marked incomplete,
// and the failing pod's keys are not reported as removed.
func TestAuditDiffOfAnIncompleteAuditExits3(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	good, bad := srv.AddPod("Good", "good"), srv.AddPod("Bad", "bad")
	gone := srv.AddKey(good.ID, "gone", client.Restricted("inbox_read"), time.Time{})
	srv.AddKey(bad.ID, "b1", client.Restricted("inbox_read"), time.Time{})
	srv.AddKey(bad.ID, "b2", client.Restricted("inbox_read"), time.Time{})
	old := writeOldReport(t)
	if err := adminClient(t, srv).DeleteKey(context.Background(), client.PodScope(good.ID), gone.ID); err != nil {
		t.Fatal(err)
	}
	srv.FailPod(bad.ID, 500)
	code, out, errs := runCmd(t, "audit", "--diff", old, "--format", "json", "--fail-on", "removed")
	d := parseDiff(t, out)
	if code != exitIncomplete || d.Complete || !slices.Equal(d.changes(), []string{"removed gone"}) || d.NotCompared != 2 {
		t.Errorf("exit %d, complete %v, changes %v, not compared %d", code, d.Complete, d.changes(), d.NotCompared)
	}
	if !strings.Contains(errs, "pod Bad") || !slices.ContainsFunc(d.Notes, func(n string) bool { return strings.Contains(n, "incomplete") }) {
		t.Errorf("stderr %q, notes %q", errs, d.Notes)
	}
	code, table, _ := runCmd(t, "audit", "--diff", old)
	if code != exitIncomplete || !strings.Contains(table, "INCOMPLETE") {
		t.Errorf("table: exit %d\n%s", code, table)
	}
}

// A bad OLD.json is a usage error, before any request: the message names
// the file and what is wrong, and holds nothing a terminal would act on.
func TestAuditDiffRejectsABadOldReport(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	dir := t.TempDir()
	file := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	huge := filepath.Join(dir, "huge.json")
	if err := os.WriteFile(huge, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, 257<<20); err != nil { // sparse: nothing is written
		t.Fatal(err)
	}
	const at = `{"generated_at": "2026-11-01T00:00:00Z", `
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.json"), "missing.json\": no such file"},
		{mkdir(t, filepath.Join(dir, "reports.d")), "reports.d\": is a directory, not a report file"},
		{huge, "huge.json\": is 257 MiB, more than the 256 MiB a diff reads"},
		{file("empty.json", ""), "empty.json\": the file ends early"},
		{file("csv.json", "pod_id,pod_name\n"), "csv.json\": invalid JSON: invalid character 'p'"},
		{file("types.json", at+`"keys": [{"key_id": "a", "permissions": "all"}]}`), `types.json": keys[0]: "permissions" must be null or an array of strings`},
		{file("number.json", at+`"keys": [{"key_id": 12}]}`), "number.json\": keys[0].key_id: want a string, got a JSON number"},
		{file("other.json", `{"pods": []}`), `other.json": no "generated_at" or no "keys": not an amkeys audit report`},
		{file("esc.json", "{\"generated_at\": \"\\u001b]0;owned\\u0007\\u009b2J\", \"keys\": []}"), `esc.json": "generated_at" is "\x1b]0;owned\a\u009b2J": want a time`},
		{file("esc\x1b[2J.json", "[]"), `esc\x1b[2J.json": an audit report is one JSON object`},
	} {
		code, out, errs := runCmd(t, "audit", "--diff", c.path)
		if code != exitUsage || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %q", filepath.Base(c.path), code, out, errs, c.want)
		}
		if p := hostileOutputProblem(errs); p != "" {
			t.Errorf("%s: stderr: %s", filepath.Base(c.path), p)
		}
	}
	if n := srv.RequestCount("", "/"); n != 0 {
		t.Errorf("%d requests before the file was checked", n)
	}
}

func mkdir(t *testing.T, path string) string {
	t.Helper()
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAuditDiffFailOnKindsNeedTheirMode(t *testing.T) {
	auditEnv(t, "", "")
	old := filepath.Join(t.TempDir(), "old.json")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--fail-on", "new-key"}, `--fail-on: "new-key" is a kind of change: it needs --diff OLD.json`},
		{[]string{"--diff", old, "--fail-on", "stale"}, `--fail-on: with --diff, "stale" is not a kind of change (want new-key, removed, permissions-changed, new-unrestricted, new-stale, new-expired, new-expiring, new-revoked or none`},
		{[]string{"--diff", old, "--fail-on", "none,removed"}, "none cannot be combined"},
	} {
		code, _, errs := runCmd(t, append([]string{"audit", "--demo"}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, errs)
		}
	}
}

// The hostile corpus as pods and keys of an earlier report, all gone now:
// every format of the diff is inert and whole.
func TestAuditDiffOfAHostileReportIsInert(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	old := writeOldReport(t)
	data, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	keys := doc["keys"].([]any)
	corpus := sanitize.Corpus()
	for i, c := range corpus {
		keys = append(keys, map[string]any{"key_id": fmt.Sprintf("hostile-%d", i), "pod_id": "pod " + c.Text,
			"pod_name": c.Text, "name": c.Text, "prefix": c.Text, "scope": "pod", "permissions": []string{c.Text},
			"kind": "bearer", "findings": []string{"unrestricted", c.Text}})
	}
	doc["keys"] = keys
	if data, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range hostileFormats {
		code, out, errs := runCmd(t, "audit", "--diff", old, "--format", format)
		if code != exitOK {
			t.Fatalf("%s: exit %d, stderr %q", format, code, errs)
		}
		for stream, s := range map[string]string{"stdout": out, "stderr": errs} {
			if p := hostileOutputProblem(s); p != "" {
				t.Errorf("%s %s: %s", format, stream, p)
			}
		}
		switch format {
		case "json":
			if d := parseDiff(t, out); d.Summary["removed"] != len(corpus) || len(d.Changes) != len(corpus) {
				t.Errorf("json: summary %v", d.Summary)
			}
		case "csv":
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(rows) != len(corpus)+1 {
				t.Errorf("csv: %d rows, %v", len(rows), err)
			}
		case "table":
			if n := strings.Count(out, "\nremoved "); n != len(corpus) {
				t.Errorf("table: %d removed rows for %d keys", n, len(corpus))
			}
		}
	}
}
