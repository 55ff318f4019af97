package keys

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/createkey"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/marks"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// RecentUse is how recently a key must have been used for its delete to
// need the typed name.
const RecentUse = 24 * time.Hour

// deletedMsg is the answer to a delete, for the keys screen of its scope.
type deletedMsg struct {
	scope       client.Scope
	keyID, name string
	err         error
}

// updateActions handles the create and delete keys, the open dialog and
// their results; handled is false for everything else.
func (m *Model) updateActions(msg tea.Msg) (handled bool, cmd tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.dialog != nil {
			return true, m.updateDialog(msg)
		}
		if m.list.Filtering() {
			return false, nil
		}
		switch {
		case m.c.Settings.ReadOnly && (key.Matches(msg, DefaultKeyMap().New) || key.Matches(msg, DefaultKeyMap().Delete) || key.Matches(msg, DefaultKeyMap().Rotate)):
			return true, common.ReadOnly
		case key.Matches(msg, m.KeyMap.New):
			// The form reads the loaded keys in its Update, on this same
			// goroutine, for "same as key…".
			loaded := func() []client.APIKey { return m.list.Items() }
			m.c.Push(createkey.New(m.c, m.scope, loaded))
			return true, nil
		case key.Matches(msg, m.KeyMap.Delete):
			if sel, ok := m.list.Selected(); ok {
				m.askDelete(*sel)
			}
			return true, nil
		case key.Matches(msg, m.KeyMap.Rotate):
			if sel, ok := m.list.Selected(); ok {
				return true, common.Rotate(m.scope, *sel)
			}
			return true, nil
		}
	case deletedMsg:
		if msg.scope == m.scope.Scope {
			return true, m.onDeleted(msg)
		}
	case createkey.CreatedMsg:
		if msg.Scope == m.scope.Scope {
			m.list.Prepend(msg.Key)
			return true, nil
		}
	case updatedMsg:
		if msg.scope == m.scope.Scope {
			m.list.Replace(msg.key)
			return true, nil
		}
	case createkey.StaleMsg:
		if msg.Scope == m.scope.Scope {
			return true, m.list.Reload()
		}
	}
	return false, nil
}

// askDelete opens the dialog.
func (m *Model) askDelete(k client.APIKey) {
	m.deleting = k
	m.dialog = confirm.New(m.c.Styles, DeleteConfirm(m.c, m.scope, k))
}

// DeleteConfirm is the delete dialog of key k listed in scope, for every
// screen that deletes a key (the leak lookup and the rotation's watch
// too): a key used in the last day, or the key amkeys runs with, needs its
// name typed.
func DeleteConfirm(c *common.Common, scope common.KeyScope, k client.APIKey) confirm.Options {
	now := c.Now()
	last := "never"
	if !k.NeverUsed() {
		last = format.Ago(k.UsedAt, now) + ", " + c.Times().Exact(k.UsedAt)
	}
	o := confirm.Options{
		Title: "Delete this API key?",
		Fields: []confirm.Field{
			{Label: "name", Value: k.Name},
			{Label: "prefix", Value: MaskPrefix(k.Prefix)},
			{Label: "scope", Value: ScopeText(scope, k)},
			{Label: "permissions", Value: k.Permissions.Summary()},
			{Label: "last used", Value: last},
		},
		Notes:   []string{"Anything using this key stops working at once. This cannot be undone."},
		Confirm: "Delete",
	}
	own := c.Settings.OwnKeyPrefix != "" && k.Prefix == c.Settings.OwnKeyPrefix
	recent := !k.NeverUsed() && now.Sub(k.UsedAt) < RecentUse
	switch {
	case own:
		o.Notes = append(o.Notes, "This is the key amkeys itself runs with: once it is deleted, amkeys can do nothing more until you give it another key.")
	case recent:
		o.Notes = append(o.Notes, "This key was used "+format.Ago(k.UsedAt, now)+": something may still depend on it.")
	}
	if own || recent {
		// The name, or the prefix: a name may be hard to type exactly
		// ("Résumé parser") or shared by two keys; the prefix is neither.
		o.Type, o.TypeWhat = typeable(k.Name, k.Prefix, "the key's name", "the key's prefix (its name cannot be typed)")
		if o.Type != k.Prefix && confirm.Typeable(k.Prefix) {
			o.Alt, o.AltWhat = k.Prefix, "its prefix"
		}
	}
	return o
}

// ScopeText says what k is bound to (common.Where): "pod Acme Support",
// "inbox a@b.to", "organization". A key listed in a scope but bound to a
// narrower one (an inbox key in its pod's list) shows that one's id.
func ScopeText(in common.KeyScope, k client.APIKey) string {
	if ks := k.Scope(); ks != in.Scope {
		return common.Where(ks, "")
	}
	return common.Where(in.Scope, in.Label)
}

// typeable picks what the user must type: the name, unless it is blank or
// holds characters nobody can type; then the fallback.
func typeable(name, fallback, what, fallbackWhat string) (string, string) {
	if confirm.Typeable(name) {
		return name, what
	}
	return fallback, fallbackWhat
}

func (m *Model) updateDialog(k tea.KeyMsg) tea.Cmd {
	return confirm.Handle(&m.dialog, k, func() tea.Cmd { return m.deleteCmd(m.deleting) })
}

func (m *Model) deleteCmd(k client.APIKey) tea.Cmd { return DeleteCmd(m.c, m.scope.Scope, k) }

// DeleteCmd deletes k in scope. Its answer reaches the keys screen of that
// scope, if one is open, and every screen through DeletedKey.
func DeleteCmd(c *common.Common, scope client.Scope, k client.APIKey) tea.Cmd {
	api, ctx, keyID, name := c.API, c.Ctx, k.ID, k.Name
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		err := api.DeleteKey(rctx, scope, keyID)
		return deletedMsg{scope: scope, keyID: keyID, name: name, err: err}
	}
}

// onDeleted drops the row; a 404 means someone else was quicker.
func (m *Model) onDeleted(msg deletedMsg) tea.Cmd {
	name := sanitize.Truncate(msg.name, 60)
	if msg.err == nil || client.IsNotFound(msg.err) {
		m.mk.set.Keep(func(mk marks.Mark) bool { return mk.Target.ID != msg.keyID })
	}
	switch {
	case msg.err == nil:
		m.list.Remove(func(k *client.APIKey) bool { return k.ID == msg.keyID })
		return common.Notify("Deleted key " + name)
	case client.IsNotFound(msg.err):
		m.list.Remove(func(k *client.APIKey) bool { return k.ID == msg.keyID })
		return common.Notify("Key " + name + " was already gone; removed it from the list")
	}
	return common.Fail("deleting key "+name, msg.err)
}
