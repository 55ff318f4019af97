package agentid_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/amkeys/amkeys/ui/agentid"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/uitest"
)

// The smallest window is 60x15; the dashboard's chrome (breadcrumb,
// message line, status, help) and the home screen's tab bar leave a
// screen 10 lines. Every dialog and form must keep its input and its
// buttons in view from there up.
const (
	minScreenWidth  = 60
	minScreenHeight = 10
)

func TestEveryDialogAndFormFits(t *testing.T) {
	typePhrase := func(hs *host) {
		for _, r := range agentid.RevokeAllPhrase {
			press(hs, string(r))
		}
	}
	cases := []struct {
		name  string
		lose  bool // lose the revoke-all answer
		open  func(t *testing.T, hs *host, list *agentid.Model)
		wants []string
	}{
		{"revoke", false, func(t *testing.T, hs *host, list *agentid.Model) {
			rowOf(t, hs, list, "Release bot")
			press(hs, "d")
		}, []string{"Revoke this AgentID credential?", "│ >", "[  Cancel  ]", "Revoke  ]"}},
		{"revoke typed", false, func(t *testing.T, hs *host, list *agentid.Model) {
			rowOf(t, hs, list, "Release bot")
			press(hs, "d", "R", "e")
		}, []string{"│ > Re", "[  Cancel  ]", "Revoke  ]"}},
		{"revoke-all", false, func(_ *testing.T, hs *host, _ *agentid.Model) { press(hs, "X") },
			[]string{"Revoke EVERY", "revoke all", "│ >", "[  Cancel  ]", "Revoke all  ]"}},
		{"revoke-all receipt", false, func(_ *testing.T, hs *host, _ *agentid.Model) {
			press(hs, "X")
			typePhrase(hs)
			press(hs, "enter")
		}, []string{"Every AgentID credential is revoked", "[> Close <]"}},
		{"revoke-all lost", true, func(_ *testing.T, hs *host, _ *agentid.Model) {
			press(hs, "X")
			typePhrase(hs)
			press(hs, "enter")
		}, []string{"did not get a receipt", "Retry", "[> Close <]"}},
		{"register", false, func(_ *testing.T, hs *host, _ *agentid.Model) { press(hs, "n") },
			[]string{"Key ", "Save key to", "Name", "Scope", "Expires", "[  Register  ]"}},
		{"register refused", false, func(_ *testing.T, hs *host, _ *agentid.Model) {
			press(hs, "i", "ctrl+s")
		}, []string{"Public key", "Expires", "[  Register  ]", "A key file path is required."}},
		{"register bad expiry", false, func(_ *testing.T, hs *host, _ *agentid.Model) {
			press(hs, "n", "tab", "tab", "x", "ctrl+s")
		}, []string{"Expires", "x", "Register", "expiry: want"}},
		{"rename", false, func(t *testing.T, hs *host, list *agentid.Model) {
			rowOf(t, hs, list, "Release bot")
			press(hs, "e")
		}, []string{"new name", "Release bot", "[> Rename <]"}},
		{"rename refused", false, func(t *testing.T, hs *host, list *agentid.Model) {
			rowOf(t, hs, list, "Release bot")
			press(hs, "e", "ctrl+u", "enter")
		}, []string{"new name", "[> Rename <]", "A name is 1 to 256 characters."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, admin := uitest.Sandbox(t, "demo")
			api := &recorder{API: admin}
			if tc.lose {
				api.loseRevokeAll = 1
			}
			c := uitest.NewCommon(t, admin)
			list := agentid.New(c, api)
			list.SetKeyDir(t.TempDir())
			hs := newHost(c, list)
			hs.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
			uitest.Run(hs, hs.Init())
			tc.open(t, hs, list)
			screen := hs.top()
			for w := minScreenWidth; w <= 140; w += 8 {
				for h := minScreenHeight; h <= 40; h += 3 {
					checkFits(t, screen, w, h, tc.wants)
				}
			}
		})
	}
}

func checkFits(t *testing.T, s common.Screen, w, h int, wants []string) {
	t.Helper()
	s.SetSize(w, h)
	frame := uitest.Plain(s.View())
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		t.Fatalf("%dx%d: %d lines:\n%s", w, h, len(lines), frame)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Fatalf("%dx%d: line %d is %d wide:\n%s", w, h, i, lw, frame)
		}
	}
	for _, want := range wants {
		if !strings.Contains(frame, want) {
			t.Fatalf("%dx%d: %q is not in view:\n%s", w, h, want, frame)
		}
	}
}

// The result of a registration keeps its id and its button in view.
func TestRegisteredFits(t *testing.T) {
	_, admin := uitest.Sandbox(t, "demo")
	c := uitest.NewCommon(t, admin)
	list := agentid.New(c, admin)
	list.SetKeyDir(t.TempDir())
	hs := newHost(c, list)
	hs.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	uitest.Run(hs, hs.Init())
	press(hs, "n", "ctrl+s")
	reg, ok := hs.top().(*agentid.Registered)
	if !ok {
		t.Fatalf("after registering, the top screen is %T:\n%s", hs.top(), hs.View())
	}
	id := reg.Credential().ID
	for w := minScreenWidth; w <= 140; w += 8 {
		for h := minScreenHeight; h <= 40; h += 3 {
			checkFits(t, reg, w, h, []string{"id (kid)", id[:20], "[> Done <]"})
		}
	}
}
