package agentid

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
)

// field is one labelled line of a box; value may be server text.
type field struct{ label, value string }

const labelWidth = 13

// box draws an information box (a receipt, a failure) like the confirm
// dialog: title, fields, notes, then the line of buttons.
func box(st styles.Styles, width int, title string, fields []field, notes []string, noteStyle lipgloss.Style, buttons string) string {
	inner := min(max(width-4, 20), 72)
	var b strings.Builder
	b.WriteString(st.Title.Render(sanitize.Truncate(title, inner)) + "\n")
	if len(fields) > 0 {
		b.WriteByte('\n')
	}
	for _, f := range fields {
		lines := sanitize.Lines(f.value, max(inner-labelWidth, 1), 3)
		if len(lines) == 0 {
			lines = []string{""}
		}
		for i, l := range lines {
			label := strings.Repeat(" ", labelWidth)
			if i == 0 {
				label = padRight(f.label, labelWidth)
			}
			b.WriteString(st.Label.Render(label) + l + "\n")
		}
	}
	for _, n := range notes {
		b.WriteByte('\n')
		for _, l := range sanitize.Lines(n, inner, 6) {
			b.WriteString(noteStyle.Render(l) + "\n")
		}
	}
	b.WriteString("\n" + buttons)
	return st.Dialog.Render(b.String())
}

// place centres a dialog in the screen's w×h area. A dialog taller than
// the area loses lines from its middle (the explanations), never its
// title, its input or its buttons, so that it still works in the
// smallest window; a marker says so.
func place(w, h int, dialog string) string {
	return confirm.Place(w, h, squeeze(dialog, h))
}

func squeeze(dialog string, h int) string {
	lines := strings.Split(dialog, "\n")
	if len(lines) <= h || h < 6 || len(lines) < 4 {
		return dialog
	}
	// Keep the top border and title, the marker, and the bottom h-3 lines.
	inner := max(lipgloss.Width(lines[1])-4, 1)
	marker := "│ " + padTo(ansi.Truncate("⋮ (a larger window shows the rest)", inner, "…"), inner) + " │"
	out := append([]string{lines[0], lines[1], marker}, lines[len(lines)-(h-3):]...)
	return strings.Join(out, "\n")
}

func padRight(s string, w int) string {
	if n := sanitize.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s + " "
}

// padTo pads s with spaces to exactly w columns (s is at most w wide).
func padTo(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
