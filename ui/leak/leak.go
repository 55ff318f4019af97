// Package leak is the leak lookup screen (L on the first screen): the user
// pastes a leaked API key, or types its prefix; the screen keeps only the
// prefix, clears the field, and finds every credential with that prefix in
// a fresh audit (each match re-read in its scope's listing first) or,
// without one, by listing every credential listing of the organization
// (client/locate). The key is never sent anywhere. From the matches, d
// deletes one, R asks for its rotation and enter opens it in its keys
// screen.
package leak

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/locate"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/table"
)

// FreshFor is how long a finished audit is searched instead of the
// listings.
const FreshFor = 5 * time.Minute

// maxInput bounds the field: one key and some slack.
const maxInput = 4 << 10

// Audit is the last audit the root saw, if any. Gone holds the ids of keys
// deleted since, which the audit still lists.
type Audit struct {
	Result *audit.Result
	At     time.Time
	Gone   map[string]bool
}

// fresh reports whether a is complete and recent enough to search.
func (a Audit) fresh(now time.Time) bool {
	return a.Result != nil && a.Result.Complete() && !a.At.After(now) && now.Sub(a.At) < FreshFor
}

// KeyMap holds the screen's bindings.
type KeyMap struct {
	Search, Cancel, Open, Delete, Rotate, Again key.Binding
}

// DefaultKeyMap returns the screen's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Search: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "look up")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open in its keys")),
		Delete: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete")),
		Rotate: key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "rotate")),
		Again:  key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "look up another")),
	}
}

type state int

const (
	typing state = iota
	searching
	confirming // re-reading the scopes of an audit's matches
	showing
)

// progressMsg and doneMsg carry a search's news to the screen that ran it.
type progressMsg struct {
	id int
	p  locate.Progress
}

type doneMsg struct {
	id  int
	out locate.Outcome
}

// confirmedMsg is the re-read of an audit's matches (locate.Confirm).
type confirmedMsg struct {
	id       int
	out      locate.Outcome
	gone     []locate.Match
	problems []locate.Problem
}

// frame gathers progress news into one message.
const frame = 50 * time.Millisecond

// Model is the leak lookup screen.
type Model struct {
	c      *common.Common
	KeyMap KeyMap
	audit  Audit

	state   state
	input   textinput.Model
	problem string // why the input was refused

	search   *locate.Search
	searchID int
	progress locate.Progress

	out       locate.Outcome
	fromAudit time.Time      // when the searched audit ran; zero for a live search
	gone      []locate.Match // listed by the audit, no longer by their scope
	confirm   context.CancelFunc
	table     table.Model

	dialog   *confirm.Model
	deleting client.APIKey
	deleted  *locate.Match // the match d deleted last, to say so

	width, height int
}

// columns: in a narrow window "created" goes first, then the scope
// shrinks, so that the name, which tells the matches apart, keeps its room.
var columns = []table.Column{
	{Title: "scope", Flex: 3, Min: 10, Want: 20, Keep: 3},
	{Title: "name", Flex: 3, Min: 8, Want: 18, Keep: 4},
	{Title: "permissions", Width: 12, Keep: 6},
	{Title: "created", Width: 10, Keep: -1},
	{Title: "last used", Width: 12, Min: 11, Keep: 5},
}

// New makes the screen; last is the root's last audit (zero if none).
func New(c *common.Common, last Audit) *Model {
	in := textinput.New()
	in.CharLimit = maxInput
	in.Prompt = ""
	in.Focus()
	return &Model{c: c, KeyMap: DefaultKeyMap(), audit: last, input: in, table: table.New(columns, c.Styles)}
}

// Init starts the cursor's blink.
func (m *Model) Init() tea.Cmd { return textinput.Blink }

// Update handles the field, the search's news, the dialog and the keys.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case progressMsg:
		if msg.id == m.searchID && m.search != nil {
			m.progress = msg.p
			return m, listen(m.searchID, m.search)
		}
		return m, nil
	case doneMsg:
		if msg.id == m.searchID && m.search != nil {
			m.search = nil
			m.show(msg.out, time.Time{})
		}
		return m, nil
	case confirmedMsg:
		if msg.id == m.searchID && m.state == confirming {
			m.stop()
			msg.out.Problems = append(msg.out.Problems, msg.problems...)
			m.gone = msg.gone // before show, which sizes the table below them
			m.show(msg.out, m.audit.At)
		}
		return m, nil
	case tea.KeyMsg:
		return m, m.updateKey(msg)
	case tea.MouseMsg:
		if m.state == showing && m.dialog == nil {
			m.table, _ = m.table.Update(msg)
		}
		return m, nil
	}
	if d, ok := keys.DeleteResult(msg); ok {
		return m, m.onDeleted(d)
	}
	if m.state == typing {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg) // the cursor's blink
		return m, cmd
	}
	return m, nil
}

func (m *Model) updateKey(k tea.KeyMsg) tea.Cmd {
	if m.dialog != nil {
		return confirm.Handle(&m.dialog, k, func() tea.Cmd { return keys.DeleteCmd(m.c, m.deleting.Scope(), m.deleting) })
	}
	switch m.state {
	case typing:
		return m.updateTyping(k)
	case searching, confirming:
		if key.Matches(k, m.KeyMap.Cancel) { // the root hands esc over (TakesBack)
			m.stop()
			m.state = typing
			return common.Notify("Search cancelled")
		}
		return nil
	}
	return m.updateResults(k)
}

func (m *Model) updateTyping(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.KeyMap.Cancel):
		m.clearInput()
		m.c.Pop()
		return nil
	case key.Matches(k, m.KeyMap.Search):
		return m.submit()
	}
	m.problem = ""
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	return cmd
}

// submit takes the prefix and clears the field once it is a key's prefix.
// Bad input stays in the field for the user to fix; it is drawn masked.
func (m *Model) submit() tea.Cmd {
	raw := []byte(m.input.Value())
	prefix, err := locate.Prefix(raw)
	clear(raw)
	if err != nil {
		m.problem = err.Error()
		return nil
	}
	m.clearInput()
	m.deleted, m.gone = nil, nil
	m.searchID = m.c.NextRequestID()
	m.out = locate.Outcome{Prefix: prefix}
	if m.audit.fresh(m.c.Now()) {
		return m.confirmAudit(locate.InAudit(m.audit.Result, prefix))
	}
	m.state = searching
	m.search = locate.Start(m.c.Ctx, m.c.API, prefix, audit.Options{Concurrency: m.c.Settings.AuditConcurrency})
	m.progress = locate.Progress{}
	return listen(m.searchID, m.search)
}

// confirmAudit re-reads the scopes of the audit's matches before they are
// shown: a key deleted since the audit must not be offered. An audit
// without a match (the keys deleted here dropped) is shown at once.
func (m *Model) confirmAudit(out locate.Outcome) tea.Cmd {
	out.Matches = m.notDeletedHere(out.Matches)
	if len(out.Matches) == 0 {
		m.show(out, m.audit.At)
		return nil
	}
	m.state = confirming
	ctx, cancel := context.WithTimeout(m.c.Ctx, common.RequestTimeout)
	m.confirm = cancel
	id, api := m.searchID, m.c.API
	return func() tea.Msg {
		defer cancel()
		kept, gone, problems := locate.Confirm(ctx, api, out.Matches)
		out.Matches = kept
		return confirmedMsg{id: id, out: out, gone: gone, problems: problems}
	}
}

// notDeletedHere drops the matches amkeys deleted since the audit.
func (m *Model) notDeletedHere(ms []locate.Match) []locate.Match {
	kept := ms[:0:0]
	for _, mt := range ms {
		if !m.audit.Gone[mt.Key.ID] {
			kept = append(kept, mt)
		}
	}
	return kept
}

// clearInput drops the typed text: nothing keeps the key after this.
func (m *Model) clearInput() { m.input.Reset() }

// listen waits for the search's next news.
func listen(id int, s *locate.Search) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-s.Done():
			return doneMsg{id: id, out: s.Outcome()}
		case <-s.Updates():
		}
		t := time.NewTimer(frame)
		defer t.Stop()
		select {
		case <-s.Done():
			return doneMsg{id: id, out: s.Outcome()}
		case <-t.C:
			return progressMsg{id: id, p: s.Progress()}
		}
	}
}

func (m *Model) stop() {
	if m.search != nil {
		m.search.Cancel()
		m.search = nil
	}
	if m.confirm != nil {
		m.confirm()
		m.confirm = nil
	}
}

// show lists the matches; at is when the searched audit ran (zero: live).
func (m *Model) show(out locate.Outcome, at time.Time) {
	m.out, m.fromAudit, m.state = out, at, showing
	m.table.SetRows(len(out.Matches))
	m.table.SetCursor(0)
	m.resize()
}

func (m *Model) updateResults(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.KeyMap.Again):
		m.state, m.problem, m.deleted, m.gone = typing, "", nil, nil
		m.input.Focus()
		return textinput.Blink
	case len(m.out.Matches) == 0:
		return nil
	case key.Matches(k, m.KeyMap.Open):
		return m.open(m.selected())
	case key.Matches(k, m.KeyMap.Delete):
		if m.c.Settings.ReadOnly {
			return common.ReadOnly
		}
		mt := m.selected()
		m.deleting = mt.Key
		m.dialog = confirm.New(m.c.Styles, keys.DeleteConfirm(m.c, scopeOf(mt), mt.Key))
		return nil
	case key.Matches(k, m.KeyMap.Rotate):
		if m.c.Settings.ReadOnly {
			return common.ReadOnly
		}
		mt := m.selected()
		rotate := common.RotateMsg{Scope: scopeOf(mt), Key: mt.Key, Leaked: true}
		return func() tea.Msg { return rotate }
	}
	m.table, _ = m.table.Update(k)
	return nil
}

func (m *Model) selected() locate.Match { return m.out.Matches[m.table.Cursor()] }

// scopeOf is the scope the key is bound to, named as the user knows it.
func scopeOf(mt locate.Match) common.KeyScope {
	ks := mt.Key.Scope()
	switch ks.Kind {
	case client.ScopeInbox:
		label := mt.InboxEmail
		if label == "" {
			label = ks.ID // an inbox's id is its address
		}
		return common.KeyScope{Scope: ks, Label: label}
	case client.ScopePod:
		return common.KeyScope{Scope: ks, Label: mt.PodName}
	}
	return common.OrganizationKeys()
}

// open pushes the key's keys screen with the cursor on it.
func (m *Model) open(mt locate.Match) tea.Cmd {
	s := keys.New(m.c, scopeOf(mt))
	s.FocusKey(mt.Key)
	m.c.Push(s)
	return nil
}

// onDeleted drops a match deleted here or elsewhere. A failure of the
// delete asked here is reported; the key stays.
func (m *Model) onDeleted(d keys.Deletion) tea.Cmd {
	at := -1
	for i, mt := range m.out.Matches {
		if mt.Key.ID == d.KeyID {
			at = i
		}
	}
	if at < 0 {
		return nil
	}
	mt := m.out.Matches[at]
	name := mt.Key.Name
	if d.Err != nil && !client.IsNotFound(d.Err) {
		if d.KeyID == m.deleting.ID {
			return common.Fail("deleting key "+name, d.Err)
		}
		return nil
	}
	m.out.Matches = append(m.out.Matches[:at:at], m.out.Matches[at+1:]...)
	m.table.SetRows(len(m.out.Matches))
	if d.KeyID != m.deleting.ID {
		return nil // deleted elsewhere; that screen said so
	}
	m.deleting = client.APIKey{}
	m.deleted = &mt
	m.resize() // the header says so
	if d.Err != nil {
		// Nothing was deleted here: a hint, not a success.
		return common.Warn("Key " + name + " was already gone")
	}
	return common.Notify("Deleted key " + name)
}

// GuardQuit cancels a running search when the screen closes or amkeys
// quits; it never holds the quit back. The root also asks it while
// drawing the footer, so it must leave the field alone.
func (m *Model) GuardQuit() bool {
	m.stop()
	return false
}

// TakesBack: while searching, esc cancels the search and stays.
func (m *Model) TakesBack() bool { return m.state == searching || m.state == confirming }

// CapturesInput is true while the field or the dialog has the keys.
func (m *Model) CapturesInput() bool { return m.state == typing || m.dialog != nil }

// SetSize keeps the size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.resize()
}

func (m *Model) resize() { m.table.SetSize(m.width, max(m.height-len(m.header()), 2)) }

// Title is the breadcrumb entry.
func (m *Model) Title() string { return "leak lookup" }

// Status summarises the screen.
func (m *Model) Status() string {
	switch m.state {
	case searching:
		return progressText(m.progress)
	case confirming:
		return "re-reading the audit's matches"
	case showing:
		return plural(len(m.out.Matches), "match", "matches") + " for " + m.out.Prefix
	}
	return ""
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	if m.dialog != nil {
		return m.dialog.Bindings()
	}
	switch m.state {
	case typing:
		return []key.Binding{m.KeyMap.Search, m.KeyMap.Cancel}
	case searching, confirming:
		c := m.KeyMap.Cancel
		c.SetHelp("esc", "cancel")
		return []key.Binding{c}
	}
	if len(m.out.Matches) == 0 {
		return []key.Binding{m.KeyMap.Again}
	}
	if m.c.Settings.ReadOnly { // d and R only say that they are off
		return []key.Binding{m.KeyMap.Open, m.KeyMap.Again}
	}
	// What a leak calls for first: the root cuts the footer from the end.
	// In a narrow window enter (open) leaves the footer for the ? page, so
	// that L still fits at 60 columns.
	if m.width < narrow {
		again := m.KeyMap.Again
		again.SetHelp("L", "another")
		return []key.Binding{m.KeyMap.Delete, m.KeyMap.Rotate, again}
	}
	return []key.Binding{m.KeyMap.Delete, m.KeyMap.Rotate, m.KeyMap.Open, m.KeyMap.Again}
}

// narrow is a width whose footer cannot hold every binding of the results.
const narrow = 80

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding {
	short := m.ShortHelp()
	if m.state == showing && len(m.out.Matches) > 0 {
		short = []key.Binding{m.KeyMap.Open, m.KeyMap.Again}
		if !m.c.Settings.ReadOnly {
			short = []key.Binding{m.KeyMap.Delete, m.KeyMap.Rotate, m.KeyMap.Open, m.KeyMap.Again}
		}
	}
	return [][]key.Binding{short, m.table.KeyMap.Bindings()}
}

// progressText is "searching 12 of 30 pods", then the inboxes.
func progressText(p locate.Progress) string {
	if p.InboxPhase {
		return "searching inboxes: " + strconv.Itoa(p.InboxesSearched) + " of " + strconv.Itoa(p.Inboxes)
	}
	known := strconv.Itoa(p.Audit.PodsKnown)
	if !p.Audit.ListingDone {
		known += "+"
	}
	return "searching " + strconv.Itoa(p.Audit.PodsScanned) + " of " + known + " pods · " +
		plural(p.Audit.KeysFound, "credential", "credentials") + " read"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// cell is one match's column: server text, which the table sanitises.
func (m *Model) cell(row, col int) string {
	mt := m.out.Matches[row]
	k := mt.Key
	switch col {
	case 0:
		return scopeOf(mt).Describe()
	case 1:
		return k.Name
	case 2:
		return k.Permissions.Summary()
	case 3:
		return m.c.Times().Date(k.CreatedAt)
	case 4:
		return format.Ago(k.UsedAt, m.c.Now())
	}
	return ""
}

// masked is what the field shows: the characters of the public prefix at
// most (each a key character, or •), then one • per further character, up
// to a bound. The rest of the key is never drawn. Text that does not start
// as a key does (a key pasted without its am_, kept in the field to be
// fixed) is all •: its first characters may be the secret part.
func masked(v string) string {
	r := []rune(strings.TrimLeft(v, " \t\r\n"))
	shown := locate.PrefixLen
	if !strings.HasPrefix(string(r), "am_") && !strings.HasPrefix("am_", string(r)) {
		shown = 0
	}
	var b strings.Builder
	for i, c := range r {
		switch {
		case i < shown && c < 128 && (c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'):
			b.WriteRune(c)
		case i >= locate.PrefixLen+24:
			b.WriteString("…")
			return b.String()
		default:
			b.WriteString("•")
		}
	}
	return b.String()
}

var (
	_ common.Screen    = (*Model)(nil)
	_ common.QuitGuard = (*Model)(nil)
	_ common.BackTaker = (*Model)(nil)
)
