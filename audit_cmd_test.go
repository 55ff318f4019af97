package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
)

// auditEnv points amkeys at srv through the environment, with no config
// file to find.
func auditEnv(t *testing.T, baseURL, key string) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("AMKEYS_CONFIG", "")
	t.Setenv("AMKEYS_PROFILE", "")
	t.Setenv("AGENTMAIL_BASE_URL", baseURL)
	t.Setenv("AGENTMAIL_API_KEY", key)
}

func startSandbox(t *testing.T, seed string) *sandbox.Running {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Options{Seed: seed}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// runCmd runs amkeys in-process and returns exit code, stdout and stderr.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// allKeyIDs lists the sandbox's keys with the plain client, page by page,
// independently of the audit engine.
func allKeyIDs(t *testing.T, srv *sandbox.Running) map[string]bool {
	t.Helper()
	api, err := client.New(client.Options{BaseURL: srv.URL, APIKey: srv.AdminKey()})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	collect := func(scope client.Scope) {
		err := api.EachKey(context.Background(), scope, client.ListOptions{Limit: 100}, func(p client.KeyPage) error {
			for _, k := range p.Keys {
				ids[k.ID] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	collect(client.OrganizationScope())
	err = api.EachPod(context.Background(), client.ListOptions{Limit: 100}, func(p client.PodPage) error {
		for _, pod := range p.Pods {
			collect(client.PodScope(pod.ID))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for inbox := range allInboxKeys(t, api) {
		ids[inbox] = true
	}
	return ids
}

// allInboxKeys maps every inbox key's id to its inbox, listed through the
// inboxes with the plain client.
func allInboxKeys(t *testing.T, api *client.Client) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := api.EachInbox(context.Background(), client.OrganizationScope(), client.ListOptions{Limit: 100}, func(p client.InboxPage) error {
		for _, in := range p.Inboxes {
			err := api.EachKey(context.Background(), client.InboxScope(in.ID), client.ListOptions{Limit: 100}, func(p client.KeyPage) error {
				for _, k := range p.Keys {
					out[k.ID] = in.ID
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// allCredentials lists the public-key credentials with the plain client.
func allCredentials(t *testing.T, api *client.Client) map[string]client.PublicKeyCredential {
	t.Helper()
	out := map[string]client.PublicKeyCredential{}
	err := api.EachPublicKey(context.Background(), client.ListOptions{Limit: 100}, func(p client.PublicKeyPage) error {
		for _, c := range p.Credentials {
			out[c.ID] = c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func adminClient(t *testing.T, srv *sandbox.Running) *client.Client {
	t.Helper()
	api, err := client.New(client.Options{BaseURL: srv.URL, APIKey: srv.AdminKey()})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func TestAuditCSVListsEveryDemoKeyOnce(t *testing.T) {
	srv := startSandbox(t, "demo")
	auditEnv(t, srv.URL, srv.AdminKey())
	code, out, errs := runCmd(t, "audit", "--format", "csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	api := adminClient(t, srv)
	want, inboxKeys, creds := allKeyIDs(t, srv), allInboxKeys(t, api), allCredentials(t, api)
	seen := map[string]int{}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, r := range rows[1:] {
		seen[r[col["key_id"]]]++
	}
	if len(rows)-1 != len(want)+len(creds) || len(want) < 100 || len(inboxKeys) == 0 || len(creds) != 10 {
		t.Errorf("%d rows, the sandbox holds %d keys (%d of inboxes) and %d public keys", len(rows)-1, len(want), len(inboxKeys), len(creds))
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("key %s listed %d times", id, seen[id])
		}
	}
	// Inbox keys are attributed to their inbox, public keys carry their
	// scope and state; the demo has one expired, one expiring in 3 days and
	// two revoked credentials.
	found := map[string]int{}
	for _, r := range rows[1:] {
		id, kind := r[col["key_id"]], r[col["kind"]]
		if inbox, ok := inboxKeys[id]; ok && (kind != "bearer" || r[col["scope"]] != "inbox" || r[col["scope_id"]] != inbox) {
			t.Errorf("inbox key %s: kind %q scope %q %q, want inbox %q", id, kind, r[col["scope"]], r[col["scope_id"]], inbox)
		}
		c, ok := creds[id]
		if !ok {
			continue
		}
		if kind != "public_key" || r[col["scope"]] != string(c.Scope.Type) || r[col["scope_id"]] != c.Scope.ID ||
			r[col["fingerprint"]] != c.PublicKey.Fingerprint || r[col["permissions"]] != "" || r[col["never_used"]] != "" {
			t.Errorf("public key %s row %q", c.Name, r)
		}
		if (r[col["revoked_at"]] != "") != c.Revoked() || (r[col["expires_at"]] != "") != !c.ExpiresAt.IsZero() {
			t.Errorf("public key %s: revoked_at %q expires_at %q", c.Name, r[col["revoked_at"]], r[col["expires_at"]])
		}
		for _, f := range []string{"expired", "expiring", "revoked"} {
			if r[col[f]] == "true" {
				found[f]++
			}
		}
	}
	if found["expired"] != 1 || found["expiring"] != 1 || found["revoked"] != 2 {
		t.Errorf("findings among public keys: %v", found)
	}
}

// The demo holds an expired, an expiring and revoked credentials; the new
// --fail-on kinds see them, none never fails, and never still works.
func TestAuditFailOnCredentialKinds(t *testing.T) {
	auditEnv(t, "", "")
	for _, c := range []struct {
		args []string
		want int
		errs string
	}{
		{[]string{"--fail-on", "expired"}, exitFail, "1 expired"},
		{[]string{"--fail-on", "revoked,expiring"}, exitFail, "2 revoked, 1 expiring"},
		{[]string{"--fail-on", "expiring", "--expiry-warn", "2d"}, exitOK, ""},
		{[]string{"--fail-on", "expiring", "--expiry-warn", "1w"}, exitFail, "1 expiring"},
		{[]string{"--fail-on", "none"}, exitOK, ""},
		{[]string{"--fail-on", "never"}, exitFail, "deprecated; use never-used"},
		{[]string{"--fail-on", "never-used"}, exitFail, "never used"},
	} {
		code, _, errs := runCmd(t, append([]string{"audit", "--demo", "--format", "csv"}, c.args...)...)
		if code != c.want || !strings.Contains(errs, c.errs) {
			t.Errorf("%v: exit %d, want %d; stderr %q", c.args, code, c.want, errs)
		}
	}
}

// JSON carries the new fields: kind, scope id, fingerprint, expiry and
// revocation, findings; and the summary counts by scope and finding.
func TestAuditDemoJSONHasCredentials(t *testing.T) {
	auditEnv(t, "", "")
	code, out, errs := runCmd(t, "audit", "--demo", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		ExpiryWarnDays int `json:"expiry_warn_days"`
		Summary        struct {
			Keys        int            `json:"keys"`
			Inboxes     int            `json:"inboxes"`
			PublicKeys  int            `json:"public_keys"`
			KeysByScope map[string]int `json:"keys_by_scope"`
			PKByScope   map[string]int `json:"public_keys_by_scope"`
			Findings    map[string]int `json:"findings"`
			Listed      bool           `json:"public_keys_listed"`
		} `json:"summary"`
		Keys []struct {
			Kind        string     `json:"kind"`
			Scope       string     `json:"scope"`
			ScopeID     string     `json:"scope_id"`
			InboxID     string     `json:"inbox_id"`
			PodName     string     `json:"pod_name"`
			Fingerprint string     `json:"fingerprint"`
			ExpiresAt   *time.Time `json:"expires_at"`
			RevokedAt   *time.Time `json:"revoked_at"`
			Findings    []string   `json:"findings"`
			Permissions []string   `json:"permissions"`
		} `json:"keys"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Summary
	if doc.ExpiryWarnDays != 14 || s.PublicKeys != 10 || !s.Listed || s.Inboxes == 0 || s.KeysByScope["inbox"] == 0 ||
		s.KeysByScope["organization"]+s.KeysByScope["pod"]+s.KeysByScope["inbox"] != s.Keys ||
		s.PKByScope["organization"]+s.PKByScope["pod"]+s.PKByScope["inbox"] != 10 ||
		s.Findings["expired"] != 1 || s.Findings["expiring"] != 1 || s.Findings["revoked"] != 2 {
		t.Errorf("summary %+v", s)
	}
	pk, inbox := 0, 0
	for _, k := range doc.Keys {
		switch {
		case k.Kind == "public_key":
			pk++
			if len(k.Fingerprint) != 43 || k.Permissions == nil || len(k.Permissions) != 0 {
				t.Errorf("public key %+v", k)
			}
			if k.Scope == "inbox" && (k.ScopeID == "" || k.PodName == "") {
				t.Errorf("inbox public key without its inbox or pod: %+v", k)
			}
		case k.Scope == "inbox":
			inbox++
			if k.Kind != "bearer" || k.ScopeID != k.InboxID || k.PodName == "" || k.ExpiresAt != nil {
				t.Errorf("inbox key %+v", k)
			}
		}
	}
	if pk != 10 || inbox != s.KeysByScope["inbox"] {
		t.Errorf("%d public keys, %d inbox keys", pk, inbox)
	}
}

// A pod key that may read keys but not inboxes audits its pod: the
// inboxes are a note, not a failure, and its credentials are listed.
func TestAuditWithAPodKeyCompletesWithNotes(t *testing.T) {
	srv := startSandbox(t, "demo")
	api := adminClient(t, srv)
	var pod client.Pod
	err := api.EachPod(context.Background(), client.ListOptions{Limit: 100}, func(p client.PodPage) error {
		for _, q := range p.Pods {
			if q.ClientID == "acme-support" {
				pod = q
			}
		}
		return nil
	})
	if err != nil || pod.ID == "" {
		t.Fatalf("no acme pod: %v", err)
	}
	own := srv.AddKey(pod.ID, "auditor", client.Restricted("pod_read", "api_key_read"), time.Time{})
	auditEnv(t, srv.URL, own.Secret)
	code, out, errs := runCmd(t, "audit", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Complete bool     `json:"complete"`
		Notes    []string `json:"notes"`
		Summary  struct {
			Pods       int            `json:"pods"`
			PublicKeys int            `json:"public_keys"`
			ByScope    map[string]int `json:"keys_by_scope"`
		} `json:"summary"`
		Keys []struct {
			PodID string `json:"pod_id"`
			Kind  string `json:"kind"`
			Scope string `json:"scope"`
		} `json:"keys"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Complete || doc.Summary.Pods != 1 || doc.Summary.PublicKeys == 0 || doc.Summary.ByScope["inbox"] == 0 ||
		!strings.Contains(strings.Join(doc.Notes, "\n"), "inboxes not listed (not permitted)") {
		t.Errorf("complete %v, notes %q, summary %+v", doc.Complete, doc.Notes, doc.Summary)
	}
	for _, k := range doc.Keys {
		// A public key of an inbox that could not be listed (and that no
		// listed key names) has no known pod.
		unknown := k.PodID == "" && k.Kind == "public_key" && k.Scope == "inbox"
		if k.PodID != pod.ID && !unknown {
			t.Errorf("a %s credential of pod %q in a pod key's audit", k.Kind, k.PodID)
		}
	}
}

func TestAuditFailOnExitCodes(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	pod := srv.AddPod("Acme", "acme")
	srv.AddKey(pod.ID, "fresh", client.Restricted("inbox_read"), time.Now().Add(-time.Hour))

	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"--fail-on", "stale,never-used"}, exitOK},
		{nil, exitOK},
		{[]string{"--fail-on", "unrestricted"}, exitFail}, // the sandbox admin key is unrestricted
	} {
		if code, _, errs := runCmd(t, append([]string{"audit"}, c.args...)...); code != c.want {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.want, errs)
		}
	}

	srv.AddKey(pod.ID, "old", client.Restricted("inbox_read"), time.Now().Add(-100*24*time.Hour))
	if code, _, _ := runCmd(t, "audit", "--fail-on", "never-used"); code != exitOK {
		t.Errorf("never-used with no never-used key: exit %d", code)
	}
	code, _, errs := runCmd(t, "audit", "--fail-on", "stale")
	if code != exitFail || !strings.Contains(errs, "1 stale") {
		t.Errorf("stale: exit %d, stderr %q", code, errs)
	}
	if code, _, _ := runCmd(t, "audit", "--fail-on", "stale", "--stale", "15w"); code != exitOK {
		t.Errorf("--stale 15w makes a 100-day-old use fresh: exit %d", code)
	}
	srv.AddKey(pod.ID, "unused", client.Restricted("inbox_read"), time.Time{})
	if code, _, _ := runCmd(t, "audit", "--fail-on", "never-used"); code != exitFail {
		t.Errorf("never-used: exit %d", code)
	}
}

func TestAuditUsageErrors(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	for _, args := range [][]string{
		{"--format", "xml"},
		{"--stale", "0d"},
		{"--stale", "ninety"},
		{"--stale", "9999d"},
		{"--fail-on", "stale,old"},
		{"--fail-on", "none,stale"},
		{"--fail-on", "expire"},
		{"--expiry-warn", "0d"},
		{"--expiry-warn", "soon"},
		{"--concurrency", "-1"},
		{"--concurrency", "65"},
		{"--timeout", "0s"},
		{"--timeout", "soon"},
		{"--bogus"},
		{"extra"},
		{"--base-url", "ftp://example.invalid"},
	} {
		code, out, errs := runCmd(t, append([]string{"audit"}, args...)...)
		if code != exitUsage || out != "" || errs == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	t.Setenv("AGENTMAIL_API_KEY", "")
	if code, _, errs := runCmd(t, "audit"); code != exitUsage || !strings.Contains(errs, "no API key") {
		t.Errorf("no key: exit %d, %q", code, errs)
	}
}

func TestAuditHelpDocumentsExitCodes(t *testing.T) {
	code, out, _ := runCmd(t, "audit", "--help")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Exit codes", "3  API or network failure, or the --timeout passed", "-timeout", "-fail-on", "-concurrency", "-demo", "-api-key", "-stale", "-format", "-output",
		"-expiry-warn", "never-used    a bearer key with no recorded use", "stale         a bearer key", "unrestricted  a bearer key",
		"expired       a public key", "expiring      a public key", "revoked       a public key", "none          never fail",
		"never is a deprecated name for never-used"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func TestAuditNetworkFailureExits3(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	auditEnv(t, "http://"+addr, "am_test_key_0000000000")
	code, out, errs := runCmd(t, "audit", "--format", "json")
	var doc struct {
		ListError *string `json:"pod_list_error"`
		Complete  bool    `json:"complete"`
	}
	if code != exitIncomplete || json.Unmarshal([]byte(out), &doc) != nil || doc.ListError == nil || doc.Complete ||
		!strings.Contains(errs, "pod listing stopped") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// A pod that always fails: exit 3, and the report still lists the rest
// and names the failed pod.
func TestAuditPartialFailureExits3WithReport(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	good := srv.AddPod("Good", "good")
	bad := srv.AddPod("Bad", "bad")
	srv.AddKey(good.ID, "k", client.Restricted("inbox_read"), time.Time{})
	srv.FailPod(bad.ID, 500)
	code, out, errs := runCmd(t, "audit", "--format", "json", "--fail-on", "never-used")
	if code != exitIncomplete || !strings.Contains(errs, "pod Bad") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	var doc struct {
		Complete   bool `json:"complete"`
		Keys       []struct{ Name string }
		FailedPods []struct {
			PodID  string `json:"pod_id"`
			Status int    `json:"status"`
		} `json:"failed_pods"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Complete || len(doc.Keys) != 2 || len(doc.FailedPods) != 1 || doc.FailedPods[0].PodID != bad.ID || doc.FailedPods[0].Status != 500 {
		t.Errorf("report %+v", doc)
	}
}

func TestAuditOutputFileIsAtomicAndPrivate(t *testing.T) {
	srv := startSandbox(t, "demo")
	auditEnv(t, srv.URL, srv.AdminKey())
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "audit", "--format", "csv", "--output", path)
	if code != exitOK || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "pod_id,pod_name,key_id") {
		t.Errorf("file starts %q", string(data[:min(40, len(data))]))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	code, _, errs = runCmd(t, "audit", "--output", filepath.Join(dir, "missing", "x.csv"))
	if code != exitIncomplete || !strings.Contains(errs, "cannot write") {
		t.Errorf("unwritable output: exit %d, %q", code, errs)
	}
}

func TestAuditHostileTableHasNoEscapes(t *testing.T) {
	srv := startSandbox(t, "hostile")
	auditEnv(t, srv.URL, srv.AdminKey())
	code, out, errs := runCmd(t, "audit")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for i, r := range out {
		if r == 0x1b || r == 0x07 || (r >= 0x80 && r <= 0x9f) || (r < 0x20 && r != '\n') {
			t.Fatalf("control %U at byte %d: %q", r, i, out[max(0, i-30):min(len(out), i+30)])
		}
	}
	if !strings.Contains(out, "␛") {
		t.Error("the hostile names should show their escapes as ␛")
	}
}

// stampedWriter notes when it was last written to.
type stampedWriter struct {
	bytes.Buffer
	last time.Time
}

func (w *stampedWriter) Write(p []byte) (int, error) {
	w.last = time.Now()
	return w.Buffer.Write(p)
}

func TestAuditDemo(t *testing.T) {
	auditEnv(t, "", "")
	var out stampedWriter
	var errs bytes.Buffer
	code := run(context.Background(), []string{"audit", "--demo", "--format", "json"}, &out, &errs)
	stopped := time.Since(out.last)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	var doc struct{ Summary struct{ Keys int } }
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Summary.Keys < 100 {
		t.Errorf("demo report: %v, %d keys", err, doc.Summary.Keys)
	}
	// Only the stop is timed, not the audit: after the report, the
	// sandbox should stop at once (milliseconds, even on a busy machine).
	// A connection that held it would keep it up to Close's 5 s cap.
	if stopped >= 5*time.Second {
		t.Errorf("the demo sandbox took %v to stop after the report: it should stop at once", stopped)
	}
}
