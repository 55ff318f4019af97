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
	collect := func(podID string) {
		err := api.EachKey(context.Background(), podID, client.ListOptions{Limit: 100}, func(p client.KeyPage) error {
			for _, k := range p.Keys {
				ids[k.ID] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	collect("")
	err = api.EachPod(context.Background(), client.ListOptions{Limit: 100}, func(p client.PodPage) error {
		for _, pod := range p.Pods {
			collect(pod.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
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
	want := allKeyIDs(t, srv)
	seen := map[string]int{}
	for _, r := range rows[1:] {
		seen[r[2]]++
	}
	if len(rows)-1 != len(want) || len(want) < 100 {
		t.Errorf("%d rows, the sandbox holds %d keys", len(rows)-1, len(want))
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("key %s listed %d times", id, seen[id])
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
		{[]string{"--fail-on", "stale,never"}, exitOK},
		{nil, exitOK},
		{[]string{"--fail-on", "unrestricted"}, exitFail}, // the sandbox admin key is unrestricted
	} {
		if code, _, errs := runCmd(t, append([]string{"audit"}, c.args...)...); code != c.want {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.want, errs)
		}
	}

	srv.AddKey(pod.ID, "old", client.Restricted("inbox_read"), time.Now().Add(-100*24*time.Hour))
	if code, _, _ := runCmd(t, "audit", "--fail-on", "never"); code != exitOK {
		t.Errorf("never with no never-used key: exit %d", code)
	}
	code, _, errs := runCmd(t, "audit", "--fail-on", "stale")
	if code != exitFail || !strings.Contains(errs, "1 stale") {
		t.Errorf("stale: exit %d, stderr %q", code, errs)
	}
	if code, _, _ := runCmd(t, "audit", "--fail-on", "stale", "--stale", "15w"); code != exitOK {
		t.Errorf("--stale 15w makes a 100-day-old use fresh: exit %d", code)
	}
	srv.AddKey(pod.ID, "unused", client.Restricted("inbox_read"), time.Time{})
	if code, _, _ := runCmd(t, "audit", "--fail-on", "never"); code != exitFail {
		t.Errorf("never: exit %d", code)
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
		{"--concurrency", "-1"},
		{"--concurrency", "65"},
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
	for _, want := range []string{"Exit codes", "3  API or network failure", "-fail-on", "-concurrency", "-demo", "-api-key", "-stale", "-format", "-output"} {
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
	if code != exitIncomplete || out != "" || !strings.Contains(errs, "listing pods") {
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
	code, out, errs := runCmd(t, "audit", "--format", "json", "--fail-on", "never")
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
