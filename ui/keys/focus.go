package keys

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/listing"
)

// FocusKey asks the screen to put its cursor on key k (found by its id) as
// soon as it is loaded, fetching further pages until it is (the audit and
// the leak lookup open a key this way). A key pressed before that cancels
// the search. A key that is not listed at all leaves the cursor on the
// first row and warns: a d meant for it must not hit the row it stopped on.
func (m *Model) FocusKey(k client.APIKey) {
	m.focusID = k.ID
	m.focusName = k.Prefix
	if m.focusName == "" {
		m.focusName = k.Name
	}
}

// applyFocus runs after the listing has seen msg: it looks for the wanted
// key in each page that arrives.
func (m *Model) applyFocus(msg tea.Msg) tea.Cmd {
	if m.focusID == "" {
		return nil
	}
	switch msg.(type) {
	case tea.KeyMsg:
		m.focusID = "" // the user has taken over
		return nil
	case listing.PageMsg[client.APIKey]:
	default:
		return nil
	}
	for r := range m.list.Shown() {
		if m.list.Item(r).ID == m.focusID {
			m.list.Table.SetCursor(r)
			m.focusID = ""
			return nil
		}
	}
	if m.list.Complete() {
		m.focusID = ""
		m.list.Table.SetCursor(0) // the search stepped down to load pages
		return common.Warn("key " + m.focusName + " is no longer listed in " + m.scope.Describe())
	}
	if m.list.Loading() || m.list.Shown() == 0 {
		return nil
	}
	// Not loaded yet: a step down from the last row makes the listing
	// fetch the next page, as scrolling would.
	m.list.Table.SetCursor(m.list.Shown() - 1)
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(tea.KeyMsg{Type: tea.KeyDown})
	return cmd
}

// DeletedKey reports a key that a keys screen deleted (or found already
// gone) and the scope it was listed in, so that other screens showing it,
// such as the audit, drop it.
func DeletedKey(msg tea.Msg) (scope client.Scope, keyID string, ok bool) {
	d, ok := msg.(deletedMsg)
	if !ok || (d.err != nil && !client.IsNotFound(d.err)) {
		return client.Scope{}, "", false
	}
	return d.scope, d.keyID, true
}

// Deletion is the answer to a key delete (DeleteCmd): Err is nil when the
// key was deleted.
type Deletion struct {
	Scope client.Scope
	KeyID string
	Err   error
}

// DeleteResult reports the answer to any key delete, for a screen that
// asked for it from outside a keys screen (the leak lookup).
func DeleteResult(msg tea.Msg) (Deletion, bool) {
	d, ok := msg.(deletedMsg)
	if !ok {
		return Deletion{}, false
	}
	return Deletion{Scope: d.scope, KeyID: d.keyID, Err: d.err}, true
}

// Deleted is the notice a keys screen sends after deleting a key listed in
// scope, for another screen that deleted one (the rotation's watch): the
// keys screen of that scope drops the row and says so, and DeletedKey
// reports it to the rest.
func Deleted(scope client.Scope, keyID, name string) tea.Msg {
	return deletedMsg{scope: scope, keyID: keyID, name: name}
}

// updatedMsg carries a key as another screen last read it.
type updatedMsg struct {
	scope client.Scope
	key   client.APIKey
}

// Updated tells the keys screen of scope that another screen read k again
// (the rotation's watch: its last use): the row shows it without a reload.
func Updated(scope client.Scope, k client.APIKey) tea.Msg {
	return updatedMsg{scope: scope, key: k}
}
