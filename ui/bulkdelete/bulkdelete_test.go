package bulkdelete

import (
	"fmt"
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

// The count by scope is a sentence in good English for every mix.
func TestCountByScope(t *testing.T) {
	org, p1, p2, in1, in2 := client.OrganizationScope(), client.PodScope("p1"), client.PodScope("p2"), client.InboxScope("a@b.to"), client.InboxScope("c@d.to")
	for _, c := range []struct {
		counts map[client.Scope]int
		want   string
	}{
		{nil, "no keys"},
		{map[client.Scope]int{org: 1}, "1 organization key"},
		{map[client.Scope]int{org: 4}, "4 organization keys"},
		{map[client.Scope]int{p1: 1}, "1 key in 1 pod"},
		{map[client.Scope]int{p1: 4, p2: 3}, "7 keys in 2 pods"},
		{map[client.Scope]int{in1: 2}, "2 keys in 1 inbox"},
		{map[client.Scope]int{in1: 1, in2: 1}, "2 keys in 2 inboxes"},
		{map[client.Scope]int{org: 1, p1: 1}, "2 keys: 1 organization key and 1 key in 1 pod"},
		{map[client.Scope]int{p1: 2, in1: 1}, "3 keys: 2 keys in 1 pod and 1 key in 1 inbox"},
		{map[client.Scope]int{org: 3, p1: 4, p2: 3, in1: 2}, "12 keys: 3 organization keys, 7 keys in 2 pods and 2 keys in 1 inbox"},
	} {
		var ms []marks.Mark
		for s, n := range c.counts {
			for range n {
				ms = append(ms, marks.Mark{Own: s})
			}
		}
		if got := countByScope(ms); got != c.want {
			t.Errorf("%v: got %q, want %q", c.counts, got, c.want)
		}
	}
}

// The review lists the most recently used key first and the never used
// last, whatever the marking order; at 60x15 the rows keep their prefix,
// so keys whose names differ only at the end stay distinguishable.
func TestReviewPutsRecentUseFirstAndKeepsPrefixes(t *testing.T) {
	c := uitest.NewCommon(t, uitest.NewScopesFake())
	day := 24 * time.Hour
	var ms []marks.Mark
	for i, used := range []time.Duration{0, 200 * day, 0, 4 * day, 90 * day} {
		at := time.Time{}
		if used > 0 {
			at = uitest.Clock.Add(-used)
		}
		ms = append(ms, marks.Mark{Target: bulk.Target{ID: fmt.Sprint("k", i), Name: fmt.Sprintf("support-agent-with-a-long-name-%02d", i),
			Prefix: fmt.Sprintf("am_pre%02d", i), UsedAt: at}, Own: client.PodScope("p"), Where: "pod Acme Support"})
	}
	m := New(c, ms)
	var order []string
	for _, mk := range m.marks {
		order = append(order, mk.Target.ID)
	}
	if got := strings.Join(order, " "); got != "k3 k4 k1 k0 k2" {
		t.Errorf("review order %s, want k3 k4 k1 k0 k2 (recent first, never used last in marking order)", got)
	}
	m.SetSize(60, 15)
	frame := uitest.Plain(m.View())
	for i := range ms {
		if !strings.Contains(frame, fmt.Sprintf("am_pre%02d", i)) {
			t.Errorf("prefix %d missing at 60x15:\n%s", i, frame)
		}
	}
	for _, l := range strings.Split(frame, "\n") {
		if ansi.StringWidth(l) > 60 {
			t.Errorf("line wider than 60: %q", l)
		}
	}
	if !strings.Contains(frame, "Type 5 to delete them") || strings.Contains(frame, "…\n>") {
		t.Errorf("the confirm line is cut at 60x15:\n%s", frame)
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
	for _, want := range []string{"2 keys: 1 organization key and 1 key in 1 pod", "most recent use: 3 days ago", "Type 2 to delete them"} {
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

// The result table fits its columns to what it holds: at 120 columns the
// outcome column is no wider than its longest outcome, and neither a long
// inbox address nor the detail of a lost answer is cut.
func TestResultColumnsShareTheWidth(t *testing.T) {
	c := uitest.NewCommon(t, uitest.NewScopesFake())
	inbox := client.InboxScope("noreply@acme.agentmail.to")
	ms := []marks.Mark{
		{Target: bulk.Target{ID: "a", Name: "support-agent-001", Prefix: "am_aaaa1", Scope: inbox}, Own: inbox, Where: "inbox noreply@acme.agentmail.to"},
		{Target: bulk.Target{ID: "b", Name: "support-agent-002", Prefix: "am_bbbb2", Scope: inbox}, Own: inbox, Where: "inbox noreply@acme.agentmail.to"},
		{Target: bulk.Target{ID: "c", Name: "support-agent-003", Prefix: "am_cccc3", Scope: inbox}, Own: inbox, Where: "inbox noreply@acme.agentmail.to"},
	}
	m := New(c, ms)
	m.SetSize(120, 35)
	m.showResults([]bulk.Result{
		{Target: ms[0].Target, Outcome: bulk.Deleted},
		{Target: ms[1].Target, Outcome: bulk.Deleted, Settled: true},
		{Target: ms[2].Target, Outcome: bulk.NotAttempted},
	})
	frame := uitest.Plain(m.View())
	for _, want := range []string{"inbox noreply@acme.agentmail.to", "answer lost; listing shows it gone", "not attempted (stopped)", "am_bbbb2…"} {
		if !strings.Contains(frame, want) {
			t.Errorf("%q cut or missing:\n%s", want, frame)
		}
	}
	if strings.Contains(frame, "context") {
		t.Errorf("Go error text on screen:\n%s", frame)
	}
	if w := m.resultLayout()[0].Width; w != len("not attempted (stopped)") {
		t.Errorf("outcome column %d wide", w)
	}
}
