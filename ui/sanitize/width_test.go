package sanitize

import (
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestCell(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  string
	}{
		{"exact ASCII", "abc", 3, "abc"},
		{"short ASCII is padded", "ab", 4, "ab  "},
		{"long ASCII is cut with an ellipsis", "abcdef", 4, "abc…"},
		{"width one", "abcdef", 1, "…"},
		{"zero width", "abc", 0, ""},
		{"negative width", "abc", -3, ""},
		{"empty is padded", "", 3, "   "},
		{"escape is inert and counted", "\x1b[2J", 4, "␛[2J"},
		{"escape cut", "\x1b[2Jowned", 5, "␛[2J…"},
		{"newline cannot break the row", "a\nb", 3, "a␊b"},
		{"CJK fits", "東京", 4, "東京"},
		{"CJK padded", "東京", 6, "東京  "},
		{"wide rune never straddles the edge", "東京都", 4, "東… "},
		{"CJK cut at width three", "東京都", 3, "東…"},
		{"CJK at width one", "東京", 1, "…"},
		{"emoji", "🚀 go", 5, "🚀 go"},
		{"emoji cut", "🚀🚀🚀", 4, "🚀… "},
		{"combining marks stay with their letter", "e\u0301e\u0301e\u0301", 2, "e\u0301…"},
		{"Arabic", "مفتاح", 7, "مفتاح  "},
		{"ASCII head, hostile tail cut off", "abcdef\x1b[2J", 4, "abc…"},
		{"ASCII head, hostile tail kept", "ab\x1b", 4, "ab␛ "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cell(tt.in, tt.width)
			if got != tt.want {
				t.Fatalf("Cell(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
			if w := max(tt.width, 0); lipgloss.Width(got) != w {
				t.Fatalf("lipgloss.Width(%q) = %d, want %d", got, lipgloss.Width(got), w)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  string
	}{
		{"fits", "abc", 5, "abc"},
		{"exact", "abc", 3, "abc"},
		{"cut", "abcdef", 4, "abc…"},
		{"zero", "abc", 0, ""},
		{"sanitised before measuring", "a\tb", 3, "a␉b"},
		{"wide cut leaves a gap, not padded", "東京都", 4, "東…"},
		{"legit Unicode unchanged", "Müller", 10, "Müller"},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.width); got != tt.want {
			t.Errorf("%s: Truncate(%q, %d) = %q, want %q", tt.name, tt.in, tt.width, got, tt.want)
		}
	}
}

func TestWidthMatchesLipgloss(t *testing.T) {
	for _, c := range Corpus() {
		s := Text(c.Text)
		if got, want := Width(s), lipgloss.Width(s); got != want {
			t.Errorf("%s: Width = %d, lipgloss.Width = %d", c.Name, got, want)
		}
		if got, want := unitWidthSum(s), Width(s); got != want {
			t.Errorf("%s: units sum to %d columns, Width says %d", c.Name, got, want)
		}
	}
}

// unitWidthSum measures s the way fitPrefix walks it.
func unitWidthSum(s string) int {
	total := 0
	for i := 0; i < len(s); {
		size, w := nextUnit(s[i:])
		i += size
		total += w
	}
	return total
}

func TestHugeInputIsBounded(t *testing.T) {
	huge := strings.Repeat("鍵", 1<<20) // 3 MiB, one million columns
	if got := Cell(huge, 5); got != "鍵鍵…" {
		t.Fatalf("Cell(huge, 5) = %q", got)
	}
	// Input past the clip point counts as more text even if Text would drop it.
	dropped := "ab" + strings.Repeat("\u0301", 1<<16)
	if got := Cell(dropped, 4); got != "ab\u0301\u0301\u0301\u0301… " {
		t.Fatalf("Cell(marks flood, 4) = %q", got)
	}
	if got := Truncate(dropped, 4); got != "ab\u0301\u0301\u0301\u0301…" {
		t.Fatalf("Truncate(marks flood, 4) = %q", got)
	}
}

func TestHugeWidthIsCapped(t *testing.T) {
	if got := Cell("abc", math.MaxInt); lipgloss.Width(got) != MaxWidth || !strings.HasPrefix(got, "abc ") {
		t.Fatalf("Cell(abc, MaxInt) is %d wide, want MaxWidth", lipgloss.Width(got))
	}
	if got := Cell("東京", math.MaxInt); lipgloss.Width(got) != MaxWidth {
		t.Fatalf("Cell(東京, MaxInt) is %d wide, want MaxWidth", lipgloss.Width(got))
	}
	if got := Truncate("東京\x1b", math.MaxInt); got != "東京␛" {
		t.Fatalf("Truncate(MaxInt) = %q", got)
	}
	if got := Lines("a b\x1b", math.MaxInt, math.MaxInt); len(got) != 1 || got[0] != "a b␛" {
		t.Fatalf("Lines(MaxInt, MaxInt) = %q", got)
	}
}
