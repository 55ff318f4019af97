//go:build linux

package clip

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atotto/clipboard"
)

// These tests drive the real atotto/clipboard. atotto picks its tool once,
// in init(), from PATH and WAYLAND_DISPLAY, so a test that needs a
// different tool runs in a child process of this test binary.

const (
	// childEnv tells a re-executed test binary which child test to run.
	childEnv = "AMKEYS_CLIP_CHILD"
	// requireEnv=1 turns "Xvfb or xclip missing" from a skip into a
	// failure; CI sets it so the real test cannot silently vanish.
	requireEnv = "AMKEYS_REQUIRE_XVFB"
)

// needTools skips (or, under AMKEYS_REQUIRE_XVFB=1, fails) unless every
// named program is on PATH.
func needTools(t *testing.T, names ...string) map[string]string {
	t.Helper()
	paths := map[string]string{}
	var missing []string
	for _, name := range names {
		p, err := exec.LookPath(name)
		if err != nil {
			missing = append(missing, name)
			continue
		}
		paths[name] = p
	}
	if len(missing) > 0 {
		why := fmt.Sprintf("%s not on PATH (install with .ci/install-clipboard.sh)", strings.Join(missing, " and "))
		if os.Getenv(requireEnv) == "1" {
			t.Fatalf("%s; %s=1 requires this test to run", why, requireEnv)
		}
		t.Skip(why)
	}
	return paths
}

// needAtottoXclip makes sure atotto chose xclip at init (not wl-copy).
func needAtottoXclip(t *testing.T) {
	t.Helper()
	if os.Getenv("WAYLAND_DISPLAY") != "" {
		why := "WAYLAND_DISPLAY is set, so atotto may drive wl-copy instead of xclip; unset it to run this test"
		if os.Getenv(requireEnv) == "1" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	if clipboard.Unsupported {
		t.Fatal("xclip is on PATH but atotto found no clipboard tool at init")
	}
}

// startXvfb starts a private X server on a free display (Xvfb picks it and
// reports it through -displayfd) and stops it when the test ends. The test
// always uses its own server so it never touches a developer's clipboard.
func startXvfb(t *testing.T, xvfb string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var stderr bytes.Buffer
	cmd := exec.Command(xvfb, "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "320x240x24")
	cmd.ExtraFiles = []*os.File{w} // fd 3 in the child
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { stopProcess(cmd) })

	// Xvfb writes the display number once it accepts connections; if it
	// dies first, the pipe reaches EOF.
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if _, err := strconv.Atoi(n); err != nil {
			stopProcess(cmd)
			t.Fatalf("Xvfb did not report a display (got %q); stderr: %s", n, stderr.String())
		}
		return ":" + n
	case <-time.After(time.Minute): // generous: a loaded machine starts it slowly
		stopProcess(cmd) // closes the pipe, which ends the reader goroutine
		<-line
		t.Fatalf("Xvfb did not start within a minute; stderr: %s", stderr.String())
		return ""
	}
}

// stopProcess ends a process this test started: SIGTERM so Xvfb removes its
// lock file, then SIGKILL if it lingers.
func stopProcess(cmd *exec.Cmd) {
	if cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// waitForClipboard polls until the clipboard shows want: xclip returns
// before it owns the selection, so a read right after a write can be stale.
func waitForClipboard(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(patient)
	for {
		got, err := clipboard.ReadAll()
		if err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("clipboard shows %q (err %v), want %q", got, err, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSystemClipboardUnderXvfb(t *testing.T) {
	tools := needTools(t, "Xvfb", "xclip")
	needAtottoXclip(t)
	t.Setenv("DISPLAY", startXvfb(t, tools["Xvfb"]))

	term := &bytes.Buffer{}
	// A patient timeout: each xclip is a new process, slow to start on a
	// busy machine, and a timeout here would test the machine, not amkeys.
	c := New(System(), term, Options{DisableOSC52: true, ClearAfter: 30 * time.Second, Timeout: patient})
	ctx := context.Background()

	secret := newSecret(t)
	res, rcpt := c.Copy(ctx, secret)
	if res.Method != Native || !res.Confirmed {
		t.Fatalf("copy: %v confirmed=%v err=%v %q", res.Method, res.Confirmed, res.Err, res.Message)
	}
	if got, err := clipboard.ReadAll(); err != nil || got != secret {
		t.Fatalf("xclip reads %q, %v; want the secret", got, err)
	}

	cr := c.ClearIfUnchanged(ctx, rcpt)
	if !cr.Cleared || cr.Err != nil {
		t.Fatalf("clear: %+v", cr)
	}
	waitForClipboard(t, "")

	// A newer content copied by the user must survive the auto-clear.
	_, rcpt = c.Copy(ctx, newSecret(t))
	if err := clipboard.WriteAll("the user's newer clipboard"); err != nil {
		t.Fatal(err)
	}
	waitForClipboard(t, "the user's newer clipboard")
	cr = c.ClearIfUnchanged(ctx, rcpt)
	if !cr.LeftAlone || cr.Cleared || cr.Err != nil {
		t.Fatalf("clear after newer content: %+v", cr)
	}
	if got, err := clipboard.ReadAll(); err != nil || got != "the user's newer clipboard" {
		t.Fatalf("newer content replaced: %q, %v", got, err)
	}
	if term.Len() != 0 {
		t.Fatalf("OSC 52 sent although disabled: %q", term.String())
	}
}

// Over SSH xclip is installed but there is no display: the real tool fails
// quickly and the copy falls back to OSC 52.
func TestSystemClipboardWithoutDisplayFallsBackToOSC52(t *testing.T) {
	needTools(t, "xclip")
	needAtottoXclip(t)
	t.Setenv("DISPLAY", "")

	term := &bytes.Buffer{}
	res, rcpt := New(System(), term, Options{}).Copy(context.Background(), "k")

	if res.Method != OSC52 || rcpt.Method != OSC52 || term.String() != "\x1b]52;c;aw==\x07" {
		t.Fatalf("got %v, terminal %q", res.Method, term.String())
	}
	if res.Err == nil || !strings.Contains(res.Err.Error(), "no DISPLAY") {
		t.Fatalf("Err %v should explain the missing display", res.Err)
	}
}

// A hung xclip must not freeze the UI: Copy returns a timeout in ~2s (the
// fake hangs for five minutes, so a return within the loose bounds below
// can only be the timeout, however busy the machine).
// atotto resolves xclip at init, so the fake xclip is put on PATH and the
// copy runs in a child process of this test binary.
func TestSystemCopyTimesOutOnHungXclip(t *testing.T) {
	dir := t.TempDir()
	script := "#!/bin/sh\necho $$ >> \"$0.pids\"\nexec sleep 300\n"
	if err := os.WriteFile(filepath.Join(dir, "xclip"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("DISPLAY", ":amkeys-fake")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHungXclipChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=hung-xclip")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	t.Cleanup(func() { killPids(t, filepath.Join(dir, "xclip.pids")) })

	if err != nil || !strings.Contains(string(out), "--- PASS: TestHungXclipChild") {
		t.Fatalf("child failed (%v):\n%s", err, out)
	}
	if elapsed > time.Minute {
		t.Fatalf("child took %v: it waited for the hung tool", elapsed)
	}
}

func TestHungXclipChild(t *testing.T) {
	if os.Getenv(childEnv) != "hung-xclip" {
		t.Skip("runs only as the child of TestSystemCopyTimesOutOnHungXclip")
	}
	c := New(System(), nil, Options{DisableOSC52: true}) // default 2s timeout
	start := time.Now()
	res, rcpt := c.Copy(context.Background(), newSecret(t))
	elapsed := time.Since(start)

	if elapsed < DefaultTimeout-50*time.Millisecond || elapsed > DefaultTimeout+patient {
		t.Fatalf("Copy took %v, want about %v", elapsed, DefaultTimeout)
	}
	if res.Method != Failed || !errors.Is(res.Err, ErrTimeout) || rcpt.Clearable() {
		t.Fatalf("got %v err=%v, want a timeout failure", res.Method, res.Err)
	}
	// Prove atotto really ran the fake: it records its pid when started.
	path, _ := exec.LookPath("xclip")
	if _, err := os.Stat(path + ".pids"); err != nil {
		t.Fatalf("the fake xclip at %s was never run: %v", path, err)
	}
	t.Logf("Copy returned %v after %v: %q", res.Method, elapsed.Round(time.Millisecond), res.Message)
}

// killPids ends the fake xclip processes the child left behind (each
// recorded its own pid).
func killPids(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		return
	}
	for _, f := range strings.Fields(string(data)) {
		if pid, err := strconv.Atoi(f); err == nil && pid > 1 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
