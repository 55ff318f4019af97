// Package pods is the first screen: the organization's pods, paged from the
// API, sortable newest/oldest by the server and filterable as you type.
package pods

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/audit"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/inboxes"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/listing"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
	"github.com/amkeys/amkeys/ui/table"
	"github.com/amkeys/amkeys/ui/tabs"
)

// KeyMap holds the screen's bindings.
type KeyMap struct {
	Open, Sort, Refresh, New, Delete, Audit, Copy key.Binding
}

// DefaultKeyMap returns the screen's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open pod")),
		Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		New:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new pod")),
		Delete:  key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete pod")),
		Audit:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "audit all keys")),
		Copy:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy pod id")),
	}
}

// Sort is the order of the pods.
type Sort int

// The orders, in the order s cycles through them. Newest and oldest come
// from the server; name and updated sort every pod here (loading them all).
const (
	Newest Sort = iota
	Oldest
	ByName
	ByUpdated
	sortCount
)

var sortNames = [...]string{"newest first", "oldest first", "name", "recently updated"}

func lessFor(s Sort) func(a, b *client.Pod) bool {
	switch s {
	case ByName:
		return func(a, b *client.Pod) bool { return strings.ToLower(a.Name) < strings.ToLower(b.Name) }
	case ByUpdated:
		return func(a, b *client.Pod) bool { return a.UpdatedAt.After(b.UpdatedAt) }
	}
	return nil
}

var columns = []table.Column{
	{Title: "name", Flex: 3, Min: 12, Want: 24, Max: 48, Keep: 5},
	{Title: "pod id", Width: 36, Min: 13, Keep: 2}, // a UUID: whole when there is room
	{Title: "client id", Width: 16, Min: 8, Keep: 1},
	// Dates are whole or not shown: "2026-11-26 20:…" helps nobody.
	{Title: "created", Width: 16, Keep: 4},
	{Title: "updated", Width: 16, Keep: 3},
}

// auditColumns join once an audit has counted each pod's keys.
var auditColumns = []table.Column{
	{Title: "keys", Width: 5, Keep: 4},
	{Title: "stale", Width: 5, Keep: 4},
}

var errNoPodID = errors.New("the server sent this pod without an id, so its keys cannot be listed")

// Open is a pod's screen: its keys and its inboxes, a tab each.
func Open(c *common.Common, p client.Pod) *tabs.Model {
	return tabs.New(c, p.Name, []tabs.Tab{
		{Name: "keys", New: func() common.Screen { return keys.New(c, common.PodKeys(p)) }},
		{Name: "inboxes", New: func() common.Screen { return inboxes.New(c, p) }},
	})
}

// Model is the pods screen.
type Model struct {
	c         *common.Common
	KeyMap    KeyMap
	list      listing.Model[client.Pod]
	ascending bool // the server's order: oldest first
	sort      Sort
	counts    *common.AuditCountsMsg // the last audit's counts, if any

	dialog   *confirm.Model // the delete confirmation, when open
	deleting client.Pod     // the pod it is about
	width    int
	height   int
}

// New makes the screen; Init starts loading.
func New(c *common.Common) *Model {
	m := &Model{c: c, KeyMap: DefaultKeyMap()}
	// Read-only: n and d leave the help and only say that they are off.
	m.KeyMap.New.SetEnabled(!c.Settings.ReadOnly)
	m.KeyMap.Delete.SetEnabled(!c.Settings.ReadOnly)
	m.list = listing.New(c, listing.Config[client.Pod]{
		Owner:   "pods",
		Noun:    "pods",
		Columns: columns,
		Fetch:   m.fetcher(false),
		Search: func(p *client.Pod) listing.SearchFields {
			return listing.SearchFields{p.Name, p.ID, p.ClientID}
		},
		ID: func(p *client.Pod) string { return p.ID },
	})
	empty := "no pods yet: n creates one"
	if c.Settings.ReadOnly {
		empty = "no pods yet (read-only: amkeys cannot create one)"
	}
	m.list.SetEmpty(empty)
	return m
}

// fetcher builds the page loader from values, so that its goroutine never
// reads the live model.
func (m *Model) fetcher(ascending bool) listing.Fetch[client.Pod] {
	api, size := m.c.API, m.c.Settings.PageSize
	return func(ctx context.Context, token string) (listing.Page[client.Pod], error) {
		page, err := api.ListPods(ctx, client.ListOptions{Limit: size, PageToken: token, Ascending: ascending})
		return listing.Page[client.Pod]{Items: page.Pods, Next: page.NextPageToken, Unreadable: len(page.Unreadable), Text: page.Text}, err
	}
}

// Init starts loading the first page.
func (m *Model) Init() tea.Cmd { return m.list.Reload() }

// List exposes the listing for tests.
func (m *Model) List() *listing.Model[client.Pod] { return &m.list }

// SetSize sizes the table below the one-line header.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetSize(w, h-1)
}

// Title is the breadcrumb entry.
func (m *Model) Title() string { return "pods" }

// CapturesInput is true while the filter or a dialog has focus.
func (m *Model) CapturesInput() bool { return m.list.Filtering() || m.dialog != nil }

// TakesBack is true while a filter is applied: esc clears it first.
func (m *Model) TakesBack() bool { return m.dialog == nil && m.list.HasQuery() }

// Status summarises the screen.
func (m *Model) Status() string {
	n := plural(m.list.Len(), "pod")
	if !m.list.Complete() {
		n += " loaded"
	}
	return n
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	if m.dialog != nil {
		return m.dialog.Bindings()
	}
	if m.list.Filtering() {
		return []key.Binding{m.list.KeyMap.AcceptFilter, m.list.KeyMap.ClearFilter}
	}
	return m.bindings()
}

func (m *Model) bindings() []key.Binding {
	return []key.Binding{m.KeyMap.Open, m.KeyMap.New, m.KeyMap.Delete, m.list.KeyMap.Filter, m.sortBinding(), m.KeyMap.Refresh, m.KeyMap.Audit, m.KeyMap.Copy}
}

func (m *Model) sortBinding() key.Binding {
	b := m.KeyMap.Sort
	b.SetHelp("s", "sort: "+sortNames[m.sort])
	return b
}

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding {
	if m.dialog != nil {
		return [][]key.Binding{m.dialog.Bindings()}
	}
	return [][]key.Binding{m.bindings(), m.list.Table.KeyMap.Bindings()}
}

// Update handles the screen's keys, then the listing's.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	if handled, cmd := m.updateActions(msg); handled {
		return m, cmd
	}
	if k, ok := msg.(tea.KeyMsg); ok && !m.list.Filtering() {
		switch {
		case key.Matches(k, m.KeyMap.Open):
			p, ok := m.list.Selected()
			switch {
			case !ok:
				return m, nil
			case p.ID == "":
				// Listing keys of "" would list the organization's keys.
				return m, common.Fail("opening the pod", errNoPodID)
			}
			m.c.Push(Open(m.c, *p))
			return m, nil
		case key.Matches(k, m.KeyMap.Sort):
			return m, m.SetSort((m.sort + 1) % sortCount)
		case key.Matches(k, m.KeyMap.Copy):
			if p, ok := m.list.Selected(); ok {
				return m, common.CopyID(m.c, "pod id", p.ID)
			}
			return m, nil
		case key.Matches(k, m.KeyMap.Refresh):
			return m, m.list.Reload()
		case key.Matches(k, m.KeyMap.Audit):
			m.c.Push(audit.New(m.c))
			return m, nil
		}
	}
	if mouse, ok := msg.(tea.MouseMsg); ok {
		mouse.Y-- // below this screen's header line, so row clicks land right
		msg = mouse
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	return m, cmd
}

// SetSort changes the order: newest and oldest ask the server (from the
// first page again), name and updated sort here, after loading every pod.
func (m *Model) SetSort(s Sort) tea.Cmd {
	m.sort = s
	cmd := m.list.SetOrder(lessFor(s))
	if asc := s == Oldest; (s == Newest || s == Oldest) && asc != m.ascending {
		return m.SetAscending(asc)
	}
	return cmd
}

// SetAscending asks the server for the other order, from the first page.
func (m *Model) SetAscending(asc bool) tea.Cmd {
	m.ascending = asc
	m.list.SetFetch(m.fetcher(asc))
	return m.list.Reload()
}

// setCounts shows an audit's counts as two more columns.
func (m *Model) setCounts(msg common.AuditCountsMsg) {
	first := m.counts == nil
	m.counts = &msg
	if first {
		m.list.Table.SetColumns(append(append([]table.Column{}, columns...), auditColumns...))
	}
}

// View draws the header line and the table.
func (m *Model) View() string {
	if m.dialog != nil {
		return m.dialog.Fit(m.width, m.height)
	}
	now := m.c.Now()
	head := "sort: " + sortNames[m.sort] + " · times in " + m.c.Times().Name(now)
	if m.counts != nil {
		head += " · key counts from the audit " + format.Ago(m.counts.At, now)
	}
	return m.c.Styles.MutedPaint.Apply(sanitize.Truncate(head, m.width)) + "\n" + m.list.View(m.cell, m.paint)
}

func (m *Model) cell(p *client.Pod, col int) string {
	switch col {
	case 0:
		return p.Name
	case 1:
		return p.ID
	case 2:
		return p.ClientID
	case 3:
		return m.c.Times().DateTime(p.CreatedAt)
	case 4:
		return m.c.Times().DateTime(p.UpdatedAt)
	case 5, 6:
		n, ok := m.counts.Pods[p.ID]
		switch {
		case !ok:
			return "-"
		case col == 5:
			return strconv.Itoa(n.Keys)
		}
		return strconv.Itoa(n.Stale)
	}
	return ""
}

func (m *Model) paint(p *client.Pod, col int) styles.Paint {
	if col == 6 && m.counts != nil && m.counts.Pods[p.ID].Stale > 0 {
		return m.c.Styles.WarningCell
	}
	return styles.Paint{}
}
