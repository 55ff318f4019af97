// Package createkey is the form that creates an API key in a scope (the
// organization, a pod or an inbox: one form for all three): a name,
// unrestricted or restricted access, and a checklist of the catalogue's
// permissions with presets. It confirms with a summary (twice for an
// unrestricted key), shows the server's refusals in place, never resends a
// create whose outcome is unknown, and hands the new key to the secret
// screen.
package createkey

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/form"
)

// MaxName is the longest name the API takes.
const MaxName = 256

// KeyMap holds the form's bindings; they are enabled by the focused field.
type KeyMap struct {
	Next, Prev, Review, Cancel            key.Binding
	Up, Down, PageUp, PageDown            key.Binding
	Toggle, Group, All, None, Reads, Same key.Binding
	Untick                                key.Binding // after a permission_escalation
}

// DefaultKeyMap returns the form's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		Review:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "create")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Toggle:   key.NewBinding(key.WithKeys(" ", "enter"), key.WithHelp("space", "tick")),
		Group:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "group")),
		All:      key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "all")),
		None:     key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "none")),
		Reads:    key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "read-only")),
		Same:     key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "same as…")),
		Untick:   key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "untick refused"), key.WithDisabled()),
	}
}

// field is a stop of tab.
type field int

const (
	fieldName field = iota
	fieldAccess
	fieldList
	fieldSubmit
)

// CreatedMsg tells the keys screen of Scope about a new key. It never
// carries the secret, which goes to the secret screen alone.
type CreatedMsg struct {
	Scope client.Scope
	Key   client.APIKey
}

// StaleMsg tells the keys screen of a scope that a key may have been
// created without it knowing (an unknown outcome): it should reload.
type StaleMsg struct{ Scope client.Scope }

// Model is the form.
type Model struct {
	c      *common.Common
	scope  common.KeyScope
	keys   func() []client.APIKey // the scope's loaded keys, for "same as key…"
	KeyMap KeyMap

	name         textinput.Model
	unrestricted bool
	accessAt     bool // the access cursor is on "Unrestricted"
	perms        client.Permissions
	list         checklist
	focus        field

	dialog *confirm.Model
	stage  stage
	picker *picker

	pending    int // the create in flight, 0 = none
	checking   int // the unknown-outcome lookup in flight, 0 = none
	sentName   string
	before     map[string]bool // ids of keys named sentName before it was sent
	nameErr    string
	info       string   // a note of ours ("read-only preset: 13 permissions")
	problem    []string // the last failure, raw (sanitised when drawn)
	refused    []string // ticked permissions the server refused to grant
	quitWarned bool
	width      int
	height     int
}

// New makes the form for scope; keys returns the scope's loaded keys (may
// be nil).
func New(c *common.Common, scope common.KeyScope, keys func() []client.APIKey) *Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "what the key is for, e.g. support-bot"
	in.CharLimit = MaxName
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Focus()
	if keys == nil {
		keys = func() []client.APIKey { return nil }
	}
	m := &Model{c: c, scope: scope, keys: keys, KeyMap: DefaultKeyMap(), name: in,
		perms: client.Restricted(), list: newChecklist()}
	m.setFocus(fieldName)
	return m
}

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Title is the breadcrumb entry.
func (m *Model) Title() string { return "new key" }

// Status summarises the form.
func (m *Model) Status() string {
	switch {
	case m.pending != 0:
		return "creating…"
	case m.unrestricted:
		return "unrestricted"
	}
	return m.perms.Summary() + " ticked"
}

// CapturesInput is true while a text field, a dialog or the picker has the
// keys, so that q and esc reach them.
func (m *Model) CapturesInput() bool {
	return m.focus == fieldName || m.dialog != nil || m.picker != nil
}

// GuardQuit holds the user back while a create is in flight (leaving then
// would lose the new key's secret), and while the form holds input (q and
// ctrl+c then ask first).
func (m *Model) GuardQuit() bool { return m.AsksBeforeQuit() }

// AsksBeforeQuit: ctrl+c asks while a create is in flight or the form
// holds input.
func (m *Model) AsksBeforeQuit() bool { return m.pending != 0 || m.HasInput() }

// SetSize records the area and sizes the checklist.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.name.Width = max(w-16, 10)
	m.layout()
}

// Name, Unrestricted and Permissions are what the form would send (for tests).
func (m *Model) Name() string                    { return m.name.Value() }
func (m *Model) Unrestricted() bool              { return m.unrestricted }
func (m *Model) Permissions() client.Permissions { return m.perms }

func (m *Model) setFocus(f field) {
	m.focus = f
	if f == fieldName {
		m.name.Focus()
	} else {
		m.name.Blur()
	}
	m.accessAt = m.unrestricted
	inAccess, inList := f == fieldAccess, f == fieldList
	km := &m.KeyMap
	km.Up.SetEnabled(inAccess || inList)
	km.Down.SetEnabled(inAccess || inList)
	km.PageUp.SetEnabled(inList)
	km.PageDown.SetEnabled(inList)
	km.Toggle.SetEnabled(inAccess || inList)
	km.Toggle.SetHelp("space", map[bool]string{true: "choose", false: "tick"}[inAccess])
	km.Group.SetEnabled(inList)
	for _, b := range []*key.Binding{&km.All, &km.None, &km.Reads, &km.Same} {
		b.SetEnabled(inAccess || inList)
	}
}

// fields lists the tab stops; the checklist only for a restricted key.
func (m *Model) fields() []field {
	if m.unrestricted {
		return []field{fieldName, fieldAccess, fieldSubmit}
	}
	return []field{fieldName, fieldAccess, fieldList, fieldSubmit}
}

func (m *Model) cycle(d int) {
	fs := m.fields()
	i := 0
	for j, f := range fs {
		if f == m.focus {
			i = j
		}
	}
	m.setFocus(fs[(i+d+len(fs))%len(fs)])
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.dialog != nil:
		return m.dialog.Bindings()
	case m.picker != nil:
		return m.picker.bindings()
	}
	km := m.KeyMap
	return []key.Binding{km.Untick, km.Toggle, km.Group, km.Reads, km.Same, km.Next, km.Review, km.Cancel}
}

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding {
	if m.dialog != nil || m.picker != nil {
		return [][]key.Binding{m.ShortHelp()}
	}
	km := m.KeyMap
	return [][]key.Binding{
		{km.Next, km.Prev, km.Review, km.Cancel},
		{km.Up, km.Down, km.PageUp, km.PageDown},
		{km.Toggle, km.Group, km.All, km.None, km.Reads, km.Same, km.Untick},
	}
}

// Update routes keys to the open dialog, the picker or the focused field,
// and results to their handlers.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.updateKey(msg)
	case tea.MouseMsg:
		if m.dialog == nil && m.picker == nil && m.pending == 0 {
			m.updateMouse(msg)
		}
		return m, nil
	case createdMsg:
		return m, m.onCreated(msg)
	case lookupMsg:
		return m, m.onLookup(msg)
	}
	return m, nil
}

func (m *Model) updateKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case m.pending != 0:
		return m.whilePending(k)
	case m.dialog != nil:
		return m.updateDialog(k)
	case m.picker != nil:
		m.updatePicker(k)
		return nil
	case k.Type == tea.KeyCtrlC || (k.String() == "q" && m.focus != fieldName):
		if !m.HasInput() {
			return common.Quit
		}
		m.askQuit()
		return nil
	case key.Matches(k, m.KeyMap.Cancel) || k.Type == tea.KeyEsc:
		if m.HasInput() {
			m.stage, m.dialog = stageDiscard, form.NewDiscard(m.c.Styles, "key", "what you typed and ticked")
			return nil
		}
		m.c.Pop()
		return nil
	case key.Matches(k, m.KeyMap.Next):
		m.cycle(1)
	case key.Matches(k, m.KeyMap.Prev):
		m.cycle(-1)
	case key.Matches(k, m.KeyMap.Review):
		m.review()
	default:
		return m.updateField(k)
	}
	return nil
}

// whilePending ignores input; a second ctrl+c quits anyway.
func (m *Model) whilePending(k tea.KeyMsg) tea.Cmd {
	if k.Type == tea.KeyCtrlC && m.quitWarned {
		return common.Quit
	}
	if k.Type == tea.KeyCtrlC || k.Type == tea.KeyEsc || k.String() == "q" {
		m.quitWarned = true
		m.info = "The key is being created: wait for its secret. Leaving now would lose it (press ctrl+c again to quit anyway)."
	}
	return nil
}

func (m *Model) updateField(k tea.KeyMsg) tea.Cmd {
	km := m.KeyMap
	switch m.focus {
	case fieldName:
		if k.Type == tea.KeyEnter {
			m.cycle(1)
			return nil
		}
		var cmd tea.Cmd
		m.name, cmd = m.name.Update(k)
		m.nameErr = ""
		return cmd
	case fieldSubmit:
		if k.Type == tea.KeyEnter {
			m.review()
		}
		return nil
	}
	switch {
	case key.Matches(k, km.Untick):
		m.untickRefused()
	case key.Matches(k, km.All):
		m.preset("all permissions", client.Restricted(client.CurrentPermissionNames()...))
	case key.Matches(k, km.None):
		m.preset("none", client.Restricted())
	case key.Matches(k, km.Reads):
		m.preset("read-only", readOnlyPreset())
	case key.Matches(k, km.Same):
		m.openPicker()
	case m.focus == fieldAccess:
		m.updateAccess(k)
	default:
		m.updateList(k)
	}
	return nil
}

func (m *Model) updateAccess(k tea.KeyMsg) {
	switch {
	case key.Matches(k, m.KeyMap.Up):
		m.accessAt = true
	case key.Matches(k, m.KeyMap.Down):
		m.accessAt = false
	case key.Matches(k, m.KeyMap.Toggle):
		m.setUnrestricted(m.accessAt)
	}
}

func (m *Model) setUnrestricted(on bool) {
	m.unrestricted, m.accessAt = on, on
}

func (m *Model) updateList(k tea.KeyMsg) {
	km := m.KeyMap
	switch {
	case key.Matches(k, km.Up):
		m.list.move(-1)
	case key.Matches(k, km.Down):
		m.list.move(1)
	case key.Matches(k, km.PageUp):
		m.list.move(-m.list.height)
	case key.Matches(k, km.PageDown):
		m.list.move(m.list.height)
	case key.Matches(k, km.Toggle):
		m.perms = m.list.toggle(m.perms, m.list.cursor)
	case key.Matches(k, km.Group):
		m.perms = m.list.toggleGroup(m.perms, m.list.rows[m.list.cursor].group)
	}
}

// preset replaces the ticks and makes the key restricted.
func (m *Model) preset(name string, p client.Permissions) {
	m.perms = p
	m.setUnrestricted(false)
	m.info = "Preset " + name + ": " + p.Summary() + " ticked."
}

// readOnlyPreset is every *_read permission of the catalogue.
func readOnlyPreset() client.Permissions {
	p := client.Restricted()
	for _, n := range client.CurrentPermissionNames() {
		if len(n) > 5 && n[len(n)-5:] == "_read" {
			p = p.With(n)
		}
	}
	return p
}

// updateMouse: a click focuses and toggles what it hits; the wheel scrolls
// the checklist.
func (m *Model) updateMouse(msg tea.MouseMsg) {
	lay := m.layout()
	switch {
	case msg.Button == tea.MouseButtonWheelUp && !m.unrestricted:
		m.list.scroll(-3)
	case msg.Button == tea.MouseButtonWheelDown && !m.unrestricted:
		m.list.scroll(3)
	case msg.Button != tea.MouseButtonLeft || msg.Action != tea.MouseActionPress:
	case msg.Y == lay.nameY:
		m.setFocus(fieldName)
	case msg.Y == lay.accessY || msg.Y == lay.accessY+1:
		m.setFocus(fieldAccess)
		m.setUnrestricted(msg.Y == lay.accessY)
	case msg.Y == lay.submitY:
		m.setFocus(fieldSubmit)
		m.review()
	case !m.unrestricted && msg.Y >= lay.listY:
		if r := m.list.rowAt(msg.Y - lay.listY); r >= 0 {
			m.setFocus(fieldList)
			m.list.cursor = r
			m.perms = m.list.toggle(m.perms, r)
		}
	}
}

var (
	_ common.Screen    = (*Model)(nil)
	_ common.QuitGuard = (*Model)(nil)
)
