package createkey

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/match"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
)

// maxMatches bounds what the picker keeps; typing narrows it.
const maxMatches = 200

// picker chooses a loaded key of the scope to copy its permissions from.
type picker struct {
	input   textinput.Model
	keys    []client.APIKey
	matches []int // indexes into keys
	cursor  int
	keymap  pickerKeys
}

type pickerKeys struct{ Up, Down, Pick, Cancel key.Binding }

func newPicker(keys []client.APIKey) *picker {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "type to filter by name or prefix"
	in.CharLimit = 256
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Focus()
	p := &picker{input: in, keys: keys, keymap: pickerKeys{
		Up:     key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "down")),
		Pick:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "copy its permissions")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}}
	p.filter()
	return p
}

func (p *picker) bindings() []key.Binding {
	k := p.keymap
	return []key.Binding{k.Pick, k.Up, k.Down, k.Cancel}
}

func (p *picker) filter() {
	q := match.New(p.input.Value())
	p.matches = p.matches[:0]
	for i := range p.keys {
		k := &p.keys[i]
		if q.Empty() || q.In(k.Name) || q.In(k.Prefix) {
			p.matches = append(p.matches, i)
			if len(p.matches) == maxMatches {
				break
			}
		}
	}
	p.cursor = min(p.cursor, max(len(p.matches)-1, 0))
}

func (m *Model) openPicker() {
	keys := m.keys()
	if len(keys) == 0 {
		m.info = "No keys of this " + m.scope.Kind() + " are loaded to copy from."
		return
	}
	m.picker = newPicker(keys)
}

// updatePicker moves, filters, picks or cancels.
func (m *Model) updatePicker(k tea.KeyMsg) {
	p := m.picker
	switch {
	case key.Matches(k, p.keymap.Cancel):
		m.picker = nil
	case key.Matches(k, p.keymap.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(k, p.keymap.Down):
		p.cursor = min(p.cursor+1, max(len(p.matches)-1, 0))
	case key.Matches(k, p.keymap.Pick):
		if len(p.matches) > 0 {
			m.copyFrom(p.keys[p.matches[p.cursor]])
		}
		m.picker = nil
	default:
		p.input, _ = p.input.Update(k)
		p.filter()
	}
}

// copyFrom takes src's permissions. Names outside the current catalogue
// (legacy or unknown) are left out: the API would refuse them.
func (m *Model) copyFrom(src client.APIKey) {
	name := sanitize.Truncate(src.Name, 40)
	if src.Permissions.IsUnrestricted() {
		m.setUnrestricted(true)
		m.info = "Copied from " + name + ": unrestricted."
		return
	}
	p := client.Restricted()
	for _, n := range client.CurrentPermissionNames() {
		if src.Permissions.Has(n) {
			p = p.With(n)
		}
	}
	m.perms = p
	m.setUnrestricted(false)
	m.info = "Copied from " + name + ": " + p.Summary() + " ticked."
	if left := src.Permissions.GrantedCount() - p.GrantedCount(); left > 0 {
		m.info += " " + strconv.Itoa(left) + " name(s) this API no longer defines were left out."
	}
}

func (p *picker) view(width, height int, st styles.Styles) string {
	inner := min(max(width-4, 20), 72)
	rows := max(min(height-8, 12), 1)
	var b strings.Builder
	b.WriteString(st.Title.Render("Copy the permissions of which key?") + "\n\n")
	p.input.Width = inner - 3
	b.WriteString(p.input.View() + "\n\n")
	if len(p.matches) == 0 {
		b.WriteString(st.Muted.Render("no loaded key matches") + "\n")
	}
	start := max(min(p.cursor-rows/2, len(p.matches)-rows), 0)
	for i := start; i < len(p.matches) && i < start+rows; i++ {
		k := &p.keys[p.matches[i]]
		mark := "  "
		if i == p.cursor {
			mark = "› "
		}
		line := sanitize.Cell(mark+sanitize.Text(k.Name), inner-26) + " " + sanitize.Cell(k.Prefix+"…", 12) + " " + sanitize.Cell(k.Permissions.Summary(), 12)
		if i == p.cursor {
			line = st.SelectedRow.Apply(line)
		}
		b.WriteString(line + "\n")
	}
	b.WriteString(st.Muted.Render(strconv.Itoa(len(p.matches)) + " shown"))
	return st.Dialog.Render(b.String())
}
