//go:build linux

package main

// The built binary under a pseudo-terminal: a panic anywhere leaves the
// terminal as it found it and prints no secret, any window size is drawn
// without a panic, and headless commands write no escape sequences when
// their output is not a terminal.

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/ui/uitest"
)

// termKey is the fake admin key of the panic tests; it must never show.
const termKey = "am_termTestSecret_8d41c2f07a"

func TestTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "amkeys")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, at := range []string{"update", "view", "command"} {
		t.Run("panic in "+at, func(t *testing.T) { testPanicRestoresTerminal(t, bin, at) })
	}
	t.Run("size sweep", func(t *testing.T) { testSizeSweep(t, bin) })
	t.Run("headless", func(t *testing.T) { testHeadlessHasNoEscapes(t, bin) })
}

// ptyRun is the binary running on a pseudo-terminal whose slave end the
// test keeps open, so that the terminal's modes can be read after exit.
type ptyRun struct {
	cmd      *exec.Cmd
	ptm, pts *os.File
	mu       sync.Mutex
	out      bytes.Buffer
	readDone chan struct{}
	initial  modes // of the pty before the program started
}

// termEnv is a clean environment: no config file, no key, a known TERM.
func termEnv(t *testing.T, extra ...string) []string {
	home := t.TempDir()
	return append([]string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"PATH=" + os.Getenv("PATH"),
		"TERM=xterm-256color",
		"LANG=C.UTF-8",
	}, extra...)
}

func startOnPty(t *testing.T, bin string, env []string, cols, rows uint16, args ...string) *ptyRun {
	t.Helper()
	return startOnPtyWith(t, bin, env, cols, rows, true, args...)
}

// startOnPtyWith: with ctty the pty is amkeys' controlling terminal, so
// that closing it sends amkeys SIGHUP, and amkeys' exit sends its process
// group SIGHUP (it leads the session). Without, amkeys' children (a
// clipboard tool serving a copy) outlive it, as they do under a shell.
func startOnPtyWith(t *testing.T, bin string, env []string, cols, rows uint16, ctty bool, args ...string) *ptyRun {
	t.Helper()
	ptm, pts, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := pty.Setsize(ptm, &pty.Winsize{Cols: cols, Rows: rows}); err != nil {
		t.Fatal(err)
	}
	// Setsize made the master blocking (os.File.Fd does): closing it would
	// then wait for the reader's Read to return, which an idle program
	// never makes happen, and the terminal would not hang up. A pollable
	// copy closes at once.
	fd, err := unix.FcntlInt(ptm.Fd(), unix.F_DUPFD_CLOEXEC, 0) // not inherited by the program
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	ptm.Close()
	ptm = os.NewFile(uintptr(fd), "/dev/ptmx")
	r := &ptyRun{ptm: ptm, pts: pts, readDone: make(chan struct{}), initial: termModes(t, pts)}
	r.cmd = exec.Command(bin, args...)
	r.cmd.Env = env
	r.cmd.Stdin, r.cmd.Stdout, r.cmd.Stderr = pts, pts, pts
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: ctty}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(r.readDone)
		buf := make([]byte, 32<<10)
		answered := 0
		for {
			n, err := ptm.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			answered = answerQueries(ptm, r.out.Bytes(), answered)
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil {
			_ = r.cmd.Process.Kill()
			_ = r.cmd.Wait()
		}
		pts.Close()
		ptm.Close()
	})
	return r
}

// answerQueries answers what a terminal is asked at start (background
// colour, cursor position) the way xterm does, from offset from of out on;
// it returns how far it has looked.
func answerQueries(ptm *os.File, out []byte, from int) int {
	queries := []struct{ ask, reply string }{
		{"\x1b]11;?", "\x1b]11;rgb:1c1c/1c1c/1c1c\x1b\\"},
		{"\x1b[6n", "\x1b[1;1R"},
	}
	// Look again at the last few bytes next time: a query may be split
	// across reads.
	next := max(from, len(out)-5)
	for i := from; i < len(out); i++ {
		for _, q := range queries {
			if bytes.HasPrefix(out[i:], []byte(q.ask)) {
				_, _ = io.WriteString(ptm, q.reply)
				next = max(next, i+len(q.ask))
			}
		}
	}
	return next
}

func (r *ptyRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// waitOutput waits until the terminal has shown want.
func (r *ptyRun) waitOutput(t *testing.T, want string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !strings.Contains(r.output(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the terminal did not show %q within %v; it shows:\n%q", want, d, tail(r.output(), 2000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wait waits for the process to exit and returns its exit code.
func (r *ptyRun) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(d):
		_ = r.cmd.Process.Kill()
		<-done
		t.Fatalf("amkeys did not exit within %v; the terminal shows:\n%q", d, tail(r.output(), 2000))
		return -1
	}
}

// finish closes the slave end and collects everything the program wrote.
func (r *ptyRun) finish(t *testing.T) string {
	t.Helper()
	r.pts.Close()
	select {
	case <-r.readDone:
	case <-time.After(uitest.Patience):
		t.Fatal("the pty output did not end")
	}
	return r.output()
}

// modes are the terminal flags a full-screen program changes.
type modes struct{ iflag, oflag, lflag uint32 }

func termModes(t *testing.T, f *os.File) modes {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	const lmask = unix.ECHO | unix.ICANON | unix.ISIG | unix.IEXTEN | unix.ECHOE | unix.ECHOK
	const imask = unix.ICRNL | unix.IXON | unix.BRKINT | unix.INPCK | unix.ISTRIP
	return modes{iflag: tio.Iflag & imask, oflag: tio.Oflag & unix.OPOST, lflag: tio.Lflag & lmask}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func testPanicRestoresTerminal(t *testing.T, bin, at string) {
	srv, err := sandbox.Start(sandbox.Options{Seed: "demo", AdminKey: termKey}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := termEnv(t, "AGENTMAIL_API_KEY="+termKey, "AGENTMAIL_BASE_URL="+srv.URL, envTestPanic+"="+at)

	r := startOnPty(t, bin, env, 120, 35)
	before := r.initial
	if before.lflag&unix.ECHO == 0 || before.lflag&unix.ICANON == 0 {
		t.Fatalf("a fresh pty lacks echo or canonical mode: %+v", before)
	}
	// The hook panics on F12, pressed once the first frame is drawn.
	r.waitOutput(t, "30 pods", uitest.Patience)
	if _, err := io.WriteString(r.ptm, "\x1b[24~"); err != nil {
		t.Fatal(err)
	}
	code := r.wait(t, uitest.Patience)
	after := termModes(t, r.pts)
	out := r.finish(t)

	if !strings.Contains(out, "30 pods") {
		t.Errorf("the first frame was not drawn before the panic:\n%q", tail(out, 3000))
	}
	if code != exitFail {
		t.Errorf("exit code %d after a panic in %s, want %d", code, at, exitFail)
	}
	if after != before {
		t.Errorf("terminal modes after the panic %+v, want them restored to %+v", after, before)
	}
	if after.lflag&unix.ECHO == 0 || after.lflag&unix.ICANON == 0 {
		t.Errorf("echo or canonical mode left off: %+v", after)
	}
	for _, want := range []string{"Caught", "test hook: panic in", "program experienced a panic", "goroutine "} {
		if !strings.Contains(out, want) {
			t.Errorf("the output does not say %q:\n%q", want, tail(out, 3000))
		}
	}
	// The screen state is undone after it was set up: alternate screen
	// left, cursor shown, mouse reporting off.
	for _, pair := range [][2]string{{"\x1b[?1049h", "\x1b[?1049l"}, {"\x1b[?25l", "\x1b[?25h"}, {"\x1b[?1002h", "\x1b[?1002l"}} {
		on, off := strings.LastIndex(out, pair[0]), strings.LastIndex(out, pair[1])
		if on < 0 || off < on {
			t.Errorf("%q is not undone by %q at exit", pair[0], pair[1])
		}
	}
	for _, secret := range []string{termKey, termKey[8:]} {
		if strings.Contains(out, secret) {
			t.Fatalf("the terminal output contains the API key (%q)", secret)
		}
	}
}

func testSizeSweep(t *testing.T, bin string) {
	r := startOnPty(t, bin, termEnv(t), 120, 35, "--demo")
	r.waitOutput(t, "30 pods", uitest.Patience)
	type size struct{ cols, rows uint16 }
	sizes := []size{{1, 1}, {2, 1}, {1, 2}, {300, 1}, {1, 100}, {10, 3}, {59, 14}, {60, 15}, {61, 16}, {80, 24}}
	for _, cols := range []uint16{1, 7, 20, 45, 60, 100, 160, 233, 300} {
		for _, rows := range []uint16{1, 4, 15, 40, 100} {
			sizes = append(sizes, size{cols, rows})
		}
	}
	sizes = append(sizes, size{300, 100}, size{120, 35})
	keys := []string{"j", "?", "x", "G", "/", "a", "\x7f", "\r", "k"} // "\r" after "/a" applies the filter
	for i, s := range sizes {
		if err := pty.Setsize(r.ptm, &pty.Winsize{Cols: s.cols, Rows: s.rows}); err != nil {
			t.Fatal(err)
		}
		_ = r.cmd.Process.Signal(syscall.SIGWINCH)
		if _, err := io.WriteString(r.ptm, keys[i%len(keys)]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(15 * time.Millisecond)
	}
	// Open a pod and sweep the keys screen too.
	_, _ = io.WriteString(r.ptm, "g\r")
	r.waitOutput(t, "amkeys › pods › ", uitest.Patience)
	for i, s := range sizes[:len(sizes)/2] {
		_ = pty.Setsize(r.ptm, &pty.Winsize{Cols: s.cols, Rows: s.rows})
		_ = r.cmd.Process.Signal(syscall.SIGWINCH)
		_, _ = io.WriteString(r.ptm, keys[i%2]) // j and ?
		time.Sleep(10 * time.Millisecond)
	}
	_ = pty.Setsize(r.ptm, &pty.Winsize{Cols: 120, Rows: 35})
	_ = r.cmd.Process.Signal(syscall.SIGWINCH)
	time.Sleep(50 * time.Millisecond)
	_, _ = io.WriteString(r.ptm, "q")
	code := r.wait(t, uitest.Patience)
	out := r.finish(t)
	if code != 0 {
		t.Errorf("exit code %d after the size sweep", code)
	}
	if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
		t.Errorf("the sweep panicked:\n%q", tail(out, 3000))
	}
	if !strings.Contains(out, "window too small") || !strings.Contains(out, "need at least 60x15") {
		t.Error("the small sizes never reached the program: no “window too small” frame")
	}
}

// hasEscapes reports an ESC byte or a C1 control (as UTF-8 or raw).
func hasEscapes(s string) bool {
	if strings.ContainsRune(s, 0x1b) {
		return true
	}
	for _, r := range s {
		if r >= 0x80 && r <= 0x9f {
			return true
		}
	}
	return false
}

func testHeadlessHasNoEscapes(t *testing.T, bin string) {
	_, auditErr := os.Stat("audit_cmd.go")
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"--help"}, 0},
		{[]string{"--version"}, 0},
		{[]string{"sandbox", "--help"}, 0},
		{[]string{"--no-such-flag"}, 2},
		{[]string{"audit", "--no-such-flag"}, 2},
		{[]string{"audit", "--demo", "--format", "table"}, 0},
	}
	for _, tc := range cases {
		name := strings.Join(tc.args, " ")
		if tc.args[0] == "audit" && auditErr != nil {
			t.Logf("skipping %q: the audit command is not there yet", name)
			continue
		}
		// All pipes.
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, tc.args...)
		cmd.Env = termEnv(t)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if code := exitCode(err); code != tc.code {
			t.Errorf("%s: exit code %d, want %d; stderr: %q", name, code, tc.code, stderr.String())
		}
		if stdout.Len()+stderr.Len() == 0 {
			t.Errorf("%s: printed nothing", name)
		}
		if hasEscapes(stdout.String()) || hasEscapes(stderr.String()) {
			t.Errorf("%s: escape sequences in output piped to a file:\nstdout %q\nstderr %q", name, stdout.String(), stderr.String())
		}
		// stdin and stderr on a terminal, stdout piped (amkeys ... | less).
		stdout.Reset()
		ptm, pts, err := pty.Open()
		if err != nil {
			t.Fatal(err)
		}
		go func() { _, _ = io.Copy(io.Discard, ptm) }()
		cmd = exec.Command(bin, tc.args...)
		cmd.Env = termEnv(t)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, &stdout, pts
		err = cmd.Run()
		pts.Close()
		ptm.Close()
		if code := exitCode(err); code != tc.code {
			t.Errorf("%s (terminal stderr): exit code %d, want %d", name, code, tc.code)
		}
		if hasEscapes(stdout.String()) {
			t.Errorf("%s: escape sequences on a piped stdout while stderr is a terminal:\n%q", name, stdout.String())
		}
	}
}

func exitCode(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
