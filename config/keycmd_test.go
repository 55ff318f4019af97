//go:build unix

package config

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func runKey(ctx context.Context, command string, timeout time.Duration) (keyResult, error) {
	return keyCommand{command: command, timeout: timeout, who: "profile work"}.run(ctx)
}

func TestRunKeyCommand(t *testing.T) {
	tests := []struct {
		name, command string
		want          string // key, when err is ""
		err           string // exact error text
	}{
		{name: "prints the key", command: "printf '  %s\\n' " + testKey, want: testKey},
		{name: "no final newline", command: "printf %s " + testKey, want: testKey},
		{name: "pipeline", command: "echo x" + testKey + " | cut -c2-", want: testKey},
		{name: "fails with stderr", command: "echo 'gpg: decryption failed: No secret key' >&2; echo more >&2; exit 1",
			err: "api_key_command for profile work failed: exit status 1: gpg: decryption failed: No secret key"},
		{name: "fails silently", command: "exit 3",
			err: "api_key_command for profile work failed: exit status 3"},
		{name: "blank stderr lines skipped", command: "printf '\\n  \\nreal reason\\n' >&2; exit 1",
			err: "api_key_command for profile work failed: exit status 1: real reason"},
		{name: "stderr sanitised", command: "printf 'bad\\033[31m red\\a\\tthing\\r\\n' >&2; exit 1",
			err: "api_key_command for profile work failed: exit status 1: bad[31m red thing"},
		{name: "key on stdout and stderr", command: "echo " + testKey + "; echo \"wrong key " + testKey + "\" >&2; exit 1",
			err: "api_key_command for profile work failed: exit status 1: wrong key [redacted]"},
		{name: "command not found", command: "no-such-command-amkeys-test",
			err: "api_key_command for profile work failed: exit status 127: sh: 1: no-such-command-amkeys-test: not found"},
		{name: "prints nothing", command: "true",
			err: "api_key_command for profile work printed nothing; it must print the API key"},
		{name: "prints two lines", command: "echo " + testKey + "; echo user: me",
			err: "api_key_command for profile work printed several lines; it must print only the key (try adding | head -n 1)"},
		{name: "key with space", command: "echo '" + testKey + " x'",
			err: "the key printed by api_key_command for profile work contains spaces or control characters"},
		{name: "key with tab", command: "printf '" + testKey + "\\tx\\n'",
			err: "the key printed by api_key_command for profile work contains spaces or control characters"},
		{name: "key with a no-break space", command: "printf '" + testKey + "\\302\\240x\\n'",
			err: "the key printed by api_key_command for profile work contains spaces or control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := runKey(context.Background(), tt.command, roomy)
			if tt.err == "" {
				if err != nil || res.key.Reveal() != tt.want || res.leftovers {
					t.Fatalf("got %q, %v, leftovers %v; want the key", res.key.Reveal(), err, res.leftovers)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; want %s", tt.err)
			}
			if strings.Contains(tt.name, "not found") {
				// The wording of sh's message differs between shells.
				if !strings.HasPrefix(err.Error(), "api_key_command for profile work failed: exit status 127: ") {
					t.Errorf("got %s", err)
				}
			} else if err.Error() != tt.err {
				t.Errorf("got  %s\nwant %s", err, tt.err)
			}
			if strings.Contains(err.Error(), "TESTKEY") || !res.key.IsZero() {
				t.Errorf("error or result carries the key: %s", err)
			}
		})
	}
}

// A key that reaches stderr only (no stdout to compare with) is still cut
// out, whatever its case, wherever it is on the line.
func TestRunKeyCommandRedactsKeyLikeTokens(t *testing.T) {
	tests := []struct{ stderr, want string }{
		{"am_TESTKEY_1a-2", "[redacted]"},
		{"token AM_TESTKEY_x rejected", "token [redacted] rejected"},
		{"key=Am_TESTKEY_y,user=me", "key=[redacted],user=me"},
		{"two: am_TESTKEY_1 am_TESTKEY_2", "two: [redacted] [redacted]"},
		{"'am_TESTKEY_q'", "'[redacted]'"},
		// Not keys: am_ inside a word, or with nothing after it.
		{"program_name: not found", "program_name: not found"},
		{"am_ alone", "am_ alone"},
	}
	for _, tt := range tests {
		_, err := runKey(context.Background(), "printf '%s\\n' \""+tt.stderr+"\" >&2; exit 1", roomy)
		want := "api_key_command for profile work failed: exit status 1: " + tt.want
		if err == nil || err.Error() != want {
			t.Errorf("stderr %q:\ngot  %v\nwant %s", tt.stderr, err, want)
		}
	}
}

func TestRunKeyCommandCutsLongStderr(t *testing.T) {
	_, err := runKey(context.Background(), "printf '%0300d' 0 >&2; exit 1", roomy)
	want := "api_key_command for profile work failed: exit status 1: " + strings.Repeat("0", 200) + "…"
	if err == nil || err.Error() != want {
		t.Errorf("got %v", err)
	}
}

// Whatever a command prints, at most 512 bytes are taken as a key, and the
// refusal never repeats what was printed.
func TestRunKeyCommandRefusesLongOutput(t *testing.T) {
	const want = "the key printed by api_key_command for profile work is longer than 512 bytes, too long for an API key"
	for _, command := range []string{
		"head -c 1048576 /dev/zero | tr '\\0' Q; echo", // a 1 MB line
		"head -c 1048576 /dev/zero | tr '\\0' Q",       // without a newline
		"printf 'am_%0510d\\n' 0 | tr 0 Q",             // 513 bytes
	} {
		res, err := runKey(context.Background(), command, roomy)
		if err == nil || err.Error() != want || !res.key.IsZero() {
			t.Errorf("%s:\ngot  %.200v\nwant %s", command, err, want)
		}
	}
	res, err := runKey(context.Background(), "printf 'am_%0509d\\n' 0 | tr 0 Q", roomy)
	if err != nil || len(res.key.Reveal()) != 512 {
		t.Errorf("a 512-byte key: got %d bytes, %v", len(res.key.Reveal()), err)
	}
}

func TestRunKeyCommandTimesOut(t *testing.T) {
	start := time.Now()
	_, err := runKey(context.Background(), "sleep 300", 300*time.Millisecond)
	if err == nil || err.Error() != "api_key_command for profile work timed out after 300ms (it cannot prompt for input)" {
		t.Errorf("got %v", err)
	}
	if elapsed := time.Since(start); elapsed > roomy {
		t.Errorf("took %s to give up", elapsed)
	}
}

// sh forks for a background job (and dash even for a plain `sleep 30`);
// the timeout must kill those children too, not only sh.
func TestRunKeyCommandTimeoutKillsChildren(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	_, err := runKey(context.Background(), "sleep 300 & echo $! > '"+pidFile+"'; wait", 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("got %v", err)
	}
	waitGone(t, readPID(t, pidFile))
}

// A command that leaves a background job holding its stdout (as in
// `echo $K; sleep 300 &`) gives its key as soon as it has exited; the job
// is ended, and nothing is left running, neither process nor goroutine.
func TestRunKeyCommandBackgroundJobHoldsStdout(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, command := range []string{
		"echo " + testKey + "; sleep 300 & echo $! > '{pid}'",
		"printf %s " + testKey + "; sleep 300 & echo $! > '{pid}'", // no newline: waits for the job to end
		"echo " + testKey + "; sleep 300 >&2 & echo $! > '{pid}'",  // holds stderr only
		"echo " + testKey + "; (sleep 300; echo late) & echo $! > '{pid}'",
	} {
		pidFile := filepath.Join(t.TempDir(), "pid")
		res, err := runKey(context.Background(), strings.ReplaceAll(command, "{pid}", pidFile), roomy)
		if err != nil || res.key.Reveal() != testKey || !res.leftovers {
			t.Errorf("%s: got %v, leftovers %v; want the key", command, err, res.leftovers)
		}
		waitGone(t, readPID(t, pidFile))
	}
}

// A process that left the command's process group (setsid) is not ended;
// a complete key line is still taken at once. Without a newline amkeys
// cannot know the key is complete, and says why it gave up.
func TestRunKeyCommandDetachedProcessHoldsStdout(t *testing.T) {
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("no setsid command")
	}
	// The command waits until the detached process has left the group,
	// which then holds stdout.
	run := func(print string, timeout time.Duration) (keyResult, error) {
		pidFile := filepath.Join(t.TempDir(), "pid")
		command := strings.ReplaceAll(print+"; setsid sh -c 'echo $$ > {pid}; exec sleep 300' & "+
			"while [ ! -s {pid} ]; do sleep 0.01; done", "{pid}", "'"+pidFile+"'")
		res, err := runKey(context.Background(), command, timeout)
		pid := readPID(t, pidFile)
		_ = syscall.Kill(pid, syscall.SIGKILL)
		waitGone(t, pid)
		return res, err
	}
	res, err := run("echo "+testKey, roomy)
	if err != nil || res.key.Reveal() != testKey {
		t.Errorf("complete line: got %v; want the key", err)
	}
	_, err = run("printf %s "+testKey, 10*time.Second)
	want := "api_key_command for profile work exited without ending the key's line, and a process it started " +
		"in the background still holds its output open; make it print the key followed by a newline"
	if err == nil || err.Error() != want {
		t.Errorf("incomplete line:\ngot  %v\nwant %s", err, want)
	}
}

// The command sees the environment, but no variable that holds a key.
func TestRunKeyCommandHidesKeyVariables(t *testing.T) {
	t.Setenv(EnvAPIKey, testKey+"_env")
	t.Setenv("AGENTMAIL_WORK_KEY", testKey+"_work")
	t.Setenv("AMKEYS_TEST_VISIBLE", "yes")
	envFile := filepath.Join(t.TempDir(), "env")
	kc := keyCommand{command: "env > '" + envFile + "'; echo " + testKey, timeout: roomy, who: "profile work",
		hideEnv: []string{EnvAPIKey, "AGENTMAIL_WORK_KEY"}}
	if res, err := kc.run(context.Background()); err != nil || res.key.Reveal() != testKey {
		t.Fatalf("got %v", err)
	}
	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(strings.Split(string(env), "\n"), "AMKEYS_TEST_VISIBLE=yes") {
		t.Errorf("the command did not get the environment:\n%s", env)
	}
	if strings.Contains(string(env), "TESTKEY") {
		t.Errorf("the command saw a key variable:\n%s", env)
	}
}

func TestRunKeyCommandCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	// Cancelled before or after the shell starts: either way the error
	// must be the cancellation, and never the (patient) timeout.
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	_, err := runKey(ctx, "sleep 300", roomy)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func readPID(t *testing.T, file string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// waitGone waits until process pid has ended: gone, or a zombie waiting for
// a parent that does not reap.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	if runtime.GOOS != "linux" {
		return // reads /proc
	}
	stat := "/proc/" + strconv.Itoa(pid) + "/stat"
	deadline := time.Now().Add(roomy)
	for {
		b, err := os.ReadFile(stat)
		if err != nil || strings.Contains(string(b), ") Z ") {
			return
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("process still running: %s", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
