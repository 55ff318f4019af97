// Package tabs is a screen made of other screens, one shown at a time under
// a tab bar: the first screen (pods, organization keys, AgentID
// credentials) and a pod (its keys, its inboxes). A digit jumps to a tab,
// tab and shift+tab cycle; each tab's screen is made the first time it is
// shown and keeps its state after.
package tabs

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// Tab is one view: its name on the bar and how to make its screen.
type Tab struct {
	Name string
	New  func() common.Screen
}

// KeyMap holds the bindings: one jump per tab ("1", "2"...) and the cycle.
type KeyMap struct {
	Jump       []key.Binding
	Next, Prev key.Binding
}

// DefaultKeyMap numbers the tabs from 1 (up to 9).
func DefaultKeyMap(tabs []Tab) KeyMap {
	km := KeyMap{
		Next: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
		Prev: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous view")),
	}
	for i, t := range tabs[:min(len(tabs), 9)] {
		n := strconv.Itoa(i + 1)
		km.Jump = append(km.Jump, key.NewBinding(key.WithKeys(n), key.WithHelp(n, t.Name)))
	}
	return km
}

// Model is the tabbed screen.
type Model struct {
	c       *common.Common
	title   string // "" = the shown tab's own title
	tabs    []Tab
	screens []common.Screen // nil until first shown
	active  int
	KeyMap  KeyMap
	width   int
	height  int
}

// New makes the screen; title is its breadcrumb entry ("" to use the shown
// tab's). The first tab is shown on Init.
func New(c *common.Common, title string, tabs []Tab) *Model {
	return &Model{c: c, title: title, tabs: tabs, screens: make([]common.Screen, len(tabs)), KeyMap: DefaultKeyMap(tabs)}
}

// Init shows the first tab.
func (m *Model) Init() tea.Cmd { return m.Show(m.active) }

// Active is the shown tab's screen (nil before Init).
func (m *Model) Active() common.Screen { return m.screens[m.active] }

// ActiveIndex is the shown tab's index.
func (m *Model) ActiveIndex() int { return m.active }

// Screen is tab i's screen, or nil if it was never shown.
func (m *Model) Screen(i int) common.Screen { return m.screens[i] }

// Show switches to tab i, making and starting its screen the first time.
func (m *Model) Show(i int) tea.Cmd {
	if i < 0 || i >= len(m.tabs) {
		return nil
	}
	m.active = i
	if m.screens[i] != nil {
		return nil
	}
	s := m.tabs[i].New()
	m.screens[i] = s
	s.SetSize(m.width, m.bodyHeight())
	return s.Init()
}

// barHeight is the tab bar's one line.
const barHeight = 1

func (m *Model) bodyHeight() int { return max(m.height-barHeight, 1) }

// SetSize sizes every made screen to the area under the bar.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	for _, s := range m.screens {
		if s != nil {
			s.SetSize(w, m.bodyHeight())
		}
	}
}

// Title is the fixed title, or the shown tab's.
func (m *Model) Title() string {
	if m.title != "" || m.Active() == nil {
		return m.title
	}
	return m.Active().Title()
}

// Status is the shown tab's.
func (m *Model) Status() string {
	if m.Active() == nil {
		return ""
	}
	return m.Active().Status()
}

// CapturesInput is the shown tab's: while it has a text field or a dialog,
// digits and tab are its.
func (m *Model) CapturesInput() bool { return m.Active() != nil && m.Active().CapturesInput() }

// TakesBack is the shown tab's: esc clears its filter first.
func (m *Model) TakesBack() bool {
	b, ok := m.Active().(common.BackTaker)
	return ok && b.TakesBack()
}

// GuardQuit passes the question to the shown tab.
func (m *Model) GuardQuit() bool {
	g, ok := m.Active().(common.QuitGuard)
	return ok && g.GuardQuit()
}

// AsksBeforeQuit is the shown tab's.
func (m *Model) AsksBeforeQuit() bool {
	a, ok := m.Active().(common.QuitAsker)
	return ok && a.AsksBeforeQuit()
}

// switchBinding stands for the jumps and the cycle in the footer.
func (m *Model) switchBinding() key.Binding {
	keys := []string{m.KeyMap.Next.Help().Key}
	for _, j := range m.KeyMap.Jump {
		keys = append(keys, j.Keys()...)
	}
	label := "1-" + strconv.Itoa(len(m.KeyMap.Jump)) + "/tab"
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(label, "views"))
}

// ShortHelp is the switch, then the shown tab's keys; only the tab's while
// it captures input.
func (m *Model) ShortHelp() []key.Binding {
	if m.Active() == nil {
		return nil
	}
	if m.CapturesInput() {
		return m.Active().ShortHelp()
	}
	return append([]key.Binding{m.switchBinding()}, m.Active().ShortHelp()...)
}

// FullHelp adds a group with every jump and the cycle.
func (m *Model) FullHelp() [][]key.Binding {
	if m.Active() == nil {
		return nil
	}
	if m.CapturesInput() {
		return m.Active().FullHelp()
	}
	views := append(append([]key.Binding{}, m.KeyMap.Jump...), m.KeyMap.Next, m.KeyMap.Prev)
	return append(m.Active().FullHelp(), views)
}

// Update switches tabs on their keys and clicks on the bar; other keys and
// clicks go to the shown tab, and results to every made tab (each keeps
// only its own).
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	if m.Active() == nil {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if !m.CapturesInput() {
			if i, ok := m.target(msg); ok {
				return m, m.Show(i)
			}
		}
		return m, m.forward(msg)
	case tea.MouseMsg:
		if msg.Y < barHeight {
			if i, ok := m.tabAt(msg); ok && !m.CapturesInput() {
				return m, m.Show(i)
			}
			return m, nil
		}
		msg.Y -= barHeight
		return m, m.forward(msg)
	}
	var cmds []tea.Cmd
	for i, s := range m.screens {
		if s != nil {
			var cmd tea.Cmd
			m.screens[i], cmd = s.Update(msg)
			cmds = append(cmds, cmd)
		}
	}
	return m, tea.Batch(cmds...)
}

// target is the tab a key asks for.
func (m *Model) target(k tea.KeyMsg) (int, bool) {
	n := len(m.tabs)
	switch {
	case key.Matches(k, m.KeyMap.Next):
		return (m.active + 1) % n, true
	case key.Matches(k, m.KeyMap.Prev):
		return (m.active + n - 1) % n, true
	}
	for i, j := range m.KeyMap.Jump {
		if key.Matches(k, j) {
			return i, true
		}
	}
	return 0, false
}

func (m *Model) forward(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.screens[m.active], cmd = m.Active().Update(msg)
	return cmd
}

// labels are the tab bar's parts, the shown one bracketed (visible
// without colour too).
func (m *Model) labels() []string {
	out := make([]string, len(m.tabs))
	for i, t := range m.tabs {
		l := t.Name
		if i < len(m.KeyMap.Jump) {
			l = m.KeyMap.Jump[i].Help().Key + ":" + l // "1:pods", not "1 pods"
		}
		if i == m.active {
			out[i] = "[" + l + "]"
		} else {
			out[i] = " " + l + " "
		}
	}
	return out
}

const separator = " "

// tabAt is the tab under a click on the bar.
func (m *Model) tabAt(msg tea.MouseMsg) (int, bool) {
	if msg.Button != tea.MouseButtonLeft || msg.Action != tea.MouseActionPress {
		return 0, false
	}
	x := 0
	for i, l := range m.labels() {
		w := sanitize.Width(l)
		if msg.X >= x && msg.X < x+w {
			return i, true
		}
		x += w + len(separator)
	}
	return 0, false
}

// View draws the tab bar over the shown tab.
func (m *Model) View() string {
	if m.Active() == nil {
		return ""
	}
	return m.bar() + "\n" + m.Active().View()
}

// bar is the labels, the shown one bright and the others muted.
func (m *Model) bar() string {
	st := &m.c.Styles
	var b strings.Builder
	for i, l := range m.labels() {
		if i > 0 {
			b.WriteString(separator)
		}
		if i == m.active {
			b.WriteString(st.TitlePaint.Apply(l))
		} else {
			b.WriteString(st.MutedPaint.Apply(l))
		}
	}
	return ansi.Truncate(b.String(), max(m.width, 1), "…")
}

var (
	_ common.Screen    = (*Model)(nil)
	_ common.QuitGuard = (*Model)(nil)
	_ common.BackTaker = (*Model)(nil)
)
