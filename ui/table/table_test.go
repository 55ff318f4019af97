package table

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/styles"
)

// newTable is a colour table: the header is one line (without colour it
// has a rule under it, see TestNoColorHeaderHasARule).
func newTable(rows int) Model {
	m := New([]Column{{Title: "name", Flex: 1, Min: 4}, {Title: "id", Width: 6, Min: 3}}, styles.New(false))
	m.SetSize(40, 11) // a header and 10 rows
	m.SetRows(rows)
	return m
}

func press(s string) tea.KeyMsg {
	switch s {
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "ctrl+d":
		return tea.KeyMsg{Type: tea.KeyCtrlD}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func TestNavigation(t *testing.T) {
	m := newTable(100)
	steps := []struct {
		msg  tea.Msg
		want int
	}{
		{press("j"), 1},
		{press("k"), 0},
		{press("k"), 0}, // stays at the top
		{press("pgdown"), 10},
		{press("ctrl+d"), 15},
		{press("G"), 99},
		{press("j"), 99}, // stays at the bottom
		{press("g"), 0},
		{tea.MouseMsg{Button: tea.MouseButtonWheelDown}, 3},
		{tea.MouseMsg{Button: tea.MouseButtonWheelUp}, 0},
		{tea.MouseMsg{Button: tea.MouseButtonLeft, Action: tea.MouseActionPress, Y: 4}, 3},  // the header is line 0
		{tea.MouseMsg{Button: tea.MouseButtonLeft, Action: tea.MouseActionPress, Y: 0}, 3},  // the header: nothing
		{tea.MouseMsg{Button: tea.MouseButtonLeft, Action: tea.MouseActionPress, Y: 30}, 3}, // below the rows
	}
	for i, s := range steps {
		m, _ = m.Update(s.msg)
		if m.Cursor() != s.want {
			t.Fatalf("step %d (%v): cursor %d, want %d", i, s.msg, m.Cursor(), s.want)
		}
	}
}

func TestBlurredIgnoresInput(t *testing.T) {
	m := newTable(10)
	m.Blur()
	m, _ = m.Update(press("j"))
	if m.Cursor() != 0 {
		t.Fatal("a blurred table moved")
	}
}

func TestViewDrawsOnlyVisibleRowsAtFixedWidth(t *testing.T) {
	m := newTable(100000)
	calls := 0
	out := m.View(func(r, c int) string { calls++; return "row" }, nil)
	if calls != 10*2 {
		t.Fatalf("cell called %d times for 10 visible rows of 2 columns", calls)
	}
	lines := strings.Split(out, "\n")
	if len(lines) != 11 {
		t.Fatalf("%d lines, want 11", len(lines))
	}
	for _, l := range lines {
		if w := len([]rune(l)); w != 40 {
			t.Fatalf("line %q is %d wide, want 40", l, w)
		}
	}
}

func TestNarrowLayoutKeepsMinimumsFirst(t *testing.T) {
	m := New([]Column{{Title: "name", Flex: 3, Min: 12}, {Title: "pod id", Width: 36, Min: 13}, {Title: "when", Width: 16, Min: 11}}, styles.New(true))
	m.SetSize(60, 5)
	if m.widths[0] < 12 || m.widths[1] < 13 || m.widths[2] < 11 {
		t.Fatalf("widths %v break a minimum at 60 columns", m.widths)
	}
	m.SetSize(20, 5)
	total := 0
	for i, w := range m.widths {
		if !m.hidden[i] {
			total += w + 1
		}
	}
	if total-1 > 20-2 {
		t.Fatalf("widths %v overflow 20 columns", m.widths)
	}
}

func TestLayoutSharesByKeepAndCaps(t *testing.T) {
	cols := []Column{
		{Title: "name", Flex: 1, Min: 12, Want: 24, Max: 40, Keep: 9},
		{Title: "prefix", Width: 12, Min: 9, Keep: 6},
		{Title: "created", Width: 10, Keep: 2},
		{Title: "used", Width: 14, Min: 11, Keep: 8},
	}
	m := New(cols, styles.New(true))
	// Wide: the name stops at its cap and the rest is padding.
	m.SetSize(200, 5)
	if m.widths[0] != 40 || m.widths[1] != 12 || m.widths[3] != 14 || m.Hidden(2) {
		t.Fatalf("at 200 columns: widths %v hidden %v", m.widths, m.hidden)
	}
	if line := strings.Split(m.View(func(int, int) string { return "x" }, nil), "\n")[0]; len([]rune(line)) != 200 {
		t.Fatalf("the header is %d wide, want 200", len([]rune(line)))
	}
	// Narrow: prefix and used shrink, created goes before the name drops
	// below its preferred width.
	m.SetSize(54, 5)
	if !m.Hidden(2) || m.widths[0] < 24 || m.widths[1] != 9 || m.widths[3] != 11 {
		t.Fatalf("at 54 columns: widths %v hidden %v", m.widths, m.hidden)
	}
	if line := strings.Split(m.View(func(int, int) string { return "x" }, nil), "\n")[0]; strings.Contains(line, "created") {
		t.Fatalf("a hidden column is drawn: %q", line)
	}
}

// Issue 11, item 23: without colour the header is set apart by a rule,
// and clicks still land on the row under the pointer.
func TestNoColorHeaderHasARule(t *testing.T) {
	m := New([]Column{{Title: "name", Flex: 1}}, styles.New(true))
	m.SetSize(20, 6)
	m.SetRows(10)
	lines := strings.Split(m.View(func(r, c int) string { return "row" + string(rune('0'+r)) }, nil), "\n")
	if len(lines) != 6 || lines[1] != strings.Repeat("─", 20) || !strings.Contains(lines[2], "row0") {
		t.Fatalf("no rule under the header: %q", lines)
	}
	m, _ = m.Update(tea.MouseMsg{Button: tea.MouseButtonLeft, Action: tea.MouseActionPress, Y: 3})
	if m.Cursor() != 1 {
		t.Fatalf("a click on row1's line selected row %d", m.Cursor())
	}
}
