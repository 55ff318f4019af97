package uitest

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/ui/common"
)

// Sandbox starts a sandbox on loopback with the fixed test clock and
// returns it with a client that uses its admin key.
func Sandbox(t testing.TB, seed string) (*sandbox.Running, *client.Client) {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Options{Seed: seed, Now: func() time.Time { return Clock }}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	// Patience per attempt: a busy machine must not turn a slow answer into
	// a timeout.
	c, err := client.New(client.Options{BaseURL: srv.URL, APIKey: srv.AdminKey(), Backoff: 10 * time.Millisecond, Timeout: Patience})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// SandboxCommon is NewCommon with a sandbox-backed client.
func SandboxCommon(t testing.TB, seed string) (*common.Common, *sandbox.Running) {
	t.Helper()
	srv, api := Sandbox(t, seed)
	c := NewCommon(t, api)
	// Settings.BaseURL stays fixed: the port changes every run and would
	// break golden frames.
	c.Settings.OwnKeyPrefix = api.KeyPrefix()
	return c, srv
}

// Run collects what cmd produces and feeds it to m until things settle.
func Run(m Model, cmd tea.Cmd) {
	for _, msg := range Collect(cmd, Patience) {
		if !isTick(msg) {
			Settle(m, msg)
		}
	}
}
