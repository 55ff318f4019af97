// Package table is a virtual table: it keeps a cursor over n rows and
// formats only the rows on screen, so a frame costs the same with 100 or
// 100,000 rows. The screen that owns it supplies the cells.
package table

import (
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
)

// Column is one column. A fixed column has Width; a column with Flex
// shares the width left over, from Want (its preferred width) up to Max
// (0: no cap). Min is how far a column shrinks (0 on a fixed column: it
// keeps its Width). Keep ranks the columns when room runs out: the lowest
// Keep shrinks first, and a column whose Keep is below every flex column's
// is hidden before a flex column goes below its Want.
type Column struct {
	Title string
	Width int
	Flex  int
	Min   int
	Want  int
	Max   int
	Keep  int
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
	hidden   []bool       // columns left out for lack of room
	slack    int          // width past every column's cap, drawn as padding
	header   styles.Paint // only paints: the model is copied by value
	selected styles.Paint
	// rule draws a line under the header: without colour (NO_COLOR) the
	// terminal shows no bold either, and the header would read as a row.
	rule    bool
	n       int
	cursor  int
	offset  int
	width   int
	height  int // body rows (header excluded)
	focused bool
	// marked, when set, says which rows carry a mark: a ✓ in the gutter,
	// which shows without colour too.
	marked func(row int) bool
}

// New makes a table with the given columns.
func New(cols []Column, st styles.Styles) Model {
	m := Model{KeyMap: DefaultKeyMap(), cols: cols, header: st.HeaderRow, selected: st.SelectedRow, focused: true, rule: st.NoColor}
	m.layout()
	return m
}

// SetSize sets the outer size: the header (one line, two with the rule)
// and the body rows.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 0), max(height-m.headLines(), 0)
	m.layout()
	m.clamp()
}

// SetColumns replaces the columns (the same cells' count must follow).
func (m *Model) SetColumns(cols []Column) {
	m.cols = cols
	m.layout()
}

// Hidden reports whether column i is left out for lack of room.
func (m Model) Hidden(i int) bool { return m.hidden[i] }

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

// Width is the table's width.
func (m Model) Width() int { return m.width }

// PageRows is the number of body rows on screen.
func (m Model) PageRows() int { return m.height }

// SetMarked sets which rows are marked (nil: none), drawn in the gutter.
func (m *Model) SetMarked(marked func(row int) bool) { m.marked = marked }

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

// HeadLines is the header's height (1, or 2 with the rule).
func (m Model) HeadLines() int { return m.headLines() }

func (m Model) headLines() int {
	if m.rule {
		return 2
	}
	return 1
}

// ClickRow returns the row under a click y lines below the table's top
// (the header is line 0, and its rule line 1), or -1.
func (m Model) ClickRow(y int) int {
	r := m.offset + y - m.headLines()
	if y < m.headLines() || r >= m.n || r >= m.offset+m.height {
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

// layout shares the width by the columns' Keep: every column starts at
// its preferred width; when that is too wide, columns shrink to their Min
// (lowest Keep first), then columns ranked below the flex ones are hidden,
// then flex columns shrink to their Min, then columns are hidden from the
// lowest Keep; the last one left is cut to fit. Width left over goes to
// the flex columns up to their Max, and the rest is padding.
func (m *Model) layout() {
	n := len(m.cols)
	m.widths, m.hidden, m.slack = make([]int, n), make([]bool, n), 0
	flexKeep, anyFlex := 0, false // the lowest Keep of a flex column
	for i, c := range m.cols {
		m.widths[i] = c.Width
		if c.Flex > 0 {
			m.widths[i] = max(c.Want, c.Min)
			if !anyFlex || c.Keep < flexKeep {
				flexKeep, anyFlex = c.Keep, true
			}
		}
	}
	order := m.byKeep()
	over := func() int { return m.used() - m.avail() }
	// 1. Fixed columns down to their Min.
	for _, i := range order {
		if c := m.cols[i]; c.Flex == 0 && c.Min > 0 && over() > 0 {
			m.widths[i] -= min(over(), max(m.widths[i]-c.Min, 0))
		}
	}
	// 2. Hide what ranks below the flex columns.
	for _, i := range order {
		if over() > 0 && anyFlex && m.cols[i].Flex == 0 && m.cols[i].Keep < flexKeep && m.visible() > 1 {
			m.hidden[i] = true
		}
	}
	// 3. Flex columns down to their Min.
	for _, i := range order {
		if c := m.cols[i]; c.Flex > 0 && over() > 0 {
			m.widths[i] -= min(over(), max(m.widths[i]-c.Min, 0))
		}
	}
	// 4. Hide from the lowest Keep; 5. cut the last one.
	for _, i := range order {
		if over() > 0 && !m.hidden[i] && m.visible() > 1 {
			m.hidden[i] = true
		}
	}
	for i := range m.widths {
		if !m.hidden[i] && over() > 0 {
			m.widths[i] = max(m.widths[i]-over(), 0)
		}
	}
	m.share(-over())
}

// share gives rest columns of width to the visible flex columns by their
// weight, up to their Max; what no column takes is padding.
func (m *Model) share(rest int) {
	open := func(i int) bool {
		c := m.cols[i]
		return c.Flex > 0 && !m.hidden[i] && (c.Max == 0 || m.widths[i] < c.Max)
	}
	for rest > 0 {
		weight, last := 0, -1
		for i, c := range m.cols {
			if open(i) {
				weight += c.Flex
				last = i
			}
		}
		if last < 0 {
			break
		}
		given := 0
		for i, c := range m.cols {
			if !open(i) {
				continue
			}
			add := rest * c.Flex / weight
			if i == last {
				add = rest - given // the rounding goes to the last one
			}
			if c.Max > 0 {
				add = min(add, c.Max-m.widths[i])
			}
			m.widths[i] += add
			given += add
		}
		if given == 0 {
			break
		}
		rest -= given
	}
	m.slack = max(rest, 0)
}

// byKeep is the column indexes, lowest Keep first; among equals the
// rightmost first.
func (m *Model) byKeep() []int {
	order := make([]int, len(m.cols))
	for i := range order {
		order[i] = len(m.cols) - 1 - i
	}
	sort.SliceStable(order, func(a, b int) bool { return m.cols[order[a]].Keep < m.cols[order[b]].Keep })
	return order
}

func (m *Model) visible() int {
	n := 0
	for _, h := range m.hidden {
		if !h {
			n++
		}
	}
	return n
}

// used is the width of the visible columns; avail what they may take
// (the row marker and the gaps between them aside).
func (m *Model) used() int {
	total := 0
	for i, w := range m.widths {
		if !m.hidden[i] {
			total += w
		}
	}
	return total
}

func (m *Model) avail() int { return m.width - 2 - max(m.visible()-1, 0) }

// View draws the header and the visible rows only.
func (m Model) View(cell CellFunc, paint PaintFunc) string {
	var b strings.Builder
	b.Grow((m.width + 16) * (m.height + 1))
	b.WriteString("  ")
	first := true
	for i, c := range m.cols {
		if m.hidden[i] {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(m.header.Apply(sanitize.Cell(c.Title, m.widths[i])))
	}
	b.WriteString(strings.Repeat(" ", m.slack))
	if m.rule {
		b.WriteString("\n" + strings.Repeat("─", m.width))
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
	switch marked := m.marked != nil && m.marked(r); {
	case selected && marked:
		line.WriteString("▸✓")
	case selected:
		line.WriteString("▸ ")
	case marked:
		line.WriteString(" ✓")
	default:
		line.WriteString("  ")
	}
	first := true
	for c := range m.cols {
		if m.hidden[c] {
			continue
		}
		if !first {
			line.WriteByte(' ')
		}
		first = false
		text := sanitize.Cell(cell(r, c), m.widths[c])
		if !selected && paint != nil {
			text = paint(r, c).Apply(text)
		}
		line.WriteString(text)
	}
	line.WriteString(strings.Repeat(" ", m.slack))
	if selected {
		b.WriteString(m.selected.Apply(line.String()))
		return
	}
	b.WriteString(line.String())
}
