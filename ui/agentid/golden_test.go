package agentid_test

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/agentid"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/uitest"
)

// fixedKeyDir keeps the proposed key path the same on every machine.
const fixedKeyDir = "/home/user/.config/amkeys/agentid"

// demoHost is the list on the demo sandbox in the host at w×h, loaded.
func demoHost(t *testing.T, w, h int, settings func(*common.Settings)) (*host, *agentid.Model) {
	t.Helper()
	_, api := uitest.Sandbox(t, "demo")
	c := uitest.NewCommon(t, api)
	if settings != nil {
		settings(&c.Settings)
	}
	list := agentid.New(c, api)
	list.SetKeyDir(fixedKeyDir)
	hs := newHost(c, list)
	hs.Update(tea.WindowSizeMsg{Width: w, Height: h})
	uitest.Run(hs, hs.Init())
	if list.List().Len() != 10 {
		t.Fatalf("%d credentials loaded, want the demo's 10", list.List().Len())
	}
	return hs, list
}

// press settles each key in turn.
func press(hs *host, keys ...string) {
	for _, k := range keys {
		uitest.Settle(hs, uitest.Key(k))
	}
}

// rowOf moves the cursor to the credential named name.
func rowOf(t *testing.T, hs *host, list *agentid.Model, name string) {
	t.Helper()
	for r := range list.List().Shown() {
		if list.List().Item(r).Name == name {
			list.List().Table.SetCursor(r)
			return
		}
	}
	t.Fatalf("no credential named %q", name)
}

func TestGoldenFrames(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 35}} {
		suffix := fmt.Sprintf("-%dx%d", size[0], size[1])
		steps := []struct {
			name string
			do   func(t *testing.T, hs *host, list *agentid.Model)
		}{
			{"list", func(*testing.T, *host, *agentid.Model) {}},
			{"detail", func(t *testing.T, hs *host, list *agentid.Model) {
				rowOf(t, hs, list, "Stark deploy agent")
				press(hs, "enter")
			}},
			{"detail-revoked", func(t *testing.T, hs *host, list *agentid.Model) {
				rowOf(t, hs, list, "Old laptop (lost)")
				press(hs, "enter")
			}},
			{"register-form", func(_ *testing.T, hs *host, _ *agentid.Model) { press(hs, "n") }},
			{"register-existing", func(_ *testing.T, hs *host, _ *agentid.Model) { press(hs, "i") }},
			{"revoke-dialog", func(t *testing.T, hs *host, list *agentid.Model) {
				rowOf(t, hs, list, "Release bot")
				press(hs, "d")
			}},
			{"revoke-all-dialog", func(_ *testing.T, hs *host, _ *agentid.Model) { press(hs, "X") }},
			{"rename", func(t *testing.T, hs *host, list *agentid.Model) {
				rowOf(t, hs, list, "Release bot")
				press(hs, "e")
			}},
		}
		for _, st := range steps {
			t.Run(st.name+suffix, func(t *testing.T) {
				hs, list := demoHost(t, size[0], size[1], nil)
				st.do(t, hs, list)
				uitest.Golden(t, st.name+suffix, hs.View())
			})
		}
	}
}

// The revoke-all receipt replaces the dialog; the rows behind it are
// reloaded and all show revoked.
func TestGoldenRevokeAllReceipt(t *testing.T) {
	hs, list := demoHost(t, 80, 24, nil)
	press(hs, "X")
	for _, r := range agentid.RevokeAllPhrase {
		press(hs, string(r))
	}
	press(hs, "enter")
	frame := uitest.Plain(hs.View())
	// The request id is random: mask it for the golden file.
	lines := strings.Split(frame, "\n")
	for i, l := range lines {
		if j := strings.Index(l, "request id   "); j >= 0 {
			lines[i] = l[:j+13] + strings.Repeat("x", 36) + l[j+13+36:]
		}
	}
	uitest.Golden(t, "revoke-all-receipt-80x24", strings.Join(lines, "\n"))
	press(hs, "enter")
	for r := range list.List().Shown() {
		if !list.List().Item(r).Revoked() {
			t.Fatalf("row %d (%s) is not revoked after the reload", r, list.List().Item(r).Name)
		}
	}
	if !strings.Contains(hs.View(), "0 active · 0 expired · 10 revoked") {
		t.Fatalf("the summary does not count the revoked rows:\n%s", hs.View())
	}
}
