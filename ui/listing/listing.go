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

	// want is the id of the item the cursor should return to once a
	// reload brings it back ("" = none); the user's next key drops it.
	want string
	// everything: the order or the quick filter needs every page, so
	// pages are fetched until the last one (with the progress shown).
	everything bool
	// empty is the line shown instead of an empty table ("no keys yet: n
	// creates one"); "" draws the plain empty table.
	empty string

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
	if id, ok := m.selectedID(); ok {
		m.want = id // the same item is selected again once it is back
	}
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

// SetEmpty sets what an empty, fully loaded list says instead of its
// empty table (a hint at what to do).
func (m *Model[T]) SetEmpty(text string) { m.empty = text }

// Select puts the cursor on the item with this id if it is shown, and
// reports whether it is. Needs Config.ID.
func (m *Model[T]) Select(id string) bool {
	if m.cfg.ID == nil {
		return false
	}
	for r, i := range m.view {
		if m.cfg.ID(&m.items[i]) == id {
			m.Table.SetCursor(r)
			return true
		}
	}
	return false
}

// selectedID is the id of the item under the cursor.
func (m *Model[T]) selectedID() (string, bool) {
	if m.cfg.ID == nil || len(m.view) == 0 {
		return "", false
	}
	return m.cfg.ID(m.Item(m.Table.Cursor())), true
}

// keepSelection runs change, which may reorder or filter the items but
// not renumber them, and puts the cursor back on the item it was on,
// wherever that item now is. If it is filtered out the cursor stays in
// range.
func (m *Model[T]) keepSelection(change func()) {
	if len(m.view) == 0 {
		change()
		return
	}
	at := m.view[m.Table.Cursor()]
	change()
	for r, i := range m.view {
		if i == at {
			m.Table.SetCursor(r)
			return
		}
	}
}

// keepSelectionByID is keepSelection for changes that renumber the items
// (a delete, a create).
func (m *Model[T]) keepSelectionByID(change func()) {
	id, ok := m.selectedID()
	change()
	if ok {
		m.Select(id)
	}
}

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
// A sort needs every item, so the pages left are loaded (see Everything);
// the cursor stays on the item it was on.
func (m *Model[T]) SetOrder(less func(a, b *T) bool) tea.Cmd {
	m.keepSelection(func() {
		m.less = less
		m.resort()
		m.refilter(false)
	})
	return m.loadEverything()
}

// SetKeep sets the quick filter (nil = all). Like a sort, it loads the
// pages left so that it covers every item.
func (m *Model[T]) SetKeep(keep func(*T) bool) tea.Cmd {
	m.keepSelection(func() {
		m.keep = keep
		m.refilter(false)
	})
	return m.loadEverything()
}

// loadEverything starts loading the remaining pages when a sort or a quick
// filter is on: either would be wrong on a part of the items.
func (m *Model[T]) loadEverything() tea.Cmd {
	m.everything = m.less != nil || m.keep != nil
	return m.prefetch()
}

// LoadAll loads every page left (with the progress shown), for an action
// on every row shown, such as marking them all.
func (m *Model[T]) LoadAll() tea.Cmd {
	m.everything = true
	return m.prefetch()
}

// LoadingEverything reports whether pages are still being fetched for a
// sort or quick filter, which are then partial.
func (m Model[T]) LoadingEverything() bool {
	return (m.everything || m.filtered()) && !m.complete
}

// Remove drops the items for which drop is true (after a delete).
func (m *Model[T]) Remove(drop func(*T) bool) int {
	removed := 0
	m.keepSelectionByID(func() { removed = m.remove(drop) })
	return removed
}

func (m *Model[T]) remove(drop func(*T) bool) int {
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

// Edit changes the items for which change returns true (a field the
// server changed, such as a last use) and puts them where the order and
// the filter now want them; it returns how many changed.
func (m *Model[T]) Edit(change func(*T) bool) int {
	changed := 0
	m.keepSelectionByID(func() {
		for i := range m.items {
			if change(&m.items[i]) {
				m.sigs[i] = m.sign(&m.items[i])
				changed++
			}
		}
		if changed > 0 {
			m.resort()
			m.refilter(false)
		}
	})
	return changed
}

// Replace puts item in place of the loaded item with its id (after
// another screen read it again), keeping the selection; false if no item
// with that id is loaded.
func (m *Model[T]) Replace(item T) bool {
	if m.cfg.ID == nil {
		return false
	}
	id := m.cfg.ID(&item)
	return m.Edit(func(it *T) bool {
		if m.cfg.ID(it) != id {
			return false
		}
		*it = item
		return true
	}) > 0
}

// Prepend inserts an item at the top (after a create), as the server's
// newest-first order would, and selects it wherever the order puts it.
func (m *Model[T]) Prepend(item T) {
	m.prepend(item)
	if m.cfg.ID == nil || !m.Select(m.cfg.ID(&item)) {
		m.Table.SetCursor(0)
	}
}

func (m *Model[T]) prepend(item T) {
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
		m.want = ""    // and chose where the cursor is
	}
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.filtering {
			return m.updateFilter(msg)
		}
		if key.Matches(msg, m.KeyMap.ClearFilter) && m.HasQuery() {
			m.SetQuery("") // esc clears an applied filter before it means back
			return m, m.prefetch()
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

// HasQuery reports whether a filter is applied (typed and accepted): esc
// then clears it (see TakesBack on the screens).
func (m Model[T]) HasQuery() bool { return !m.filtering && !m.query.Empty() }

// setQuery filters; the cursor stays on its item while it still matches,
// else goes to the first match.
func (m *Model[T]) setQuery(q string) {
	prev := m.query
	at := int32(-1)
	if len(m.view) > 0 {
		at = m.view[m.Table.Cursor()]
	}
	m.query = match.New(q)
	m.refilter(m.query.Narrows(prev) && !prev.Empty())
	m.Table.SetCursor(0)
	for r, i := range m.view {
		if i == at {
			m.Table.SetCursor(r)
			break
		}
	}
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
	if m.want != "" && m.Select(m.want) {
		m.want = ""
	}
	if err := m.guard.Page(fresh+msg.Unreadable, msg.Text, msg.Next); err != nil {
		m.complete, m.next, m.followEnd = true, "", false
		m.failed = err
		return m, common.Fail("loading "+m.cfg.Noun, err)
	}
	if msg.Next == "" {
		m.complete, m.next, m.followEnd, m.want = true, "", false, ""
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
		m.keepSelection(func() {
			m.resort()
			m.refilter(false)
		})
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
	if m.followEnd || m.filtered() || m.everything {
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
	if hint := m.emptyHint(); hint != "" {
		lines := strings.Split(body, "\n")
		if at := m.Table.HeadLines(); at < len(lines) { // the first row's line
			lines[at] = m.c.Styles.MutedPaint.Apply(sanitize.Truncate("  "+hint, m.Table.Width()))
			body = strings.Join(lines, "\n")
		}
	}
	return body + "\n" + m.footer()
}

// emptyHint says why no row shows and what to do: a filter that matches
// nothing, or a scope with nothing in it yet.
func (m Model[T]) emptyHint() string {
	switch {
	case len(m.view) > 0 || m.loading:
		return ""
	case len(m.items) > 0 && !m.query.Empty() && !m.filtering:
		return "nothing matches “" + sanitize.Truncate(m.query.String(), 30) + "”: esc clears the filter"
	case len(m.items) > 0 && !m.query.Empty():
		return "nothing matches yet: keep typing, or esc clears the filter"
	case len(m.items) > 0:
		return "nothing to show with this quick filter"
	case m.complete && m.failed == nil:
		return m.empty
	}
	return ""
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
	case m.loading && m.everything:
		s += " · " + m.spin.View() + " loading every page for the sort or filter (" + strconv.Itoa(len(m.items)) + " so far)"
	case m.loading:
		s += " · " + m.spin.View() + " loading"
	case m.failed != nil:
		s += " · loading stopped (r to retry)"
	case !m.complete:
		s += " · more on the server"
	}
	return m.c.Styles.MutedPaint.Apply(s)
}
