package sanitize

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Ellipsis marks text cut short by Cell, Truncate and Lines.
const Ellipsis = "…"

// ellipsisWidth is 1, or 2 when RUNEWIDTH_EASTASIAN makes "…" wide.
var ellipsisWidth = ansi.StringWidth(Ellipsis)

// bytesPerColumn bounds how much input one display column can need: a base
// rune plus maxMarks marks, each at most 4 bytes, with room to spare. Cell,
// Truncate and Lines look only at that much input.
const bytesPerColumn = 32

// MaxWidth caps the width Cell, Truncate and Lines accept; no terminal is
// wider, and a cap keeps a bogus width from allocating gigabytes of padding.
const MaxWidth = 1 << 16

const blanks = "                                                                " +
	"                                                                "

// Width returns the display width of an already sanitised string, measured
// exactly as lipgloss.Width measures a single line.
func Width(s string) int {
	if isPrintableASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// Cell sanitises s and makes it exactly width columns wide: cut with "…" if
// too wide, padded with spaces if short. A wide rune never straddles the edge
// (a space pads instead). width <= 0 gives ""; width > MaxWidth counts as
// MaxWidth.
func Cell(s string, width int) string {
	if width <= 0 {
		return ""
	}
	width = min(width, MaxWidth)
	if head := asciiHead(s, width+1); isPrintableASCII(head) {
		return asciiCell(head, width)
	}
	t, tw := truncate(s, width)
	out := t + spaces(width-tw)
	if Width(out) != width {
		// Unreachable with the grapheme rules known today (see
		// TestEveryRune); kept so that a row can never break.
		return spaces(width)
	}
	return out
}

// asciiCell is Cell for input whose head, its first width+1 bytes, is
// printable ASCII; whatever follows the head is cut off anyway.
func asciiCell(head string, width int) string {
	n := len(head)
	switch {
	case n == width:
		return head
	case n < width:
		return head + spaces(width-n)
	case ellipsisWidth > width:
		return head[:width]
	}
	kept := width - ellipsisWidth
	return head[:kept] + Ellipsis + spaces(width-kept-ellipsisWidth)
}

// Truncate sanitises s and cuts it to at most width columns, ending with "…"
// when something was cut. It does not pad. width <= 0 gives ""; width >
// MaxWidth counts as MaxWidth.
func Truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	width = min(width, MaxWidth)
	if head := asciiHead(s, width+1); isPrintableASCII(head) {
		if len(s) <= width {
			return s
		}
		t, _ := withEllipsis(head, width)
		return t
	}
	t, _ := truncate(s, width)
	return t
}

// truncate is Truncate for 0 < width <= MaxWidth; it also returns the width
// of its result. It measures no further than width+1 columns.
func truncate(s string, width int) (string, int) {
	raw, clipped := clip(s, inputBudget(width+1, 1))
	t := Text(raw)
	if n, w := fitPrefix(t, width); n == len(t) && !clipped {
		return t, w
	}
	return withEllipsis(t, width)
}

// withEllipsis cuts sanitised t to fit width columns including the "…", and
// returns the result and its width. If even "…" does not fit, t is cut
// without it.
func withEllipsis(t string, width int) (string, int) {
	limit := width - ellipsisWidth
	if limit < 0 {
		n, w := fitPrefix(t, width)
		return t[:n], w
	}
	n, w := fitPrefix(t, limit)
	return t[:n] + Ellipsis, w + ellipsisWidth
}

// fitPrefix returns the byte length and width of the longest prefix of
// sanitised t that fits limit columns. It cuts only between the units
// ansi.StringWidth measures, and takes zero-width units (combining marks)
// that follow the last one along with it.
func fitPrefix(t string, limit int) (n, w int) {
	for n < len(t) {
		size, uw := nextUnit(t[n:])
		if w+uw > limit {
			break
		}
		n += size
		w += uw
	}
	return n, w
}

// nextUnit returns the byte length and width of the first unit of sanitised
// t, split as ansi.StringWidth splits it: an ASCII byte, else a grapheme
// cluster. Summing the units of t gives Width(t).
func nextUnit(t string) (size, width int) {
	if t[0] < utf8.RuneSelf {
		return 1, 1
	}
	cluster, w := ansi.FirstGraphemeCluster(t, ansi.GraphemeWidth)
	if len(cluster) == 0 { // cannot happen for valid UTF-8; never loop forever
		return 1, 0
	}
	return len(cluster), w
}

// asciiHead returns the first n bytes of s: all a cell of n-1 columns needs
// to see if they are printable ASCII.
func asciiHead(s string, n int) string {
	return s[:min(len(s), n)]
}

// inputBudget is how many input bytes can fill lines*columns columns; it
// saturates instead of overflowing.
func inputBudget(columns, lines int) int {
	if lines > math.MaxInt/bytesPerColumn/columns {
		return math.MaxInt
	}
	return lines * columns * bytesPerColumn
}

// clip returns at most n bytes of s, cut at a rune boundary where possible,
// and whether anything was cut.
func clip(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for back := 0; back < utf8.UTFMax && n > 0 && !utf8.RuneStart(s[n]); back++ {
		n--
	}
	return s[:n], true
}

func spaces(n int) string {
	if n <= len(blanks) {
		return blanks[:n]
	}
	return strings.Repeat(" ", n)
}
