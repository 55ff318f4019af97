// Package secret is the screen that shows a new key's secret, the only time
// it exists outside the server: masked unless the user reveals it, copied on
// request, and forgotten when the user leaves, which they must confirm.
package secret

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/clip"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// Mask stands for the hidden part of a secret.
const Mask = "••••••••"

// KeyMap holds the screen's bindings.
type KeyMap struct {
	Copy, Reveal key.Binding
}

// DefaultKeyMap: c copies, v reveals and hides.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Copy:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		Reveal: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "reveal")),
	}
}

// leaving says where the user goes once they confirm: back, or out.
type leaving int

const (
	goBack leaving = iota + 1
	goQuit
)

type tickMsg struct {
	screen int
	at     time.Time
}

// Model is the secret screen.
type Model struct {
	c      *common.Common
	id     int
	scope  common.KeyScope // where the key was created
	key    client.APIKey   // the key without its secret
	secret string          // emptied when the user leaves
	// invalid is why the server's "secret" is not a key (nil when it is
	// one): it is then shown only through the sanitiser, never copied.
	invalid error
	KeyMap  KeyMap

	revealed bool
	copying  bool
	copyMsg  string       // the last copy's outcome, for the user
	receipt  clip.Receipt // the last copy, to count down to its clear
	clearMsg string       // the clear's outcome, once it happened
	now      time.Time    // the time of the last countdown tick
	ticking  bool

	// warning is a line above the key from whoever opened the screen (a
	// rotation: what the replacement lacks).
	warning  string
	rotation bool // the key replaces another: the leave dialog says so

	dialog *confirm.Model
	leave  leaving
	width  int
	height int
}

// New makes the screen for a key just created in scope.
func New(c *common.Common, scope common.KeyScope, created client.CreatedAPIKey) *Model {
	m := &Model{c: c, id: c.NextRequestID(), scope: scope, key: created.APIKey, secret: created.Secret, KeyMap: DefaultKeyMap()}
	m.invalid = client.ValidSecret(created.Secret)
	m.KeyMap.Copy.SetEnabled(c.Clipboard != nil && m.invalid == nil)
	return m
}

// ForRotation marks the key as a rotation's replacement, with a warning
// to show above it ("" for none).
func (m *Model) ForRotation(warning string) *Model {
	m.rotation, m.warning = true, warning
	return m
}

// Init releases the mouse, so that the revealed secret can be selected
// with it (amkeys takes it back when the screen is left).
func (m *Model) Init() tea.Cmd { return tea.DisableMouse }

// Title is the breadcrumb entry.
func (m *Model) Title() string { return "new key " + m.key.Name }

// Status summarises the screen.
func (m *Model) Status() string { return "the secret is shown only once" }

// CapturesInput is true while the leave dialog is open, so that esc and q
// answer it.
func (m *Model) CapturesInput() bool { return m.dialog != nil }

// GuardQuit takes over esc, q and ctrl+c while the secret is on screen.
func (m *Model) GuardQuit() bool { return m.AsksBeforeQuit() }

// AsksBeforeQuit: ctrl+c asks while the secret is still held.
func (m *Model) AsksBeforeQuit() bool { return m.secret != "" }

// Held reports whether the screen still holds the secret (for tests).
func (m *Model) Held() bool { return m.secret != "" }

// SetSize records the area.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	if m.dialog != nil {
		return m.dialog.Bindings()
	}
	return []key.Binding{m.KeyMap.Copy, m.revealBinding()}
}

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *Model) revealBinding() key.Binding {
	b := m.KeyMap.Reveal
	if m.revealed {
		b.SetHelp("v", "hide")
	}
	return b
}

// Update handles keys, the copy's result and the countdown.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.updateKey(msg)
	case CopiedMsg:
		if msg.Screen != m.id {
			return m, nil
		}
		return m, m.copied(msg)
	case ClearedMsg:
		if msg.Receipt == m.receipt && m.receipt.Clearable() {
			m.clearMsg = msg.Result.Message
		}
		return m, nil
	case tickMsg:
		if msg.screen != m.id {
			return m, nil
		}
		m.now = msg.at
		return m, m.tick()
	}
	return m, nil
}

func (m *Model) updateKey(k tea.KeyMsg) tea.Cmd {
	if m.dialog != nil {
		switch m.dialog.Update(k) {
		case confirm.Confirmed:
			return m.forget()
		case confirm.Canceled:
			m.dialog = nil
		}
		return nil
	}
	switch {
	case key.Matches(k, m.KeyMap.Copy), m.invalid != nil && key.Matches(k, DefaultKeyMap().Copy):
		return m.copy()
	case key.Matches(k, m.KeyMap.Reveal):
		m.revealed = !m.revealed
	case k.Type == tea.KeyEsc:
		m.askToLeave(goBack)
	case k.String() == "q" || k.Type == tea.KeyCtrlC:
		m.askToLeave(goQuit)
	}
	return nil
}

func (m *Model) askToLeave(to leaving) {
	m.leave = to
	verb := "Leave"
	if to == goQuit {
		verb = "Quit"
	}
	lost := "if it is lost, delete the key and create a new one."
	if m.rotation {
		lost = "if it is lost, delete the new key and rotate the old one again (it keeps working until you delete it)."
	}
	m.dialog = confirm.New(m.c.Styles, confirm.Options{
		Title:   "Have you stored the secret? It cannot be shown again.",
		Notes:   []string{"Once you leave, amkeys forgets the secret and nobody can show it again: " + lost},
		Confirm: verb,
		Cancel:  "Stay",
	})
	m.dialog.KeyMap.Yes.SetHelp("y", strings.ToLower(verb)+": I stored it")
}

// forget drops the secret, then leaves.
func (m *Model) forget() tea.Cmd {
	m.secret, m.revealed, m.dialog = "", false, nil
	if m.leave == goQuit {
		return common.Quit
	}
	m.c.Pop()
	return tea.EnableMouseCellMotion
}

func (m *Model) copy() tea.Cmd {
	if m.invalid != nil {
		m.copyMsg = "Not copied: the server sent an invalid key."
		return nil
	}
	if m.copying || m.secret == "" {
		return nil
	}
	m.copying = true
	m.copyMsg = "Copying…"
	copier, secret, id, ctx := m.c.Clipboard, m.secret, m.id, m.c.Ctx
	return func() tea.Msg {
		res, rcpt := copier.Copy(ctx, secret)
		return CopiedMsg{Screen: id, Result: res, Receipt: rcpt}
	}
}

func (m *Model) copied(msg CopiedMsg) tea.Cmd {
	m.copying = false
	m.copyMsg = msg.Result.Message
	if !msg.Receipt.Clearable() {
		return nil
	}
	m.receipt, m.clearMsg, m.now = msg.Receipt, "", msg.Receipt.CopiedAt
	if msg.Receipt.ClearAt.IsZero() || m.ticking {
		return nil
	}
	m.ticking = true
	return m.nextTick()
}

// tick keeps the countdown going until the clear happened.
func (m *Model) tick() tea.Cmd {
	if m.clearMsg != "" || m.secret == "" || !m.now.Before(m.receipt.ClearAt) {
		m.ticking = false
		return nil
	}
	return m.nextTick()
}

func (m *Model) nextTick() tea.Cmd {
	id := m.id
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg{screen: id, at: t} })
}

// View draws the key, the masked or revealed secret and the clipboard
// state. The secret line stays on screen at every size: the permissions
// shorten, then hints and spacing go, before it would.
func (m *Model) View() string {
	if m.dialog != nil {
		return m.dialog.Fit(m.width, m.height)
	}
	st := &m.c.Styles
	w := max(m.width, 20)
	var out []row
	add := func(r rank, s string) { out = append(out, row{s, r}) }
	if m.invalid != nil {
		for _, l := range sanitize.Lines("The key was created, but the server sent an invalid key as its secret ("+m.invalid.Error()+"). It is shown below only as inert text and cannot be copied: delete this key and create another.", w, 4) {
			add(rankTop, st.Danger.Render(l))
		}
	} else {
		add(rankTop, ansi.Truncate(st.Success.Render("Key created.")+" This is the only time its secret is shown.", w, "…"))
	}
	add(rankSpace, "")
	for _, l := range sanitize.Lines(m.warning, w, 4) {
		add(rankTop, st.Warning.Render(l))
	}
	field := func(label, value string) {
		add(rankField, st.Label.Render(padRight(label, 13))+sanitize.Truncate(value, w-13))
	}
	field("name", m.key.Name)
	field("prefix", m.key.Prefix+"…")
	field("where", m.scope.Describe())
	permsAt := len(out)
	add(rankSpace, "")
	add(rankSpace, st.Label.Render(padRight("secret", 13)))
	secretAt := len(out) - 1
	if m.revealed {
		for i, l := range m.revealedLines(w - 13) {
			if i == 0 {
				out[secretAt].text += l
				out[secretAt].rank = rankTop
				continue
			}
			add(rankTop, strings.Repeat(" ", 13)+l)
		}
	} else {
		line := st.Accent.Render(Masked(m.key.Prefix)) + "   " + st.Muted.Render("(v reveals it)")
		out[secretAt].text += ansi.Truncate(line, w-13, "…") // a long prefix in a narrow window
		out[secretAt].rank = rankTop
	}
	add(rankSpace, "")
	for i, l := range m.clipboardLines() {
		r := rankTop // the copy's outcome
		if i > 0 || m.copyMsg == "" {
			r = rankHint
		}
		for _, wrapped := range sanitize.Lines(l, w, 3) {
			add(r, wrapped)
		}
	}
	// The permissions get the room the rest leaves, at least one line.
	room := 6
	if m.height > 0 {
		room = min(max(m.height-len(out), 1), 6)
	}
	var perms []row
	for i, l := range permissionLines(m.key.Permissions, m.scope.Kind(), max(w-13, 8), room) {
		label, r := "", rankMore
		if i == 0 {
			label, r = "permissions", rankField
		}
		perms = append(perms, row{st.Label.Render(padRight(label, 13)) + l, r})
	}
	out = append(out[:permsAt], append(perms, out[permsAt:]...)...)
	return fitRows(out, m.height)
}

// rank orders what a short window keeps: lower ranks stay longest.
type rank int

const (
	rankTop   rank = iota // the headline, a warning, the secret, the copy
	rankField             // name, prefix, where, the permissions' first line
	rankMore              // the permissions' other lines
	rankHint              // clipboard and mouse hints
	rankSpace             // blank lines
)

type row struct {
	text string
	rank rank
}

// fitRows keeps the height rows of lowest rank, in their order; height <=
// 0 keeps all.
func fitRows(rows []row, height int) string {
	keep := make([]bool, len(rows))
	left := len(rows)
	if height > 0 {
		left = height
	}
	for r := rankTop; r <= rankSpace && left > 0; r++ {
		for i := range rows {
			if rows[i].rank == r && left > 0 {
				keep[i], left = true, left-1
			}
		}
	}
	var kept []string
	for i, r := range rows {
		if keep[i] {
			kept = append(kept, r.text)
		}
	}
	return strings.Join(kept, "\n")
}

// Masked is how a secret shows while hidden: its public prefix and dots.
func Masked(prefix string) string {
	return sanitize.Truncate(prefix, 24) + Mask
}

// revealedLines is the secret, sanitised (it is server text too) and
// wrapped onto as many lines as it needs.
func (m *Model) revealedLines(width int) []string {
	return strings.Split(ansi.Hardwrap(sanitize.Text(m.secret), max(width, 8), false), "\n")
}

func (m *Model) clipboardLines() []string {
	var out []string
	if m.copyMsg != "" {
		out = append(out, m.copyMsg)
	}
	switch {
	case m.clearMsg != "":
		out = append(out, m.clearMsg)
	case m.receipt.Clearable() && !m.receipt.ClearAt.IsZero():
		left := m.receipt.ClearAt.Sub(m.now)
		secs := strconv.Itoa(max(int((left+time.Second-1)/time.Second), 0))
		if m.receipt.Method == clip.OSC52 { // amkeys cannot read it back
			out = append(out, "In "+secs+"s amkeys asks the terminal to clear its clipboard.")
		} else {
			out = append(out, "Clipboard clears in "+secs+"s if it still holds the key.")
		}
	case m.c.Clipboard == nil && m.invalid == nil:
		out = append(out, "No clipboard is available: press v to reveal the secret and copy it by hand.")
	}
	if m.secret != "" {
		out = append(out, "The mouse is free here: select the revealed secret with it to copy it by hand.")
	}
	return out
}

// permissionLines lists the permissions within maxLines lines of width:
// all of them if they fit, else "36 of 36 (all)", or the first few and
// "…and 30 more".
func permissionLines(p client.Permissions, kind string, width, maxLines int) []string {
	if p.IsUnrestricted() {
		return sanitize.Lines("UNRESTRICTED: full access within this "+kind, width, maxLines)
	}
	names := p.Names()
	if len(names) == 0 {
		return []string{p.Summary() + ": none"}
	}
	full := p.Summary() + ": " + strings.Join(names, ", ")
	if l := sanitize.Lines(full, width, maxLines+1); len(l) <= maxLines {
		return l
	}
	if n := client.CurrentPermissionCount(); p.CurrentGrantedCount() == n && len(names) == n {
		return []string{p.Summary() + " (all)"}
	}
	for k := len(names) - 1; k > 0; k-- {
		text := p.Summary() + ": " + strings.Join(names[:k], ", ") + " …and " + strconv.Itoa(len(names)-k) + " more"
		if l := sanitize.Lines(text, width, maxLines+1); len(l) <= maxLines {
			return l
		}
	}
	return sanitize.Lines(p.Summary()+" (…and "+strconv.Itoa(len(names))+" names)", width, 1)
}

// Ensure Model is a Screen and guards quitting.
var (
	_ common.Screen    = (*Model)(nil)
	_ common.QuitGuard = (*Model)(nil)
)

func padRight(s string, w int) string {
	if n := sanitize.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s + " "
}
