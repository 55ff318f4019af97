//go:build linux

package main

// Every way out of the dashboard, under a real pseudo-terminal and (when
// Xvfb and xclip are installed) a real X clipboard: SIGINT, SIGTERM,
// SIGHUP (sent, and a real hangup: the terminal closed) and SIGQUIT at
// random moments (idle, loading, on the secret screen after a copy,
// during an audit), and q, ctrl+c and a panic after a copy. Each must end
// amkeys promptly with the terminal restored and a copied key cleared.
// The headless commands still end cleanly on signals, and a process
// started with SIGHUP ignored (nohup) keeps ignoring it.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/amkeys/amkeys/client/sandbox"
)

// sigKey is the admin key the dashboard runs with; it must never reach a
// clipboard tool's environment.
const sigKey = "am_sigTestAdminKey_5b0c9e1d27"

// exitBound fails a run that takes longer from signal to exit: it catches
// a hang, not a slow exit. The goal is 1 s and the measured figures are
// logged; the bound leaves a machine busy with other builds (CI shares its
// CPUs) 15 times that.
const exitBound = 15 * time.Second

// stepBound is how long a scenario waits for the dashboard to show a step
// (loaded, key created, copied): a bound that catches a hang, with room
// for GOMAXPROCS=1 under -race beside busy loops (10 s was once too short).
const stepBound = 30 * time.Second

func TestSignals(t *testing.T) {
	bin := buildAmkeys(t)
	fast := startSigSandbox(t, 0)
	slow := startSigSandbox(t, 500*time.Millisecond)
	seed := rand.Uint64()
	t.Logf("random seed %d", seed)

	rounds := 20
	if testing.Short() {
		rounds = 4
	}
	sigs := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}
	var mu sync.Mutex
	worst := map[string]time.Duration{}
	t.Run("dashboard", func(t *testing.T) {
		for i, sig := range sigs {
			t.Run(sig.String(), func(t *testing.T) {
				t.Parallel()
				env := dashEnv(t, clipboardDisplay(t))
				rng := rand.New(rand.NewPCG(seed, uint64(i)))
				for round := range rounds {
					sc := scenarios[round%len(scenarios)]
					// Half the SIGHUP runs close the terminal instead,
					// alternating so that each scenario gets both.
					hangup := sig == syscall.SIGHUP && (round+round/len(scenarios))%2 == 1
					d := signalRun(t, bin, env, fast, slow, sc, sig, hangup, rng)
					key := sig.String()
					if hangup {
						key += " (terminal closed)"
					}
					mu.Lock()
					worst[key] = max(worst[key], d)
					mu.Unlock()
				}
			})
		}
	})
	for _, k := range slices.Sorted(maps.Keys(worst)) {
		t.Logf("%-30s slowest signal-to-exit %v", k, worst[k].Round(time.Millisecond))
	}
	t.Run("keys and panic", func(t *testing.T) { testOtherExits(t, bin, fast) })
	t.Run("headless", func(t *testing.T) { testHeadlessSignals(t, bin, slow) })
	t.Run("nohup", func(t *testing.T) { testIgnoredHangup(t, bin) })
	t.Run("hardened", func(t *testing.T) { testHardened(t, bin) })
	t.Run("clipboard tool environment", func(t *testing.T) { testClipboardToolEnv(t, bin, fast) })
}

func buildAmkeys(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "amkeys")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func startSigSandbox(t *testing.T, latency time.Duration) *sandbox.Running {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Options{Seed: "demo", AdminKey: sigKey, Faults: sandbox.Faults{Latency: latency}}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// dashEnv is termEnv with the key in the environment and, when there is
// an X server for the test, its DISPLAY.
func dashEnv(t *testing.T, display string, extra ...string) []string {
	env := termEnv(t, append([]string{"AGENTMAIL_API_KEY=" + sigKey}, extra...)...)
	if display != "" {
		env = append(env, "DISPLAY="+display)
	}
	return env
}

// A scenario brings a fresh dashboard to a moment and returns the secret
// it copied, if any.
type scenario struct {
	name string
	slow bool // runs against the sandbox with latency
	run  func(t *testing.T, r *ptyRun, display string, rng *rand.Rand) (secret string)
}

var scenarios = []scenario{
	{"idle", false, func(t *testing.T, r *ptyRun, _ string, rng *rand.Rand) string {
		r.waitOutput(t, "30 pods", stepBound)
		sleepUpTo(rng, 300*time.Millisecond)
		return ""
	}},
	{"loading", true, func(t *testing.T, r *ptyRun, _ string, rng *rand.Rand) string {
		r.waitOutput(t, "\x1b[?1049h", stepBound) // the alternate screen: Bubble Tea runs
		sleepUpTo(rng, 300*time.Millisecond)      // the first page takes 500 ms
		return ""
	}},
	{"secret screen after a copy", false, func(t *testing.T, r *ptyRun, display string, rng *rand.Rand) string {
		secret := createAndCopy(t, r, display)
		sleepUpTo(rng, 300*time.Millisecond)
		return secret
	}},
	{"audit", true, func(t *testing.T, r *ptyRun, _ string, rng *rand.Rand) string {
		r.waitOutput(t, "30 pods", stepBound)
		r.keys(t, "a")
		r.waitOutput(t, " in flight", 30*time.Second)
		sleepUpTo(rng, time.Second) // 30 pods at 500 ms a request take longer
		return ""
	}},
}

func sleepUpTo(rng *rand.Rand, d time.Duration) {
	time.Sleep(time.Duration(rng.Int64N(int64(d))))
}

func (r *ptyRun) keys(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := io.WriteString(r.ptm, k); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // one key per read, as typed
	}
}

// createAndCopy creates a key in the first pod and copies its secret. It
// returns the secret as the clipboard holds it, or "" without an X server
// (the copy then goes out as OSC 52).
func createAndCopy(t *testing.T, r *ptyRun, display string) string {
	t.Helper()
	r.waitOutput(t, "30 pods", stepBound)
	r.keys(t, "\r")
	r.waitOutput(t, "amkeys › pods › ", stepBound)
	r.keys(t, "n")
	r.waitOutput(t, "New API key in pod", stepBound)
	r.keys(t, "sigtest", "\t", "\t", "j", " ", "\x13") // name, a permission, ctrl+s
	r.waitOutput(t, "Create this API key?", stepBound)
	r.keys(t, "y")
	r.waitOutput(t, "Key created.", stepBound)
	r.keys(t, "c")
	if display == "" {
		r.waitOutput(t, "\x1b]52;c;", stepBound)
		return ""
	}
	r.waitOutput(t, "Copied the key to the clipboard", stepBound)
	// amkeys read the copy back already; X may still be handing the
	// selection over, so look a few times.
	deadline := time.Now().Add(5 * time.Second)
	for {
		secret, err := readClipboard(display)
		if err == nil && strings.HasPrefix(secret, "am_") && secret != sigKey {
			return secret
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the copy the clipboard holds %d characters (%v), not a new key", len(secret), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// signalRun runs one scenario and ends it with sig (or, with hangup, by
// closing the terminal, which sends SIGHUP); it returns the time from
// the signal to the exit.
func signalRun(t *testing.T, bin string, env []string, fast, slow *sandbox.Running, sc scenario, sig syscall.Signal, hangup bool, rng *rand.Rand) time.Duration {
	t.Helper()
	srv := fast
	if sc.slow {
		srv = slow
	}
	display := envValue(env, "DISPLAY")
	r := startOnPtyWith(t, bin, append(env, "AGENTMAIL_BASE_URL="+srv.URL), 120, 35, hangup)
	before := r.initial
	secret := sc.run(t, r, display, rng)

	start := time.Now()
	if hangup {
		r.ptm.Close()
	} else if err := r.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	code := r.wait(t, 3*exitBound)
	took := time.Since(start)
	what := fmt.Sprintf("%v in %q", sig, sc.name)
	if hangup {
		what = fmt.Sprintf("a closed terminal in %q", sc.name)
	}
	if took > exitBound {
		t.Errorf("%s: exit took %v", what, took)
	}
	if !hangup {
		out := checkRestored(t, what, r, before)
		wantCode := exitOK
		if sig == syscall.SIGQUIT {
			wantCode = exitQuit
			if !strings.Contains(out, "SIGQUIT: quit") || !strings.Contains(out, "goroutine ") {
				t.Errorf("%s: no goroutine dump:\n%q", what, tail(out, 1500))
			}
		}
		if code != wantCode {
			t.Errorf("%s: exit code %d, want %d:\n%q", what, code, wantCode, tail(out, 1500))
		}
		if secret == "" && display == "" && strings.Contains(out, "\x1b]52;c;") && !strings.Contains(out, "\x1b]52;c;\x07") {
			t.Errorf("%s: the key went out as OSC 52 and no clear request followed", what)
		}
	}
	if secret != "" {
		if err := clipboardLoses(display, secret); err != nil {
			t.Errorf("%s: %v; amkeys wrote:\n%q", what, err, tail(r.output(), 600))
		}
	}
	return took
}

// checkRestored: the terminal modes are those from before the start,
// `stty -a` shows canonical mode and echo, and the screen modes set up
// at the start were undone. It returns all the program wrote.
func checkRestored(t *testing.T, what string, r *ptyRun, before modes) string {
	t.Helper()
	if after := termModes(t, r.pts); after != before {
		t.Errorf("%s: terminal modes %+v after exit, want %+v", what, after, before)
	}
	stty := exec.Command("stty", "-a")
	stty.Stdin = r.pts
	out, err := stty.Output()
	if err != nil {
		t.Fatalf("stty -a: %v", err)
	}
	fields := strings.Fields(string(out))
	if !slices.Contains(fields, "icanon") || !slices.Contains(fields, "echo") {
		t.Errorf("%s: stty -a after exit shows no icanon or no echo:\n%s", what, out)
	}
	shown := r.finish(t)
	for _, pair := range [][2]string{{"\x1b[?1049h", "\x1b[?1049l"}, {"\x1b[?25l", "\x1b[?25h"}, {"\x1b[?1002h", "\x1b[?1002l"}} {
		on, off := strings.LastIndex(shown, pair[0]), strings.LastIndex(shown, pair[1])
		if on >= 0 && off < on {
			t.Errorf("%s: %q is not undone by %q at exit", what, pair[0], pair[1])
		}
	}
	return shown
}

// testOtherExits: q, ctrl+c and a panic after a copy also restore the
// terminal and clear the key.
func testOtherExits(t *testing.T, bin string, srv *sandbox.Running) {
	display := clipboardDisplay(t)
	for _, tc := range []struct {
		name, keys string
		code       int
	}{
		{"q", "q", exitOK},
		{"ctrl+c", "\x03", exitOK},
		{"panic", "\x1b[24~", exitFail}, // F12, with the test hook armed
	} {
		env := dashEnv(t, display, "AGENTMAIL_BASE_URL="+srv.URL, envTestPanic+"=key")
		r := startOnPtyWith(t, bin, env, 120, 35, false)
		before := r.initial
		secret := createAndCopy(t, r, display)
		r.keys(t, tc.keys)
		if tc.name != "panic" { // the secret screen asks first
			r.waitOutput(t, "Have you stored the secret?", stepBound)
			r.keys(t, "y")
		}
		code := r.wait(t, 3*exitBound)
		out := checkRestored(t, tc.name, r, before)
		if code != tc.code {
			t.Errorf("%s: exit code %d, want %d:\n%q", tc.name, code, tc.code, tail(out, 1500))
		}
		if tc.name == "panic" && !strings.Contains(out, "amkeys test hook: panic") {
			t.Errorf("the test hook did not panic:\n%q", tail(out, 1500))
		}
		if secret != "" {
			if err := clipboardLoses(display, secret); err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
	}
}

// testHeadlessSignals: `amkeys audit` stops with a partial report (exit
// 3), `amkeys sandbox` stops cleanly (exit 0), each within the bound.
func testHeadlessSignals(t *testing.T, bin string, slow *sandbox.Running) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, "audit", "--format", "csv")
		cmd.Env = termEnv(t, "AGENTMAIL_API_KEY="+sigKey, "AGENTMAIL_BASE_URL="+slow.URL)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(700 * time.Millisecond) // into the scan: each request takes 500 ms
		took, code := signalAndWait(t, cmd, sig)
		if code != exitIncomplete || !strings.Contains(stderr.String(), "cancelled") {
			t.Errorf("audit, %v: exit %d, stderr %q; want %d and a cancelled note", sig, code, stderr.String(), exitIncomplete)
		}
		t.Logf("audit ended %v after %v", took.Round(time.Millisecond), sig)

		cmd = exec.Command(bin, "sandbox", "--listen", "127.0.0.1:0")
		cmd.Env = termEnv(t)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, _ := bufio.NewReader(out).ReadString('\n'); !strings.HasPrefix(line, "AGENTMAIL_BASE_URL=") {
			t.Fatalf("the sandbox printed %q", line)
		}
		took, code = signalAndWait(t, cmd, sig)
		if code != exitOK {
			t.Errorf("sandbox, %v: exit %d, want 0", sig, code)
		}
		t.Logf("sandbox ended %v after %v", took.Round(time.Millisecond), sig)
	}
}

func signalAndWait(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) (time.Duration, int) {
	t.Helper()
	start := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		took := time.Since(start)
		if took > exitBound {
			t.Errorf("%s, %v: exit took %v", cmd.Args[1], sig, took)
		}
		return took, exitCode(err)
	case <-time.After(3 * exitBound):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not end within %v of %v", cmd.Args[1], 3*exitBound, sig)
		return 0, -1
	}
}

// testIgnoredHangup: started with SIGHUP ignored, as nohup does, amkeys
// keeps ignoring it (catching it would end a job its user meant to
// survive the terminal); SIGTERM still ends it.
func testIgnoredHangup(t *testing.T, bin string) {
	cmd := exec.Command("sh", "-c", `trap "" HUP; exec "$0" sandbox --listen 127.0.0.1:0`, bin)
	cmd.Env = termEnv(t)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(out).ReadString('\n'); !strings.HasPrefix(line, "AGENTMAIL_BASE_URL=") {
		t.Fatalf("the sandbox printed %q", line)
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the sandbox ended on a SIGHUP it was started ignoring: %v", err)
	}
	if _, code := signalAndWait(t, cmd, syscall.SIGTERM); code != exitOK {
		t.Errorf("exit %d after SIGTERM", code)
	}
}

// testHardened: a running amkeys can write no core file (RLIMIT_CORE 0,
// read from /proc/<pid>/limits) and is not dumpable. A non-dumpable
// process's /proc/<pid> files belong to root whoever runs it, and nobody
// but root may read its environ; the test checks whichever it can.
func testHardened(t *testing.T, bin string) {
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		// Run amkeys as nobody, from a directory nobody can reach.
		dir := filepath.Join(t.TempDir(), "hardened")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
			_ = os.Chmod(d, 0o755)
		}
		data, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		bin = filepath.Join(dir, "amkeys")
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
	}
	// Allow core files in the child, so that only amkeys can turn them off.
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_CORE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Max == 0 {
		t.Skip("core files are off for this test process (hard limit 0): the check could not fail")
	}
	raised := unix.Rlimit{Cur: lim.Max, Max: lim.Max}
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &raised); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Setrlimit(unix.RLIMIT_CORE, &lim) })

	cmd := exec.Command(bin, "sandbox", "--listen", "127.0.0.1:0")
	cmd.Env = termEnv(t, "AMKEYS_HARDEN_MARK=1")
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = signalAndWait(t, cmd, syscall.SIGTERM) }()
	if line, _ := bufio.NewReader(out).ReadString('\n'); !strings.HasPrefix(line, "AGENTMAIL_BASE_URL=") {
		t.Fatalf("the sandbox printed %q", line)
	}
	proc := "/proc/" + strconv.Itoa(cmd.Process.Pid)
	limits, err := os.ReadFile(proc + "/limits")
	if err != nil {
		t.Fatal(err)
	}
	var core []string
	for _, line := range strings.Split(string(limits), "\n") {
		if strings.HasPrefix(line, "Max core file size") {
			core = strings.Fields(strings.TrimPrefix(line, "Max core file size"))
		}
	}
	if len(core) < 2 || core[0] != "0" || core[1] != "0" {
		t.Errorf("RLIMIT_CORE of the running amkeys is %v, want 0 0", core)
	}
	if cred != nil {
		var st syscall.Stat_t
		if err := syscall.Stat(proc+"/environ", &st); err != nil {
			t.Fatal(err)
		}
		if st.Uid != 0 {
			t.Errorf("/proc/<pid>/environ of amkeys run by uid %d belongs to uid %d: the process is dumpable", cred.Uid, st.Uid)
		}
	} else if _, err := os.ReadFile(proc + "/environ"); err == nil {
		t.Error("the process's environ is readable by its user: it is dumpable")
	}
}

// testClipboardToolEnv: the clipboard tool amkeys starts (xclip, which
// stays running to serve the copy) has neither AGENTMAIL_API_KEY nor the
// profile's api_key_env variable in its environment.
func testClipboardToolEnv(t *testing.T, bin string, srv *sandbox.Running) {
	display := clipboardDisplay(t)
	if display == "" {
		return // clipboardDisplay skipped or failed
	}
	const workKey = "am_sigTestWorkKey_0f3e8a9b61"
	home := t.TempDir()
	cfgDir := filepath.Join(home, "amkeys")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := "default_profile = \"work\"\n\n[profiles.work]\napi_key_env = \"AMKEYS_SIGTEST_WORK_KEY\"\n"
	if err := os.WriteFile(filepath.Join(cfgDir, "config.toml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	// AGENTMAIL_API_KEY overrides the profile's key, which is then unused
	// but still a key in the environment.
	env := dashEnv(t, display, "AGENTMAIL_BASE_URL="+srv.URL, "XDG_CONFIG_HOME="+home, "AMKEYS_SIGTEST_WORK_KEY="+workKey)
	r := startOnPty(t, bin, env, 120, 35)
	secret := createAndCopy(t, r, display)
	pids := clipboardToolPids(display)
	if len(pids) == 0 {
		t.Fatal("no xclip serving the copy was found: the check is blind")
	}
	for _, pid := range pids {
		environ, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
		if err != nil {
			continue // it exited
		}
		for _, s := range []string{"AGENTMAIL_API_KEY=", "AMKEYS_SIGTEST_WORK_KEY=", sigKey, workKey} {
			if bytes.Contains(environ, []byte(s)) {
				t.Errorf("the clipboard tool (pid %d) has %q in its environment", pid, s)
			}
		}
		if !bytes.Contains(environ, []byte("DISPLAY="+display)) {
			t.Errorf("the clipboard tool (pid %d) lost DISPLAY: the environment was emptied, not scrubbed", pid)
		}
	}
	if !strings.Contains(r.output(), "work") {
		t.Error("the dashboard does not show the work profile: the config file was not used")
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	r.wait(t, 3*exitBound)
	if err := clipboardLoses(display, secret); err != nil {
		t.Error(err)
	}
}

// clipboardToolPids lists the xclip processes that talk to display.
func clipboardToolPids(display string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || filepath.Base(string(bytes.SplitN(cmdline, []byte{0}, 2)[0])) != "xclip" {
			continue
		}
		environ, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err == nil && slices.Contains(strings.Split(string(environ), "\x00"), "DISPLAY="+display) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// clipboardDisplay starts a private Xvfb for the test and returns its
// display, or "" when Xvfb or xclip is missing (then the dashboard copies
// through OSC 52, and the test checks the clear request instead);
// AMKEYS_REQUIRE_XVFB=1 makes that a failure, as in ui/clip.
func clipboardDisplay(t *testing.T) string {
	t.Helper()
	xvfb, err1 := exec.LookPath("Xvfb")
	_, err2 := exec.LookPath("xclip")
	if err1 != nil || err2 != nil {
		if os.Getenv("AMKEYS_REQUIRE_XVFB") == "1" {
			t.Fatal("Xvfb or xclip not on PATH (install with .ci/install-clipboard.sh); AMKEYS_REQUIRE_XVFB=1 requires them")
		}
		t.Log("Xvfb or xclip not on PATH: the clipboard is checked through OSC 52 only")
		return ""
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(xvfb, "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "320x240x24")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if _, err := strconv.Atoi(n); err != nil {
			t.Fatalf("Xvfb did not report a display (got %q)", n)
		}
		return ":" + n
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("Xvfb did not start within 15s")
		return ""
	}
}

// clipboardLoses waits for the clipboard to stop holding secret. xclip
// returns before the X server has handed the selection to it, so the
// clear amkeys made just before it exited can take a moment to show.
func clipboardLoses(display, secret string) error {
	deadline := time.Now().Add(10 * time.Second) // room for a busy X server
	for {
		got, err := readClipboard(display)
		if err == nil && got != secret {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("the clipboard cannot be read after exit: %v", err)
			}
			return fmt.Errorf("the clipboard still holds the copied key 10 s after exit")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// readClipboard reads the clipboard of display with xclip; an empty or
// unowned clipboard reads as "". xclip -o waits for ever when the owner
// goes away in the middle of the transfer (the xclip that served the
// copy gets the terminal's SIGHUP when amkeys exits), so a read that does
// not answer within 2 s is tried again.
func readClipboard(display string) (string, error) {
	for range 5 {
		cmd := exec.Command("xclip", "-o", "-selection", "clipboard")
		cmd.Env = []string{"DISPLAY=" + display, "PATH=" + os.Getenv("PATH")}
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			return "", err
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				return "", nil // nobody owns the selection
			}
			return out.String(), nil
		case <-time.After(2 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	return "", fmt.Errorf("xclip -o did not answer in 5 tries")
}

func envValue(env []string, name string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}
