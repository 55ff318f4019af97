// Package inboxes is the screen of one pod's inboxes: a paged table,
// newest or oldest first from the server and filterable as you type. Enter
// opens an inbox's keys; n creates an inbox, d deletes one (and its keys)
// after the address is typed.
package inboxes

import (
	"context"
	"errors"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/listing"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
	"github.com/amkeys/amkeys/ui/table"
)

// KeyMap holds the screen's bindings.
type KeyMap struct {
	Open, Sort, Refresh, New, Delete, Copy key.Binding
}

// DefaultKeyMap returns the screen's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open keys")),
		Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "newest/oldest")),
		Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		New:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new inbox")),
		Delete:  key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete inbox")),
		Copy:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy inbox id")),
	}
}

var columns = []table.Column{
	{Title: "email", Flex: 3, Min: 16, Want: 28, Max: 60, Keep: 9},
	{Title: "display name", Flex: 2, Min: 10, Want: 16, Max: 40, Keep: 5},
	{Title: "client id", Width: 16, Min: 8, Keep: 3},
	{Title: "created", Width: 16, Keep: 4},
}

var errNoInboxID = errors.New("the server sent this inbox without an id, so its keys cannot be listed")

// Model is the inboxes screen of one pod.
type Model struct {
	c         *common.Common
	pod       client.Pod
	KeyMap    KeyMap
	list      listing.Model[client.Inbox]
	ascending bool

	dialog   *confirm.Model // the delete confirmation, when open
	deleting client.Inbox   // the inbox it is about
	width    int
	height   int
}

// New makes the screen for pod's inboxes; Init starts loading.
func New(c *common.Common, pod client.Pod) *Model {
	m := &Model{c: c, pod: pod, KeyMap: DefaultKeyMap()}
	m.KeyMap.New.SetEnabled(!c.Settings.ReadOnly)
	m.KeyMap.Delete.SetEnabled(!c.Settings.ReadOnly)
	m.list = listing.New(c, listing.Config[client.Inbox]{
		Owner:   "inboxes/" + pod.ID,
		Noun:    "inboxes",
		Columns: columns,
		Fetch:   m.fetcher(false),
		ID:      func(in *client.Inbox) string { return in.ID },
		Search: func(in *client.Inbox) listing.SearchFields {
			return listing.SearchFields{in.Email, in.DisplayName, in.ClientID}
		},
	})
	m.list.SetEmpty(m.emptyText())
	return m
}

// fetcher builds the page loader from values, so that its goroutine never
// reads the live model.
func (m *Model) fetcher(ascending bool) listing.Fetch[client.Inbox] {
	api, size, scope := m.c.API, m.c.Settings.PageSize, client.PodScope(m.pod.ID)
	return func(ctx context.Context, token string) (listing.Page[client.Inbox], error) {
		page, err := api.ListInboxes(ctx, scope, client.ListOptions{Limit: size, PageToken: token, Ascending: ascending})
		return listing.Page[client.Inbox]{Items: page.Inboxes, Next: page.NextPageToken, Unreadable: len(page.Unreadable), Text: page.Text}, err
	}
}

// Init starts loading the first page.
func (m *Model) Init() tea.Cmd { return m.list.Reload() }

// Pod is the pod whose inboxes are shown.
func (m *Model) Pod() client.Pod { return m.pod }

// List exposes the listing for tests.
func (m *Model) List() *listing.Model[client.Inbox] { return &m.list }

// SetSize sizes the table below the one-line header.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetSize(w, h-1)
}

// Title is the breadcrumb entry.
func (m *Model) Title() string { return "inboxes" }

// CapturesInput is true while the filter or a dialog has focus.
func (m *Model) CapturesInput() bool { return m.list.Filtering() || m.dialog != nil }

// TakesBack is true while a filter is applied: esc clears it first.
func (m *Model) TakesBack() bool { return m.dialog == nil && m.list.HasQuery() }

// Status summarises the screen.
func (m *Model) Status() string {
	n := m.list.Len()
	s := strconv.Itoa(n) + " inboxes"
	if n == 1 {
		s = "1 inbox"
	}
	if !m.list.Complete() {
		s += " loaded"
	}
	return s
}

func (m *Model) bindings() []key.Binding {
	return []key.Binding{m.KeyMap.Open, m.KeyMap.New, m.KeyMap.Delete, m.list.KeyMap.Filter, m.KeyMap.Sort, m.KeyMap.Refresh, m.KeyMap.Copy}
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
			in, ok := m.list.Selected()
			switch {
			case !ok:
				return m, nil
			case in.ID == "":
				return m, common.Fail("opening the inbox", errNoInboxID)
			}
			m.c.Push(keys.New(m.c, common.InboxKeys(*in)))
			return m, nil
		case key.Matches(k, m.KeyMap.Sort):
			m.ascending = !m.ascending
			m.list.SetFetch(m.fetcher(m.ascending))
			return m, m.list.Reload()
		case key.Matches(k, m.KeyMap.Refresh):
			return m, m.list.Reload()
		case key.Matches(k, m.KeyMap.Copy):
			if in, ok := m.list.Selected(); ok {
				return m, common.CopyID(m.c, "inbox id", in.ID)
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
	return m, cmd
}

// View draws the header line and the table. An empty pod says what to do.
func (m *Model) View() string {
	if m.dialog != nil {
		return m.dialog.Fit(m.width, m.height)
	}
	st := &m.c.Styles
	order := "newest first"
	if m.ascending {
		order = "oldest first"
	}
	head := st.MutedPaint.Apply(sanitize.Truncate("sort: "+order+" · times in "+m.c.Times().Name(m.c.Now())+" · enter opens an inbox's keys", m.width))
	return head + "\n" + m.list.View(m.cell, func(*client.Inbox, int) styles.Paint { return styles.Paint{} })
}

func (m *Model) emptyText() string {
	if m.c.Settings.ReadOnly {
		return "no inboxes yet in this pod (read-only: amkeys cannot create one)"
	}
	return "no inboxes yet in this pod: n creates one"
}

func (m *Model) cell(in *client.Inbox, col int) string {
	switch col {
	case 0:
		return in.Email
	case 1:
		return in.DisplayName
	case 2:
		return in.ClientID
	case 3:
		return m.c.Times().DateTime(in.CreatedAt)
	}
	return ""
}

var _ common.Screen = (*Model)(nil)
