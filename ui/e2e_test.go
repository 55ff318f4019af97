package ui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/uitest"
)

func waitFor(t *testing.T, tm *teatest.TestModel, want string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(out []byte) bool {
		return bytes.Contains(out, []byte(want))
	}, teatest.WithDuration(uitest.Patience), teatest.WithCheckInterval(20*time.Millisecond))
}

// TestEndToEndBrowse drives the real program against the sandbox: open the
// pod with 260 keys, go to the end (every page loads), filter, open a key,
// go back and quit.
func TestEndToEndBrowse(t *testing.T) {
	c, _ := uitest.SandboxCommon(t, "demo")
	c.Settings.PageSize = 20
	ctx, cancel := context.WithCancel(c.Ctx)
	c.Ctx = ctx
	tm := teatest.NewTestModel(t, New(c, cancel), teatest.WithInitialTermSize(120, 35))

	waitFor(t, tm, "30 pods")
	tm.Type("/Acme Support")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "support-agent")

	tm.Type("G")
	waitFor(t, tm, "260 keys")

	tm.Type("/parser")                      // teatest types bytes, so ASCII only
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // keep the filter
	waitFor(t, tm, "of 260 keys")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // open the key
	waitFor(t, tm, "last used")

	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	waitFor(t, tm, "stale after")
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(uitest.Patience))

	final := tm.FinalModel(t).(*Model)
	screen, ok := final.Top().(*keys.Model)
	if !ok {
		t.Fatalf("ended on %T, want the keys screen", final.Top())
	}
	if !screen.List().Complete() || screen.List().Len() != 260 {
		t.Fatalf("keys loaded: %d, complete=%v", screen.List().Len(), screen.List().Complete())
	}
	if screen.List().Query() != "parser" || screen.List().Shown() == 0 {
		t.Fatalf("filter %q shows %d", screen.List().Query(), screen.List().Shown())
	}
	if ctx.Err() == nil {
		t.Fatal("quitting did not cancel pending requests")
	}
}
