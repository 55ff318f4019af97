// Package rotate is the dashboard's guided rotation of an API key: a review
// of the plan, the replacement's creation (its secret on the one-time secret
// screen), then a watch of both keys until the old one can be deleted.
package rotate

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/internal/rotated"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/createkey"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/secret"
)

// DefaultPollEvery is how often the watch reads both keys.
const DefaultPollEvery = 15 * time.Second

// maxPages bounds one walk of a scope's keys (a reconcile or a poll).
const maxPages = 200

// ReviewKeyMap holds the review's bindings; esc (back) cancels.
type ReviewKeyMap struct {
	Create, Delete key.Binding
}

// DefaultReviewKeyMap: enter or y creates the replacement; d deletes a
// replacement whose create answer was lost (nobody holds its secret).
func DefaultReviewKeyMap() ReviewKeyMap {
	return ReviewKeyMap{
		Create: key.NewBinding(key.WithKeys("enter", "y"), key.WithHelp("enter/y", "create the replacement")),
		Delete: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete the lost replacement")),
	}
}

// Option changes a rotation's defaults (for tests).
type Option func(*options)

type options struct {
	every  time.Duration
	leaked bool
}

// WithPollEvery sets the watch's interval between reads of both keys.
func WithPollEvery(d time.Duration) Option { return func(o *options) { o.every = d } }

// WithLeaked marks the old key as leaked (the leak lookup found it): the
// review and the watch say to delete it as soon as the new key is
// deployed, not to wait for it to go quiet.
func WithLeaked(leaked bool) Option { return func(o *options) { o.leaked = leaked } }

// state is where the review is.
type state int

const (
	reviewing state = iota // waiting for enter
	creating               // the create is on its way
	checking               // its answer was lost: listing tells
	stuck                  // a key may exist whose secret nobody got: no second create
)

// createdMsg is the create's answer, secret included, for the review alone:
// it hands the secret straight to the secret screen.
type createdMsg struct {
	id     int
	before map[string]bool // keys with the replacement's name before it
	key    client.CreatedAPIKey
	err    error
	// listErr is why the listing before the create failed: nothing was
	// sent.
	listErr error
}

// orphanDeletedMsg is the answer to deleting a replacement whose secret
// never arrived.
type orphanDeletedMsg struct {
	id  int
	err error
}

// mismatchDeletedMsg is the answer to deleting a replacement the server
// granted less than the review promised; created is handed to the secret
// screen if the delete failed.
type mismatchDeletedMsg struct {
	id      int
	created client.CreatedAPIKey
	lost    []string
	err     error
}

// existingMsg lists keys that already have the replacement's name (an
// earlier rotation today).
type existingMsg struct {
	id    int
	found []client.APIKey
}

// lookupMsg is the listing that settles a create whose answer was lost.
type lookupMsg struct {
	id    int
	found []client.APIKey // keys with the name that were not there before
	err   error
}

// Review is the first screen of a rotation: the plan, then the create.
type Review struct {
	c      *common.Common
	list   common.KeyScope // where the key was listed (the keys screen to tell)
	where  common.KeyScope // the key's own scope: the replacement's
	old    client.APIKey
	name   string // the replacement's
	opts   options
	KeyMap ReviewKeyMap

	state   state
	pending int             // the create's or the lookup's request id
	before  map[string]bool // keys named like the replacement before the create
	problem []string
	info    string
	orphan  *client.APIKey // the replacement a lost answer left, secret unknown
	dialog  *confirm.Model // deleting the orphan
	// ungrantable are the old key's permissions the API does not know: the
	// replacement cannot get them, and the review says so.
	ungrantable []string
	existing    []client.APIKey // keys already named like the replacement
	existingReq int
	width       int
	height      int
}

// New starts the rotation of k, listed in scope (a keys screen's, the key
// detail's, the leak lookup's).
func New(c *common.Common, scope common.KeyScope, k client.APIKey, opts ...Option) *Review {
	o := options{every: DefaultPollEvery}
	if c.Settings.RotatePollEvery > 0 {
		o.every = c.Settings.RotatePollEvery
	}
	for _, f := range opts {
		f(&o)
	}
	where := scope
	if k.Scope() != scope.Scope { // an inbox key in its pod's list
		where = common.KeyScope{Scope: k.Scope()}
	}
	day := c.Now().In(c.Times().Loc)
	return &Review{c: c, list: scope, where: where, old: k, name: rotated.Name(k.Name, day), opts: o, KeyMap: DefaultReviewKeyMap(),
		ungrantable: rotated.Ungrantable(k.Permissions)}
}

// Name is the replacement's name.
func (m *Review) Name() string { return m.name }

// Init looks for a replacement made earlier today (same name), so that
// the review can say one exists before a second is made.
func (m *Review) Init() tea.Cmd {
	m.existingReq = m.c.NextRequestID()
	id, api, ctx, scope, name, size, oldID := m.existingReq, m.c.API, m.c.Ctx, m.where.Scope, m.name, m.c.Settings.PageSize, m.old.ID
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		var found []client.APIKey
		err := eachKey(rctx, api, scope, size, func(k client.APIKey) bool {
			if k.Name == name && k.ID != oldID { // a replacement rotated again today is named like its own
				found = append(found, k)
			}
			return true
		})
		if err != nil {
			found = nil // the create lists again before sending: no harm
		}
		return existingMsg{id: id, found: found}
	}
}

// Title is the breadcrumb entry.
func (m *Review) Title() string { return "rotate " + m.old.Name }

// Status summarises the screen.
func (m *Review) Status() string {
	switch m.state {
	case creating:
		return "creating the replacement…"
	case checking:
		return "checking whether the replacement was created…"
	}
	return "nothing changes until you press enter"
}

// CapturesInput is true while the delete dialog is open.
func (m *Review) CapturesInput() bool { return m.dialog != nil }

// GuardQuit holds esc and q while a create is on its way: leaving then
// would lose the new key's secret.
func (m *Review) GuardQuit() bool { return m.state == creating || m.state == checking }

// SetSize records the area.
func (m *Review) SetSize(w, h int) { m.width, m.height = w, h }

// ShortHelp is the footer.
func (m *Review) ShortHelp() []key.Binding {
	if m.dialog != nil {
		return m.dialog.Bindings()
	}
	b, d := m.KeyMap.Create, m.KeyMap.Delete
	b.SetEnabled(m.state == reviewing)
	d.SetEnabled(m.orphan != nil)
	return []key.Binding{b, d}
}

// FullHelp is the ? page.
func (m *Review) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update handles enter and the create's answers.
func (m *Review) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.updateKey(msg)
	case createdMsg:
		if msg.id == m.pending && m.state == creating {
			return m, m.onCreated(msg)
		}
	case existingMsg:
		if msg.id == m.existingReq {
			m.existing = msg.found
		}
	case mismatchDeletedMsg:
		if msg.id == m.pending && m.state == creating {
			return m, m.onMismatchDeleted(msg)
		}
	case lookupMsg:
		if msg.id == m.pending && m.state == checking {
			return m, m.onLookup(msg)
		}
	case orphanDeletedMsg:
		if msg.id == m.pending && m.orphan != nil {
			return m, m.onOrphanDeleted(msg)
		}
	}
	return m, nil
}

func (m *Review) updateKey(k tea.KeyMsg) tea.Cmd {
	if m.GuardQuit() {
		if k.Type == tea.KeyCtrlC && m.info != "" {
			return common.Quit // ctrl+c twice quits anyway
		}
		m.info = "The replacement is being created: wait for the answer, or its secret is lost (ctrl+c twice quits anyway)."
		return nil
	}
	if m.dialog != nil {
		return confirm.Handle(&m.dialog, k, m.deleteOrphan)
	}
	switch {
	case m.state == reviewing && key.Matches(k, m.KeyMap.Create):
		return m.create()
	case m.orphan != nil && key.Matches(k, m.KeyMap.Delete):
		o := keys.DeleteConfirm(m.c, m.list, *m.orphan)
		o.Notes = append([]string{"Nobody holds this key's secret: its create answer was lost."}, o.Notes...)
		m.dialog = confirm.New(m.c.Styles, o)
	}
	return nil
}

func (m *Review) deleteOrphan() tea.Cmd {
	m.pending = m.c.NextRequestID()
	id, api, ctx, scope, keyID := m.pending, m.c.API, m.c.Ctx, m.where.Scope, m.orphan.ID
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		return orphanDeletedMsg{id: id, err: api.DeleteKey(rctx, scope, keyID)}
	}
}

// onOrphanDeleted lets the rotation start again once the lost replacement
// is gone, and tells the keys screen as its own delete does.
func (m *Review) onOrphanDeleted(msg orphanDeletedMsg) tea.Cmd {
	if msg.err != nil && !client.IsNotFound(msg.err) {
		return common.Fail("deleting key "+sanitize.Truncate(m.orphan.Name, 60), msg.err)
	}
	gone := *m.orphan
	m.orphan, m.state = nil, reviewing
	m.problem = []string{"The replacement whose secret was lost is deleted. enter creates a new one."}
	scope := m.list.Scope
	return func() tea.Msg { return keys.Deleted(scope, gone.ID, gone.Name) }
}

// create lists the keys already named like the replacement (so that a lost
// answer can be told apart), then sends the create once. It is never sent
// again by itself.
func (m *Review) create() tea.Cmd {
	m.state, m.problem, m.info = creating, nil, ""
	m.pending = m.c.NextRequestID()
	id, api, ctx, scope, name, perms, size := m.pending, m.c.API, m.c.Ctx, m.where.Scope, m.name, m.old.Permissions, m.c.Settings.PageSize
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		before := map[string]bool{}
		err := eachKey(rctx, api, scope, size, func(k client.APIKey) bool {
			if k.Name == name {
				before[k.ID] = true
			}
			return true
		})
		if err != nil {
			return createdMsg{id: id, listErr: err}
		}
		k, err := api.CreateKey(rctx, scope, name, perms)
		return createdMsg{id: id, before: before, key: k, err: err}
	}
}

func (m *Review) onCreated(msg createdMsg) tea.Cmd {
	m.before = msg.before
	if msg.listErr != nil {
		m.state = reviewing
		m.problem = []string{"Could not list " + m.where.Describe() + " before creating (" + msg.listErr.Error() + "): nothing was created. enter tries again."}
		return nil
	}
	err := msg.err
	var invalid *client.InvalidSecretError
	switch {
	case errors.As(err, &invalid):
		// The key exists; the secret screen says its secret is not a key
		// and refuses to copy it.
		msg.key = invalid.Key
		fallthrough
	case err == nil:
		return m.checkGrant(msg.key)
	case errors.Is(err, client.ErrOutcomeUnknown):
		m.state = checking
		m.problem = []string{
			"The server's answer was lost, so the replacement may or may not exist. amkeys will not send the create again by itself.",
			"Checking " + m.where.Describe() + " for a key named " + m.name + "…",
		}
		return m.lookup()
	case errors.Is(err, context.Canceled):
		return nil // amkeys is quitting
	}
	m.state = reviewing // refused: nothing was created, enter may try again
	m.problem = describe(err)
	return nil
}

// checkGrant compares what the server granted the replacement with the old
// key's permissions. Losing the names the review said the API does not know
// was accepted with enter; losing anything else was not, so the replacement
// is deleted again before anyone sees its secret (as `amkeys rotate` does),
// and the old key is untouched.
func (m *Review) checkGrant(k client.CreatedAPIKey) tea.Cmd {
	got, want := k.Permissions, rotated.Grantable(m.old.Permissions)
	if got.Equal(want) || got.Equal(m.old.Permissions) {
		return m.created(k, rotated.Lost(m.old.Permissions, got))
	}
	lost := rotated.Lost(want, got)
	id, api, ctx, scope := m.pending, m.c.API, m.c.Ctx, m.where.Scope
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		return mismatchDeletedMsg{id: id, created: k, lost: lost, err: api.DeleteKey(rctx, scope, k.ID)}
	}
}

// onMismatchDeleted says why the replacement is gone again; if it could not
// be deleted, its secret is shown after all (the key exists), with what it
// lacks named on the secret screen and the watch.
func (m *Review) onMismatchDeleted(msg mismatchDeletedMsg) tea.Cmd {
	granted := msg.created.Permissions.Summary()
	if msg.err != nil && !client.IsNotFound(msg.err) {
		return tea.Batch(m.created(msg.created, rotated.Lost(m.old.Permissions, msg.created.Permissions)),
			common.Fail("deleting the replacement the server granted less ("+granted+")", msg.err))
	}
	m.state = reviewing
	m.problem = []string{
		"The server did not grant the replacement " + strings.Join(msg.lost, ", ") + " (it got " + granted + "), so amkeys deleted it again before showing its secret. The old key is untouched.",
		"Check the permissions the API knows, or create a key by hand with n. enter tries again.",
	}
	return nil
}

// created shows the secret, with the watch under it: the watch replaces
// this screen and opens the secret screen on top of itself, so leaving the
// secret screen (after its own "stored it?") uncovers the watch. The secret
// stays in the secret screen alone.
func (m *Review) created(k client.CreatedAPIKey, lost []string) tea.Cmd {
	m.state = stuck // done: this screen is replaced
	warning := ""
	if len(lost) > 0 {
		warning = "The replacement lacks " + strings.Join(lost, ", ") + " (the old key has them; the API does not grant them)."
	}
	show := secret.New(m.c, m.where, k).ForRotation(warning)
	watch := newWatch(m.c, m.list, m.where, m.old, k.APIKey, m.opts, show)
	pub, listed := k.APIKey, m.list.Scope
	m.c.Replace(watch)
	// The keys screen puts the new key in its list, selected.
	return func() tea.Msg { return createkey.CreatedMsg{Scope: listed, Key: pub} }
}

// lookup lists the scope for new keys with the replacement's name.
func (m *Review) lookup() tea.Cmd {
	m.pending = m.c.NextRequestID()
	id, api, ctx, scope, name, size, before := m.pending, m.c.API, m.c.Ctx, m.where.Scope, m.name, m.c.Settings.PageSize, m.before
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		var found []client.APIKey
		err := eachKey(rctx, api, scope, size, func(k client.APIKey) bool {
			if k.Name == name && !before[k.ID] {
				found = append(found, k)
			}
			return true
		})
		return lookupMsg{id: id, found: found, err: err}
	}
}

func (m *Review) onLookup(msg lookupMsg) tea.Cmd {
	lost := "The server's answer to creating " + m.name + " was lost."
	switch {
	case msg.err != nil:
		m.state = stuck
		m.problem = []string{lost,
			"Could not check whether it was created (" + msg.err.Error() + ").",
			"Look at the keys of " + m.where.Describe() + " before rotating again: a key named " + m.name + " may exist, and its secret cannot be recovered."}
		return nil
	case len(msg.found) == 0:
		m.state = reviewing
		m.problem = []string{lost, "No new key named " + m.name + " exists in " + m.where.Describe() + ": it was not created. enter tries again."}
		return nil
	}
	m.state = stuck
	k := msg.found[0]
	what := "d deletes it, then enter rotates again."
	if len(msg.found) > 1 { // another rotation at the same time? touch none
		what = "There are " + strconv.Itoa(len(msg.found)) + " new keys with that name: delete the ones nobody holds in the keys list."
	} else {
		m.orphan = &k
	}
	m.problem = []string{lost,
		"It was created: " + m.name + " (prefix " + keys.MaskPrefix(k.Prefix) + ", created " + m.c.Times().Exact(k.CreatedAt) + ").",
		"Its secret never arrived and cannot be recovered. " + what + " The old key is untouched."}
	scope := m.list.Scope
	return func() tea.Msg { return createkey.StaleMsg{Scope: scope} } // the keys list shows it
}

// describe turns a refusal into lines: what, the fields, the fix.
func describe(err error) []string {
	e, ok := client.AsError(err)
	if !ok {
		return []string{"Could not create the replacement: " + err.Error()}
	}
	lines := []string{"The server refused to create the replacement: " + e.Message}
	for _, f := range e.Fields {
		lines = append(lines, "  "+f.Path+": "+f.Message)
	}
	if e.Fix != "" {
		lines = append(lines, "Fix: "+e.Fix)
	}
	return lines
}

// eachKey walks a scope's keys page by page under a PageGuard, at most
// maxPages pages, until fn returns false.
func eachKey(ctx context.Context, api common.API, scope client.Scope, size int, fn func(client.APIKey) bool) error {
	var guard client.PageGuard
	token := ""
	for range maxPages {
		page, err := api.ListKeys(ctx, scope, client.ListOptions{Limit: size, PageToken: token})
		if err != nil {
			return err
		}
		for _, k := range page.Keys {
			if !fn(k) {
				return nil
			}
		}
		if page.NextPageToken == "" {
			return nil
		}
		if err := guard.Next(page.NextPageToken); err != nil {
			return err
		}
		token = page.NextPageToken
	}
	return errTooManyPages
}

var errTooManyPages = errors.New("the scope has more than " + strconv.Itoa(maxPages) + " pages of keys")

// View draws the plan.
func (m *Review) View() string {
	if m.dialog != nil {
		return m.dialog.Fit(m.width, m.height)
	}
	st := &m.c.Styles
	now := m.c.Now()
	k := m.old
	l := &lines{width: max(m.width, 20)}
	l.add(rankEssential, st.Title, "Rotate the API key "+k.Name+"?")
	l.blank()
	l.add(rankKey, st.Accent, "The old key")
	l.field(rankKey, st.Label, "name", k.Name)
	l.field(rankDetail, st.Label, "prefix", keys.MaskPrefix(k.Prefix))
	l.field(rankDetail, st.Label, "where", keys.ScopeText(m.list, k))
	l.field(rankDetail, st.Label, "permissions", k.Permissions.Summary())
	last := "never"
	if !k.NeverUsed() {
		last = format.Ago(k.UsedAt, now) + ", " + m.c.Times().Exact(k.UsedAt)
	}
	l.field(rankKey, st.Label, "last used", last)
	l.blank()
	l.add(rankKey, st.Accent, "The replacement")
	l.field(rankKey, st.Label, "name", m.name)
	l.field(rankDetail, st.Label, "where", "the same "+m.where.Kind())
	if len(m.ungrantable) == 0 {
		l.field(rankDetail, st.Label, "permissions", "exactly the same ("+k.Permissions.Summary()+")")
	} else {
		l.field(rankKey, st.Label, "permissions", rotated.Grantable(k.Permissions).Summary()+", not the old key's "+k.Permissions.Summary())
		it := "it"
		if len(m.ungrantable) > 1 {
			it = "them"
		}
		l.wrap(rankEssential, st.Warning, "The API does not know "+strings.Join(m.ungrantable, ", ")+": the replacement cannot get "+it+". Anything that needs "+it+" stops working with the new key.", 3)
	}
	for _, e := range m.existing {
		l.wrap(rankEssential, st.Warning, "A replacement made today already exists: "+keys.MaskPrefix(e.Prefix)+", created "+format.Ago(e.CreatedAt, now)+", "+m.c.Times().Exact(e.CreatedAt)+". Rotate again anyway?", 2)
	}
	l.blank()
	if m.opts.leaked {
		l.wrap(rankEssential, st.Warning, "The old key is leaked: delete it as soon as the new key is deployed; do not wait for it to go quiet (someone else may be using it).", 3)
		l.wrap(rankNext, st.Muted, "Next: the new key's secret is shown once; store it and deploy it.", 2)
	} else {
		l.wrap(rankNext, st.Muted, "Next: the new key's secret is shown once; store it. The old key keeps working until you delete it: deploy the new one, then watch both and delete the old one when it has been quiet.", 3)
	}
	for _, p := range m.problem {
		l.blank()
		l.wrap(rankEssential, st.Warning, p, 4)
	}
	if m.info != "" {
		l.wrap(rankEssential, st.Warning, m.info, 2)
	}
	l.blank()
	switch m.state {
	case reviewing:
		l.add(rankEssential, st.Accent, "enter/y creates the replacement · esc goes back")
	case creating:
		l.add(rankEssential, st.Muted, "Creating "+m.name+"…")
	case checking:
		l.add(rankEssential, st.Muted, "Checking the keys of "+m.where.Describe()+"…")
	case stuck:
		if m.orphan != nil {
			l.add(rankEssential, st.Accent, "d deletes the lost replacement · esc goes back")
		} else {
			l.add(rankEssential, st.Muted, "esc goes back")
		}
	}
	return l.fit(m.height)
}

var _ common.QuitGuard = (*Review)(nil)
