package texttable

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Columns line up by display width, whatever the script of a cell.
func TestAlignsWideText(t *testing.T) {
	tb := New("NAME", "PREFIX")
	tb.Add("Production", "am_tt44g")
	tb.Add("本番キー", "am_41mb-")
	tb.Add("🤖 Agent #7", "am_eOtd_")
	var b strings.Builder
	if err := tb.Write(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 lines, got %q", lines)
	}
	col := -1
	for _, l := range lines {
		i := strings.Index(l, "am_")
		if i < 0 {
			i = strings.Index(l, "PREFIX")
		}
		at := ansi.StringWidth(l[:i])
		if col >= 0 && at != col {
			t.Fatalf("second column starts at %d, want %d:\n%s", at, col, b.String())
		}
		col = at
	}
}

// Server text cannot move the cursor, and caps cut long cells.
func TestSanitisesAndCaps(t *testing.T) {
	tb := New("NAME")
	tb.Caps = []int{8}
	tb.Add("evil\x1b[2Jname-that-is-long")
	var b strings.Builder
	if err := tb.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsRune(out, 0x1b) {
		t.Fatalf("escape reached the output: %q", out)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if w := ansi.StringWidth(l); w > 8 {
			t.Fatalf("line %q is %d wide, cap 8", l, w)
		}
	}
}
