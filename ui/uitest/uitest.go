// Package uitest helps UI tests: it runs commands to collect their
// messages, compares frames with golden files, and builds a Common.
package uitest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	_ "github.com/charmbracelet/x/exp/golden" // defines -update

	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/styles"
)

// updating reports whether -update was given. The flag itself is the one
// charmbracelet/x/exp/golden defines (teatest uses it), imported here so
// that both agree instead of defining it twice.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// Clock is the fixed time of UI tests, so frames with "3 days ago" are stable.
var Clock = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// NewCommon returns a Common for tests: colour off, a fixed clock.
func NewCommon(t testing.TB, api common.API) *common.Common {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return &common.Common{
		Ctx:      ctx,
		API:      api,
		Settings: common.Settings{Profile: "test", BaseURL: "http://127.0.0.1:1", PageSize: 50, StaleDays: 90, ClipboardClear: 30 * time.Second, UTC: true},
		Styles:   styles.New(true),
		Now:      func() time.Time { return Clock },
	}
}

// Patience is how long a test waits for something that should simply
// happen: a command's answer from the sandbox, a frame, a program's end.
// The wait ends as soon as it happens, so the bound can be generous; it must
// be, since on a loaded machine (2 cores, -race, parallel packages) a
// loopback request can take seconds.
const Patience = 30 * time.Second

// Collect runs cmd and returns the messages it produces within wait;
// batches are run concurrently and flattened. Commands that take longer
// are left behind, so pass Patience: a shorter wait could leave a slow
// answer behind on a busy machine. Tests should not hand Collect timers
// longer than the wait (such as a 30 s clipboard clear): it would wait for
// them.
func Collect(cmd tea.Cmd, wait time.Duration) []tea.Msg {
	if cmd == nil {
		return nil
	}
	out := make(chan []tea.Msg, 1)
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			var all []tea.Msg
			results := make(chan []tea.Msg, len(batch))
			for _, c := range batch {
				go func() { results <- Collect(c, wait) }()
			}
			deadline := time.After(wait)
			for range batch {
				select {
				case r := <-results:
					all = append(all, r...)
				case <-deadline:
					out <- all
					return
				}
			}
			out <- all
			return
		}
		if msg == nil {
			out <- nil
			return
		}
		out <- []tea.Msg{msg}
	}()
	select {
	case r := <-out:
		return r
	case <-time.After(wait):
		return nil
	}
}

// Model is anything with the tea.Model shape.
type Model interface {
	Update(tea.Msg) (tea.Model, tea.Cmd)
	View() string
}

// Settle feeds msg to m, then every message its commands produce, until
// none are left (or rounds run out). It returns the last command's
// leftovers count for debugging.
func Settle(m Model, msg tea.Msg) {
	queue := []tea.Msg{msg}
	// A timer the tick filter does not recognise would otherwise keep the
	// loop going forever; no real exchange with the sandbox takes this long.
	deadline := time.Now().Add(settleBudget)
	for rounds := 0; len(queue) > 0 && rounds < 10_000 && time.Now().Before(deadline); rounds++ {
		next := queue[0]
		queue = queue[1:]
		_, cmd := m.Update(next)
		for _, out := range Collect(cmd, Patience) {
			if isTick(out) {
				continue
			}
			queue = append(queue, out)
		}
	}
}

// settleBudget only stops a loop on a timer the filter missed; a slow
// machine must never reach it, as Settle would then stop early, silently.
const settleBudget = 5 * time.Minute

// isTick spots timer messages that would otherwise loop forever.
func isTick(msg tea.Msg) bool {
	name := strings.ToLower(fmt.Sprintf("%T", msg))
	return strings.Contains(name, "tick") || strings.Contains(name, "blink")
}

// Plain strips colour and trailing spaces from a frame.
func Plain(frame string) string {
	lines := strings.Split(ansi.Strip(frame), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// Golden compares a frame (colour stripped) with testdata/<name>.golden;
// run tests with -update to rewrite it.
func Golden(t testing.TB, name, frame string) {
	t.Helper()
	got := Plain(frame)
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run with -update to create it)", path, err)
	}
	if got != string(want) {
		t.Errorf("frame differs from %s (run with -update after checking):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// namedKeys are the special keys tests press by name.
var namedKeys = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "up": tea.KeyUp, "down": tea.KeyDown,
	"pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
	"backspace": tea.KeyBackspace, "ctrl+c": tea.KeyCtrlC, "ctrl+d": tea.KeyCtrlD,
	"ctrl+u": tea.KeyCtrlU, "ctrl+s": tea.KeyCtrlS, "home": tea.KeyHome, "end": tea.KeyEnd,
	"left": tea.KeyLeft, "right": tea.KeyRight,
}

// Key makes a key message from a string such as "j", "enter", "ctrl+c".
func Key(s string) tea.KeyMsg {
	if s == "space" || s == " " {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	if t, ok := namedKeys[s]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}
