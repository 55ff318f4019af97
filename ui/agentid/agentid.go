// Package agentid is the dashboard's view of AgentID public-key
// credentials: the list, a credential's detail, registering a new key pair
// or an existing public key, renaming, revoking one, and the organization's
// emergency revoke-all. Credentials are public keys: the private key never
// leaves the machine that made it, and nothing secret is shown.
package agentid

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/listing"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
	"github.com/amkeys/amkeys/ui/table"
)

// API is what these screens need from the AgentMail client
// (*client.Client has it).
type API interface {
	ListPublicKeys(ctx context.Context, o client.ListOptions) (client.PublicKeyPage, error)
	RegisterPublicKey(ctx context.Context, n client.NewPublicKey) (client.PublicKeyCredential, error)
	RenamePublicKey(ctx context.Context, id, name string) (client.PublicKeyCredential, error)
	RevokePublicKey(ctx context.Context, id string) error
	RevokeAllPublicKeys(ctx context.Context, idempotencyKey string) (client.RevokeAllReceipt, error)
}

// KeyMap holds the list's bindings.
type KeyMap struct {
	Open, New, Import, Rename, Revoke, RevokeAll, Refresh key.Binding
}

// DefaultKeyMap returns the list's bindings. r refreshes as on the other
// lists, so rename is e (edit); 1-3 and tab belong to the home screen's tabs.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		New:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new key pair")),
		Import:    key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "register public key")),
		Rename:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "rename")),
		Revoke:    key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "revoke")),
		RevokeAll: key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "revoke all")),
		Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
	}
}

// writes are the bindings that change something; read-only mode turns
// them into an explanation.
func (k *KeyMap) writes() []*key.Binding {
	return []*key.Binding{&k.New, &k.Import, &k.Rename, &k.Revoke, &k.RevokeAll}
}

// Model is the list of credentials.
type Model struct {
	c      *common.Common
	api    API
	KeyMap KeyMap
	list   listing.Model[client.PublicKeyCredential]
	now    time.Time // the clock for expiry words, set per frame
	keyDir string    // where new private keys go by default
	pods   *podNames // names for the scope column

	dialog   *confirm.Model // revoke or revoke-all, when open
	asking   ask            // which
	revoking client.PublicKeyCredential
	all      *revokeAll // the revoke-all in flight or its outcome
	width    int
	height   int
}

// ask is what the open dialog asks.
type ask int

const (
	askRevoke ask = iota + 1
	askRevokeAll
)

var columns = []table.Column{
	{Title: "name", Flex: 3, Min: 12},
	{Title: "fingerprint", Width: 11, Min: 9},
	{Title: "scope", Flex: 2, Min: 8},
	{Title: "expires", Width: 11, Min: 7},
	{Title: "status", Width: 7},
	{Title: "created", Width: 10},
}

// New makes the list screen; it loads on Init.
func New(c *common.Common, api API) *Model {
	size := c.Settings.PageSize
	fetch := func(ctx context.Context, token string) (listing.Page[client.PublicKeyCredential], error) {
		page, err := api.ListPublicKeys(ctx, client.ListOptions{Limit: size, PageToken: token})
		return listing.Page[client.PublicKeyCredential]{Items: page.Credentials, Next: page.NextPageToken,
			Unreadable: len(page.Unreadable), Text: page.Text}, err
	}
	m := &Model{c: c, api: api, KeyMap: DefaultKeyMap(), now: c.Now(), keyDir: DefaultKeyDir(), pods: &podNames{}}
	m.list = listing.New(c, listing.Config[client.PublicKeyCredential]{
		Owner:   "agentid",
		Noun:    "credentials",
		Columns: columns,
		Fetch:   fetch,
		ID:      func(p *client.PublicKeyCredential) string { return p.ID },
		Search:  m.search,
	})
	m.list.SetOrder(newestFirst)
	if c.Settings.ReadOnly {
		for _, b := range m.KeyMap.writes() {
			b.SetHelp(b.Help().Key, b.Help().Desc+readOnlyNote)
		}
	}
	return m
}

// DefaultKeyDir is where a new private key is saved unless the user types
// another path: amkeys's own configuration directory, which only the user
// can read, rather than the working directory, where a key file is easily
// committed or shared by mistake.
func DefaultKeyDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "."
	}
	return filepath.Join(dir, "amkeys", "agentid")
}

// SetKeyDir changes where new private keys are proposed (tests, or a
// setting); the directory is created, private, when a key is first saved.
func (m *Model) SetKeyDir(dir string) { m.keyDir = dir }

// newestFirst orders by creation, newest first, whatever the server sent.
func newestFirst(a, b *client.PublicKeyCredential) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.After(b.CreatedAt)
	}
	return a.ID > b.ID
}

// search looks in the name, the fingerprint, the scope (a pod by its id
// and its name) and the id.
func (m *Model) search(p *client.PublicKeyCredential) listing.SearchFields {
	scope := scopeText(p.Scope)
	if p.Scope.Type == client.ScopePod {
		scope += " " + m.pods.name(p.Scope.ID)
	}
	return listing.SearchFields{p.Name, p.PublicKey.Fingerprint, scope + " " + p.ID}
}

// scopeCell is scopeText with a pod's name in place of its id, when the
// name is known.
func (m *Model) scopeCell(s client.CredentialScope) string {
	if s.Type == client.ScopePod {
		return "pod " + m.pods.name(s.ID)
	}
	return scopeText(s)
}

// Init starts loading the credentials and the pod names.
func (m *Model) Init() tea.Cmd { return m.reload() }

// reload reads the credentials and the pod names again.
func (m *Model) reload() tea.Cmd { return tea.Batch(m.list.Reload(), m.pods.load(m.c, m.api)) }

// List exposes the listing for tests.
func (m *Model) List() *listing.Model[client.PublicKeyCredential] { return &m.list }

// SetSize sizes the table below the one-line summary.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetSize(w, h-1)
}

// Title is the breadcrumb entry.
func (m *Model) Title() string { return "AgentID credentials" }

// CapturesInput is true while the filter, a dialog or a result box has
// the keys.
func (m *Model) CapturesInput() bool {
	return m.list.Filtering() || m.dialog != nil || m.all != nil
}

// TakesBack is true while a filter is applied: esc clears it first.
func (m *Model) TakesBack() bool { return m.dialog == nil && m.all == nil && m.list.HasQuery() }

// Status summarises the screen.
func (m *Model) Status() string {
	n := m.list.Len()
	s := strconv.Itoa(n) + " credentials"
	if n == 1 {
		s = "1 credential"
	}
	if !m.list.Complete() {
		s += " loaded"
	}
	return s
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.all != nil:
		return m.all.bindings()
	case m.dialog != nil:
		return m.dialog.Bindings()
	case m.list.Filtering():
		return []key.Binding{m.list.KeyMap.AcceptFilter, m.list.KeyMap.ClearFilter}
	}
	km := m.KeyMap
	if m.c.Settings.ReadOnly {
		return []key.Binding{km.Open, m.list.KeyMap.Filter, km.Refresh}
	}
	return []key.Binding{km.Open, km.New, km.Import, km.Rename, km.Revoke, km.RevokeAll, m.list.KeyMap.Filter, km.Refresh}
}

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding {
	if m.all != nil || m.dialog != nil {
		return [][]key.Binding{m.ShortHelp()}
	}
	km := m.KeyMap
	return [][]key.Binding{
		{km.Open, m.list.KeyMap.Filter, km.Refresh},
		{km.New, km.Import, km.Rename, km.Revoke, km.RevokeAll},
		m.list.Table.KeyMap.Bindings(),
	}
}

// readOnlyNote marks the write keys in the help of a read-only session.
const readOnlyNote = " (off: read-only)"

// errReadOnly explains a write key pressed in read-only mode.
var errReadOnly = errors.New("read-only mode: registering, renaming and revoking credentials are off")

// Update handles dialogs, the screen's keys, results, then the listing.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	if names, ok := msg.(podNamesMsg); ok {
		m.pods.update(names)
		return m, nil
	}
	if handled, cmd := m.updateActions(msg); handled {
		return m, cmd
	}
	if k, ok := msg.(tea.KeyMsg); ok && !m.list.Filtering() {
		if handled, cmd := m.updateKey(k); handled {
			return m, cmd
		}
	}
	if mouse, ok := msg.(tea.MouseMsg); ok {
		mouse.Y-- // below the summary line
		msg = mouse
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	return m, cmd
}

func (m *Model) updateKey(k tea.KeyMsg) (bool, tea.Cmd) {
	km := m.KeyMap
	for _, b := range km.writes() {
		if key.Matches(k, *b) && m.c.Settings.ReadOnly {
			return true, common.Fail(strings.TrimSuffix(b.Help().Desc, readOnlyNote), errReadOnly)
		}
	}
	sel, selected := m.list.Selected()
	switch {
	case key.Matches(k, km.Open):
		if selected {
			m.c.Push(NewDetail(m.c, *sel).withPodNames(m.pods))
			return true, nil
		}
	case key.Matches(k, km.Refresh):
		return true, m.reload()
	case key.Matches(k, km.New):
		m.c.Push(NewRegister(m.c, m.api, ModeGenerate, m.keyDir))
		return true, nil
	case key.Matches(k, km.Import):
		m.c.Push(NewRegister(m.c, m.api, ModeImport, m.keyDir))
		return true, nil
	case key.Matches(k, km.Rename):
		if selected {
			m.c.Push(NewRename(m.c, m.api, *sel))
			return true, nil
		}
	case key.Matches(k, km.Revoke):
		if selected {
			m.askRevoke(*sel)
		}
	case key.Matches(k, km.RevokeAll):
		m.askRevokeAll()
	default:
		return false, nil
	}
	return true, nil
}

// View draws the summary line and the table, or the open dialog.
func (m *Model) View() string {
	switch {
	case m.all != nil:
		return place(m.width, m.height, m.all.view(m.c, m.width))
	case m.dialog != nil:
		return place(m.width, m.height, m.dialog.View(m.width))
	}
	m.now = m.c.Now()
	return m.summary() + "\n" + m.list.View(m.cell, m.paint)
}

// summary counts the loaded credentials by state.
func (m *Model) summary() string {
	var active, soon, expired, revoked int
	for i := range m.list.Items() {
		p := &m.list.Items()[i]
		switch status(p, m.now) {
		case "revoked":
			revoked++
		case "expired":
			expired++
		default:
			active++
			if expiring(p, m.now) {
				soon++
			}
		}
	}
	first := strconv.Itoa(active) + " active"
	if soon > 0 {
		first += " (" + strconv.Itoa(soon) + " expiring within 7 days)"
	}
	parts := []string{first, strconv.Itoa(expired) + " expired", strconv.Itoa(revoked) + " revoked"}
	return m.c.Styles.MutedPaint.Apply(sanitize.Truncate(strings.Join(parts, " · "), max(m.width, 1)))
}

func (m *Model) cell(p *client.PublicKeyCredential, col int) string {
	switch col {
	case 0:
		return p.Name
	case 1:
		return shortFingerprint(p.PublicKey.Fingerprint)
	case 2:
		return m.scopeCell(p.Scope)
	case 3:
		if p.Revoked() {
			return "-"
		}
		return expiryText(p.ExpiresAt, m.now)
	case 4:
		return status(p, m.now)
	case 5:
		return format.Date(p.CreatedAt)
	}
	return ""
}

func (m *Model) paint(p *client.PublicKeyCredential, col int) styles.Paint {
	st := &m.c.Styles
	switch {
	case p.Revoked() && col == 4:
		return st.DangerCell
	case p.Revoked() || p.Expired(m.now):
		return st.MutedRow
	case col == 3 && expiring(p, m.now):
		return st.WarningCell
	}
	return styles.Paint{}
}

var _ common.Screen = (*Model)(nil)
