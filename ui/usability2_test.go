package ui

// Issue 11 (usability), the items finished last: esc and the quick filter,
// the pod and inbox forms asking before quitting, keys typed in one burst
// with a key that opens a screen.

import (
	"strings"
	"testing"

	"github.com/amkeys/amkeys/ui/agentid"
	"github.com/amkeys/amkeys/ui/bulkdelete"
	"github.com/amkeys/amkeys/ui/pods"
	"github.com/amkeys/amkeys/ui/uitest"
)

// Item 1: on the keys screen esc clears the / filter, then the f quick
// filter, then goes back.
func TestEscClearsTheQuickFilterBeforeGoingBack(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	k := openPod(t, m, "Acme Support")
	press(m, "f") // never used; loads every page
	all := k.List().Len()
	if k.List().Shown() == all || !strings.Contains(uitest.Plain(m.View()), "show: never used") {
		t.Fatalf("f did not filter: %d of %d shown", k.List().Shown(), all)
	}
	press(m, "/")
	typeText(m, "a")
	press(m, "enter")
	withText := k.List().Shown()

	press(m, "esc")
	if m.Top() != k || k.List().Query() != "" || k.List().Shown() == all {
		t.Fatalf("the first esc: top %T, query %q, %d of %d shown; want the text cleared, f kept", m.Top(), k.List().Query(), k.List().Shown(), all)
	}
	if k.List().Shown() < withText {
		t.Fatalf("clearing the text showed fewer keys (%d < %d)", k.List().Shown(), withText)
	}
	press(m, "esc")
	if m.Top() != k || k.List().Shown() != all || !strings.Contains(uitest.Plain(m.View()), "show: all") {
		t.Fatalf("the second esc: top %T, %d of %d shown; want the keys screen, unfiltered", m.Top(), k.List().Shown(), all)
	}
	press(m, "esc")
	if _, ok := m.Top().(*pods.Model); !ok {
		t.Fatalf("the third esc left %T on top, want the pods", m.Top())
	}
}

// Item 1: the AgentID list says that esc is its own while a filter is
// applied, like every screen with a filter.
func TestEscClearsTheAgentIDFilter(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	press(m, "3")
	a, ok := m.Top().(*agentid.Model)
	if !ok {
		t.Fatalf("3 shows %T, want the AgentID list", m.Top())
	}
	press(m, "/")
	typeText(m, "no such credential")
	press(m, "enter")
	if !a.TakesBack() || a.List().Query() == "" {
		t.Fatalf("filter %q applied, but TakesBack is %v", a.List().Query(), a.TakesBack())
	}
	press(m, "esc")
	if a.TakesBack() || a.List().Query() != "" || m.Top() != a {
		t.Fatalf("esc: top %T, query %q; want the list, unfiltered", m.Top(), a.List().Query())
	}
}

// Item 6: ctrl+c in a filled-in pod or inbox form asks before it throws the
// text away (n stays, y or a second ctrl+c quits); an empty form quits.
func TestCtrlCInAFilledPodOrInboxFormAsks(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T, m *Model)
	}{
		{"pod", func(t *testing.T, m *Model) { press(m, "n") }},
		{"inbox", func(t *testing.T, m *Model) {
			openPod(t, m, "Acme Support")
			press(m, "2", "n")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newDemoApp(t, "demo")
			tc.open(t, m)
			form := m.Top()
			if form.Title() != "new "+tc.name {
				t.Fatalf("n opened %q, want the new %s form", form.Title(), tc.name)
			}
			typeText(m, "half-done")
			_, cmd := m.Update(uitest.Key("ctrl+c"))
			if quits(m, cmd) {
				t.Fatal("ctrl+c quit and threw the form away")
			}
			if frame := uitest.Plain(m.View()); !strings.Contains(frame, "Quit amkeys and lose this form?") {
				t.Fatalf("no question before quitting:\n%s", frame)
			}
			press(m, "n") // stay
			if m.Top() != form || !strings.Contains(uitest.Plain(m.View()), "half-done") {
				t.Fatalf("n did not go back to the form with its text:\n%s", uitest.Plain(m.View()))
			}
			m.Update(uitest.Key("ctrl+c"))
			if _, cmd = m.Update(uitest.Key("ctrl+c")); !quits(m, cmd) {
				t.Fatal("a second ctrl+c did not quit")
			}

			m, _ = newDemoApp(t, "demo")
			tc.open(t, m)
			if _, cmd = m.Update(uitest.Key("ctrl+c")); !quits(m, cmd) {
				t.Fatal("ctrl+c in an empty form did not quit")
			}
		})
	}
}

// The footer names each key once: a screen that clears its filter on esc
// leaves that to the root's "esc clear filter", instead of a second esc.
func TestFooterNamesEachKeyOnce(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	check := func(when string) {
		t.Helper()
		lines := strings.Split(strings.TrimRight(uitest.Plain(m.View()), "\n"), "\n")
		footer := lines[len(lines)-1]
		seen := map[string]bool{}
		for _, item := range strings.Split(footer, " · ") {
			ks, _, _ := strings.Cut(strings.TrimSpace(item), " ")
			names := []string{ks} // "/" is the filter key
			if ks != "/" {
				names = strings.Split(ks, "/") // "enter/esc close" names esc too
			}
			for _, k := range names {
				if seen[k] {
					t.Errorf("%s: the footer names %q twice: %q", when, k, footer)
				}
				seen[k] = true
			}
		}
	}
	check("pods")
	press(m, "a", "f")
	check("audit with a quick filter")
	press(m, "p")
	check("audit with a quick filter and one pod")
	press(m, "esc", "esc", "2", "f")
	check("organization keys with a quick filter")
	press(m, "f", " ", "D")
	if _, ok := m.Top().(*bulkdelete.Model); !ok {
		t.Fatalf("D opened %T", m.Top())
	}
	check("bulk delete review")
	press(m, "1", "enter")
	if b, ok := m.Top().(*bulkdelete.Model); !ok || b.Results() == nil {
		t.Fatalf("the bulk delete did not finish: %T", m.Top())
	}
	check("bulk delete result")
}
