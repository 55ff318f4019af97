package createkey

import (
	"strconv"
	"strings"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
)

// row is one line of the checklist: a group header (perm < 0) or one
// permission of a group.
type row struct{ group, perm int }

// checklist is every permission of the catalogue, grouped by resource, with
// a cursor and a scroll offset: 36 permissions and 10 headers do not fit a
// short window.
type checklist struct {
	groups []client.PermissionGroup
	rows   []row
	cursor int
	offset int
	height int // rows shown
}

func newChecklist() checklist {
	l := checklist{groups: client.PermissionGroups()}
	for g, grp := range l.groups {
		l.rows = append(l.rows, row{group: g, perm: -1})
		for p := range grp.Permissions {
			l.rows = append(l.rows, row{group: g, perm: p})
		}
	}
	return l
}

func (l *checklist) setHeight(h int) {
	l.height = max(h, 1)
	l.clamp()
}

// move moves the cursor by d rows, scrolling to keep it shown.
func (l *checklist) move(d int) {
	l.cursor = min(max(l.cursor+d, 0), len(l.rows)-1)
	l.clamp()
}

// scroll moves the view by d rows (the mouse wheel); the cursor stays on
// screen.
func (l *checklist) scroll(d int) {
	l.offset = min(max(l.offset+d, 0), max(len(l.rows)-l.height, 0))
	l.cursor = min(max(l.cursor, l.offset), l.offset+l.height-1)
}

func (l *checklist) clamp() {
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.height {
		l.offset = l.cursor - l.height + 1
	}
	l.offset = min(max(l.offset, 0), max(len(l.rows)-l.height, 0))
}

// rowAt returns the row drawn y lines below the list's top, or -1.
func (l *checklist) rowAt(y int) int {
	r := l.offset + y
	if y < 0 || y >= l.height || r >= len(l.rows) {
		return -1
	}
	return r
}

// groupNames lists the names of group g.
func (l *checklist) groupNames(g int) []string {
	var out []string
	for _, p := range l.groups[g].Permissions {
		out = append(out, p.Name)
	}
	return out
}

// toggle flips row r: a permission, or on a header the whole group.
func (l *checklist) toggle(p client.Permissions, r int) client.Permissions {
	rw := l.rows[r]
	if rw.perm < 0 {
		return l.toggleGroup(p, rw.group)
	}
	name := l.groups[rw.group].Permissions[rw.perm].Name
	if p.Has(name) {
		return p.Without(name)
	}
	return p.With(name)
}

// toggleGroup ticks every permission of group g, or unticks them all when
// they all were ticked.
func (l *checklist) toggleGroup(p client.Permissions, g int) client.Permissions {
	names := l.groupNames(g)
	all := ticked(p, names) == len(names)
	for _, n := range names {
		if all {
			p = p.Without(n)
		} else {
			p = p.With(n)
		}
	}
	return p
}

func ticked(p client.Permissions, names []string) int {
	n := 0
	for _, name := range names {
		if p.Has(name) {
			n++
		}
	}
	return n
}

// hidden says how many rows are above and below the view.
func (l *checklist) hidden() (above, below int) {
	return l.offset, max(len(l.rows)-l.offset-l.height, 0)
}

// view draws the rows in the view, the cursor row highlighted when focused.
func (l *checklist) view(p client.Permissions, focused bool, width int, st *styles.Styles) string {
	lines := make([]string, 0, l.height)
	for r := l.offset; r < len(l.rows) && r < l.offset+l.height; r++ {
		at := focused && r == l.cursor
		line := l.line(p, r, at, width, st)
		if at {
			line = st.SelectedRow.Apply(line)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func (l *checklist) line(p client.Permissions, r int, at bool, width int, st *styles.Styles) string {
	mark := "  "
	if at {
		mark = "› "
	}
	rw := l.rows[r]
	grp := l.groups[rw.group]
	if rw.perm < 0 {
		names := l.groupNames(rw.group)
		n := ticked(p, names)
		box := "[-]"
		switch n {
		case 0:
			box = "[ ]"
		case len(names):
			box = "[x]"
		}
		text := sanitize.Cell(mark+box+" "+grp.Title, 34) + strconv.Itoa(n) + " of " + strconv.Itoa(len(names))
		if at {
			return sanitize.Cell(text, width)
		}
		return st.Accent.Render(sanitize.Truncate(text, width))
	}
	perm := grp.Permissions[rw.perm]
	box := "[ ]"
	if p.Has(perm.Name) {
		box = "[x]"
	}
	risky := "      "
	if perm.Risky {
		risky = "risky "
	}
	head := mark + "  " + box + " " + sanitize.Cell(perm.Name, 27) + " "
	desc := sanitize.Truncate(perm.Description, max(width-sanitize.Width(head)-len(risky), 0))
	if at {
		return sanitize.Cell(head+risky+desc, width)
	}
	if perm.Risky {
		risky = st.Warning.Render(risky)
	}
	return head + risky + st.Muted.Render(desc)
}
