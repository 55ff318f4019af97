// Package placeholder is a screen that only says something: it holds the
// place of a view that this build does not have yet (AgentID credentials),
// so that the switcher and its keys are already where they will be.
package placeholder

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// Model is the screen.
type Model struct {
	c      *common.Common
	title  string
	lines  []string
	width  int
	height int
}

// New makes a screen titled title that shows lines, wrapped.
func New(c *common.Common, title string, lines ...string) *Model {
	return &Model{c: c, title: title, lines: lines}
}

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Update does nothing: there is nothing to do here.
func (m *Model) Update(tea.Msg) (common.Screen, tea.Cmd) { return m, nil }

// SetSize records the area.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Title is the breadcrumb entry.
func (m *Model) Title() string { return m.title }

// ShortHelp is empty: the screen has no keys.
func (m *Model) ShortHelp() []key.Binding { return nil }

// FullHelp is empty.
func (m *Model) FullHelp() [][]key.Binding { return nil }

// CapturesInput is always false.
func (m *Model) CapturesInput() bool { return false }

// Status is empty.
func (m *Model) Status() string { return "" }

// View draws the lines, each wrapped to the width.
func (m *Model) View() string {
	w := max(m.width, 20)
	out := []string{""}
	for i, l := range m.lines {
		wrapped := sanitize.Lines(l, w-2, max(m.height, 1))
		for _, s := range wrapped {
			if i == 0 {
				s = m.c.Styles.TitlePaint.Apply(s)
			}
			out = append(out, "  "+s)
		}
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

var _ common.Screen = (*Model)(nil)
