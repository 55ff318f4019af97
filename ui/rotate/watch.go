package rotate

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/internal/rotated"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// WatchKeyMap holds the watch's bindings.
type WatchKeyMap struct {
	Refresh, Delete key.Binding
}

// DefaultWatchKeyMap: r reads both keys now, d deletes the old key.
func DefaultWatchKeyMap() WatchKeyMap {
	return WatchKeyMap{
		Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check now")),
		Delete:  key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete the old key")),
	}
}

// pollTickMsg is the watch's timer; gen drops ticks of an older schedule
// (r reads at once and starts the interval again).
type pollTickMsg struct{ screen, gen int }

// polledMsg is one read of both keys.
type polledMsg struct {
	screen, req int
	old, new    *client.APIKey // nil: not listed
	err         error
}

// oldDeletedMsg is the answer to deleting the old key.
type oldDeletedMsg struct {
	screen int
	err    error
}

// Watch follows both keys after the replacement was created: the old key's
// last use and quiet time, the new key's first use.
type Watch struct {
	c       *common.Common
	id      int
	list    common.KeyScope // where the old key was listed
	where   common.KeyScope // both keys' scope
	old     client.APIKey
	new     client.APIKey
	started time.Time // the rotation's start: the replacement's creation
	every   time.Duration
	KeyMap  WatchKeyMap

	gen       int // the current tick schedule
	polling   int // the request id of the read on its way; 0 = none
	checkedAt time.Time
	pollErr   error
	oldGone   bool // deleted here, or not listed any more
	deletedBy bool // deleted from this screen
	newGone   bool
	deleting  bool
	leaked    bool // the leak lookup found the old key
	dialog    *confirm.Model
	quitting  bool          // the dialog asks before quitting, not deleting
	show      common.Screen // the secret screen, opened on top once
	width     int
	height    int
}

func newWatch(c *common.Common, list, where common.KeyScope, old, created client.APIKey, o options, show common.Screen) *Watch {
	if created.CreatedAt.IsZero() {
		created.CreatedAt = c.Now()
	}
	return &Watch{c: c, id: c.NextRequestID(), list: list, where: where, old: old, new: created,
		started: c.Now(), every: o.every, leaked: o.leaked, KeyMap: DefaultWatchKeyMap(), show: show}
}

// Old and New are the keys as last read (for tests).
func (m *Watch) Old() client.APIKey { return m.old }

// New is the replacement as last read.
func (m *Watch) New() client.APIKey { return m.new }

// OldGone reports whether the old key is deleted.
func (m *Watch) OldGone() bool { return m.oldGone }

// Init opens the secret screen over the watch (the first time) and reads
// both keys at once; the interval starts after the answer.
func (m *Watch) Init() tea.Cmd {
	if m.show != nil {
		m.c.Push(m.show)
		m.show = nil
	}
	return m.poll()
}

// Title is the breadcrumb entry.
func (m *Watch) Title() string { return "watch " + m.old.Name }

// Status summarises the screen.
func (m *Watch) Status() string {
	switch {
	case m.oldGone:
		return "old key deleted"
	case m.old.NeverUsed():
		return "old key never used"
	}
	return "old key quiet for " + quiet(m.c.Now().Sub(m.old.UsedAt))
}

// GuardQuit takes esc, q and ctrl+c while the old key exists: q and ctrl+c
// ask first, as the watch is gone once amkeys quits; esc goes back.
func (m *Watch) GuardQuit() bool { return !m.oldGone }

// CapturesInput is true while the delete dialog is open.
func (m *Watch) CapturesInput() bool { return m.dialog != nil }

// SetSize records the area.
func (m *Watch) SetSize(w, h int) { m.width, m.height = w, h }

// ShortHelp is the footer.
func (m *Watch) ShortHelp() []key.Binding {
	if m.dialog != nil {
		return m.dialog.Bindings()
	}
	del, refresh := m.KeyMap.Delete, m.KeyMap.Refresh
	del.SetEnabled(!m.oldGone && !m.deleting)
	refresh.SetEnabled(!m.oldGone)
	return []key.Binding{refresh, del}
}

// FullHelp is the ? page.
func (m *Watch) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update handles the keys, the timer and the answers.
func (m *Watch) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.updateKey(msg)
	case pollTickMsg:
		if msg.screen == m.id && msg.gen == m.gen && m.polling == 0 {
			return m, m.poll()
		}
	case polledMsg:
		if msg.screen == m.id && msg.req == m.polling {
			return m, m.onPolled(msg)
		}
	case oldDeletedMsg:
		if msg.screen == m.id {
			return m, m.onDeleted(msg)
		}
	}
	return m, nil
}

func (m *Watch) updateKey(k tea.KeyMsg) tea.Cmd {
	if m.dialog != nil {
		if m.quitting && k.Type == tea.KeyCtrlC {
			return common.Quit // ctrl+c twice quits
		}
		return confirm.Handle(&m.dialog, k, func() tea.Cmd {
			if m.quitting {
				return common.Quit
			}
			return m.deleteOld()
		})
	}
	switch {
	case k.Type == tea.KeyEsc:
		m.c.Pop()
		if !m.oldGone {
			return common.Notify("Left the rotation watch: both keys keep working.")
		}
	case k.Type == tea.KeyCtrlC || k.String() == "q":
		m.quitting = true
		m.dialog = confirm.New(m.c.Styles, confirm.Options{
			Title:   "Quit amkeys?",
			Notes:   []string{"The rotation watch ends; both keys keep working. Delete the old key (" + keys.MaskPrefix(m.old.Prefix) + ") from its keys list once nothing uses it."},
			Confirm: "Quit",
			Cancel:  "Stay",
		})
	case key.Matches(k, m.KeyMap.Refresh):
		if m.polling == 0 && !m.oldGone {
			return m.poll()
		}
	case key.Matches(k, m.KeyMap.Delete):
		if m.c.Settings.ReadOnly {
			return common.ReadOnly
		}
		if !m.oldGone && !m.deleting {
			// The old key as last read: the dialog asks for its name when
			// it was used recently, as the keys screen does.
			m.quitting = false
			m.dialog = confirm.New(m.c.Styles, m.deleteConfirm())
		}
	}
	return nil
}

// poll lists the keys' scope and picks out both, stopping once both are
// found (or after maxPages pages).
func (m *Watch) poll() tea.Cmd {
	m.polling = m.c.NextRequestID()
	screen, req, api, ctx, scope, size := m.id, m.polling, m.c.API, m.c.Ctx, m.where.Scope, m.c.Settings.PageSize
	oldID, newID := m.old.ID, m.new.ID
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		out := polledMsg{screen: screen, req: req}
		out.err = eachKey(rctx, api, scope, size, func(k client.APIKey) bool {
			switch k.ID {
			case oldID:
				out.old = &k
			case newID:
				out.new = &k
			}
			return out.old == nil || out.new == nil
		})
		return out
	}
}

// deleteConfirm is the keys screen's delete dialog for the old key as last
// read (it asks for the name when the key was used recently), with what
// the watch knows that it does not.
func (m *Watch) deleteConfirm() confirm.Options {
	o := keys.DeleteConfirm(m.c, m.list, m.old)
	var notes []string
	if m.new.NeverUsed() && !m.newGone {
		notes = append(notes, "The new key has not been used yet: anything still using the old key stops working.")
	}
	if lost := rotated.Lost(m.old.Permissions, m.new.Permissions); len(lost) > 0 {
		notes = append(notes, "The new key lacks "+strings.Join(lost, ", ")+": whatever needs them stops working.")
	}
	o.Notes = append(notes, o.Notes...)
	return o
}

func (m *Watch) onPolled(msg polledMsg) tea.Cmd {
	m.polling = 0
	m.checkedAt = m.c.Now()
	m.pollErr = msg.err
	var cmds []tea.Cmd
	if msg.err == nil {
		// The keys screen shows both keys as read here.
		if msg.old != nil {
			m.old = *msg.old
			cmds = append(cmds, m.updated(m.old))
		} else {
			m.oldGone = true
		}
		if msg.new != nil {
			m.new, m.newGone = *msg.new, false
			cmds = append(cmds, m.updated(m.new))
		} else {
			m.newGone = true
		}
	}
	if m.oldGone {
		return tea.Batch(cmds...) // the rotation is over: no more reads
	}
	m.gen++
	screen, gen := m.id, m.gen
	cmds = append(cmds, tea.Tick(m.every, func(time.Time) tea.Msg { return pollTickMsg{screen: screen, gen: gen} }))
	return tea.Batch(cmds...)
}

func (m *Watch) updated(k client.APIKey) tea.Cmd {
	scope := m.list.Scope
	return func() tea.Msg { return keys.Updated(scope, k) }
}

func (m *Watch) deleteOld() tea.Cmd {
	m.deleting = true
	screen, api, ctx, scope, id := m.id, m.c.API, m.c.Ctx, m.where.Scope, m.old.ID
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		return oldDeletedMsg{screen: screen, err: api.DeleteKey(rctx, scope, id)}
	}
}

// onDeleted marks the old key deleted and tells the keys screen (and the
// audit) as the keys screen's own delete does; a 404 means someone else was
// quicker.
func (m *Watch) onDeleted(msg oldDeletedMsg) tea.Cmd {
	m.deleting = false
	if msg.err != nil && !client.IsNotFound(msg.err) {
		return common.Fail("deleting key "+sanitize.Truncate(m.old.Name, 60), msg.err)
	}
	m.oldGone, m.deletedBy = true, msg.err == nil
	m.gen++ // the scheduled read is not needed any more
	scope, id, name := m.list.Scope, m.old.ID, m.old.Name
	return func() tea.Msg { return keys.Deleted(scope, id, name) }
}

// View draws both keys and what to do.
func (m *Watch) View() string {
	if m.dialog != nil {
		return m.dialog.Fit(m.width, m.height)
	}
	st := &m.c.Styles
	now := m.c.Now()
	times := m.c.Times()
	l := &lines{width: max(m.width, 20)}
	l.add(rankEssential, st.Title, "Rotation of "+m.old.Name+" · started "+format.Ago(m.started, now)+", "+times.Exact(m.started))
	l.blank()
	l.add(rankKey, st.Accent, "The old key: "+m.old.Name+" ("+keys.MaskPrefix(m.old.Prefix)+")")
	switch {
	case m.deletedBy:
		l.field(rankEssential, st.Label, "state", "deleted")
	case m.oldGone:
		l.field(rankEssential, st.Label, "state", "gone: deleted elsewhere")
	}
	switch {
	case m.oldGone:
		last := "never"
		if !m.old.NeverUsed() {
			last = format.Ago(m.old.UsedAt, now) + ", " + times.Exact(m.old.UsedAt)
		}
		l.field(rankKey, st.Label, "last used", last)
	case m.old.NeverUsed():
		l.field(rankEssential, st.Label, "state", "never used")
	default:
		// From its last use, even before the rotation: that is how long
		// nothing has used it.
		l.field(rankEssential, st.Label, "state", "quiet for "+quiet(now.Sub(m.old.UsedAt))+" (last used "+times.Exact(m.old.UsedAt)+")")
	}
	if m.leaked && !m.oldGone {
		l.wrap(rankEssential, st.Warning, "The old key is leaked: delete it (d) as soon as the new key is deployed; do not wait for it to go quiet (someone else may be using it).", 3)
	}
	if own := m.c.Settings.OwnKeyPrefix; own != "" && m.old.Prefix == own && !m.oldGone {
		l.wrap(rankKey, st.Warning, "amkeys itself runs with the old key: every check uses it, so it never looks quiet. Restart amkeys with the new key first.", 2)
	}
	l.blank()
	l.add(rankKey, st.Accent, "The new key: "+m.new.Name+" ("+keys.MaskPrefix(m.new.Prefix)+")")
	first := "not used yet"
	if !m.new.NeverUsed() {
		first = "in use: last used " + format.Ago(m.new.UsedAt, now) + ", " + times.Exact(m.new.UsedAt)
	}
	if m.newGone {
		first = "gone: deleted elsewhere"
	}
	l.field(rankEssential, st.Label, "first use", first)
	if lost := rotated.Lost(m.old.Permissions, m.new.Permissions); len(lost) > 0 {
		l.field(rankKey, st.Label, "permissions", m.new.Permissions.Summary()+", not the old key's "+m.old.Permissions.Summary())
		l.wrap(rankEssential, st.Warning, "The new key lacks "+strings.Join(lost, ", ")+": whatever needs them stops working once the old key is deleted.", 3)
	} else {
		perms := "the same as the old key's (" + m.new.Permissions.Summary() + ")"
		if !m.new.Permissions.Equal(m.old.Permissions) { // more, not less
			perms = m.new.Permissions.Summary() + ", not the old key's " + m.old.Permissions.Summary()
		}
		l.field(rankDetail, st.Label, "permissions", perms)
	}
	l.blank()
	switch {
	case m.oldGone:
		l.wrap(rankNext, st.Muted, "The old key is gone: the rotation is done. esc goes back.", 2)
	case m.leaked:
		l.wrap(rankNext, st.Muted, "Deploy the new key, then delete the old one (d).", 2)
	default:
		l.wrap(rankNext, st.Muted, "Deploy the new key, then delete the old one (d) when it has been quiet long enough.", 2)
	}
	l.blank()
	l.add(rankEssential, st.Muted, m.checkLine(now))
	if m.pollErr != nil {
		l.wrap(rankEssential, st.Danger, "The last check failed: "+m.pollErr.Error(), 2)
	}
	return l.fit(m.height)
}

// checkLine says when both keys were read and when they will be again.
func (m *Watch) checkLine(now time.Time) string {
	if m.polling != 0 && m.checkedAt.IsZero() {
		return "checking both keys…"
	}
	if m.oldGone {
		return "last checked " + format.Ago(m.checkedAt, now) + " · no more checks"
	}
	s := "checked " + format.Ago(m.checkedAt, now) + " · every " + quiet(m.every) + " · r checks now"
	if m.polling != 0 {
		s = "checking both keys… · every " + quiet(m.every)
	}
	return s
}

// quiet is a short duration: "45s", "12m", "3h 5m", "2d 4h".
func quiet(d time.Duration) string {
	d = max(d, 0)
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h " + strconv.Itoa(int(d%time.Hour/time.Minute)) + "m"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d " + strconv.Itoa(int(d%(24*time.Hour)/time.Hour)) + "h"
}

var _ common.QuitGuard = (*Watch)(nil)
