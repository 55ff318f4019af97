// Package ui is the root of the dashboard: a stack of screens, the global
// keys, window size, the error and notice lines, the status line and help.
// Screens live in their own packages and never import this one.
package ui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/agentid"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keymap"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/leak"
	"github.com/amkeys/amkeys/ui/placeholder"
	"github.com/amkeys/amkeys/ui/pods"
	"github.com/amkeys/amkeys/ui/rotate"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/secret"
	"github.com/amkeys/amkeys/ui/tabs"
)

// Smallest usable window; below it the UI asks for more room.
const (
	MinWidth  = 60
	MinHeight = 15
)

const noticeFor = 4 * time.Second

// Model is the root model.
type Model struct {
	c        *common.Common
	cancel   func()
	keys     keymap.Global
	help     help.Model
	stack    []common.Screen
	showHelp bool
	clip     *secret.Janitor // clears a copied secret later and on quit

	err         *common.ErrorMsg
	notice      string
	noticeWarns bool // the notice is a refusal or hint (common.Warn)
	noticeID    int
	orgID       string // the organization, once read; "" if the key may not
	// lastAudit is the last finished audit, for the leak lookup.
	lastAudit leak.Audit

	footerSig, footerView string // the cached help line and what it shows
}

type noticeExpiredMsg struct{ id int }

// organizationMsg is the answer to reading the organization.
type organizationMsg struct {
	org client.Organization
	err error
}

// New makes the root with the first screen (Home) at the bottom of the
// stack. cancel is called on quit to end pending requests.
func New(c *common.Common, cancel func()) *Model {
	h := help.New()
	h.ShortSeparator = " · "
	h.Styles.ShortKey = c.Styles.Accent
	h.Styles.FullKey = c.Styles.Accent
	return &Model{c: c, cancel: cancel, keys: keymap.Default(), help: h, stack: []common.Screen{Home(c)}, clip: secret.NewJanitor(c.Clipboard)}
}

// Home is the first screen: the pods, the organization's own keys and the
// AgentID credentials, one key each (1, 2, 3).
func Home(c *common.Common) *tabs.Model {
	return tabs.New(c, "", []tabs.Tab{
		{Name: "pods", New: func() common.Screen { return pods.New(c) }},
		{Name: "organization keys", New: func() common.Screen { return keys.New(c, common.OrganizationKeys()) }},
		{Name: "AgentID credentials", New: func() common.Screen { return agentIDScreen(c) }},
	})
}

// agentIDScreen is the AgentID credentials screen, when the API can
// reach them (the real client can; a test fake may not).
func agentIDScreen(c *common.Common) common.Screen {
	if api, ok := c.API.(agentid.API); ok {
		return agentid.New(c, api)
	}
	return placeholder.New(c, "AgentID credentials",
		"AgentID credentials are not available here.",
		"They are the public keys that approve AgentID sign-ins; this connection cannot list them.")
}

// Init starts the first screen and reads the organization for the status
// line.
func (m *Model) Init() tea.Cmd {
	m.c.OpenNav()
	defer m.c.CloseNav()
	init := m.top().Init()
	return tea.Batch(init, m.navigate(), m.readOrganization())
}

// readOrganization asks for the organization once. A key that may not
// read it (403), or a server without the endpoint, just leaves it out.
func (m *Model) readOrganization() tea.Cmd {
	api, ctx := m.c.API, m.c.Ctx
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		org, err := api.GetOrganization(rctx)
		return organizationMsg{org: org, err: err}
	}
}

func (m *Model) top() common.Screen { return m.stack[len(m.stack)-1] }

// Top is the active screen, the shown tab's inside tabs (for tests).
func (m *Model) Top() common.Screen {
	s := m.top()
	for {
		t, ok := s.(interface{ Active() common.Screen })
		if !ok || t.Active() == nil {
			return s
		}
		s = t.Active()
	}
}

// Update routes keys to the top screen and results to every screen, each of
// which keeps only its own. The navigation a screen asks for is applied as
// soon as the screen returns (see navigate).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.c.OpenNav()
	defer m.c.CloseNav()
	return m.update(msg)
}

// Open puts s on top of the stack and starts it, as a screen's c.Push
// does (for tests).
func (m *Model) Open(s common.Screen) tea.Cmd {
	m.c.OpenNav()
	defer m.c.CloseNav()
	m.c.Push(s)
	return m.navigate()
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.Width, m.c.Height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.KeyMsg:
		if isBurst(msg) && !m.top().CapturesInput() {
			return m.updateBurst(msg)
		}
		return m.updateKey(msg)
	case tea.MouseMsg:
		msg.Y-- // relative to the screen, below the breadcrumb
		return m.forwardTop(msg)
	case common.QuitMsg:
		return m, m.quit()
	case common.RotateMsg:
		if m.c.Settings.ReadOnly { // a rotation creates a key
			return m, common.ReadOnly
		}
		m.c.Push(rotate.New(m.c, msg.Scope, msg.Key, rotate.WithLeaked(msg.Leaked)))
		return m, m.navigate()
	case common.ErrorMsg:
		m.err = &msg
		m.resize()
		return m, nil
	case common.NoticeMsg:
		m.noticeID++
		m.notice, m.noticeWarns = msg.Text, msg.Warning
		id := m.noticeID
		return m, tea.Tick(noticeFor, func(time.Time) tea.Msg { return noticeExpiredMsg{id} })
	case noticeExpiredMsg:
		if msg.id == m.noticeID {
			m.notice = ""
		}
		return m, nil
	case common.AuditResultMsg:
		m.lastAudit = leak.Audit{Result: msg.Result, At: msg.At, Gone: map[string]bool{}}
		return m, nil
	case organizationMsg:
		// Any failure only leaves the organization out: the status line is
		// no place for it, and the pods' own load reports a dead server.
		if msg.err == nil {
			m.orgID = msg.org.ID
		}
		return m, nil
	}
	if _, keyID, ok := keys.DeletedKey(msg); ok && m.lastAudit.Gone != nil {
		m.lastAudit.Gone[keyID] = true // the audit still lists it
	}
	clipCmd := m.clip.Update(msg)
	_, cmd := m.broadcast(msg)
	return m, tea.Batch(clipCmd, cmd)
}

func (m *Model) updateKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.err != nil { // the error line is dismissed by the next key
		m.err = nil
		m.resize()
	}
	top := m.top()
	if key.Matches(msg, m.keys.ForceQuit) || (key.Matches(msg, m.keys.Quit) && !top.CapturesInput()) {
		if g, ok := top.(common.QuitGuard); ok && g.GuardQuit() {
			return m.forwardTop(msg)
		}
		return m, m.quit()
	}
	if m.showHelp {
		m.showHelp = false
		return m, nil
	}
	if !top.CapturesInput() {
		switch {
		case key.Matches(msg, m.keys.Help):
			m.showHelp = true
			return m, nil
		case key.Matches(msg, m.keys.Leak) && len(m.stack) == 1:
			m.c.Push(leak.New(m.c, m.lastAudit))
			return m, m.navigate()
		case key.Matches(msg, m.keys.Back) && takesBack(top):
			return m.forwardTop(msg) // esc clears the screen's filter first
		case key.Matches(msg, m.keys.Back) && len(m.stack) > 1:
			if g, ok := top.(common.QuitGuard); ok && g.GuardQuit() {
				return m.forwardTop(msg)
			}
			m.pop()
			return m, nil
		}
	}
	return m.forwardTop(msg)
}

// isBurst spots several typed characters in one message: a fast typist
// over SSH, or a paste-like write without bracketed paste, delivers "jjj"
// as one key message.
func isBurst(k tea.KeyMsg) bool { return k.Type == tea.KeyRunes && len(k.Runes) > 1 && !k.Paste }

// updateBurst handles a burst as its keys one by one, outside text fields:
// "jjj" moves three rows. Once a key opens a text field (/ starts the
// filter), the rest of the burst is typed into it. A key that opens a
// screen ("a", enter) has opened it when it returns (navigation is
// synchronous), so the rest goes to the new screen, and is typed into it if
// it captures input (enter then "n" then a name). A screen may still drop
// keys it cannot use yet: the audit ignores all but esc while it scans.
func (m *Model) updateBurst(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	for i, r := range k.Runes {
		if m.top().CapturesInput() {
			rest := k
			rest.Runes = k.Runes[i:]
			_, cmd := m.updateKey(rest)
			return m, tea.Batch(append(cmds, cmd)...)
		}
		one := k
		one.Runes = []rune{r}
		_, cmd := m.updateKey(one)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// takesBack reports whether esc belongs to the screen (a filter to clear).
func takesBack(s common.Screen) bool {
	b, ok := s.(common.BackTaker)
	return ok && b.TakesBack()
}

func (m *Model) quit() tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	return tea.Sequence(m.clip.ClearOnQuit(), tea.Quit)
}

// ClearClipboard clears a copied secret that is still due to be cleared,
// for when the program ended without q (a signal); it returns what was
// done, or "".
func (m *Model) ClearClipboard(ctx context.Context) string { return m.clip.Clear(ctx) }

func (m *Model) pop() {
	if len(m.stack) > 1 {
		m.stack[len(m.stack)-1] = nil
		m.stack = m.stack[:len(m.stack)-1]
		m.resize()
	}
}

func (m *Model) forwardTop(msg tea.Msg) (tea.Model, tea.Cmd) {
	s, cmd := m.top().Update(msg)
	m.stack[len(m.stack)-1] = s
	return m, tea.Batch(cmd, m.navigate())
}

// broadcast gives a result or tick to every screen: the owner keeps it,
// the others drop it.
func (m *Model) broadcast(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	for i, s := range m.stack {
		var cmd tea.Cmd
		m.stack[i], cmd = s.Update(msg)
		cmds = append(cmds, cmd)
	}
	// After every screen had the message: the stack must not change under
	// the loop.
	return m, tea.Batch(append(cmds, m.navigate())...)
}

// navigate applies, in order, the navigation the screens asked for while
// handling a message, so that the next key reaches the screen it opened.
// A new screen is sized and started at once; what its Init asks for (the
// rotation's watch opens the secret screen over itself) follows it.
func (m *Model) navigate() tea.Cmd {
	var cmds []tea.Cmd
	for _, n := range m.c.TakeNav() {
		switch n.Kind {
		case common.NavPush:
			m.stack = append(m.stack, n.Screen)
		case common.NavReplace:
			m.stack[len(m.stack)-1] = n.Screen
		case common.NavPop:
			m.pop()
			continue
		}
		m.resize()
		cmds = append(cmds, n.Screen.Init(), m.navigate())
	}
	return tea.Batch(cmds...)
}

// Chrome around the screen: breadcrumb, message lines, status, help. An
// error takes up to maxErrorLines so that the server's fix is readable.
func (m *Model) chromeHeight() int { return 3 + len(m.messageLines(m.c.Width)) }

const maxErrorLines = 3

func (m *Model) resize() {
	w, h := m.c.Width, max(m.c.Height-m.chromeHeight(), 1)
	m.help.Width = w
	for _, s := range m.stack {
		s.SetSize(w, h)
	}
}

// View draws the frame.
func (m *Model) View() string {
	w, h := m.c.Width, m.c.Height
	if w <= 0 || h <= 0 {
		return ""
	}
	if w < MinWidth || h < MinHeight {
		return tooSmall(w, h)
	}
	var b strings.Builder
	b.WriteString(m.breadcrumb(w))
	b.WriteByte('\n')
	if m.showHelp {
		b.WriteString(fitHeight(m.fullHelp(), h-m.chromeHeight()))
	} else {
		b.WriteString(fitHeight(m.top().View(), h-m.chromeHeight()))
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(m.messageLines(w), "\n"))
	b.WriteByte('\n')
	b.WriteString(m.statusLine(w))
	b.WriteByte('\n')
	b.WriteString(m.footer())
	return b.String()
}

// footer renders the one-line help, cached: lipgloss is too slow to run
// for every binding on every frame. When it is too long, the screen's
// bindings are cut, never the global ones (back, help, quit).
func (m *Model) footer() string {
	screen, global := m.top().ShortHelp(), m.globalBindings()
	var sig strings.Builder
	sig.WriteString(strconv.Itoa(m.help.Width))
	for _, b := range append(screen, global...) {
		if b.Enabled() {
			sig.WriteString("\x00" + b.Help().Key + "\x00" + b.Help().Desc)
		}
	}
	if sig.String() != m.footerSig {
		m.footerSig = sig.String()
		m.footerView = m.renderFooter(screen, global)
	}
	return m.footerView
}

func (m *Model) renderFooter(screen, global []key.Binding) string {
	w := m.help.Width
	// bubbles/help can overrun its width when the ellipsis does not fit
	// either; everything it returns is cut again.
	g := m.help.ShortHelpView(global)
	s := m.help.ShortHelpView(screen)
	if s == "" || g == "" {
		return ansi.Truncate(s+g, w, "…")
	}
	sep := m.help.Styles.ShortSeparator.Render(m.help.ShortSeparator)
	room := w - ansi.StringWidth(g) - ansi.StringWidth(sep)
	if room < 8 { // too narrow to keep both: cut the whole line
		return ansi.Truncate(s+sep+g, w, "…")
	}
	return ansi.Truncate(s, room, "…") + sep + g
}

func tooSmall(w, h int) string {
	msg := "window too small"
	detail := "need at least 60x15"
	var lines []string
	if h >= 1 {
		lines = append(lines, sanitize.Truncate(msg, w))
	}
	if h >= 2 {
		lines = append(lines, sanitize.Truncate(detail, w))
	}
	return strings.Join(lines, "\n")
}

// fitHeight pads or cuts s to exactly n lines, so the chrome below stays put.
func fitHeight(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func (m *Model) breadcrumb(w int) string {
	parts := []string{"amkeys"}
	for _, s := range m.stack {
		parts = append(parts, s.Title())
	}
	return m.c.Styles.TitlePaint.Apply(sanitize.Truncate(strings.Join(parts, " › "), w))
}

// messageLines is the error (its context and message, then the server's
// fix, wrapped) or the notice; one empty line when there is neither.
func (m *Model) messageLines(w int) []string {
	st := &m.c.Styles
	switch {
	case m.err != nil:
		// The fix is what the user acts on: it gets its lines first.
		what, fix := describeError(m.err, m.c.Settings.BaseURL)
		var fixLines []string
		if fix != "" {
			fixLines = sanitize.Lines("fix: "+fix, w, maxErrorLines-1)
		}
		lines := append(sanitize.Lines("✗ "+what, w, maxErrorLines-len(fixLines)), fixLines...)
		for i := range lines {
			lines[i] = st.ErrorPaint.Apply(lines[i])
		}
		return lines
	case m.notice != "":
		if m.noticeWarns {
			return []string{st.WarningCell.Apply(sanitize.Truncate("! "+m.notice, w))}
		}
		return []string{st.NoticePaint.Apply(sanitize.Truncate("✓ "+m.notice, w))}
	}
	return []string{""}
}

// describeError says what failed with the server's message, and returns
// the server's fix apart.
func describeError(e *common.ErrorMsg, baseURL string) (what, fix string) {
	var apiErr *client.Error
	if errors.As(e.Err, &apiErr) {
		return e.Context + ": " + apiErr.Error(), apiErr.Fix
	}
	return e.Context + ": " + e.Err.Error(), networkFix(e.Err, baseURL)
}

// networkFix is the fix line of an error that never got an answer from
// the server: where to look, as the server's own fix does for its errors.
func networkFix(err error, baseURL string) string {
	var te *client.TransportError
	switch {
	case errors.As(err, &te):
		return "check the base URL (" + baseURL + "), this machine's network and any proxy (HTTPS_PROXY); r retries a list"
	case errors.Is(err, context.DeadlineExceeded):
		return "the server did not answer in time: check the base URL (" + baseURL + ") and the network; r retries a list"
	}
	return ""
}

func (m *Model) globalBindings() []key.Binding {
	if m.top().CapturesInput() { // q, ? and esc belong to the screen then
		if a, ok := m.top().(common.QuitAsker); ok && a.AsksBeforeQuit() {
			return nil // and so does ctrl+c
		}
		return []key.Binding{m.keys.ForceQuit}
	}
	back := m.keys.Back
	back.SetEnabled(len(m.stack) > 1)
	if takesBack(m.top()) {
		back.SetEnabled(true)
		back.SetHelp(back.Help().Key, "clear filter")
	}
	if namesEsc(m.top().ShortHelp()) {
		back.SetEnabled(false) // the screen says what esc does there: once
	}
	return []key.Binding{back, m.keys.Help, m.keys.Quit}
}

// namesEsc reports whether one of the screen's enabled bindings is esc.
func namesEsc(bindings []key.Binding) bool {
	for _, b := range bindings {
		if b.Enabled() && slices.Contains(b.Keys(), "esc") {
			return true
		}
	}
	return false
}

func (m *Model) fullHelp() string {
	global := m.globalBindings()
	if len(m.stack) == 1 && !m.top().CapturesInput() {
		global = append([]key.Binding{m.keys.Leak}, global...)
	}
	groups := append(m.top().FullHelp(), global)
	var notes strings.Builder
	if n, ok := m.Top().(common.HelpNoter); ok {
		for _, note := range n.HelpNotes() {
			for _, l := range sanitize.Lines(note, m.c.Width, 3) {
				notes.WriteString("\n" + l)
			}
		}
	}
	if notes.Len() > 0 {
		notes.WriteString("\n")
	}
	return m.c.Styles.Title.Render("Keys on this screen") + "\n\n" + m.helpColumns(groups) +
		"\n" + notes.String() + "\n" + m.c.Styles.Muted.Render("press any key to close")
}

// helpColumns lays the groups of bindings side by side, starting a new
// row of groups where the next would not fit the window.
func (m *Model) helpColumns(groups [][]key.Binding) string {
	h := m.help
	h.Width = 0 // measured here instead
	var rows []string
	var row [][]key.Binding
	for _, g := range groups {
		if len(row) > 0 && ansi.StringWidth(firstLine(h.FullHelpView(append(row, g)))) > m.c.Width {
			rows = append(rows, h.FullHelpView(row))
			row = nil
		}
		row = append(row, g)
	}
	if len(row) > 0 {
		rows = append(rows, h.FullHelpView(row))
	}
	return strings.Join(rows, "\n\n")
}

// firstLine is the widest measure of a help block: every line of it is
// padded to the same width.
func firstLine(s string) string {
	widest := ""
	for _, l := range strings.Split(s, "\n") {
		if ansi.StringWidth(l) > ansi.StringWidth(widest) {
			widest = l
		}
	}
	return widest
}
