// Package keydetail shows one key: every field with exact timestamps and its
// permissions grouped by resource, from the embedded catalogue.
package keydetail

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
)

// KeyMap holds the screen's bindings.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Rotate key.Binding
}

// DefaultKeyMap returns the screen's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "f", " ", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Rotate:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "rotate")),
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
	m.KeyMap.Rotate.SetEnabled(!c.Settings.ReadOnly) // R then only says it is off
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
	return []key.Binding{m.KeyMap.Down, m.KeyMap.Up, m.KeyMap.PageDown, m.KeyMap.Rotate}
}

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.KeyMap.Up, m.KeyMap.Down, m.KeyMap.PageUp, m.KeyMap.PageDown, m.KeyMap.Rotate}}
}

// SetSize lays the content out again for the new width; the last line
// is kept for the scroll position.
func (m *Model) SetSize(w, h int) {
	m.width = w
	m.vp.Width, m.vp.Height = w, max(h-1, 1)
	m.vp.SetContent(m.render())
}

// Update scrolls; R asks for the key's rotation.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && key.Matches(k, DefaultKeyMap().Rotate) {
		if m.c.Settings.ReadOnly {
			return m, common.ReadOnly
		}
		return m, common.Rotate(m.scope, m.key)
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return m, cmd
}

// View draws the scrolled content and where it is.
func (m *Model) View() string { return m.vp.View() + "\n" + m.position() }

// position says which lines are shown: "lines 1-20 of 58 · ↓ j scrolls".
func (m *Model) position() string {
	total := m.vp.TotalLineCount()
	if total <= m.vp.Height {
		return ""
	}
	first := m.vp.YOffset + 1
	last := min(m.vp.YOffset+m.vp.Height, total)
	s := "lines " + strconv.Itoa(first) + "-" + strconv.Itoa(last) + " of " + strconv.Itoa(total)
	switch {
	case m.vp.AtBottom():
		s += " · end"
	case m.vp.AtTop():
		s += " · ↓/j for more"
	default:
		s += " · " + strconv.Itoa(int(m.vp.ScrollPercent()*100)) + "%"
	}
	return m.c.Styles.MutedPaint.Apply(sanitize.Truncate(s, m.width))
}

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
	times := m.c.Times()
	field("created", times.Exact(k.CreatedAt)+" · "+format.Ago(k.CreatedAt, now))
	if k.NeverUsed() {
		field("last used", "never")
	} else {
		field("last used", times.Exact(k.UsedAt)+" · "+format.Ago(k.UsedAt, now))
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

// Legend explains the permissions column and summary ("unrestricted",
// "36 of 36", "+1"), for the key detail and the keys screen's ? page.
var Legend = []string{
	"permissions: “unrestricted” = the server sent no permission list: the key may do everything within its scope, including what the API adds later.",
	"“36 of 36” = restricted, with every permission this version of amkeys knows ticked: what the API adds later stays off.",
	"“+1” = also granted: a permission this version of amkeys does not know (or no longer lists), shown under Other.",
}

// TwoColumnsFrom is the width from which the permission grid uses two
// columns.
const TwoColumnsFrom = 100

// Grid renders a permission record grouped by resource, in two columns in
// a wide window. An unrestricted key is said to be so in words, not drawn
// as every box ticked.
func Grid(c *common.Common, p client.Permissions, width int) string {
	st := &c.Styles
	var b strings.Builder
	if p.IsUnrestricted() {
		b.WriteString(st.Warning.Render("permissions  UNRESTRICTED: full access within the key's scope"))
		b.WriteString("\n" + st.Muted.Render("             (the server sent no permission list, so nothing is withheld)") + "\n")
		return b.String()
	}
	b.WriteString(st.Label.Render("permissions") + "  " + p.Summary() + " granted\n")
	for _, l := range sanitize.Lines(Legend[1]+" "+Legend[2], max(width-2, 8), 3) {
		b.WriteString(st.Muted.Render(l) + "\n")
	}
	colW := width
	if width >= TwoColumnsFrom {
		colW = (width - 2) / 2
	}
	var blocks [][]string // one per group: its title and lines
	for _, g := range client.PermissionGroups() {
		block := []string{"", st.Accent.Render(g.Title)}
		for _, perm := range g.Permissions {
			block = append(block, permLine(st, perm.Name, perm.Description, perm.Risky, p.Has(perm.Name), colW))
		}
		blocks = append(blocks, block)
	}
	var other []string
	for _, n := range p.Names() {
		if info, ok := client.LookupPermission(n); !ok || info.Legacy {
			other = append(other, n)
		}
	}
	if len(other) > 0 {
		block := []string{"", st.Accent.Render("Other (not in this version's catalogue)")}
		for _, n := range other {
			desc := "unknown to this version of amkeys"
			if info, ok := client.LookupPermission(n); ok {
				desc = info.Description
			}
			block = append(block, permLine(st, sanitize.Truncate(n, 27), desc, false, true, colW))
		}
		blocks = append(blocks, block)
	}
	if colW == width {
		for _, bl := range blocks {
			b.WriteString(strings.Join(bl, "\n") + "\n")
		}
		return b.String()
	}
	left, right := splitBlocks(blocks)
	for i := range max(len(left), len(right)) {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		pad := max(colW+2-ansi.StringWidth(l), 1) // l may hold colour codes
		b.WriteString(l + strings.Repeat(" ", pad) + r + "\n")
	}
	return b.String()
}

// splitBlocks puts whole groups in two columns of about equal height.
func splitBlocks(blocks [][]string) (left, right []string) {
	total := 0
	for _, bl := range blocks {
		total += len(bl)
	}
	for _, bl := range blocks {
		if len(left) < (total+1)/2 && len(right) == 0 {
			left = append(left, bl...)
		} else {
			right = append(right, bl...)
		}
	}
	return left, right
}

// permLine is one permission: its mark, name, "risky" (before the
// description, as in the create form) and description, width wide at most.
func permLine(st *styles.Styles, name, desc string, risky, granted bool, width int) string {
	mark := "  ·  "
	if granted {
		mark = "  ✔  "
	}
	line := mark + padRight(name, 27)
	tag := ""
	if risky {
		tag = "risky "
	}
	if room := width - sanitize.Width(line) - len(tag); room > 0 {
		desc = sanitize.Truncate(desc, room)
	} else {
		desc = ""
	}
	if !granted {
		return st.Muted.Render(line + tag + desc)
	}
	if risky {
		tag = st.Warning.Render(tag)
	}
	return line + tag + desc
}

func padRight(s string, w int) string {
	if n := sanitize.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s + " "
}
