package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/uitest"
)

// longBaseURL is a base URL as long as a real staging one can be.
const longBaseURL = "https://agentmail-staging-eu-west-1.internal.example.invalid/v0/tenants/acme-support-operations"

// statusOf is the status line of the frame: the line above the footer.
func statusOf(m *Model) string {
	lines := strings.Split(uitest.Plain(m.View()), "\n")
	return lines[len(lines)-2]
}

// newReadOnlyApp opens the demo at w columns in read-only mode, with a
// long base URL and a key source, so that the status line cannot hold all.
func newReadOnlyApp(t *testing.T, w, h int) *Model {
	t.Helper()
	c, _ := uitest.SandboxCommon(t, "demo")
	c.Settings.ReadOnly = true
	c.Settings.BaseURL = longBaseURL
	c.Settings.KeySource = "environment AGENTMAIL_API_KEY"
	root := New(c, nil)
	root.Update(tea.WindowSizeMsg{Width: w, Height: h})
	uitest.Run(root, root.Init())
	return root
}

func TestStatusLineKeepsReadOnlyAndMarksWhenShort(t *testing.T) {
	for _, size := range []struct{ w, h int }{{120, 35}, {80, 24}, {60, 15}} {
		m := newReadOnlyApp(t, size.w, size.h)
		pods := statusOf(m)
		if !strings.Contains(pods, "[read-only]") || !strings.Contains(pods, "30 pods") {
			t.Errorf("%dx%d pods: status line %q lost read-only or the pod count", size.w, size.h, pods)
		}
		openPod(t, m, "Acme Support")
		press(m, " ", " ", " ")
		line := statusOf(m)
		for _, want := range []string{"[read-only]", "3 marked", "keys"} {
			if !strings.Contains(line, want) {
				t.Errorf("%dx%d keys: status line %q lacks %q", size.w, size.h, line, want)
			}
		}
		if w := len([]rune(line)); w > size.w {
			t.Errorf("%dx%d: status line is %d wide", size.w, size.h, w)
		}
		// What is left out is left out whole: never a half base URL.
		if strings.Contains(line, "https://") && !strings.Contains(line, longBaseURL) {
			t.Errorf("%dx%d: the base URL is cut half-way: %q", size.w, size.h, line)
		}
		if strings.Contains(line, "…") {
			t.Errorf("%dx%d: a part was cut: %q", size.w, size.h, line)
		}
	}
}

func TestStatusLineDropsLeastImportantFirst(t *testing.T) {
	parts := []statusPart{
		{"profile prod", rankProfile}, {longBaseURL, rankBaseURL}, {"org org_123", rankOrg},
		{"key from environment AGENTMAIL_API_KEY", rankKeySource}, {"100 keys loaded · 3 marked", rankScreen},
		{"[read-only]", rankReadOnly},
	}
	for _, tc := range []struct {
		w    int
		want string
	}{
		{250, "profile prod · " + longBaseURL + " · org org_123 · key from environment AGENTMAIL_API_KEY · 100 keys loaded · 3 marked · [read-only]"},
		{160, "profile prod · " + longBaseURL + " · 100 keys loaded · 3 marked · [read-only]"},
		{80, "profile prod · 100 keys loaded · 3 marked · [read-only]"},
		{45, "100 keys loaded · 3 marked · [read-only]"},
		{30, "100 keys loaded… · [read-only]"},
		{8, "[read-o…"},
	} {
		if got := fitStatus(parts, tc.w); got != tc.want {
			t.Errorf("width %d:\n got %q\nwant %q", tc.w, got, tc.want)
		}
	}
}
