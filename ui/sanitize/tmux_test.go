package sanitize

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxWidths are the cell widths the tmux test draws each corpus string at:
// roomy, cut with "…", and too narrow for a wide character.
var tmuxWidths = []int{40, 7, 2}

// TestCellWidthInTmux prints every corpus string as a cell between two bars
// into a real tmux pane and checks that tmux draws the cell exactly as wide
// as amkeys laid it out. tmux measures code point by code point with the C
// library's wcwidth, as xterm does, so this is the check that lipgloss's
// grapheme width and a terminal's width agree. The right bar is placed with
// an absolute cursor move (CHA) to the column amkeys computed: a cell drawn
// too wide has its end overwritten by the bar, one drawn too narrow leaves
// a gap, and either way the captured line differs from the expected one.
//
// It skips when tmux is not installed; CI installs it.
func TestCellWidthInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("AMKEYS_REQUIRE_TMUX") != "" {
			t.Fatal("tmux is not installed and AMKEYS_REQUIRE_TMUX is set (CI installs it)")
		}
		t.Skip("tmux is not installed")
	}
	var frame strings.Builder
	var want []string
	frame.WriteString("BEGIN\n")
	for _, c := range Corpus() {
		for _, w := range tmuxWidths {
			cell := Cell(c.Text, w)
			fmt.Fprintf(&frame, "|%s\x1b[%dG| %s/%d\n", cell, w+2, c.Name, w)
			want = append(want, fmt.Sprintf("|%s| %s/%d", cell, c.Name, w))
		}
	}
	frame.WriteString("END\n")

	got := drawInTmux(t, frame.String())
	begin := indexOf(got, "BEGIN")
	if begin < 0 || len(got) < begin+1+len(want) {
		t.Fatalf("tmux pane holds %d lines, want BEGIN and %d rows:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	got = got[begin+1 : begin+1+len(want)]
	bad := 0
	for i := range want {
		if got[i] != want[i] {
			bad++
			t.Errorf("tmux drew\n\t%q\nwant\n\t%q", got[i], want[i])
		}
	}
	t.Logf("%d of %d cells drawn at the width amkeys laid out", len(want)-bad, len(want))
}

// drawInTmux has a fresh tmux server on its own socket print frame into a
// 200x50 pane and returns every line of the pane, history included.
func drawInTmux(t *testing.T, frame string) []string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "frame")
	if err := os.WriteFile(file, []byte(frame), 0o600); err != nil {
		t.Fatal(err)
	}
	socket := filepath.Join(dir, "tmux.sock") // removed with dir
	tmux := func(args ...string) (string, error) {
		cmd := exec.Command("tmux", append([]string{"-S", socket, "-f", "/dev/null"}, args...)...)
		// A UTF-8 locale so that tmux measures with Unicode widths.
		cmd.Env = append(withoutEnv(os.Environ(), "TMUX", "LC_ALL", "LC_CTYPE"), "LC_ALL=C.UTF-8", "HOME="+dir)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := tmux("new-session", "-d", "-x", "200", "-y", "50",
		"cat '"+file+"'; exec sleep 600"); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { _, _ = tmux("kill-server") })
	if out, err := tmux("set-option", "-g", "history-limit", "10000"); err != nil {
		t.Fatalf("tmux set-option: %v: %s", err, out)
	}

	// Generous: the machine may be busy; a healthy run takes well under 1 s.
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := tmux("capture-pane", "-p", "-S", "-", "-E", "-")
		if err != nil {
			t.Fatalf("tmux capture-pane: %v: %s", err, out)
		}
		lines := strings.Split(out, "\n")
		if indexOf(lines, "END") >= 0 {
			return lines
		}
		if time.Now().After(deadline) {
			t.Fatalf("tmux pane never showed END; it holds:\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func indexOf(lines []string, s string) int {
	for i, l := range lines {
		if l == s {
			return i
		}
	}
	return -1
}

func withoutEnv(env []string, names ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}
