// Package table is a virtual table: it keeps a cursor over n rows and
// formats only the rows on screen, so a frame costs the same with 100 or
// 100,000 rows. The screen that owns it supplies the cells.
package table

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
)

// Column is one column. A fixed column has Width; a column with Flex
// shares the width left over. Min is how far a column shrinks before
// columns to its left give way (0 on a fixed column: never, until the
// last resort).
type Column struct {
	Title string
	Width int
	Flex  int
	Min   int
}

// KeyMap is the table's navigation.
type KeyMap struct {
	Up, Down, PageUp, PageDown, HalfUp, HalfDown, Top, Bottom key.Binding
}

// DefaultKeyMap is vim-like plus the usual keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "f", " "), key.WithHelp("pgdn", "page down")),
		HalfUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "½ page up")),
		HalfDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "½ page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
	}
}

// Bindings lists the navigation for help.
func (k KeyMap) Bindings() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown, k.Top, k.Bottom}
}

// CellFunc returns the raw (untrusted) text of one cell; the table sanitises
// and fits it.
type CellFunc func(row, col int) string

// PaintFunc returns the paint of a whole row, and of one cell when the row
// is not selected (zero Paint = none).
type PaintFunc func(row, col int) styles.Paint

// Model is the table state. The zero value is unusable; use New.
type Model struct {
	KeyMap   KeyMap
	cols     []Column
	widths   []int
	header   styles.Paint // only paints: the model is copied by value
	selected styles.Paint
	n        int
	cursor   int
	offset   int
	width    int
	height   int // body rows (header excluded)
	focused  bool
}

// New makes a table with the given columns.
func New(cols []Column, st styles.Styles) Model {
	m := Model{KeyMap: DefaultKeyMap(), cols: cols, header: st.HeaderRow, selected: st.SelectedRow, focused: true}
	m.layout()
	return m
}

// SetSize sets the outer size: one header line plus height-1 body rows.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 0), max(height-1, 0)
	m.layout()
	m.clamp()
}

// SetRows sets how many rows there are, keeping the cursor in range.
func (m *Model) SetRows(n int) {
	m.n = max(n, 0)
	m.clamp()
}

// Rows is the row count.
func (m Model) Rows() int { return m.n }

// Cursor is the selected row (0 when empty).
func (m Model) Cursor() int { return m.cursor }

// SetCursor moves the cursor, keeping it on screen.
func (m *Model) SetCursor(i int) {
	m.cursor = i
	m.clamp()
}

// PageRows is the number of body rows on screen.
func (m Model) PageRows() int { return m.height }

// Focus and Blur: a blurred table ignores input.
func (m *Model) Focus() { m.focused = true }

// Blur stops the table from taking input.
func (m *Model) Blur() { m.focused = false }

// Update moves the cursor on navigation keys and the mouse wheel.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if !m.focused {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.KeyMsg:
		half := max(m.height/2, 1)
		switch {
		case key.Matches(msg, m.KeyMap.Up):
			m.cursor--
		case key.Matches(msg, m.KeyMap.Down):
			m.cursor++
		case key.Matches(msg, m.KeyMap.PageUp):
			m.cursor -= max(m.height, 1)
		case key.Matches(msg, m.KeyMap.PageDown):
			m.cursor += max(m.height, 1)
		case key.Matches(msg, m.KeyMap.HalfUp):
			m.cursor -= half
		case key.Matches(msg, m.KeyMap.HalfDown):
			m.cursor += half
		case key.Matches(msg, m.KeyMap.Top):
			m.cursor = 0
		case key.Matches(msg, m.KeyMap.Bottom):
			m.cursor = m.n - 1
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.cursor -= 3
		case tea.MouseButtonWheelDown:
			m.cursor += 3
		case tea.MouseButtonLeft:
			// msg.Y is relative to the table's top: its owner subtracts
			// whatever it draws above the table.
			if r := m.ClickRow(msg.Y); r >= 0 && msg.Action == tea.MouseActionPress {
				m.cursor = r
			}
		}
	}
	m.clamp()
	return m, nil
}

// ClickRow returns the row under a click y lines below the table's top
// (the header is line 0), or -1.
func (m Model) ClickRow(y int) int {
	r := m.offset + y - 1
	if y < 1 || r >= m.n || r >= m.offset+m.height {
		return -1
	}
	return r
}

func (m *Model) clamp() {
	if m.cursor >= m.n {
		m.cursor = m.n - 1
	}
	if m.cursor < 0 {
		m.cursor = 0
	}
	if m.height <= 0 {
		m.offset = m.cursor
		return
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+m.height {
		m.offset = m.cursor - m.height + 1
	}
	if maxOff := max(m.n-m.height, 0); m.offset > maxOff {
		m.offset = maxOff
	}
}

// layout shares the width. Every column starts at its preferred width
// (flex columns at Min); when that is too wide, columns shrink from the
// right to their Min, then from the right to nothing. Width left over goes
// to the flex columns.
func (m *Model) layout() {
	m.widths = make([]int, len(m.cols))
	avail := m.width - 2 - max(len(m.cols)-1, 0) // row marker and gaps
	total, flex := 0, 0
	for i, c := range m.cols {
		m.widths[i] = c.Width
		if c.Flex > 0 {
			m.widths[i] = c.Min
			flex += c.Flex
		}
		total += m.widths[i]
	}
	for pass := 0; pass < 2 && total > avail; pass++ {
		for i := len(m.widths) - 1; i >= 0 && total > avail; i-- {
			cut := min(total-avail, max(m.widths[i]-m.floor(i, pass), 0))
			m.widths[i] -= cut
			total -= cut
		}
	}
	if rest := avail - total; rest > 0 && flex > 0 {
		given := 0
		last := -1
		for i, c := range m.cols {
			if c.Flex > 0 {
				add := rest * c.Flex / flex
				m.widths[i] += add
				given += add
				last = i
			}
		}
		m.widths[last] += rest - given // rounding goes to the last flex column
	}
}

// floor is how narrow column i may get: in the first pass its Min (a
// fixed column without Min keeps its width), in the last nothing.
func (m *Model) floor(i, pass int) int {
	c := m.cols[i]
	switch {
	case pass > 0:
		return 0
	case c.Flex == 0 && c.Min == 0:
		return c.Width
	default:
		return c.Min
	}
}

// View draws the header and the visible rows only.
func (m Model) View(cell CellFunc, paint PaintFunc) string {
	var b strings.Builder
	b.Grow((m.width + 16) * (m.height + 1))
	b.WriteString("  ")
	for i, c := range m.cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(m.header.Apply(sanitize.Cell(c.Title, m.widths[i])))
	}
	end := min(m.offset+m.height, m.n)
	for r := m.offset; r < end; r++ {
		b.WriteByte('\n')
		m.row(&b, r, cell, paint)
	}
	// Keep the height constant so the layout below does not jump.
	for r := end - m.offset; r < m.height; r++ {
		b.WriteByte('\n')
	}
	return b.String()
}

func (m Model) row(b *strings.Builder, r int, cell CellFunc, paint PaintFunc) {
	selected := r == m.cursor && m.focused
	var line strings.Builder
	line.Grow(m.width + 8)
	if selected {
		line.WriteString("▸ ")
	} else {
		line.WriteString("  ")
	}
	for c := range m.cols {
		if c > 0 {
			line.WriteByte(' ')
		}
		text := sanitize.Cell(cell(r, c), m.widths[c])
		if !selected && paint != nil {
			text = paint(r, c).Apply(text)
		}
		line.WriteString(text)
	}
	if selected {
		b.WriteString(m.selected.Apply(line.String()))
		return
	}
	b.WriteString(line.String())
}
