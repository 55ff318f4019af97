package audit

import (
	"strconv"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/match"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// search is the / filter: the table keeps the credentials whose name,
// prefix, id, pod name, inbox address, scope or fingerprint contains the
// text, ignoring case, on top of the f and p filters.
type search struct {
	input  textinput.Model
	typing bool        // the field has the keys
	query  match.Query // the text applied (as typed so far while typing)

	index searchIndex // what each of res.Keys offers the matcher
}

// searchKeys are the bindings while the field has the keys.
var (
	searchApply = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter"))
	searchClear = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter"))
)

func newSearch() search {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "type to filter by name, prefix, id, pod, inbox or scope"
	in.Cursor.SetMode(cursor.CursorStatic)
	in.CharLimit = 256
	return search{input: in}
}

// startSearch gives the keys to the filter field, holding the text applied.
func (m *Model) startSearch() tea.Cmd {
	m.search.typing = true
	m.search.input.SetValue(m.search.query.String())
	m.search.input.CursorEnd()
	cmd := m.search.input.Focus()
	m.resize() // the field takes a line of its own
	return cmd
}

// updateSearch types into the field, filtering as the text changes; enter
// keeps the text, esc clears it, ↑ and ↓ still move the cursor.
func (m *Model) updateSearch(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, searchClear):
		m.stopTyping()
		m.setSearch("")
		return nil
	case key.Matches(k, searchApply):
		m.stopTyping()
		return nil
	case k.Type == tea.KeyUp || k.Type == tea.KeyDown:
		m.table, _ = m.table.Update(k)
		return nil
	}
	var cmd tea.Cmd
	m.search.input, cmd = m.search.input.Update(k)
	if v := m.search.input.Value(); v != m.search.query.String() {
		m.setSearch(v)
	}
	return cmd
}

// stopTyping gives the keys back to the table, and the field's line too.
func (m *Model) stopTyping() {
	m.search.typing = false
	m.search.input.Blur()
	m.resize()
}

// setSearch applies text as the filter; the selected key stays selected
// while it matches.
func (m *Model) setSearch(text string) {
	prev := m.search.query
	m.search.input.SetValue(text)
	m.search.query = match.New(text)
	if !prev.Empty() && m.search.query.Narrows(prev) {
		m.narrow() // one more letter: only the rows shown can still match
		return
	}
	m.refilter()
}

// narrow drops the rows the text filter no longer keeps, in place; the
// cursor stays on its key while it is kept, else goes to the top.
func (m *Model) narrow() {
	if m.res == nil {
		return
	}
	selected, cursor := int32(-1), 0
	if c := m.table.Cursor(); c < len(m.rows) {
		selected = m.rows[c]
	}
	keeps := m.searchKeeps()
	rows := m.rows[:0]
	for _, i := range m.rows {
		if keeps(int(i)) {
			if i == selected {
				cursor = len(rows)
			}
			rows = append(rows, i)
		}
	}
	m.rows = rows
	m.table.SetRows(len(rows))
	m.table.SetCursor(cursor)
}

// searching reports whether a text filter narrows the table.
func (m *Model) searching() bool { return !m.search.query.Empty() }

// searchKeeps is the text filter's test of res.Keys[i], made once per
// pass over the rows.
func (m *Model) searchKeeps() func(i int) bool {
	q := m.search.query
	if q.Empty() {
		return func(int) bool { return true }
	}
	x := &m.search.index
	x.follow(m.res)
	if q.Foldable() {
		return func(i int) bool { return q.InFolded(x.sigs[i], x.hay(i)) } // no formatting, no allocation
	}
	return func(i int) bool {
		f := searchFields(&m.res.Keys[i]) // Unicode case folding reads the fields
		return q.InAny(x.sigs[i], f[:]...)
	}
}

// searchFields is what the text filter looks in.
func searchFields(k *audit.Key) [7]string {
	scope := "organization"
	switch k.Scope().Kind {
	case client.ScopeInbox:
		scope = "inbox"
	case client.ScopePod:
		scope = "pod"
	}
	return [7]string{k.Name, k.Prefix, k.ID, k.PodName, k.InboxID, scope, k.Fingerprint}
}

// searchLine is the filter field while typing, else "" .
func (m *Model) searchLine() string {
	if !m.search.typing {
		return ""
	}
	m.search.input.Width = max(m.width-4, 1)
	return m.search.input.View()
}

// searchNote names the text filter on the filter line ("" when none).
func (m *Model) searchNote() string {
	if !m.searching() {
		return ""
	}
	return " match “" + sanitize.Truncate(m.search.query.String(), 30) + "”"
}

// matchStatus is "N of M match · " for the status line while a text filter
// is applied, else "".
func (m *Model) matchStatus() string {
	if !m.searching() || m.res == nil {
		return ""
	}
	return strconv.Itoa(len(m.rows)) + " of " + strconv.Itoa(len(m.res.Keys)) + " match · "
}
