package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestRunKeyCommand(t *testing.T) {
	tests := []struct {
		name, command string
		want          string // key, when err is ""
		err           string // exact error text
	}{
		{name: "prints the key", command: "printf '  %s\\n' " + testKey, want: testKey},
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := runKeyCommand(context.Background(), tt.command, patientCommand, "profile work")
			if tt.err == "" {
				if err != nil || key.Reveal() != tt.want {
					t.Fatalf("got %q, %v; want the key", key.Reveal(), err)
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
			if strings.Contains(err.Error(), "TESTKEY") || !key.IsZero() {
				t.Errorf("error or result carries the key: %s", err)
			}
		})
	}
}

func TestRunKeyCommandCutsLongStderr(t *testing.T) {
	_, err := runKeyCommand(context.Background(), "printf '%0300d' 0 >&2; exit 1", patientCommand, "profile work")
	want := "api_key_command for profile work failed: exit status 1: " + strings.Repeat("0", 200) + "…"
	if err == nil || err.Error() != want {
		t.Errorf("got %v", err)
	}
}

// patientCommand is the timeout of commands that finish: a shell may be slow
// to start on a busy machine, and must never be taken for a hung one. The
// tests of the timeout pair a short one with a command that sleeps for
// minutes, so that the timeout always strikes first.
const patientCommand = time.Minute

func TestRunKeyCommandTimesOut(t *testing.T) {
	start := time.Now()
	_, err := runKeyCommand(context.Background(), "sleep 300", 300*time.Millisecond, "profile work")
	if err == nil || err.Error() != "api_key_command for profile work timed out after 300ms (it cannot prompt for input)" {
		t.Errorf("got %v", err)
	}
	// Loose, for a busy machine: the command itself would take 5 minutes.
	if elapsed := time.Since(start); elapsed > 30*time.Second {
		t.Errorf("took %s to give up", elapsed)
	}
}

// sh forks for a background job (and dash even for a plain `sleep 30`);
// the timeout must kill those children too, not only sh.
func TestRunKeyCommandTimeoutKillsChildren(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	_, err := runKeyCommand(context.Background(), "sleep 300 & echo $! > '"+pidFile+"'; wait", 300*time.Millisecond, "profile work")
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("got %v", err)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	stat := "/proc/" + strings.TrimSpace(string(data)) + "/stat"
	deadline := time.Now().Add(30 * time.Second) // only stops a broken test
	for {
		b, err := os.ReadFile(stat)
		// Gone, or a zombie waiting for a parent that does not reap.
		if err != nil || strings.Contains(string(b), ") Z ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("child still running: %s", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRunKeyCommandCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	// Cancelled before or after the shell starts: either way the error
	// must be the cancellation, and never the (patient) timeout.
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	_, err := runKeyCommand(ctx, "sleep 300", patientCommand, "profile work")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
