package sanitize

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestCorpusShape(t *testing.T) {
	cases := Corpus()
	if len(cases) < 45 {
		t.Fatalf("corpus has %d cases, want at least 45", len(cases))
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.Name] {
			t.Errorf("duplicate case name %q", c.Name)
		}
		seen[c.Name] = true
	}
	if cases[0].Text != "prod-key-01" || Text(cases[0].Text) != cases[0].Text {
		t.Errorf("the ASCII control case must come first and stay unchanged")
	}
}

func TestCorpusTextIsInert(t *testing.T) {
	for _, c := range Corpus() {
		out := Text(c.Text)
		if msg := inertError(out); msg != "" {
			t.Errorf("%s: Text: %s", c.Name, msg)
		}
		if Text(out) != out || HasControl(out) {
			t.Errorf("%s: Text is not idempotent: %q -> %q", c.Name, out, Text(out))
		}
		if HasControl(c.Text) != (out != c.Text) {
			t.Errorf("%s: HasControl = %v, but Text changed it: %v", c.Name, HasControl(c.Text), out != c.Text)
		}
	}
}

func TestCorpusCellAndTruncate(t *testing.T) {
	for _, c := range Corpus() {
		full := Text(c.Text)
		for width := 0; width <= 40; width++ {
			cell := Cell(c.Text, width)
			if msg := inertError(cell); msg != "" {
				t.Fatalf("%s: Cell(%d): %s", c.Name, width, msg)
			}
			if got := lipgloss.Width(cell); got != width || lipgloss.Height(cell) != 1 {
				t.Fatalf("%s: Cell(%d) = %q is %d wide, %d high", c.Name, width, cell, got, lipgloss.Height(cell))
			}
			cut := Truncate(c.Text, width)
			if msg := inertError(cut); msg != "" {
				t.Fatalf("%s: Truncate(%d): %s", c.Name, width, msg)
			}
			if got := lipgloss.Width(cut); got > width {
				t.Fatalf("%s: Truncate(%d) = %q is %d wide", c.Name, width, cut, got)
			}
			if Width(full) <= width && cut != full {
				t.Fatalf("%s: Truncate(%d) = %q, want the whole %q", c.Name, width, cut, full)
			}
		}
	}
}

func TestCorpusLines(t *testing.T) {
	for _, c := range Corpus() {
		for _, width := range []int{1, 2, 3, 7, 20, 40} {
			for maxLines := 1; maxLines <= 3; maxLines++ {
				lines := Lines(c.Text, width, maxLines)
				if len(lines) > maxLines {
					t.Fatalf("%s: Lines(%d, %d) gave %d lines", c.Name, width, maxLines, len(lines))
				}
				for _, l := range lines {
					if msg := inertError(l); msg != "" {
						t.Fatalf("%s: Lines(%d, %d): %s", c.Name, width, maxLines, msg)
					}
					if got := lipgloss.Width(l); got > width {
						t.Fatalf("%s: Lines(%d, %d) line %q is %d wide", c.Name, width, maxLines, l, got)
					}
				}
			}
		}
	}
}
