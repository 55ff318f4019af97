package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/config"
)

func decodeRotation(t *testing.T, out string) rotateOutput {
	t.Helper()
	var r rotateOutput
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("rotate output %q: %v", out, err)
	}
	return r
}

// keyIn lists a scope with the admin client and returns the key with id.
func keyIn(t *testing.T, api *client.Client, scope client.Scope, id string) (client.APIKey, bool) {
	t.Helper()
	var key client.APIKey
	found := false
	err := api.EachKey(context.Background(), scope, client.ListOptions{Limit: 100}, func(p client.KeyPage) error {
		for _, k := range p.Keys {
			if k.ID == id {
				key, found = k, true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return key, found
}

// --secret-cmd gets the secret on stdin, the new key works and has exactly
// the old key's scope and permissions; the command's environment lacks the
// admin key; and the secret is in no other output, log or file: amkeys'
// stdout and stderr (even when the command echoes it), the sandbox's log
// and state file, and the files around.
func TestRotateSecretCmdHygiene(t *testing.T) {
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.json")
	logs := &hygieneLog{}
	srv, err := sandbox.Start(sandbox.Options{StatePath: statePath, Logf: logs.logf}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	admin := srv.AdminKey()
	auditEnv(t, srv.URL, admin)
	api := plainClient(t, srv, admin)
	pod := srv.AddPod("Acme", "acme")
	perms := client.Restricted("inbox_read", "message_send")
	old := srv.AddKey(pod.ID, "ci deploy", perms, time.Now().Add(-10*day))
	srv.AddKey(pod.ID, "neighbour", client.Unrestricted(), time.Time{})

	keyFile, envFile := filepath.Join(dir, "new.key"), filepath.Join(dir, "env.txt")
	// The command stores the secret, records its environment and echoes
	// the secret back on stdout and stderr, as a careless script might.
	cmd := "cat > '" + keyFile + "'; env > '" + envFile + "'; echo stored; cat '" + keyFile + "'; cat '" + keyFile + "' >&2"
	code, out, errs := runCmd(t, "rotate", "--key", old.ID, "--secret-cmd", cmd)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	rot := decodeRotation(t, out)
	stored, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSuffix(string(stored), "\n")
	if client.ValidSecret(secret) != nil || !strings.HasPrefix(secret, rot.New.Prefix) {
		t.Fatalf("the command received %d bytes, not the new key", len(stored))
	}
	if _, err := plainClient(t, srv, secret).ListInboxes(context.Background(), client.PodScope(pod.ID), client.ListOptions{}); err != nil {
		t.Errorf("the new key does not work: %v", err)
	}
	fresh, ok := keyIn(t, api, client.PodScope(pod.ID), rot.New.ID)
	wantName := "ci deploy (rotated " + time.Now().UTC().Format("2006-01-02") + ")"
	if !ok || fresh.PodID != pod.ID || fresh.InboxID != "" || !fresh.Permissions.Equal(perms) || fresh.Name != wantName {
		t.Errorf("the replacement: %+v (found %v), want pod %s, permissions %v, name %q", fresh, ok, pod.ID, perms, wantName)
	}
	if rot.Old.ID != old.ID || rot.OldKey != "kept" || !rot.SecretCmd || rot.New.Scope != "pod:"+pod.ID {
		t.Errorf("output %+v", rot)
	}
	if _, ok := keyIn(t, api, client.PodScope(pod.ID), old.ID); !ok {
		t.Error("the old key was deleted without --delete-old-after-quiet")
	}
	env, _ := os.ReadFile(envFile)
	if strings.Contains(string(env), config.EnvAPIKey+"=") || strings.Contains(string(env), admin) {
		t.Error("the command's environment holds the admin key")
	}
	if !strings.Contains(errs, "--secret-cmd: stored") || !strings.Contains(errs, "[secret]") {
		t.Errorf("the command's output is not shown, redacted: %q", errs)
	}

	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	state, err := os.ReadFile(statePath)
	if err != nil || !strings.Contains(string(state), secret[:8]) {
		t.Fatalf("the state file lacks the new key's prefix: %v", err)
	}
	secrets := map[string]string{"the new secret": secret, "the admin key": admin}
	artefacts := map[string]string{"stdout": out, "stderr": errs, "the sandbox log": strings.Join(logs.all(), "\n"),
		"the state file": string(state), "the command's environment": string(env)}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path != keyFile && path != statePath && path != envFile {
			data, _ := os.ReadFile(path)
			artefacts[path] = string(data)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range artefacts {
		if found := leaks(text, secrets); len(found) > 0 {
			t.Errorf("%s holds %s", name, strings.Join(found, " and "))
		}
	}
	if len(leaks(string(stored), secrets)) == 0 {
		t.Error("the search does not find the secret where it is: it is blind")
	}
}

func TestCommandEnvDropsTheKeyVariables(t *testing.T) {
	got := commandEnv([]string{"PATH=/bin", "AGENTMAIL_API_KEY=am_x", "WORK_KEY=am_y", "WORK_KEY_OLD=keep", "HOME=/h"}, "WORK_KEY")
	if strings.Join(got, " ") != "PATH=/bin WORK_KEY_OLD=keep HOME=/h" {
		t.Errorf("environment %v", got)
	}
}

// --secret-to writes a new 0600 file, and refuses an existing one before
// anything is created. The replacement of an unrestricted inbox key is an
// unrestricted key of the same inbox.
func TestRotateSecretTo(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	api := plainClient(t, srv, srv.AdminKey())
	ctx := context.Background()
	pod := srv.AddPod("Acme", "acme")
	inbox, err := api.CreateInbox(ctx, pod.ID, client.NewInbox{Username: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	old, err := api.CreateKey(ctx, client.InboxScope(inbox.ID), "ops bot", client.Unrestricted())
	if err != nil {
		t.Fatal(err)
	}
	scope := client.InboxScope(inbox.ID)
	dir := t.TempDir()
	existing := filepath.Join(dir, "taken.key")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCmd(t, "rotate", "--key", old.ID, "--scope", "inbox:"+inbox.ID, "--secret-to", existing)
	if code != exitUsage || !strings.Contains(errs, "already exists") {
		t.Errorf("an existing file: exit %d, %q", code, errs)
	}
	if data, _ := os.ReadFile(existing); string(data) != "keep me" {
		t.Error("the existing file was changed")
	}
	if page, _ := api.ListKeys(ctx, scope, client.ListOptions{}); len(page.Keys) != 1 {
		t.Fatalf("%d keys in the inbox after a refused rotation, want 1", len(page.Keys))
	}

	path := filepath.Join(dir, "new.key")
	code, out, errs := runCmd(t, "rotate", "--key", old.ID, "--secret-to", path) // found by searching
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	rot := decodeRotation(t, out)
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", st, err)
	}
	data, _ := os.ReadFile(path)
	secret := strings.TrimSpace(string(data))
	if strings.Contains(out+errs, secret[8:]) {
		t.Error("the secret is in amkeys' output")
	}
	fresh, ok := keyIn(t, api, scope, rot.New.ID)
	if !ok || fresh.InboxID != inbox.ID || !fresh.Permissions.IsUnrestricted() || fresh.Prefix != secret[:8] || rot.SecretTo != path {
		t.Errorf("the replacement %+v (found %v), output %+v", fresh, ok, rot)
	}
}

// dropPosts lets the sandbox carry out every POST, then drops the
// connection: a create whose answer is lost on the way back.
type dropPosts struct {
	next  http.Handler
	posts atomic.Int32
}

func (d *dropPosts) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		d.next.ServeHTTP(w, r)
		return
	}
	d.posts.Add(1)
	d.next.ServeHTTP(httptest.NewRecorder(), r)
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
	}
}

// A rotation whose create answer is lost is settled by listing: the key
// that was created holds a secret nobody received, so it is deleted again;
// the POST is never repeated, the old key is untouched, no file is left.
func TestRotateLostCreateIsReconciled(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	drop := &dropPosts{next: sb}
	ts := httptest.NewServer(drop)
	t.Cleanup(ts.Close)
	auditEnv(t, ts.URL, sb.AdminKey())
	pod := sb.AddPod("Acme", "acme")
	old := sb.AddKey(pod.ID, "ci", client.Restricted("inbox_read"), time.Time{})
	path := filepath.Join(t.TempDir(), "new.key")
	code, out, errs := runCmd(t, "rotate", "--key", old.ID, "--scope", "pod:"+pod.ID, "--secret-to", path)
	if code != exitIncomplete || !strings.Contains(errs, "answer to the create was lost") || !strings.Contains(errs, "deleted again") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if n := drop.posts.Load(); n != 1 {
		t.Errorf("%d POSTs, want 1: a lost create is never retried", n)
	}
	api, _ := client.New(client.Options{BaseURL: ts.URL, APIKey: sb.AdminKey()})
	page, err := api.ListKeys(context.Background(), client.PodScope(pod.ID), client.ListOptions{})
	if err != nil || len(page.Keys) != 1 || page.Keys[0].ID != old.ID {
		t.Errorf("the pod holds %+v (%v), want only the old key", page.Keys, err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("the secret file was left behind")
	}
	if out != "" {
		t.Errorf("stdout %q for a failed rotation", out)
	}
}

// fakeClock drives the watch: the sandbox and the rotation read it, and
// each sleep moves it on.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// --delete-old-after-quiet deletes the old key once it has not been used
// for that long, and not before; a key used all along is kept at the
// --timeout (exit 1).
func TestRotateDeletesTheOldKeyOnceQuiet(t *testing.T) {
	for _, c := range []struct {
		name       string
		usedUntil  int // the old key is used during the first n sleeps
		timeout    string
		wantState  string
		wantCode   int
		wantSleeps int
	}{
		// Used at t=5m; quiet for 15m at t=20m, after the 4th sleep.
		{"quiet after a last use", 1, "1h", "deleted", exitOK, 4},
		{"used all along", 1000, "30m", "still in use", exitFail, 6},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Now()}
			srv, err := sandbox.Start(sandbox.Options{Now: clock.Now}, "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			auditEnv(t, srv.URL, srv.AdminKey())
			pod := srv.AddPod("Acme", "acme")
			old := srv.AddKey(pod.ID, "ci", client.Restricted("inbox_read"), clock.Now())
			sleeps := 0
			deletedAt := time.Duration(-1)
			start := clock.Now()
			r := rotateRunner{now: clock.Now, every: 5 * time.Minute, sleep: func(ctx context.Context, d time.Duration) error {
				sleeps++
				clock.advance(d)
				if sleeps <= c.usedUntil {
					useKey(t, srv, old.Secret)
				}
				return nil
			}}
			api := plainClient(t, srv, srv.AdminKey())
			var out, errb bytes.Buffer
			code := r.run(context.Background(), []string{"--key", old.ID, "--secret-to", filepath.Join(t.TempDir(), "k"),
				"--delete-old-after-quiet", "15m", "--timeout", c.timeout}, &out, &errb)
			if _, there := keyIn(t, api, client.PodScope(pod.ID), old.ID); !there {
				deletedAt = clock.Now().Sub(start)
			}
			if code != c.wantCode || sleeps != c.wantSleeps {
				t.Fatalf("exit %d after %d sleeps, want %d after %d\n%s\n%s", code, sleeps, c.wantCode, c.wantSleeps, out.String(), errb.String())
			}
			if rot := decodeRotation(t, out.String()); rot.OldKey != c.wantState {
				t.Errorf("old key %q, want %q", rot.OldKey, c.wantState)
			}
			if c.wantState == "deleted" && deletedAt != 20*time.Minute {
				t.Errorf("deleted at +%v, want +20m (15m after its last use at +5m)", deletedAt)
			}
			if c.wantState != "deleted" && deletedAt >= 0 {
				t.Error("a key in use was deleted")
			}
		})
	}
}

// A server that drops a permission name on create (the sandbox drops names
// it does not know, as the API does) cannot give an exact replacement: the
// new key is deleted again before its secret is stored.
func TestRotateRefusesAReplacementWithFewerPermissions(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	pod := srv.AddPod("Acme", "acme")
	old := srv.AddKey(pod.ID, "legacy", client.Restricted("inbox_read", "calendar_read"), time.Time{})
	path := filepath.Join(t.TempDir(), "new.key")
	code, out, errs := runCmd(t, "rotate", "--key", old.ID, "--secret-to", path)
	if code != exitFail || !strings.Contains(errs, "it lacks calendar_read") || !strings.Contains(errs, "deleted again") || out != "" {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("the secret file was kept")
	}
	page, err := plainClient(t, srv, srv.AdminKey()).ListKeys(context.Background(), client.PodScope(pod.ID), client.ListOptions{})
	if err != nil || len(page.Keys) != 1 {
		t.Errorf("the pod holds %d keys (%v), want only the old one", len(page.Keys), err)
	}
}

// Rotating a replacement replaces its "(rotated …)" suffix with today's
// instead of adding a second one.
func TestRotateDoesNotStackSuffixes(t *testing.T) {
	if got := rotatedName("ci (rotated 2026-01-01)", time.Date(2026, 2, 3, 4, 0, 0, 0, time.UTC)); got != "ci (rotated 2026-02-03)" {
		t.Errorf("rotatedName = %q", got)
	}
}
