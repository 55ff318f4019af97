package rotate

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/amkeys/amkeys/ui/sanitize"
)

// rank orders what a screen keeps when the window is short: lower ranks
// stay longest, so the title, the state and the keys always show.
type rank int

const (
	rankEssential rank = iota // title, state, what the keys do
	rankKey                   // the keys' names and their use
	rankDetail                // permissions, where, exact times
	rankNext                  // what happens next
	rankBlank                 // spacing
)

// line is one line of a screen, already cut to the width.
type line struct {
	text string
	rank rank
}

// lines builds a screen's lines, each sanitised and cut to the width.
type lines struct {
	width int
	out   []line
}

// add adds plain text (server text included: it is sanitised), painted
// with st.
func (l *lines) add(r rank, st lipgloss.Style, text string) {
	l.out = append(l.out, line{text: st.Render(sanitize.Truncate(text, l.width)), rank: r})
}

// field adds "  label       value", the label bold.
func (l *lines) field(r rank, label lipgloss.Style, name, value string) {
	pad := 15
	head := "  " + name + strings.Repeat(" ", max(pad-2-len(name), 1))
	room := max(l.width-len(head), 1)
	l.out = append(l.out, line{text: label.Render(head) + sanitize.Truncate(value, room), rank: r})
}

// wrap adds a paragraph wrapped to the width, its first line at rank r and
// the rest at rank r+1.
func (l *lines) wrap(r rank, st lipgloss.Style, text string, maxLines int) {
	for i, s := range sanitize.Lines(text, l.width, maxLines) {
		rr := r
		if i > 0 {
			rr = min(r+1, rankBlank)
		}
		l.out = append(l.out, line{text: st.Render(s), rank: rr})
	}
}

func (l *lines) blank() { l.out = append(l.out, line{rank: rankBlank}) }

// fit keeps the height lines of lowest rank (earlier first among equals), in
// their order; height <= 0 keeps all. When it leaves out text (not just
// spacing), its last line says so.
func (l *lines) fit(height int) string {
	keep, hidden := l.keep(height)
	if hidden > 0 && height > 1 {
		keep, hidden = l.keep(height - 1)
	}
	s := l.join(keep)
	if hidden > 0 && height > 1 {
		more := strconv.Itoa(hidden) + " more lines"
		if hidden == 1 {
			more = "1 more line"
		}
		s += "\n" + sanitize.Truncate("… "+more+": a taller window shows them", l.width)
	}
	return s
}

// keep picks the lines fit shows and counts the text lines left out.
func (l *lines) keep(height int) ([]bool, int) {
	keep := make([]bool, len(l.out))
	left := height
	if height <= 0 {
		left = len(l.out)
	}
	for r := rankEssential; r <= rankBlank && left > 0; r++ {
		for i, ln := range l.out {
			if ln.rank == r && left > 0 {
				keep[i] = true
				left--
			}
		}
	}
	hidden := 0
	for i, ln := range l.out {
		if !keep[i] && ln.text != "" {
			hidden++
		}
	}
	return keep, hidden
}

func (l *lines) join(keep []bool) string {
	var b strings.Builder
	first := true
	for i, ln := range l.out {
		if !keep[i] {
			continue
		}
		if !first {
			b.WriteByte('\n')
		}
		first = false
		b.WriteString(ln.text)
	}
	return b.String()
}
