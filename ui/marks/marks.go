// Package marks is the set of keys marked for a bulk delete on the keys
// and audit screens: space marks a row, * marks every row shown, u clears,
// D reviews and deletes them (ui/bulkdelete). A mark remembers the key as
// it was when marked, so that the delete can skip a key used since.
package marks

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/bulk"
)

// ID names a marked key: its id and the scope it is bound to, since ids of
// different scopes could in theory collide.
type ID struct {
	Scope client.Scope
	Key   string
}

// Mark is one marked key as it was when marked.
type Mark struct {
	// Target is what the delete acts on: the scope it is listed in (for
	// the re-read and the DELETE), its last use at review, its prefix.
	Target bulk.Target
	// Own is the scope the key is bound to (an inbox key listed in its
	// pod's screen is bound to the inbox).
	Own client.Scope
	// Where names the scope for people ("pod Acme Support", "inbox a@b.to");
	// server text, sanitise when drawn.
	Where string
}

// ID is the mark's identity.
func (m Mark) ID() ID { return ID{Scope: m.Own, Key: m.Target.ID} }

// Of is the identity of a key bound to own with this id.
func Of(own client.Scope, keyID string) ID {
	if own.IsOrganization() {
		own = client.OrganizationScope() // the zero scope is the same one
	}
	return ID{Scope: own, Key: keyID}
}

// Set is the marks of one screen, in the order they were made. The zero
// value is an empty set.
type Set struct {
	by   map[ID]int // index into list
	list []Mark
}

// Len is the number of marks.
func (s *Set) Len() int { return len(s.by) }

// Has reports whether the key is marked.
func (s *Set) Has(id ID) bool {
	_, ok := s.by[id]
	return ok
}

// Add marks a key (again: the mark is kept as it was).
func (s *Set) Add(m Mark) {
	m.Own = Of(m.Own, "").Scope
	if s.Has(m.ID()) {
		return
	}
	if s.by == nil {
		s.by = map[ID]int{}
	}
	s.by[m.ID()] = len(s.list)
	s.list = append(s.list, m)
}

// Toggle marks an unmarked key or unmarks a marked one; it reports whether
// the key is marked now.
func (s *Set) Toggle(m Mark) bool {
	m.Own = Of(m.Own, "").Scope
	if s.Has(m.ID()) {
		s.Remove(m.ID())
		return false
	}
	s.Add(m)
	return true
}

// Remove unmarks a key; it reports whether it was marked.
func (s *Set) Remove(id ID) bool {
	if _, ok := s.by[id]; !ok {
		return false
	}
	s.Keep(func(m Mark) bool { return m.ID() != id })
	return true
}

// Update changes every mark in place (not its identity).
func (s *Set) Update(change func(*Mark)) {
	for i := range s.list {
		id := s.list[i].ID()
		change(&s.list[i])
		s.list[i].Own, s.list[i].Target.ID = id.Scope, id.Key
	}
}

// Clear unmarks every key.
func (s *Set) Clear() { s.by, s.list = nil, nil }

// Keep keeps the marks for which keep is true and reports how many went.
func (s *Set) Keep(keep func(Mark) bool) int {
	out := s.list[:0]
	for _, m := range s.list {
		if keep(m) {
			out = append(out, m)
		}
	}
	gone := len(s.list) - len(out)
	clear(s.list[len(out):])
	s.list = out
	s.by = make(map[ID]int, len(out))
	for i, m := range out {
		s.by[m.ID()] = i
	}
	return gone
}

// All returns the marks in the order they were made (a copy).
func (s *Set) All() []Mark { return append([]Mark(nil), s.list...) }

// Status is the status line's "12 marked" ("" when none).
func (s *Set) Status() string {
	if s.Len() == 0 {
		return ""
	}
	return strconv.Itoa(s.Len()) + " marked"
}

// KeyMap is the marking keys of the keys and audit screens.
type KeyMap struct {
	Mark, MarkAll, Clear, Delete key.Binding
}

// DefaultKeyMap: space marks the row, * every row shown, u clears, D
// deletes the marked keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Mark:    key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "mark")),
		MarkAll: key.NewBinding(key.WithKeys("*"), key.WithHelp("*", "mark all shown")),
		Clear:   key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "clear marks")),
		Delete:  key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "delete marked")),
	}
}

// Help is the ? page's marking keys: always all of them, so that they can
// be found before anything is marked; D not in read-only mode (where it
// still answers, with the read-only warning).
func (k KeyMap) Help(readOnly bool) []key.Binding {
	if readOnly {
		return []key.Binding{k.Mark, k.MarkAll, k.Clear}
	}
	return []key.Binding{k.Mark, k.MarkAll, k.Clear, k.Delete}
}

// DeleteMarked is the footer's "D delete 3 marked"; ok is false when
// nothing is marked or in read-only mode.
func (k KeyMap) DeleteMarked(marked int, readOnly bool) (b key.Binding, ok bool) {
	if marked == 0 || readOnly {
		return b, false
	}
	b = k.Delete
	b.SetHelp(b.Help().Key, "delete "+strconv.Itoa(marked)+" marked")
	return b, true
}

// Footer puts "D delete N marked" in front of a screen's footer when it
// applies, and "space mark" after its first `after` keys. In read-only
// mode marking leads nowhere, so the footer keeps its room (? lists it).
func (k KeyMap) Footer(bindings []key.Binding, after, marked int, readOnly bool) []key.Binding {
	if readOnly {
		return bindings
	}
	after = min(after, len(bindings))
	out := make([]key.Binding, 0, len(bindings)+2)
	if d, ok := k.DeleteMarked(marked, readOnly); ok {
		out = append(out, d)
	}
	out = append(out, bindings[:after]...)
	out = append(out, k.Mark)
	return append(out, bindings[after:]...)
}

// NoneMarked is what D says when nothing is marked.
const NoneMarked = "no keys marked: space marks a key, * marks all shown"

// OnlyOwnKey is what * says when the only key shown is the one amkeys
// runs with.
const OnlyOwnKey = "nothing to mark here: only the key amkeys runs with is shown (d deletes it alone)"

// NoneToClear is what u says when nothing is marked.
const NoneToClear = "no marks to clear"

// Marked is what * says: "Marked 3 keys shown · 5 marked", then the notes
// that apply (none empty).
func Marked(n int, set *Set, notes ...string) string {
	parts := []string{"Marked " + plural(n, "key") + " shown"}
	if s := set.Status(); s != "" {
		parts = append(parts, s)
	}
	for _, note := range notes {
		if note != "" {
			parts = append(parts, note)
		}
	}
	return strings.Join(parts, " · ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// OwnKeyNotice is why the key amkeys runs with cannot be marked: deleting
// it in the middle of a bulk delete would fail every request after it.
const OwnKeyNotice = "The key amkeys runs with cannot be marked: d deletes it alone, with a warning"

// IsOwn reports whether a key's prefix is that of the key amkeys runs with
// (ownPrefix, "" when unknown).
func IsOwn(ownPrefix, prefix string) bool { return ownPrefix != "" && prefix == ownPrefix }
