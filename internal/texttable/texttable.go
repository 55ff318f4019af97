// Package texttable writes plain-text tables for the headless commands,
// aligned by display width: text/tabwriter counts runes, so a row holding a
// CJK or emoji name shifts every column after it.
package texttable

import (
	"bufio"
	"io"
	"strings"

	"github.com/amkeys/amkeys/ui/sanitize"
)

// Table gathers rows; Write lays them out. Cells are sanitised (server
// text may hold escapes) and cut at Caps when set.
type Table struct {
	Heads []string
	// Caps bounds each column's width; 0 (or a missing entry) means 60.
	Caps []int
	rows [][]string
}

// DefaultCap is the widest a column gets without a cap of its own.
const DefaultCap = 60

// New starts a table with these column heads.
func New(heads ...string) *Table { return &Table{Heads: heads} }

// Add appends a row; missing cells are blank, extra cells are dropped.
func (t *Table) Add(cells ...string) {
	row := make([]string, len(t.Heads))
	copy(row, cells)
	t.rows = append(t.rows, row)
}

// Len is the number of rows added.
func (t *Table) Len() int { return len(t.rows) }

// Write writes the heads and rows, two spaces between columns, no trailing
// blanks.
func (t *Table) Write(w io.Writer) error {
	widths := make([]int, len(t.Heads))
	for c, h := range t.Heads {
		widths[c] = min(sanitize.Width(sanitize.Truncate(h, t.limit(c))), t.limit(c))
	}
	for _, row := range t.rows {
		for c, cell := range row {
			widths[c] = max(widths[c], sanitize.Width(sanitize.Truncate(cell, t.limit(c))))
		}
	}
	bw := bufio.NewWriter(w)
	line := make([]string, len(t.Heads))
	writeRow := func(cells []string) {
		for c, cell := range cells {
			line[c] = sanitize.Cell(cell, widths[c])
		}
		bw.WriteString(strings.TrimRight(strings.Join(line, "  "), " "))
		bw.WriteByte('\n')
	}
	writeRow(t.Heads)
	for _, row := range t.rows {
		writeRow(row)
	}
	return bw.Flush()
}

func (t *Table) limit(c int) int {
	if c < len(t.Caps) && t.Caps[c] > 0 {
		return t.Caps[c]
	}
	return DefaultCap
}
