package tabs_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/tabs"
	"github.com/amkeys/amkeys/ui/uitest"
)

// probe is a screen that records what reached it.
type probe struct {
	name     string
	inited   bool
	typing   bool // pretends a text field has focus
	keys     []string
	results  []string
	mouseY   []int
	w, h     int
	guarding bool
}

type resultMsg struct{ text string }

func (p *probe) Init() tea.Cmd { p.inited = true; return nil }
func (p *probe) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		p.keys = append(p.keys, msg.String())
	case tea.MouseMsg:
		p.mouseY = append(p.mouseY, msg.Y)
	case resultMsg:
		p.results = append(p.results, msg.text)
	}
	return p, nil
}
func (p *probe) View() string     { return "view of " + p.name }
func (p *probe) SetSize(w, h int) { p.w, p.h = w, h }
func (p *probe) Title() string    { return p.name }
func (p *probe) ShortHelp() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("x"), key.WithHelp("x", p.name))}
}
func (p *probe) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
func (p *probe) CapturesInput() bool       { return p.typing }
func (p *probe) Status() string            { return p.name + " status" }
func (p *probe) GuardQuit() bool           { return p.guarding }

func newTabs(t *testing.T) (*tabs.Model, []*probe, *int) {
	t.Helper()
	probes := []*probe{{name: "alpha"}, {name: "beta"}, {name: "gamma"}}
	made := 0
	var list []tabs.Tab
	for _, p := range probes {
		list = append(list, tabs.Tab{Name: p.name, New: func() common.Screen { made++; return p }})
	}
	m := tabs.New(uitest.NewCommon(t, uitest.NewFakeAPI("p", 0)), "", list)
	m.SetSize(80, 20)
	m.Init()
	return m, probes, &made
}

func TestTabsMakeScreensWhenFirstShown(t *testing.T) {
	m, probes, made := newTabs(t)
	if *made != 1 || !probes[0].inited || probes[1].inited {
		t.Fatalf("after Init: %d made, first inited %v, second %v", *made, probes[0].inited, probes[1].inited)
	}
	if probes[0].h != 19 {
		t.Errorf("the screen got height %d under the bar, want 19", probes[0].h)
	}
	m.Update(uitest.Key("3"))
	if m.ActiveIndex() != 2 || !probes[2].inited || probes[2].w != 80 || probes[2].h != 19 {
		t.Fatalf("3 showed tab %d (inited %v, size %dx%d)", m.ActiveIndex(), probes[2].inited, probes[2].w, probes[2].h)
	}
	m.Update(uitest.Key("1"))
	m.Update(uitest.Key("3"))
	if *made != 2 {
		t.Errorf("%d screens made; a shown-again tab must keep its screen", *made)
	}
}

func TestTabsCycleAndJump(t *testing.T) {
	m, _, _ := newTabs(t)
	for _, step := range []struct {
		key  string
		want int
	}{{"tab", 1}, {"tab", 2}, {"tab", 0}, {"shift+tab", 2}, {"2", 1}, {"1", 0}, {"9", 0}} {
		m.Update(uitest.Key(step.key))
		if m.ActiveIndex() != step.want {
			t.Fatalf("%s: tab %d, want %d", step.key, m.ActiveIndex(), step.want)
		}
	}
	if m.Title() != "alpha" || m.Status() != "alpha status" {
		t.Errorf("title %q, status %q: want the shown tab's", m.Title(), m.Status())
	}
	if !strings.HasPrefix(uitest.Plain(m.View()), "[1:alpha]  2:beta   3:gamma\nview of alpha") {
		t.Errorf("view:\n%s", uitest.Plain(m.View()))
	}
}

func TestTabsLeaveKeysToATypingScreen(t *testing.T) {
	m, probes, _ := newTabs(t)
	probes[0].typing = true
	m.Update(uitest.Key("2"))
	m.Update(uitest.Key("tab"))
	if m.ActiveIndex() != 0 || strings.Join(probes[0].keys, ",") != "2,tab" {
		t.Fatalf("tab %d; the typing screen got %v", m.ActiveIndex(), probes[0].keys)
	}
	if help := m.ShortHelp(); len(help) != 1 || help[0].Help().Desc != "alpha" {
		t.Errorf("while typing the footer offers %v; want the screen's keys only", help)
	}
	probes[0].typing = false
	if help := m.ShortHelp(); len(help) != 2 || help[0].Help().Key != "1-3/tab" {
		t.Errorf("the footer lacks the view switch: %v", help)
	}
}

func TestTabsSendResultsToEveryMadeScreen(t *testing.T) {
	m, probes, _ := newTabs(t)
	m.Update(uitest.Key("2"))
	m.Update(resultMsg{"page"})
	if len(probes[0].results) != 1 || len(probes[1].results) != 1 || len(probes[2].results) != 0 {
		t.Fatalf("results: %v %v %v; want the two made screens to get it", probes[0].results, probes[1].results, probes[2].results)
	}
	m.Update(uitest.Key("j"))
	if len(probes[0].keys) != 0 || len(probes[1].keys) != 1 {
		t.Errorf("a key reached %v and %v; want only the shown tab", probes[0].keys, probes[1].keys)
	}
}

func TestTabsMouse(t *testing.T) {
	m, probes, _ := newTabs(t)
	// "[1:alpha]  2:beta   3:gamma": beta starts at column 10.
	m.Update(tea.MouseMsg{X: 12, Y: 0, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if m.ActiveIndex() != 1 {
		t.Fatalf("a click on beta showed tab %d", m.ActiveIndex())
	}
	m.Update(tea.MouseMsg{X: 3, Y: 4, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if len(probes[1].mouseY) != 1 || probes[1].mouseY[0] != 3 {
		t.Errorf("the screen got clicks at %v; want y 3 (under the bar)", probes[1].mouseY)
	}
}

func TestTabsGuardQuitIsTheShownTabs(t *testing.T) {
	m, probes, _ := newTabs(t)
	probes[0].guarding = true
	if !m.GuardQuit() {
		t.Fatal("the shown tab's guard was ignored")
	}
	m.Update(uitest.Key("2"))
	if m.GuardQuit() {
		t.Fatal("an unguarded tab guarded")
	}
}
