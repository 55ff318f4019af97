package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/bulk"
	"github.com/amkeys/amkeys/client/sandbox"
)

// startClockedSandbox is a sandbox whose clock runs offset from the real
// one, starting at start, so that keys can be created in the past (its
// created_at times only grow: go back before anything is created).
func startClockedSandbox(t *testing.T, start time.Duration) (*sandbox.Running, *atomic.Int64) {
	t.Helper()
	offset := &atomic.Int64{}
	offset.Store(int64(start))
	srv, err := sandbox.Start(sandbox.Options{Now: func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, offset
}

// plainClient is a client of srv with the given key.
func plainClient(t *testing.T, srv *sandbox.Running, key string) *client.Client {
	t.Helper()
	api, err := client.New(client.Options{BaseURL: srv.URL, APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// useKey makes one request with a key's secret: its used_at moves to now.
func useKey(t *testing.T, srv *sandbox.Running, secret string) {
	t.Helper()
	_, _ = plainClient(t, srv, secret).GetOrganization(context.Background()) // refused or not, the use counts
}

func readPlanFile(t *testing.T, path string) prunePlan {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p prunePlan
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatalf("plan %s: %v", data, err)
	}
	return p
}

// The plan/apply: a plan of 7 keys (4 stale, 3 never used and old,
// one of them an inbox key), one used after the plan and one deleted by
// someone else: apply deletes 5, reports 2 with reasons and exits 1. A
// never-used key made today and a recently used key are never planned.
func TestPrunePlanThenApply(t *testing.T) {
	srv, offset := startClockedSandbox(t, -100*day) // made 100 days ago, never used:
	auditEnv(t, srv.URL, srv.AdminKey())
	admin := plainClient(t, srv, srv.AdminKey())
	ctx := context.Background()
	a, b := srv.AddPod("Acme", "acme"), srv.AddPod("Beta", "beta")
	long := time.Now().Add(-200 * day)
	inbox, err := admin.CreateInbox(ctx, a.ID, client.NewInbox{Username: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	inboxKey, err := admin.CreateKey(ctx, client.InboxScope(inbox.ID), "inbox never", client.Restricted("message_read"))
	if err != nil {
		t.Fatal(err)
	}
	neverPod := srv.AddKey(a.ID, "never a", client.Restricted("inbox_read"), time.Time{})
	neverOrg := srv.AddKey("", "never org", client.Restricted("pod_read"), time.Time{})
	offset.Store(0)
	staleA := srv.AddKey(a.ID, "stale a", client.Restricted("inbox_read"), long)
	staleB1 := srv.AddKey(b.ID, "stale b1", client.Unrestricted(), long)
	staleB2 := srv.AddKey(b.ID, "stale b2", client.Restricted("inbox_read"), long)
	staleOrg := srv.AddKey("", "stale org", client.Restricted("pod_read"), long)
	young := srv.AddKey(a.ID, "made today", client.Restricted("inbox_read"), time.Time{})
	recent := srv.AddKey(b.ID, "recent", client.Restricted("inbox_read"), time.Now().Add(-time.Hour))

	planned := map[string]string{inboxKey.ID: "inbox never", neverPod.ID: "never a", neverOrg.ID: "never org",
		staleA.ID: "stale a", staleB1.ID: "stale b1", staleB2.ID: "stale b2", staleOrg.ID: "stale org"}
	planPath := filepath.Join(t.TempDir(), "p.json")
	code, out, errs := runCmd(t, "prune", "--stale", "90d", "--never-used", "--older-than", "30d", "--plan", planPath)
	if code != exitOK || !strings.Contains(out, "7 keys (4 stale, 3 never used)") {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errs)
	}
	if st, err := os.Stat(planPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("plan file: %v %v", st.Mode(), err)
	}
	plan := readPlanFile(t, planPath)
	if plan.BaseURL != srv.URL || plan.OrganizationID == "" || time.Since(plan.CreatedAt) > time.Minute || len(plan.Keys) != 7 {
		t.Fatalf("plan header %+v with %d keys", plan, len(plan.Keys))
	}
	for _, k := range plan.Keys {
		if planned[k.ID] != k.Name || k.Prefix == "" || k.Detail == "" || (k.Reason != "stale" && k.Reason != "never_used") {
			t.Errorf("planned %+v", k)
		}
		if k.ID == inboxKey.ID && k.Scope != "inbox:"+inbox.ID {
			t.Errorf("the inbox key's scope is %q", k.Scope)
		}
		if (k.Reason == "stale") != (k.UsedAt != nil) {
			t.Errorf("%s: reason %s, used_at %v", k.Name, k.Reason, k.UsedAt)
		}
	}
	if ids := allKeyIDs(t, srv); !ids[staleA.ID] || !ids[inboxKey.ID] || !ids[young.ID] {
		t.Fatal("making a plan deleted keys")
	}

	useKey(t, srv, staleB2.Secret)
	if err := admin.DeleteKey(ctx, neverPod.Scope(), neverPod.ID); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCmd(t, "prune", "--apply", planPath)
	if code != exitFail {
		t.Fatalf("apply: exit %d, want 1\n%s\n%s", code, out, errs)
	}
	t.Logf("apply:\n%s%s", out, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	deleted := 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "deleted "):
			deleted++
		case strings.Contains(l, staleB2.ID):
			if !strings.HasPrefix(l, "skipped ") || !strings.Contains(l, "used since review") {
				t.Errorf("the key used after the plan: %q", l)
			}
		case strings.Contains(l, neverPod.ID):
			if !strings.HasPrefix(l, "gone ") || !strings.Contains(l, "already gone") {
				t.Errorf("the key deleted by someone else: %q", l)
			}
		default:
			t.Errorf("unexpected line %q", l)
		}
	}
	if len(lines) != 7 || deleted != 5 || !strings.Contains(errs, "5 deleted, 1 already gone, 1 used since review") {
		t.Errorf("%d lines, %d deleted; stderr %q", len(lines), deleted, errs)
	}
	ids := allKeyIDs(t, srv)
	for id, name := range planned {
		if id != staleB2.ID && id != neverPod.ID && ids[id] {
			t.Errorf("%s is still on the server", name)
		}
	}
	if !ids[staleB2.ID] || !ids[young.ID] || !ids[recent.ID] {
		t.Error("a key outside the plan, or used since, was deleted")
	}
	inboxKeys, err := admin.ListKeys(ctx, client.InboxScope(inbox.ID), client.ListOptions{})
	if err != nil || len(inboxKeys.Keys) != 0 {
		t.Errorf("the inbox still lists %d keys (%v)", len(inboxKeys.Keys), err)
	}
}

// rewritePlan changes one field of a plan file.
func rewritePlan(t *testing.T, path, field string, value any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	doc[field] = value
	data, _ = json.Marshal(doc)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A plan older than --max-plan-age, or made for another base URL, is
// refused with exit 2 and deletes nothing.
func TestPrunePlanRefused(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	pod := srv.AddPod("Acme", "acme")
	k := srv.AddKey(pod.ID, "stale", client.Restricted("inbox_read"), time.Now().Add(-200*day))
	dir := t.TempDir()
	planPath := filepath.Join(dir, "p.json")
	if code, out, errs := runCmd(t, "prune", "--stale", "90d", "--plan", planPath); code != exitOK {
		t.Fatalf("plan: exit %d\n%s%s", code, out, errs)
	}
	created := readPlanFile(t, planPath).CreatedAt

	rewritePlan(t, planPath, "created_at", created.Add(-25*time.Hour).Format(time.RFC3339Nano))
	code, _, errs := runCmd(t, "prune", "--apply", planPath)
	if code != exitUsage || !strings.Contains(errs, "plan refused") || !strings.Contains(errs, "--max-plan-age") {
		t.Errorf("a 25-hour-old plan: exit %d, %s", code, errs)
	}
	rewritePlan(t, planPath, "created_at", created.Format(time.RFC3339Nano))
	rewritePlan(t, planPath, "base_url", "https://api.agentmail.invalid")
	code, _, errs = runCmd(t, "prune", "--apply", planPath)
	if code != exitUsage || !strings.Contains(errs, "made for https://api.agentmail.invalid") {
		t.Errorf("another base URL: exit %d, %s", code, errs)
	}
	if !allKeyIDs(t, srv)[k.ID] {
		t.Fatal("a refused plan deleted its key")
	}
	rewritePlan(t, planPath, "base_url", srv.URL)
	rewritePlan(t, planPath, "created_at", created.Add(-25*time.Hour).Format(time.RFC3339Nano))
	if code, out, errs := runCmd(t, "prune", "--apply", planPath, "--max-plan-age", "48h"); code != exitOK || !strings.HasPrefix(out, "deleted ") {
		t.Errorf("within --max-plan-age 48h: exit %d\n%s%s", code, out, errs)
	}
	if allKeyIDs(t, srv)[k.ID] {
		t.Error("the accepted plan did not delete its key")
	}
}

func TestPruneUsageErrors(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	plan := filepath.Join(t.TempDir(), "p.json")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--stale", "90d"}, "--plan FILE"},
		{[]string{"--plan", plan}, "--stale D, --never-used"},
		{[]string{"--apply", plan, "--stale", "90d"}, "only the plan file"},
		{[]string{"--stale", "soon", "--plan", plan}, "--stale"},
		{[]string{"--never-used", "--older-than", "0d", "--plan", plan}, "--older-than"},
		{[]string{"--stale", "90d", "--scope", "team:x", "--plan", plan}, "--scope"},
		{[]string{"--apply", filepath.Join(t.TempDir(), "missing.json")}, "cannot read the plan"},
		{[]string{"--stale", "90d", "--plan", plan, "am_0123456789abcdef"}, "looks like an API key"},
	} {
		code, _, errs := runCmd(t, append([]string{"prune"}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(plan); err == nil {
		t.Error("a refused command line wrote a plan")
	}
}

// A key the run never reached says so, with its one-word id, and with the
// reason only when the caller's context gave one.
func TestPruneResultLineNotAttempted(t *testing.T) {
	r := bulk.Result{Target: bulk.Target{ID: "k1", Name: "n"}, Outcome: bulk.NotAttempted}
	if got := resultLine(r); !strings.HasPrefix(got, "stopped ") || !strings.HasSuffix(got, "not attempted (stopped)") {
		t.Errorf("stopped: %q", got)
	}
	r.Err = context.DeadlineExceeded
	if got := resultLine(r); !strings.Contains(got, "not attempted: ") {
		t.Errorf("timed out: %q", got)
	}
}
