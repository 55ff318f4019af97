package bulkdelete

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/bulk"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/marks"
	"github.com/amkeys/amkeys/ui/uitest"
)

func TestCountByScope(t *testing.T) {
	var ms []marks.Mark
	add := func(n int, s client.Scope) {
		for range n {
			ms = append(ms, marks.Mark{Own: s})
		}
	}
	add(3, client.OrganizationScope())
	add(4, client.PodScope("p1"))
	add(3, client.PodScope("p2"))
	add(2, client.InboxScope("a@b.to"))
	if got, want := countByScope(ms), "12 keys: 3 organization, 7 in 2 pods, 2 in 1 inbox"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Names and scopes from the server are drawn inert in the review, and the
// most recent use is the newest of them.
func TestReviewIsInertAndNamesTheLastUse(t *testing.T) {
	c := uitest.NewCommon(t, uitest.NewScopesFake())
	used := uitest.Clock.Add(-3 * 24 * time.Hour)
	ms := []marks.Mark{
		{Target: bulk.Target{ID: "a", Name: "evil\x1b[2J\x1b]52;c;AAAA\x07", Prefix: "am_x"}, Own: client.PodScope("p"), Where: "pod \u202eevil"},
		{Target: bulk.Target{ID: "b", Name: "ok", UsedAt: used}, Own: client.OrganizationScope(), Where: "organization"},
	}
	m := New(c, ms)
	m.SetSize(80, 20)
	frame := m.View()
	if strings.ContainsAny(ansi.Strip(frame), "\x1b\x07\u202e") {
		t.Errorf("control characters reached the frame: %q", frame)
	}
	plain := uitest.Plain(frame)
	for _, want := range []string{"2 keys: 1 organization, 1 in 1 pod", "most recent use: 3 days ago", "Type 2 to delete them"} {
		if !strings.Contains(plain, want) {
			t.Errorf("%q missing:\n%s", want, plain)
		}
	}
	for _, l := range strings.Split(plain, "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than 80: %q", l)
		}
	}
	// A wrong count: a hint, still reviewing; esc pops.
	for _, k := range []string{"3", "enter"} {
		m.Update(uitest.Key(k))
	}
	if m.phase != reviewing || !strings.Contains(uitest.Plain(m.View()), "that is not 2") {
		t.Errorf("a wrong count: phase %v", m.phase)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if nav := c.TakeNav(); len(nav) != 1 || nav[0].Kind != common.NavPop {
		t.Errorf("esc did not close the screen: %v", nav)
	}
	uitest.Golden(t, "review-80x20", frame)
}
