//go:build linux

package main

// The built binary in a real tmux pane, on the hostile sandbox filtered to
// its skin-tone emoji pods: tmux draws code point by code point, so a name
// drawn wider than lipgloss measured wraps its row and the renderer loses
// track of the screen (issue 9, finding 15: the header scrolls away and rows
// of the previous frame stay). It skips when tmux is not installed.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
)

func TestEmojiRowsInTmux(t *testing.T) {
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
	srv := startSandbox(t, "hostile")
	loaded := fmt.Sprintf("%d pods", countPods(t, srv.URL, srv.AdminKey()))

	socket := filepath.Join(t.TempDir(), "tmux.sock") // removed with the dir
	env := termEnv(t, "LC_ALL=C.UTF-8", "AGENTMAIL_BASE_URL="+srv.URL,
		"AGENTMAIL_API_KEY="+srv.AdminKey())
	tmux := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("tmux", append([]string{"-S", socket, "-f", "/dev/null"}, args...)...)
		cmd.Env = env // the server, and so the pane, inherits it
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v: %s", args[0], err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-x", "120", "-y", "35", "'"+bin+"'; exec sleep 600")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", socket, "kill-server").Run() })

	// screen waits, generously, until the pane shows all of want, and
	// returns it.
	screen := func(want ...string) []string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			out := tmux("capture-pane", "-p")
			if containsAll(out, want) {
				return strings.Split(out, "\n")
			}
			if time.Now().After(deadline) {
				t.Fatalf("the pane never showed %q:\n%s", want, out)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	screen("sgr-bell", "q quit") // the first page of pods is in
	tmux("send-keys", "/")
	screen("enter apply filter") // the filter prompt is open
	tmux("send-keys", "-l", "skin")
	// The filter loads the pods left on the server.
	checkSkinRows(t, "typing the filter", screen("/ skin", loaded))
	tmux("send-keys", "Enter")
	checkSkinRows(t, "filter applied", screen("filter “skin”", loaded))
}

// countPods counts the sandbox's pods with the plain client.
func countPods(t *testing.T, baseURL, key string) int {
	t.Helper()
	api, err := client.New(client.Options{BaseURL: baseURL, APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = api.EachPod(context.Background(), client.ListOptions{Limit: 100}, func(p client.PodPage) error {
		n += len(p.Pods)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

var podRow = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} `)
var rowEnd = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d \d{4}-\d\d-\d\d \d\d:\d\d$`)

// checkSkinRows fails unless the pane is one whole frame: the header on top
// and exactly the pods whose client id matches "skin" (corpus-emoji-skin-tone,
// -zwj-skin-tone and -skin-tone-without-base, cut short), each on one line.
func checkSkinRows(t *testing.T, step string, lines []string) {
	t.Helper()
	frame := strings.Join(lines, "\n")
	if !strings.HasPrefix(lines[0], "amkeys › pods") {
		t.Errorf("%s: the header is gone from the top line:\n%s", step, frame)
	}
	rows := 0
	for _, l := range lines {
		if !podRow.MatchString(l) || strings.Contains(l, " · ") { // the status line names the org by its UUID
			continue
		}
		rows++
		if !strings.Contains(l, "corpus-emoji-") || !rowEnd.MatchString(l) {
			t.Errorf("%s: a stale or wrapped row %q:\n%s", step, l, frame)
		}
	}
	if rows != 3 {
		t.Errorf("%s: %d pod rows, want the 3 skin-tone pods:\n%s", step, rows, frame)
	}
}
