package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/pods"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/uitest"
)

// newDemoApp opens the dashboard on the sandbox's demo seed at 120x35.
func newDemoApp(t *testing.T, seed string) (*Model, *common.Common) {
	t.Helper()
	c, _ := uitest.SandboxCommon(t, seed)
	root := New(c, nil)
	root.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	uitest.Run(root, root.Init())
	return root, c
}

// press sends keys one by one, settling each.
func press(m *Model, keys ...string) {
	for _, k := range keys {
		uitest.Settle(m, uitest.Key(k))
	}
}

// openPod filters the pods screen to name and opens the first match.
func openPod(t *testing.T, m *Model, name string) *keys.Model {
	t.Helper()
	press(m, "/")
	for _, r := range name {
		press(m, string(r))
	}
	press(m, "enter", "enter")
	k, ok := m.Top().(*keys.Model)
	if !ok {
		t.Fatalf("top screen is %T after opening %q", m.Top(), name)
	}
	return k
}

func TestPodsScreenGolden(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	p := m.Top().(*pods.Model)
	if p.List().Len() < 25 {
		t.Fatalf("only %d pods loaded", p.List().Len())
	}
	uitest.Golden(t, "pods", m.View())
}

func TestKeysScreenPagingAndGolden(t *testing.T) {
	m, c := newDemoApp(t, "demo")
	c.Settings.PageSize = 20
	k := openPod(t, m, "Acme Support")
	first := k.List().Len()
	if first == 0 || first >= 250 || k.List().Complete() {
		t.Fatalf("after opening: %d keys loaded, complete=%v; want a first part only", first, k.List().Complete())
	}
	uitest.Golden(t, "keys", m.View())
	// Paging down loads ahead of the cursor.
	for i := 0; i < 3; i++ {
		press(m, "pgdown")
	}
	if k.List().Len() <= first {
		t.Fatalf("paging down did not load more (still %d)", k.List().Len())
	}
	if k.List().Len()-k.List().Table.Cursor() < k.List().Table.PageRows() && !k.List().Complete() {
		t.Fatal("the cursor reached the end of the loaded rows while pages remain")
	}
	// G loads every page and lands on the last key.
	press(m, "G")
	if !k.List().Complete() || k.List().Len() < 250 {
		t.Fatalf("after G: %d keys, complete=%v", k.List().Len(), k.List().Complete())
	}
	if k.List().Table.Cursor() != k.List().Shown()-1 {
		t.Fatalf("cursor %d, want the last row %d", k.List().Table.Cursor(), k.List().Shown()-1)
	}
	seen := map[string]bool{}
	for _, key := range k.List().Items() {
		if seen[key.ID] {
			t.Fatalf("key %s loaded twice", key.ID)
		}
		seen[key.ID] = true
	}
}

func TestFilterNarrowsAndClears(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	k := openPod(t, m, "Acme Support")
	press(m, "G")
	all := k.List().Shown()
	press(m, "/", "r", "é", "s")
	if got := k.List().Shown(); got == 0 || got >= all {
		t.Fatalf("filter “rés” shows %d of %d", got, all)
	}
	for i := 0; i < k.List().Shown(); i++ {
		if !strings.Contains(strings.ToLower(k.List().Item(i).Name), "rés") {
			t.Fatalf("row %q does not match", k.List().Item(i).Name)
		}
	}
	if !strings.Contains(m.View(), "/ rés") {
		t.Fatal("the filter field is not shown while typing")
	}
	press(m, "esc")
	if k.List().Shown() != all || k.List().Filtering() {
		t.Fatalf("esc left %d of %d rows shown", k.List().Shown(), all)
	}
	// esc again goes back to the pods.
	press(m, "esc")
	if _, ok := m.Top().(*pods.Model); !ok {
		t.Fatalf("esc did not go back: top is %T", m.Top())
	}
}

func TestQuickFiltersMarkStaleAndNever(t *testing.T) {
	m, c := newDemoApp(t, "demo")
	k := openPod(t, m, "Acme Support")
	press(m, "G")
	press(m, "f") // never used
	if k.List().Shown() == 0 {
		t.Fatal("the demo pod has no never-used keys")
	}
	for i := 0; i < k.List().Shown(); i++ {
		if !k.List().Item(i).NeverUsed() {
			t.Fatal("never-used filter shows a used key")
		}
	}
	press(m, "f") // stale
	if k.List().Shown() == 0 {
		t.Fatal("the demo pod has no stale keys")
	}
	frame := uitest.Plain(m.View())
	if !strings.Contains(frame, "stale") || !strings.Contains(frame, "show: stale") {
		t.Fatalf("stale rows are not marked:\n%s", frame)
	}
	for i := 0; i < k.List().Shown(); i++ {
		it := k.List().Item(i)
		if it.NeverUsed() || c.Now().Sub(it.UsedAt).Hours() < 90*24 {
			t.Fatalf("stale filter shows %q used %v", it.Name, it.UsedAt)
		}
	}
	press(m, "f") // unrestricted
	for i := 0; i < k.List().Shown(); i++ {
		if !k.List().Item(i).Permissions.IsUnrestricted() {
			t.Fatal("unrestricted filter shows a restricted key")
		}
	}
	press(m, "f") // all again
}

func TestKeyDetailGolden(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	k := openPod(t, m, "Acme Support")
	press(m, "/")
	for _, r := range "Résumé parser" {
		press(m, string(r))
	}
	press(m, "enter")
	if k.List().Shown() == 0 {
		t.Fatal("no key matches Résumé parser")
	}
	press(m, "enter")
	uitest.Golden(t, "keydetail", m.View())
	press(m, "?")
	uitest.Golden(t, "help-keydetail", m.View())
}

func TestHelpFollowsScreen(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	press(m, "?")
	uitest.Golden(t, "help-pods", m.View())
	press(m, "x") // any key closes help
	if strings.Contains(m.View(), "Keys on this screen") {
		t.Fatal("help did not close")
	}
	footer := lastLine(m.View())
	if !strings.Contains(footer, "open pod") || !strings.Contains(footer, "1-3/tab views") || strings.Contains(footer, "esc back") {
		t.Fatalf("pods footer = %q", footer)
	}
	openPod(t, m, "Acme Support")
	footer = lastLine(m.View())
	if !strings.Contains(footer, "details") || !strings.Contains(footer, "esc back") {
		t.Fatalf("keys footer = %q", footer)
	}
}

func lastLine(s string) string {
	lines := strings.Split(uitest.Plain(s), "\n")
	return lines[len(lines)-1]
}

func TestWindowSizes(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	openPod(t, m, "Acme Support")
	for w := 1; w <= 300; w += 7 {
		for h := 1; h <= 100; h += 3 {
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			frame := uitest.Plain(m.View())
			lines := strings.Split(frame, "\n")
			if len(lines) > h {
				t.Fatalf("%dx%d: %d lines", w, h, len(lines))
			}
			for _, l := range lines {
				if sanitize.Width(l) > w {
					t.Fatalf("%dx%d: line wider than the window: %q", w, h, l)
				}
			}
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 50, Height: 12})
	uitest.Golden(t, "too-small", m.View())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	if !strings.Contains(m.View(), "Acme Support") {
		t.Fatal("the screen did not come back after growing")
	}
}

func TestHostileNamesRenderInert(t *testing.T) {
	m, _ := newDemoApp(t, "hostile")
	frame := m.View()
	assertInert(t, frame)
	uitest.Golden(t, "hostile-pods", frame)
	press(m, "enter")
	assertInert(t, m.View())
	uitest.Golden(t, "hostile-keys", m.View())
}

// assertInert checks a colourless frame for any control character but the
// newlines between rows.
func assertInert(t *testing.T, frame string) {
	t.Helper()
	for _, l := range strings.Split(frame, "\n") {
		if sanitize.HasControl(l) {
			t.Fatalf("frame line holds control characters: %q", l)
		}
	}
	if strings.ContainsAny(frame, "\x1b\u009b\u009d\r") {
		t.Fatal("frame holds ESC, C1 or CR")
	}
}

func TestErrorLineShowsFixAndClearsOnKey(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	uitest.Settle(m, common.ErrorMsg{Context: "loading keys", Err: &apiError403})
	line := uitest.Plain(m.View())
	if !strings.Contains(line, "missing_permission") || !strings.Contains(line, "fix: Ask for a key with api_key_read") {
		t.Fatalf("error line lacks the server's code and fix:\n%s", line)
	}
	press(m, "j")
	if strings.Contains(uitest.Plain(m.View()), "missing_permission") {
		t.Fatal("the error line stayed after a key")
	}
}

func TestClickSelectsARow(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	p := m.Top().(*pods.Model)
	// Line 0 breadcrumb, 1 the tab bar, 2 the screen's header, 3 the table
	// header, 4 its rule (no colour), 5 the first row: a click on line 7
	// selects the third pod.
	uitest.Settle(m, tea.MouseMsg{X: 10, Y: 7, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if got := p.List().Table.Cursor(); got != 2 {
		t.Fatalf("cursor %d after clicking the third row", got)
	}
	sel, _ := p.List().Selected()
	if !strings.Contains(uitest.Plain(m.View()), "▸ "+sel.Name) {
		t.Fatalf("the selected row %q is not marked", sel.Name)
	}
}
