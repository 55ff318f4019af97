// Package keydetail shows one key: every field with exact timestamps and its
// permissions grouped by resource, from the embedded catalogue.
package keydetail

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// KeyMap holds the screen's bindings.
type KeyMap struct {
	Up, Down, PageUp, PageDown key.Binding
}

// DefaultKeyMap returns the screen's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "f", " ", "ctrl+d"), key.WithHelp("pgdn", "page down")),
	}
}

// Model is the key detail screen.
type Model struct {
	c      *common.Common
	scope  common.KeyScope // the list the key was opened from
	key    client.APIKey
	KeyMap KeyMap
	vp     viewport.Model
	width  int
}

// New makes the screen for k, opened from the keys of scope.
func New(c *common.Common, scope common.KeyScope, k client.APIKey) *Model {
	m := &Model{c: c, scope: scope, key: k, KeyMap: DefaultKeyMap(), vp: viewport.New(0, 0)}
	m.vp.KeyMap = viewport.KeyMap{
		Up: m.KeyMap.Up, Down: m.KeyMap.Down, PageUp: m.KeyMap.PageUp, PageDown: m.KeyMap.PageDown,
	}
	return m
}

// Key is the key shown.
func (m *Model) Key() client.APIKey { return m.key }

// Init does nothing: the key is already loaded.
func (m *Model) Init() tea.Cmd { return nil }

// Title is the breadcrumb entry.
func (m *Model) Title() string { return m.key.Name }

// CapturesInput is always false.
func (m *Model) CapturesInput() bool { return false }

// Status summarises the screen.
func (m *Model) Status() string { return "key " + m.key.Prefix }

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.KeyMap.Down, m.KeyMap.Up, m.KeyMap.PageDown}
}

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.KeyMap.Up, m.KeyMap.Down, m.KeyMap.PageUp, m.KeyMap.PageDown}}
}

// SetSize lays the content out again for the new width.
func (m *Model) SetSize(w, h int) {
	m.width = w
	m.vp.Width, m.vp.Height = w, max(h, 1)
	m.vp.SetContent(m.render())
}

// Update scrolls.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return m, cmd
}

// View draws the scrolled content.
func (m *Model) View() string { return m.vp.View() }

func (m *Model) render() string {
	st := &m.c.Styles
	now := m.c.Now()
	k := m.key
	var b strings.Builder
	field := func(label, value string) {
		b.WriteString(st.Label.Render(padRight(label, 12)))
		b.WriteString(sanitize.Truncate(value, max(m.width-13, 1)))
		b.WriteByte('\n')
	}
	field("name", k.Name)
	field("key id", k.ID)
	field("prefix", k.Prefix+"… (the rest of the secret is never shown again)")
	field("scope", k.Scope().Kind.String())
	if k.PodID != "" {
		field("pod", m.named(client.PodScope(k.PodID)))
	}
	if k.InboxID != "" {
		field("inbox", m.named(client.InboxScope(k.InboxID)))
	}
	field("created", format.Exact(k.CreatedAt)+" · "+format.Ago(k.CreatedAt, now))
	if k.NeverUsed() {
		field("last used", "never")
	} else {
		field("last used", format.Exact(k.UsedAt)+" · "+format.Ago(k.UsedAt, now))
	}
	b.WriteByte('\n')
	b.WriteString(Grid(m.c, k.Permissions, m.width))
	return strings.TrimRight(b.String(), "\n")
}

// named is "Acme Support (pod id)" when the screen knows the name of s,
// else s's id alone. An inbox's id is its address, so it is not repeated.
func (m *Model) named(s client.Scope) string {
	if s != m.scope.Scope || m.scope.Label == "" || m.scope.Label == s.ID {
		return s.ID
	}
	return m.scope.Label + " (" + s.ID + ")"
}

// Grid renders a permission record grouped by resource. An unrestricted key
// is said to be so in words, not drawn as every box ticked.
func Grid(c *common.Common, p client.Permissions, width int) string {
	st := &c.Styles
	var b strings.Builder
	if p.IsUnrestricted() {
		b.WriteString(st.Warning.Render("permissions  UNRESTRICTED: full access within the key's scope"))
		b.WriteString("\n" + st.Muted.Render("             (the server sent no permission list, so nothing is withheld)") + "\n")
		return b.String()
	}
	b.WriteString(st.Label.Render("permissions") + "  " + p.Summary() + " granted\n")
	descWidth := max(width-34, 0)
	for _, g := range client.PermissionGroups() {
		b.WriteString("\n" + st.Accent.Render(g.Title) + "\n")
		for _, perm := range g.Permissions {
			mark, name := "  ·  ", perm.Name
			if p.Has(perm.Name) {
				mark = "  ✔  "
			}
			line := mark + padRight(name, 27)
			if descWidth > 0 {
				line += sanitize.Truncate(perm.Description, descWidth)
			}
			if perm.Risky {
				line += " " + st.Warning.Render("risky")
			}
			if p.Has(perm.Name) {
				b.WriteString(line + "\n")
			} else {
				b.WriteString(st.Muted.Render(line) + "\n")
			}
		}
	}
	var other []string
	for _, n := range p.Names() {
		if info, ok := client.LookupPermission(n); !ok || info.Legacy {
			other = append(other, n)
		}
	}
	if len(other) > 0 {
		b.WriteString("\n" + st.Accent.Render("Other (not in this version's catalogue)") + "\n")
		for _, n := range other {
			desc := "unknown to this version of amkeys"
			if info, ok := client.LookupPermission(n); ok {
				desc = info.Description
			}
			b.WriteString("  ✔  " + padRight(sanitize.Truncate(n, 27), 27) + sanitize.Truncate(desc, descWidth) + "\n")
		}
	}
	return b.String()
}

func padRight(s string, w int) string {
	if n := sanitize.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s + " "
}
