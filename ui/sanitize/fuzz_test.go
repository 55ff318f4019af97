package sanitize

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
)

// fuzzSeeds is the corpus without its huge cases, which unit tests cover:
// mutating and minimising 10 KB inputs would slow the fuzzer to a crawl.
func fuzzSeeds() []HostileCase {
	var seeds []HostileCase
	for _, c := range Corpus() {
		if len(c.Text) <= 1024 {
			seeds = append(seeds, c)
		}
	}
	return seeds
}

func FuzzText(f *testing.F) {
	for _, c := range fuzzSeeds() {
		f.Add(c.Text)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if msg := inertError(out); msg != "" {
			t.Fatalf("Text(%q): %s", s, msg)
		}
		if HasControl(s) != (out != s) {
			t.Fatalf("HasControl(%q) = %v, but Text changed it: %v", s, HasControl(s), out != s)
		}
		if msg := widthHazard(out); msg != "" {
			t.Fatalf("Text(%q): %s", s, msg)
		}
		if again := Text(out); again != out || HasControl(out) {
			t.Fatalf("Text not idempotent: %q -> %q -> %q", s, out, again)
		}
		if Width(out) != lipgloss.Width(out) || unitWidthSum(out) != Width(out) {
			t.Fatalf("widths disagree for %q: Width %d, lipgloss %d, units %d",
				out, Width(out), lipgloss.Width(out), unitWidthSum(out))
		}
	})
}

func FuzzCell(f *testing.F) {
	for i, c := range fuzzSeeds() {
		f.Add(c.Text, i%41)
	}
	f.Fuzz(func(t *testing.T, s string, width int) {
		width %= 64 // keep negative widths: they must give ""
		cell := Cell(s, width)
		if msg := inertError(cell); msg != "" {
			t.Fatalf("Cell(%q, %d): %s", s, width, msg)
		}
		if msg := widthHazard(cell); msg != "" {
			t.Fatalf("Cell(%q, %d): %s", s, width, msg)
		}
		if got := lipgloss.Width(cell); got != max(width, 0) || lipgloss.Height(cell) != 1 {
			t.Fatalf("Cell(%q, %d) = %q is %d wide", s, width, cell, got)
		}
		cut := Truncate(s, width)
		if msg := inertError(cut); msg != "" {
			t.Fatalf("Truncate(%q, %d): %s", s, width, msg)
		}
		if got := lipgloss.Width(cut); got > max(width, 0) {
			t.Fatalf("Truncate(%q, %d) = %q is %d wide", s, width, cut, got)
		}
		lines := Lines(s, width, 3)
		if len(lines) > 3 {
			t.Fatalf("Lines(%q, %d, 3) gave %d lines", s, width, len(lines))
		}
		for _, l := range lines {
			if msg := inertError(l); msg != "" {
				t.Fatalf("Lines(%q, %d, 3): %s", s, width, msg)
			}
			if got := lipgloss.Width(l); got > width {
				t.Fatalf("Lines(%q, %d, 3) line %q is %d wide", s, width, l, got)
			}
		}
	})
}
