//go:build linux

package main

// Issue 11, item 2: keys that reach amkeys together (a fast typist over
// SSH; tmux send-keys -l) arrive as one message with several runes. Only a
// real terminal shows it: the built binary in tmux gets "jjj" in one write
// and must move its cursor three rows; a write that opens a screen goes on
// in the new screen. It skips when tmux is not installed,
// unless AMKEYS_REQUIRE_TMUX is set (CI).

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestKeyBurstInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("AMKEYS_REQUIRE_TMUX") != "" {
			t.Fatal("tmux is not installed and AMKEYS_REQUIRE_TMUX is set (CI installs it)")
		}
		t.Skip("tmux is not installed")
	}
	bin := filepath.Join(t.TempDir(), "amkeys")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	socket := filepath.Join(t.TempDir(), "tmux.sock") // removed with the dir
	env := termEnv(t, "LC_ALL=C.UTF-8")
	tmux := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("tmux", append([]string{"-S", socket, "-f", "/dev/null"}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v: %s", args[0], err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-x", "100", "-y", "30", "'"+bin+"' --demo; exec sleep 600")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", socket, "kill-server").Run() })

	// cursorRow waits, generously, until the pane shows want and the
	// selected row, and returns the selected row's line.
	cursorRow := func(want string, not int) int {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			out := tmux("capture-pane", "-p")
			if strings.Contains(out, want) {
				for i, l := range strings.Split(out, "\n") {
					if strings.HasPrefix(l, "▸ ") && i != not {
						return i
					}
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("the pane never showed %q with a selected row (other than line %d):\n%s", want, not, out)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	first := cursorRow("q quit", -1)
	tmux("send-keys", "-l", "jjj") // one write: one message of three runes
	if got := cursorRow("q quit", first); got != first+3 {
		t.Fatalf("jjj in one burst moved the cursor from line %d to %d, want %d", first, got, first+3)
	}

	// One write that opens a screen and goes on in it: enter opens the
	// pod, n its new-key form (before the pod's keys loaded), and "ci" is
	// typed into the form's name field. Navigation is synchronous, so no
	// key after enter reaches the pods screen.
	tmux("send-keys", "-l", "\rnci")
	nameIsCI := regexp.MustCompile(`(?m)^Name +ci\b`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		out := tmux("capture-pane", "-p")
		if strings.Contains(out, "New API key in pod") && nameIsCI.MatchString(out) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("enter then nci in one write did not open the key form with the name ci:\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
