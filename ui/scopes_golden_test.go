package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/uitest"
)

// newFakeApp opens the dashboard at w x h on a fake API and loads the
// first screen.
func newFakeApp(t *testing.T, api *uitest.FakeAPI, w, h int) (*Model, *common.Common) {
	t.Helper()
	c := uitest.NewCommon(t, api)
	root := New(c, nil)
	root.Update(tea.WindowSizeMsg{Width: w, Height: h})
	uitest.Run(root, root.Init())
	return root, c
}

// typeText presses each character of s.
func typeText(m *Model, s string) {
	for _, r := range s {
		press(m, string(r))
	}
}

// The screens of the organization, pod and inbox scopes, each at two sizes.
func TestScopeScreensGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps func(m *Model)
		want  string // a text the frame must hold
	}{
		{"home-org-keys", func(m *Model) { press(m, "2") }, "org-provisioner"},
		{"home-agentid", func(m *Model) { press(m, "3") }, "AgentID credentials are not available here"},
		{"pod-inboxes", func(m *Model) { press(m, "enter", "2") }, "support@acme.example"},
		{"pod-inboxes-empty", func(m *Model) { press(m, "j", "enter", "2") }, "n creates one"},
		{"inbox-keys", func(m *Model) { press(m, "enter", "2", "enter") }, "support-archiver"},
		{"inbox-key-detail", func(m *Model) { press(m, "enter", "2", "enter", "enter") }, "support@acme.example"},
		{"inbox-delete-dialog", func(m *Model) { press(m, "enter", "2", "d") }, "Type the inbox's address"},
		{"inbox-new-key", func(m *Model) { press(m, "enter", "2", "enter", "n") }, "New API key in inbox support@acme.example"},
		{"inbox-new-key-secret", func(m *Model) {
			press(m, "enter", "2", "enter", "n")
			typeText(m, "triage")
			press(m, "tab", "R", "ctrl+s", "y")
		}, "Key created."},
		{"org-new-key-summary", func(m *Model) {
			press(m, "2", "n")
			typeText(m, "org-ci")
			press(m, "tab", "R", "ctrl+s")
		}, "organization (every pod and inbox)"},
		{"new-inbox", func(m *Model) { press(m, "enter", "2", "n") }, "New inbox in pod Acme Support"},
		{"pod-delete-refused", func(m *Model) {
			press(m, "d")
			typeText(m, "Acme Support")
			press(m, "enter")
		}, "this pod still has 2 inboxes"},
	} {
		for _, size := range [][2]int{{80, 24}, {120, 35}} {
			name := fmt.Sprintf("%s-%dx%d", tc.name, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				m, _ := newFakeApp(t, uitest.NewScopesFake(), size[0], size[1])
				tc.steps(m)
				frame := m.View()
				if !strings.Contains(uitest.Plain(frame), tc.want) && size[0] >= 120 {
					t.Errorf("the frame lacks %q:\n%s", tc.want, uitest.Plain(frame))
				}
				uitest.Golden(t, "scopes-"+name, frame)
			})
		}
	}
}
