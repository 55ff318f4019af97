package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/internal/doctor"
)

// runDoctorJSON runs amkeys doctor --format json in-process and decodes
// its report.
func runDoctorJSON(t *testing.T, args ...string) (int, doctor.Report, string) {
	t.Helper()
	code, out, stderr := runCmd(t, append([]string{"doctor", "--format", "json", "--timeout", "30s"}, args...)...)
	var rep doctor.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("doctor output is not JSON: %v\n%s\nstderr: %s", err, out, stderr)
	}
	return code, rep, out + stderr
}

func check(t *testing.T, rep doctor.Report, name string) doctor.Check {
	t.Helper()
	for _, c := range rep.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q in %+v", name, rep.Checks)
	return doctor.Check{}
}

func TestDoctorAgainstTheSandbox(t *testing.T) {
	srv := startSandbox(t, "demo")
	admin, err := client.New(client.Options{BaseURL: srv.URL, APIKey: srv.AdminKey()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pods, err := admin.ListPods(ctx, client.ListOptions{Limit: 1})
	if err != nil || len(pods.Pods) == 0 {
		t.Fatalf("no pod: %v", err)
	}
	pod := pods.Pods[0].ID
	podKey, err := admin.CreateKey(ctx, client.PodScope(pod), "doctor pod key", client.Unrestricted())
	if err != nil {
		t.Fatal(err)
	}
	readKey, err := admin.CreateKey(ctx, client.OrganizationScope(), "doctor read-only",
		client.Restricted("pod_read", "api_key_read", "inbox_read"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, key, scope, permissions string
	}{
		{"admin", srv.AdminKey(), "an organization key", "unrestricted"},
		{"read-only", readKey.Secret, "an organization key", "read-only key"},
		{"pod", podKey.Secret, "pod " + pod + ": a pod key", "unrestricted"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			auditEnv(t, srv.URL, tc.key)
			code, rep, all := runDoctorJSON(t)
			if code != exitOK || !rep.OK {
				t.Fatalf("exit %d, ok %t: %s", code, rep.OK, all)
			}
			if strings.Contains(all, tc.key) {
				t.Fatal("doctor printed the key")
			}
			if c := check(t, rep, "API key"); !strings.Contains(c.Detail, "prefix "+tc.key[:8]) || !strings.Contains(c.Detail, "AGENTMAIL_API_KEY") {
				t.Errorf("API key line: %q", c.Detail)
			}
			if c := check(t, rep, "base URL answers"); c.Status != doctor.OK {
				t.Errorf("base URL: %+v", c)
			}
			if c := check(t, rep, "scope"); !strings.Contains(c.Detail, tc.scope) {
				t.Errorf("scope: %q, want %q", c.Detail, tc.scope)
			}
			if c := check(t, rep, "permissions"); !strings.Contains(c.Detail, tc.permissions) {
				t.Errorf("permissions: %q, want %q", c.Detail, tc.permissions)
			}
			for _, name := range []string{"list pods", "list API keys", "list inboxes"} {
				if c := check(t, rep, name); c.Status != doctor.OK || c.Detail != "yes" {
					t.Errorf("%s: %+v", name, c)
				}
			}
		})
	}
	t.Run("read-only key lacks public keys", func(t *testing.T) {
		noCreds, err := admin.CreateKey(ctx, client.OrganizationScope(), "doctor pods only", client.Restricted("pod_read"))
		if err != nil {
			t.Fatal(err)
		}
		auditEnv(t, srv.URL, noCreds.Secret)
		code, rep, all := runDoctorJSON(t)
		c := check(t, rep, "list public-key credentials")
		if code != exitOK || c.Status != doctor.Warning || !strings.Contains(c.Fix, "api_key_read") {
			t.Errorf("exit %d, %+v\n%s", code, c, all)
		}
	})
	t.Run("read-only mode from a profile", func(t *testing.T) {
		cfg := writeProfileConfig(t, srv)
		code, rep, all := runDoctorJSON(t, "--config", cfg, "--profile", "other", "--base-url", srv.URL, "--api-key", readKey.Secret)
		if code != exitOK || strings.Contains(all, readKey.Secret) {
			t.Fatalf("exit %d: %s", code, all)
		}
		if c := check(t, rep, "read-only mode"); !strings.HasPrefix(c.Detail, "on") {
			t.Errorf("read-only mode: %q", c.Detail)
		}
		if c := check(t, rep, "profile"); c.Detail != "other (from --profile)" {
			t.Errorf("profile: %q", c.Detail)
		}
	})
}

func TestDoctorProblems(t *testing.T) {
	// A closed loopback port: the base URL does not answer.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	const key = "am_doctorTestKey0123456789abcdefABCDEF"
	auditEnv(t, closed, key)
	code, rep, all := runDoctorJSON(t)
	if c := check(t, rep, "base URL answers"); code != exitFail || rep.OK || c.Status != doctor.Problem || c.Fix == "" {
		t.Errorf("unreachable: exit %d, %+v", code, c)
	}
	if strings.Contains(all, key) {
		t.Error("doctor printed the key")
	}

	// No key at all.
	auditEnv(t, closed, "")
	code, rep, _ = runDoctorJSON(t)
	if c := check(t, rep, "API key"); code != exitFail || c.Status != doctor.Problem || !strings.Contains(c.Fix, "AGENTMAIL_API_KEY") {
		t.Errorf("no key: exit %d, %+v", code, c)
	}

	// A key the API does not know.
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, key)
	code, rep, _ = runDoctorJSON(t)
	if c := check(t, rep, "authentication"); code != exitFail || c.Status != doctor.Problem {
		t.Errorf("unknown key: exit %d, %+v", code, c)
	}

	// A broken config file: a problem line naming it, still exit 1.
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("pagesize = 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, rep, _ = runDoctorJSON(t, "--config", bad)
	if c := check(t, rep, "configuration"); code != exitFail || c.Status != doctor.Problem || !strings.Contains(c.Detail, "bad.toml:1") {
		t.Errorf("bad config: exit %d, %+v", code, c)
	}

	// Usage errors stay usage errors.
	for _, args := range [][]string{{"doctor", "--format", "xml"}, {"doctor", "--timeout", "0s"}, {"doctor", "extra"}} {
		if code, _, _ := runCmd(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestDoctorClipboardWithoutTools runs the built binary with a PATH that
// holds no clipboard tool, where atotto/clipboard looks at start-up.
func TestDoctorClipboardWithoutTools(t *testing.T) {
	bin := buildAmkeys(t)
	srv := startSandbox(t, "empty")
	empty := t.TempDir()
	env := []string{"PATH=" + empty, "HOME=" + t.TempDir(), "AGENTMAIL_BASE_URL=" + srv.URL,
		"AGENTMAIL_API_KEY=" + srv.AdminKey(), "TERM=xterm-256color", "DISPLAY=:0"}
	out, code := runBinary(t, bin, env, "doctor", "--format", "json")
	var rep doctor.Report
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if c := check(t, rep, "clipboard tool"); code != exitOK || c.Status != doctor.Warning || !strings.Contains(c.Detail, "none on PATH") || !strings.Contains(c.Detail, "OSC 52") {
		t.Errorf("exit %d, %+v", code, c)
	}
	// With a tool on PATH (a stand-in: only its name matters here) and a
	// display, the copy goes through it; inside tmux, passthrough is told.
	tool := filepath.Join(empty, "xsel")
	if err := os.WriteFile(tool, []byte("#!/bin/sh\nexit 0\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	tmux := filepath.Join(empty, "tmux")
	if err := os.WriteFile(tmux, []byte("#!/bin/sh\ncase \"$3\" in allow-passthrough) echo off;; *) echo external;; esac\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	out, _ = runBinary(t, bin, append(env, "TMUX=/tmp/tmux-test,1,0"), "doctor", "--format", "json")
	rep = doctor.Report{}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if c := check(t, rep, "clipboard tool"); c.Status != doctor.OK || c.Detail != "xsel" {
		t.Errorf("with xsel: %+v", c)
	}
	if c := check(t, rep, "tmux"); c.Status != doctor.Warning || !strings.Contains(c.Fix, "allow-passthrough on") || !strings.Contains(c.Detail, "set-clipboard external") {
		t.Errorf("tmux: %+v", c)
	}
}

// runBinary runs bin with exactly env and returns its stdout and exit code.
func runBinary(t *testing.T, bin string, env []string, args ...string) ([]byte, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		t.Fatalf("%q did not finish: %s", args, stderr.String())
	}
	return out, exitCode(err)
}
