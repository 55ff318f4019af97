// Package keys is the screen of one scope's API keys (the organization's, a
// pod's or an inbox's): a paged table with sort, filter and quick filters
// for never-used, stale and unrestricted keys, and the create and delete
// flows, which are the same for every scope.
package keys

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/keydetail"
	"github.com/amkeys/amkeys/ui/listing"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
	"github.com/amkeys/amkeys/ui/table"
)

// KeyMap holds the screen's bindings.
type KeyMap struct {
	Open, Sort, Quick, Refresh, New, Delete, Copy, Rotate key.Binding
}

// DefaultKeyMap returns the screen's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Quick:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "never/stale/unrestricted")),
		Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		New:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new key")),
		Delete:  key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete")),
		Copy:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy key id")),
		Rotate:  key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "rotate")),
	}
}

// Sort orders of the table.
type Sort int

// The sort orders, in the order s cycles through them.
const (
	ByCreated       Sort = iota // the server's order, newest first
	ByLastUsed                  // most recently used first, never-used last
	ByLeastRecently             // stalest first, never-used first
	ByName
	sortCount
)

var sortNames = [...]string{"created", "last used", "stalest first", "name"}

// Quick filters.
type Quick int

// The quick filters, in the order f cycles through them: the one order of
// every screen with quick filters (the audit's too).
const (
	AllKeys Quick = iota
	NeverUsed
	Stale
	UnrestrictedOnly
	quickCount
)

var quickNames = [...]string{"all", "never used", "stale", "unrestricted"}

// Model is the keys screen.
type Model struct {
	c      *common.Common
	scope  common.KeyScope
	KeyMap KeyMap
	list   listing.Model[client.APIKey]
	sort   Sort
	quick  Quick
	now    time.Time // the clock for "ago" and stale, set per frame

	dialog    *confirm.Model // the delete confirmation, when open
	deleting  client.APIKey  // the key it is about
	focusID   string         // a key to put the cursor on once loaded (focus.go)
	focusName string         // its prefix (or name), to say that it is gone
	mk        markState      // marks for a bulk delete (marks.go)
	width     int
	height    int
}

// Columns of the table.
// The name gets its preferred width before "created" (the detail has it);
// it stops at 40 so that wide windows do not pad it with blanks.
var columns = []table.Column{
	{Title: "name", Flex: 3, Min: 12, Want: 24, Max: 40, Keep: 9},
	{Title: "prefix", Width: 12, Min: 9, Keep: 6},
	{Title: "scope", Width: 5, Keep: 4},
	{Title: "permissions", Width: 12, Keep: 7},
	{Title: "created", Width: 10, Keep: 2},
	{Title: "last used", Width: 14, Min: 11, Keep: 8},
	{Title: "state", Width: 5, Keep: 5},
}

// New makes the screen for the keys of scope.
func New(c *common.Common, scope common.KeyScope) *Model {
	api, where, pageSize := c.API, scope.Scope, c.Settings.PageSize
	fetch := func(ctx context.Context, token string) (listing.Page[client.APIKey], error) {
		page, err := api.ListKeys(ctx, where, client.ListOptions{Limit: pageSize, PageToken: token})
		// All keys of a page share the screen's scope id string, so
		// 100,000 keys do not carry 100,000 copies of it.
		for i := range page.Keys {
			k := &page.Keys[i]
			if k.PodID == where.ID {
				k.PodID = where.ID
			}
			if k.InboxID == where.ID {
				k.InboxID = where.ID
			}
		}
		return listing.Page[client.APIKey]{Items: page.Keys, Next: page.NextPageToken, Unreadable: len(page.Unreadable), Text: page.Text}, err
	}
	m := &Model{c: c, scope: scope, KeyMap: DefaultKeyMap(), now: c.Now()}
	// Read-only: n and d leave the help and only say that they are off
	// (actions.go).
	m.KeyMap.New.SetEnabled(!c.Settings.ReadOnly)
	m.KeyMap.Delete.SetEnabled(!c.Settings.ReadOnly)
	m.KeyMap.Rotate.SetEnabled(!c.Settings.ReadOnly)
	m.list = listing.New(c, listing.Config[client.APIKey]{
		Owner:   "keys/" + where.String(),
		Noun:    "keys",
		Columns: columns,
		Fetch:   fetch,
		Search:  searchKey,
		ID:      func(k *client.APIKey) string { return k.ID },
	})
	m.list.SetEmpty(m.emptyText())
	m.initMarks()
	return m
}

// emptyText is what an empty scope says: what to do about it.
func (m *Model) emptyText() string {
	if m.c.Settings.ReadOnly {
		return "no keys yet in " + m.scope.Describe() + " (read-only: amkeys cannot create one)"
	}
	return "no keys yet in " + m.scope.Describe() + ": n creates one"
}

func searchKey(k *client.APIKey) listing.SearchFields {
	return listing.SearchFields{k.Name, k.Prefix, k.ID}
}

// Init starts loading.
func (m *Model) Init() tea.Cmd { return m.list.Reload() }

// Scope is the scope whose keys the screen shows.
func (m *Model) Scope() common.KeyScope { return m.scope }

// List exposes the listing for tests and benchmarks.
func (m *Model) List() *listing.Model[client.APIKey] { return &m.list }

// SetSize sizes the table below the screen's one-line header.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetSize(w, h-1)
}

// Title is the breadcrumb entry.
func (m *Model) Title() string { return m.scope.Title() }

// CapturesInput is true while the filter or a dialog has focus.
func (m *Model) CapturesInput() bool { return m.list.Filtering() || m.dialog != nil }

// TakesBack is true while a filter (/ or f) is applied: esc clears it
// first.
func (m *Model) TakesBack() bool { return m.dialog == nil && (m.list.HasQuery() || m.quick != AllKeys) }

// HelpNotes explain the permissions column on the ? page.
func (m *Model) HelpNotes() []string { return keydetail.Legend }

// Status summarises the screen.
func (m *Model) Status() string {
	s := plural(m.list.Len(), "key") + " loaded"
	if m.list.Complete() {
		s = plural(m.list.Len(), "key")
	}
	if n := m.list.Unreadable(); n > 0 {
		s += " · " + plural(n, "key") + " could not be read"
	}
	return s + m.markStatus()
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
	// space mark after the key actions (enter, n, d, R).
	return m.mk.keys.Footer(m.bindings(), 4, m.mk.set.Len(), m.c.Settings.ReadOnly)
}

func (m *Model) bindings() []key.Binding {
	return []key.Binding{m.KeyMap.Open, m.KeyMap.New, m.KeyMap.Delete, m.KeyMap.Rotate, m.list.KeyMap.Filter, m.sortBinding(), m.quickBinding(), m.KeyMap.Refresh, m.KeyMap.Copy}
}

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding {
	if m.dialog != nil {
		return [][]key.Binding{m.dialog.Bindings()}
	}
	return [][]key.Binding{m.bindings(), m.mk.keys.Help(m.c.Settings.ReadOnly), m.list.Table.KeyMap.Bindings()}
}

func (m *Model) sortBinding() key.Binding {
	b := m.KeyMap.Sort
	b.SetHelp("s", "sort: "+sortNames[m.sort])
	return b
}

func (m *Model) quickBinding() key.Binding {
	b := m.KeyMap.Quick
	b.SetHelp("f", "show: "+quickNames[m.quick])
	return b
}

// Update handles the screen's keys, then the listing's.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	if handled, cmd := m.updateActions(msg); handled {
		return m, cmd
	}
	if handled, cmd := m.updateMarks(msg); handled {
		return m, cmd
	}
	if k, ok := msg.(tea.KeyMsg); ok && !m.list.Filtering() {
		switch {
		case key.Matches(k, m.KeyMap.Open):
			if sel, ok := m.list.Selected(); ok {
				m.c.Push(keydetail.New(m.c, m.scope, *sel))
				return m, nil
			}
			return m, nil
		case key.Matches(k, m.KeyMap.Sort):
			return m, m.SetSort((m.sort + 1) % sortCount)
		case key.Matches(k, m.KeyMap.Quick):
			return m, m.SetQuick((m.quick + 1) % quickCount)
		case key.Matches(k, m.list.KeyMap.ClearFilter) && !m.list.HasQuery() && m.quick != AllKeys:
			return m, m.SetQuick(AllKeys) // esc: the / filter went first, then f
		case key.Matches(k, m.KeyMap.Refresh):
			return m, m.list.Reload()
		case key.Matches(k, m.KeyMap.Copy):
			if sel, ok := m.list.Selected(); ok {
				return m, common.CopyID(m.c, "key id", sel.ID)
			}
			return m, nil
		}
	}
	if mouse, ok := msg.(tea.MouseMsg); ok {
		mouse.Y-- // below this screen's header line, so row clicks land right
		msg = mouse
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	return m, tea.Batch(cmd, m.applyFocus(msg), m.afterMarks(msg))
}

// SetSort changes the order of the table; the pages left are loaded so
// that it covers every key.
func (m *Model) SetSort(s Sort) tea.Cmd {
	m.sort = s
	return m.list.SetOrder(lessFor(s))
}

func lessFor(s Sort) func(a, b *client.APIKey) bool {
	switch s {
	case ByLastUsed:
		return func(a, b *client.APIKey) bool { return a.UsedAt.After(b.UsedAt) }
	case ByLeastRecently:
		return func(a, b *client.APIKey) bool { return a.UsedAt.Before(b.UsedAt) }
	case ByName:
		return func(a, b *client.APIKey) bool { return strings.ToLower(a.Name) < strings.ToLower(b.Name) }
	}
	return nil
}

// SetQuick changes the quick filter; like a sort, it loads every page.
func (m *Model) SetQuick(q Quick) tea.Cmd {
	m.quick = q
	return m.list.SetKeep(m.keepFor(q))
}

func (m *Model) keepFor(q Quick) func(*client.APIKey) bool {
	switch q {
	case NeverUsed:
		return func(k *client.APIKey) bool { return k.NeverUsed() }
	case Stale:
		now := m.c.Now()
		return func(k *client.APIKey) bool { return m.isStale(k, now) }
	case UnrestrictedOnly:
		return func(k *client.APIKey) bool { return k.Permissions.IsUnrestricted() }
	}
	return nil
}

// isStale: used, but not within the stale threshold.
func (m *Model) isStale(k *client.APIKey, now time.Time) bool {
	return !k.NeverUsed() && now.Sub(k.UsedAt) > time.Duration(m.c.Settings.StaleDays)*24*time.Hour
}

// View draws the header line and the table.
func (m *Model) View() string {
	if m.dialog != nil {
		return m.dialog.Fit(m.width, m.height)
	}
	m.now = m.c.Now()
	head := "sort: " + sortNames[m.sort] + " · show: " + quickNames[m.quick] + " · stale after " + plural(m.c.Settings.StaleDays, "day") +
		" · times in " + m.c.Times().Name(m.now)
	return m.c.Styles.MutedPaint.Apply(sanitize.Truncate(head, m.width)) + "\n" + m.list.View(m.cell, m.paint)
}

func (m *Model) cell(k *client.APIKey, col int) string {
	switch col {
	case 0:
		return k.Name
	case 1:
		return MaskPrefix(k.Prefix)
	case 2:
		if k.Scope().IsOrganization() {
			return "org" // the column is five wide
		}
		return k.Scope().Kind.String()
	case 3:
		return k.Permissions.Summary()
	case 4:
		return m.c.Times().Date(k.CreatedAt)
	case 5:
		return format.Ago(k.UsedAt, m.now)
	case 6:
		switch {
		case k.NeverUsed():
			return "never"
		case m.isStale(k, m.now):
			return "stale"
		}
	}
	return ""
}

func (m *Model) paint(k *client.APIKey, col int) styles.Paint {
	st := &m.c.Styles
	switch {
	case col == 3 && k.Permissions.IsUnrestricted():
		return st.WarningCell
	case col >= 5 && k.NeverUsed():
		return st.MutedRow
	case col >= 5 && m.isStale(k, m.now):
		return st.WarningCell
	}
	return styles.Paint{}
}

// MaskPrefix shows a key's prefix as the start of a longer secret.
func MaskPrefix(p string) string {
	if p == "" {
		return ""
	}
	return p + "…"
}
