// Package listing is the paged, filterable list behind the pods and keys
// screens: it loads pages from the API ahead of the cursor, drops stale
// pages, filters loaded rows as the user types and keeps a sort order, and
// draws through the virtual table. Screens supply columns, cells, the match
// and the order.
package listing

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/match"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
	"github.com/amkeys/amkeys/ui/table"
)

// Fetch loads one page. It runs in a command's goroutine and must only use
// the values it was given.
type Fetch[T any] func(ctx context.Context, pageToken string) (Page[T], error)

// Page is one loaded page: its items, the next token ("" on the last), how
// many of its items could not be read, and the bytes of text Items hold
// (for the listing's memory bound).
type Page[T any] struct {
	Items      []T
	Next       string
	Unreadable int
	Text       int
}

// PageMsg carries one loaded page to the listing that asked for it.
type PageMsg[T any] struct {
	Owner      string // which listing (e.g. "keys/<pod id>")
	Gen        int    // which load of it; a refresh or re-sort starts a new one
	Token      string // the page token that was requested
	Items      []T
	Next       string
	Unreadable int
	Text       int
	Err        error
}

// KeyMap holds the listing's own bindings.
type KeyMap struct {
	Filter, ClearFilter, AcceptFilter key.Binding
}

// DefaultKeyMap: / filters, esc clears, enter keeps the filter.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		AcceptFilter: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter")),
	}
}

// Config describes a listing.
type Config[T any] struct {
	Owner   string
	Noun    string // "pods", "keys"
	Columns []table.Column
	Fetch   Fetch[T]
	// Search returns the fields the filter looks in (name, id, ...).
	Search func(item *T) SearchFields
	// ID identifies an item: a row whose id is already listed is dropped
	// (a server repeating a page). Nil: no de-duplication.
	ID func(item *T) string
}

// SearchFields are the texts of one row that the filter searches.
type SearchFields [3]string

// Model is a paged, filterable list of T.
type Model[T any] struct {
	cfg    Config[T]
	c      *common.Common
	KeyMap KeyMap
	Table  table.Model

	items []T
	ids   map[string]struct{} // ids of items, when cfg.ID is set
	sigs  []match.Signature   // per item: which characters its fields hold
	order []int32             // every item, in sort order
	view  []int32             // the items shown: order, filtered

	less  func(a, b *T) bool // nil = the server's order
	keep  func(a *T) bool    // quick filter; nil = all
	query match.Query

	input     textinput.Model
	filtering bool

	gen       int
	requested string // token of the page in flight
	next      string
	loading   bool
	complete  bool
	followEnd bool
	failed    error
	guard     client.PageGuard
	// idle: the last page brought no new row, so no page is fetched
	// again until the user moves (or asked for everything): an endless
	// run of empty pages costs one request per key press, not a flood.
	idle       bool
	unreadable int // items of loaded pages that could not be read
	spin       spinner.Model
	spinning   bool // a chain of spinner ticks is running
}

// New makes a listing; call Reload (or Init) to start loading.
func New[T any](c *common.Common, cfg Config[T]) Model[T] {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "type to filter " + cfg.Noun
	in.Cursor.SetMode(cursor.CursorStatic)
	in.CharLimit = 256
	return Model[T]{
		cfg:    cfg,
		c:      c,
		KeyMap: DefaultKeyMap(),
		Table:  table.New(cfg.Columns, c.Styles),
		input:  in,
		spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot)),
	}
}

// Reload drops what is loaded and starts again from the first page.
func (m *Model[T]) Reload() tea.Cmd {
	m.gen = m.c.NextRequestID()
	m.items, m.sigs, m.order, m.view, m.ids = nil, nil, nil, nil, nil
	m.next, m.complete, m.failed, m.followEnd = "", false, nil, false
	m.idle, m.unreadable = false, 0
	m.guard = client.PageGuard{}
	m.Table.SetRows(0)
	m.Table.SetCursor(0)
	return m.load("")
}

func (m *Model[T]) load(token string) tea.Cmd {
	m.loading, m.requested = true, token
	owner, gen, fetch, ctx := m.cfg.Owner, m.gen, m.cfg.Fetch, m.c.Ctx
	get := func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		p, err := fetch(rctx, token)
		return PageMsg[T]{Owner: owner, Gen: gen, Token: token, Items: p.Items, Next: p.Next, Unreadable: p.Unreadable, Text: p.Text, Err: err}
	}
	if m.spinning {
		return get
	}
	m.spinning = true
	return tea.Batch(get, m.spin.Tick)
}

// SetFetch replaces the page loader (a new server-side order); call Reload.
func (m *Model[T]) SetFetch(f Fetch[T]) { m.cfg.Fetch = f }

// Loading reports whether a page is in flight.
func (m Model[T]) Loading() bool { return m.loading }

// Complete reports whether every page is loaded.
func (m Model[T]) Complete() bool { return m.complete }

// Filtering reports whether the filter field has focus.
func (m Model[T]) Filtering() bool { return m.filtering }

// Query is the current filter text.
func (m Model[T]) Query() string { return m.query.String() }

// Unreadable is how many items of the loaded pages could not be read.
func (m Model[T]) Unreadable() int { return m.unreadable }

// Len is the number of loaded items; Shown the number passing the filters.
func (m Model[T]) Len() int { return len(m.items) }

// Shown is the number of rows on screen's list after filtering.
func (m Model[T]) Shown() int { return len(m.view) }

// Item returns the item of row r of the view.
func (m *Model[T]) Item(r int) *T { return &m.items[m.view[r]] }

// Items returns every loaded item (do not modify).
func (m Model[T]) Items() []T { return m.items }

// Selected returns the item under the cursor.
func (m *Model[T]) Selected() (*T, bool) {
	if len(m.view) == 0 {
		return nil, false
	}
	return m.Item(m.Table.Cursor()), true
}

// SetSize sizes the table; one line is kept for the filter/footer.
func (m *Model[T]) SetSize(w, h int) {
	m.input.Width = max(w-4, 1)
	m.Table.SetSize(w, max(h-1, 1))
}

// SetOrder sorts loaded and future rows by less (nil = server order).
func (m *Model[T]) SetOrder(less func(a, b *T) bool) {
	m.less = less
	m.resort()
	m.refilter(false)
}

// SetKeep sets the quick filter (nil = all).
func (m *Model[T]) SetKeep(keep func(*T) bool) {
	m.keep = keep
	m.refilter(false)
}

// Remove drops the items for which drop is true (after a delete).
func (m *Model[T]) Remove(drop func(*T) bool) int {
	kept, sigs := m.items[:0], m.sigs[:0]
	removed := 0
	for i := range m.items {
		if drop(&m.items[i]) {
			if m.ids != nil {
				delete(m.ids, m.cfg.ID(&m.items[i]))
			}
			removed++
			continue
		}
		kept = append(kept, m.items[i])
		sigs = append(sigs, m.sigs[i])
	}

	clear(m.items[len(kept):])
	m.items, m.sigs = kept, sigs
	m.resort()
	m.refilter(false)
	return removed
}

// Prepend inserts an item at the top (after a create), as the server's
// newest-first order would.
func (m *Model[T]) Prepend(item T) {
	if m.cfg.ID != nil {
		if m.ids == nil {
			m.ids = map[string]struct{}{}
		}
		m.ids[m.cfg.ID(&item)] = struct{}{}
	}
	m.items = append([]T{item}, m.items...)
	m.sigs = append([]match.Signature{m.sign(&m.items[0])}, m.sigs...)
	m.resort()
	m.refilter(false)
}

// Update handles pages, the spinner, the filter field and navigation.
func (m Model[T]) Update(msg tea.Msg) (Model[T], tea.Cmd) {
	switch msg := msg.(type) {
	case PageMsg[T]:
		return m.onPage(msg)
	case spinner.TickMsg:
		if msg.ID != m.spin.ID() {
			return m, nil
		}
		if !m.loading {
			m.spinning = false // the chain of ticks ends here
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyMsg, tea.MouseMsg:
		m.idle = false // the user moved: one more page may be fetched
	}
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.filtering {
			return m.updateFilter(msg)
		}
		if key.Matches(msg, m.KeyMap.Filter) {
			m.filtering = true
			m.input.SetValue(m.query.String())
			m.input.CursorEnd()
			return m, m.input.Focus()
		}
		if key.Matches(msg, m.Table.KeyMap.Bottom) && m.next != "" {
			m.followEnd = true
		}
	}
	var cmd tea.Cmd
	m.Table, cmd = m.Table.Update(msg)
	return m, tea.Batch(cmd, m.prefetch())
}

func (m Model[T]) updateFilter(msg tea.KeyMsg) (Model[T], tea.Cmd) {
	switch {
	case key.Matches(msg, m.KeyMap.ClearFilter):
		m.filtering = false
		m.input.Blur()
		m.setQuery("")
		return m, m.prefetch()
	case key.Matches(msg, m.KeyMap.AcceptFilter):
		m.filtering = false
		m.input.Blur()
		return m, nil
	case msg.Type == tea.KeyUp || msg.Type == tea.KeyDown:
		var cmd tea.Cmd
		m.Table, cmd = m.Table.Update(msg)
		return m, tea.Batch(cmd, m.prefetch())
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if m.input.Value() != m.query.String() {
		m.setQuery(m.input.Value())
	}
	return m, tea.Batch(cmd, m.prefetch())
}

// SetQuery filters as if the user had typed q.
func (m *Model[T]) SetQuery(q string) { m.input.SetValue(q); m.setQuery(q) }

func (m *Model[T]) setQuery(q string) {
	prev := m.query
	m.query = match.New(q)
	m.refilter(m.query.Narrows(prev) && !prev.Empty())
	m.Table.SetCursor(0)
}

func (m Model[T]) onPage(msg PageMsg[T]) (Model[T], tea.Cmd) {
	if msg.Owner != m.cfg.Owner || msg.Gen != m.gen || msg.Token != m.requested || !m.loading {
		return m, nil // stale: another load, another pod, or a page already seen
	}
	m.loading = false
	if msg.Err != nil {
		m.failed = msg.Err
		m.followEnd = false
		return m, common.Fail("loading "+m.cfg.Noun, msg.Err)
	}
	m.failed = nil
	shown := len(m.view)
	fresh := m.appendPage(msg.Items)
	m.unreadable += msg.Unreadable
	if m.followEnd {
		m.Table.SetCursor(len(m.view) - 1)
	}
	if err := m.guard.Page(fresh+msg.Unreadable, msg.Text, msg.Next); err != nil {
		m.complete, m.next, m.followEnd = true, "", false
		m.failed = err
		return m, common.Fail("loading "+m.cfg.Noun, err)
	}
	if msg.Next == "" {
		m.complete, m.next, m.followEnd = true, "", false
		return m, nil
	}
	m.next = msg.Next
	m.idle = len(m.view) == shown
	return m, m.prefetch()
}

// appendPage adds the items not already listed and returns how many; in
// server order with no filter this is O(page).
func (m *Model[T]) appendPage(items []T) int {
	start := len(m.items)
	for i := range items {
		if m.cfg.ID != nil {
			id := m.cfg.ID(&items[i])
			if _, dup := m.ids[id]; dup {
				continue
			}
			if m.ids == nil {
				m.ids = map[string]struct{}{}
			}
			m.ids[id] = struct{}{}
		}
		m.items = append(m.items, items[i])
	}
	for i := start; i < len(m.items); i++ {
		m.sigs = append(m.sigs, m.sign(&m.items[i]))
	}
	if m.less != nil {
		m.resort()
		m.refilter(false)
		return len(m.items) - start
	}
	for i := start; i < len(m.items); i++ {
		m.order = append(m.order, int32(i))
		if m.passes(int32(i)) {
			m.view = append(m.view, int32(i))
		}
	}
	m.Table.SetRows(len(m.view))
	return len(m.items) - start
}

// prefetch asks for the next page when fewer than one page of rows is
// loaded past the screen, or when the user asked for everything (G, a
// filter that hides rows). A page that brought no new row makes the
// listing idle: the next fetch waits for the user to move (see Update).
func (m *Model[T]) prefetch() tea.Cmd {
	if m.loading || m.next == "" || m.failed != nil {
		return nil
	}
	if m.followEnd || m.filtered() {
		return m.load(m.next)
	}
	if m.idle {
		return nil
	}
	page := max(m.Table.PageRows(), 1)
	if len(m.view)-m.Table.Cursor() < 2*page { // the screen's rows and one page more
		return m.load(m.next)
	}
	return nil
}

// filtered reports whether a filter hides rows, so that reaching the end
// of what is shown means loading on until matches fill the screen.
func (m *Model[T]) filtered() bool { return !m.query.Empty() || m.keep != nil }

func (m *Model[T]) sign(it *T) match.Signature {
	f := m.cfg.Search(it)
	return match.Sign(f[0], f[1], f[2])
}

// passes applies the quick filter and the query to item i.
func (m *Model[T]) passes(i int32) bool {
	it := &m.items[i]
	if m.keep != nil && !m.keep(it) {
		return false
	}
	if m.query.Empty() {
		return true
	}
	if !m.query.Admits(m.sigs[i]) {
		return false // the common case: one comparison, no reading
	}
	f := m.cfg.Search(it)
	return m.query.InAny(m.sigs[i], f[0], f[1], f[2])
}

func (m *Model[T]) resort() {
	if cap(m.order) < len(m.items) {
		m.order = make([]int32, len(m.items))
	}
	m.order = m.order[:len(m.items)]
	for i := range m.order {
		m.order[i] = int32(i)
	}
	if m.less != nil {
		sort.SliceStable(m.order, func(a, b int) bool {
			return m.less(&m.items[m.order[a]], &m.items[m.order[b]])
		})
	}
}

// refilter rebuilds the view; narrowing only re-checks rows already shown.
func (m *Model[T]) refilter(narrowing bool) {
	src := m.order
	if narrowing {
		src = m.view
	}
	out := m.view[:0]
	if !narrowing {
		out = make([]int32, 0, len(src))
	}
	for _, i := range src {
		if m.passes(i) {
			out = append(out, i)
		}
	}
	m.view = out
	m.Table.SetRows(len(m.view))
}

// View draws the table and a footer line: the filter field, or counts and
// the loading state.
func (m Model[T]) View(cell func(it *T, col int) string, paint func(it *T, col int) styles.Paint) string {
	body := m.Table.View(
		func(r, c int) string { return cell(&m.items[m.view[r]], c) },
		func(r, c int) styles.Paint { return paint(&m.items[m.view[r]], c) },
	)
	return body + "\n" + m.footer()
}

func (m Model[T]) footer() string {
	if m.filtering {
		return m.input.View()
	}
	noun := m.cfg.Noun
	if len(m.items) == 1 {
		noun = strings.TrimSuffix(noun, "s")
	}
	s := strconv.Itoa(len(m.items)) + " " + noun
	if len(m.view) != len(m.items) {
		s = strconv.Itoa(len(m.view)) + " of " + s
	}
	if !m.query.Empty() {
		s += " · filter “" + sanitize.Truncate(m.query.String(), 30) + "”"
	}
	if m.unreadable > 0 {
		s += " · " + strconv.Itoa(m.unreadable) + " " + m.cfg.Noun + " could not be read"
	}
	switch {
	case m.loading:
		s += " · " + m.spin.View() + " loading"
	case m.failed != nil:
		s += " · loading stopped (r to retry)"
	case !m.complete:
		s += " · more on the server"
	}
	return m.c.Styles.MutedPaint.Apply(s)
}
