package ui

// Issue 11, item 5: every dialog and form fits the smallest window amkeys
// supports (60x15) and every size above it: its input and its buttons are
// on screen, no line is wider than the window and the frame keeps its
// height.

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/secret"
	"github.com/amkeys/amkeys/ui/uitest"
)

func TestEveryDialogFitsFromTheMinimumSize(t *testing.T) {
	type dialog struct {
		name  string
		setup func(c *common.Common)
		open  func(m *Model)
		want  []string // the input and the buttons
	}
	newKey := func(m *Model, name string) {
		press(m, "enter", "n")
		typeText(m, name)
	}
	dialogs := []dialog{
		{"pod delete (typed name)", nil, func(m *Model) { press(m, "d") },
			[]string{"Type the pod's name", "> ", "Cancel", "Delete pod"}},
		{"key delete", nil, func(m *Model) { press(m, "enter", "G", "d") },
			[]string{"Delete this API key?", "Cancel", "Delete"}},
		{"key delete (typed name or prefix)", func(c *common.Common) { c.Settings.OwnKeyPrefix = "am_SuP2" },
			func(m *Model) { press(m, "enter", "2", "enter", "d") },
			[]string{"or am_SuP2", "> ", "Cancel", "Delete"}},
		{"inbox delete", nil, func(m *Model) { press(m, "enter", "2", "d") },
			[]string{"Type the inbox's address", "> ", "Cancel", "Delete inbox"}},
		{"new key form", nil, func(m *Model) { newKey(m, "fit") },
			[]string{"Name", "fit", "Review and create"}},
		{"new key summary", nil, func(m *Model) { newKey(m, "fit"); press(m, "tab", "R", "ctrl+s") },
			[]string{"Create this API key?", "Back to the form", "Create"}},
		{"new key unrestricted", nil, func(m *Model) { newKey(m, "fit"); press(m, "tab", "up", "space", "ctrl+s", "y") },
			[]string{"UNRESTRICTED", "Back to the form", "Create unrestricted"}},
		{"quit with a filled-in form", nil, func(m *Model) { newKey(m, "fit"); press(m, "tab", "q") },
			[]string{"Quit amkeys and lose this form?", "Stay", "Quit"}},
		{"same as… picker", nil, func(m *Model) { newKey(m, "fit"); press(m, "tab", "S") },
			[]string{"Copy the permissions of which key?", "/ type to filter", "sender-sender-0"}},
		{"leave the secret", nil, func(m *Model) { newKey(m, "fit"); press(m, "tab", "R", "ctrl+s", "y", "esc") },
			[]string{"Have you stored the secret?", "Stay", "Leave"}},
		{"rotation review", nil, func(m *Model) { press(m, "enter", "G", "R") },
			[]string{"Rotate the API key", "The replacement", "enter/y creates the replacement"}},
		{"rotation watch", func(c *common.Common) { c.Settings.RotatePollEvery = time.Millisecond }, func(m *Model) { press(m, "enter", "G", "R", "enter", "esc", "y") },
			[]string{"The old key", "state", "first use", "r checks now"}},
		{"rotation secret (36 permissions)", func(c *common.Common) {
			ks := c.API.(*uitest.FakeAPI).Keys[uitest.ScopesPodID]
			for i := range ks {
				ks[i].Permissions = client.Restricted(client.CurrentPermissionNames()...)
			}
		}, func(m *Model) { press(m, "enter", "G", "R", "enter") },
			[]string{"Key created.", "36 of 36", "secret", secret.Mask + "   (v reveals it)"}},
		{"new pod form", nil, func(m *Model) { press(m, "n") },
			[]string{"Name", "Client id", "ctrl+s creates the pod"}},
		{"new inbox form", nil, func(m *Model) { press(m, "enter", "2", "n") },
			[]string{"New inbox in pod"}},
		{"leak lookup field", nil, func(m *Model) { press(m, "L"); typeText(m, "am_SuP2xyz") },
			[]string{"key: am_SuP2x•", "enter look up"}},
		{"leak lookup not found", nil, func(m *Model) { press(m, "L"); typeText(m, "am_zzzzz"); press(m, "enter") },
			[]string{"No credential with prefix am_zzzzz", "L look up another"}},
		{"bulk delete review", nil, func(m *Model) { press(m, "enter", "space", "space", "D") },
			[]string{"Delete 2 marked keys?", "2 keys", "most recent use", "Type 2 to delete them", "\n>", "esc cancels"}},
	}
	sizes := [][2]int{{60, 15}, {61, 16}, {66, 17}, {72, 19}, {80, 24}, {100, 28}, {120, 35}, {200, 60}}
	for _, d := range dialogs {
		for _, sz := range sizes {
			w, h := sz[0], sz[1]
			api := uitest.NewScopesFake()
			c := uitest.NewCommon(t, api)
			if d.setup != nil {
				d.setup(c)
			}
			m := New(c, nil)
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			uitest.Run(m, m.Init())
			d.open(m)
			frame := uitest.Plain(m.View())
			lines := strings.Split(frame, "\n")
			if len(lines) != h {
				t.Errorf("%s at %dx%d: %d lines", d.name, w, h, len(lines))
			}
			for i, l := range lines {
				if n := ansi.StringWidth(l); n > w {
					t.Errorf("%s at %dx%d: line %d is %d wide: %q", d.name, w, h, i, n, l)
				}
			}
			for _, want := range d.want {
				if !strings.Contains(frame, want) {
					t.Errorf("%s at %dx%d: %q is not on screen:\n%s", d.name, w, h, want, frame)
					break
				}
			}
		}
	}
}
