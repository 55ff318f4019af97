// Package confirm is the dialog between the user and anything that cannot be
// undone: it says what will happen, starts on Cancel, and can make the user
// type a name before it lets them go on. Screens embed it; while it is open
// they give it every key and draw it instead of themselves.
package confirm

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
)

// Outcome is what the user decided.
type Outcome int

// The outcomes: still open, went on, backed out.
const (
	Pending Outcome = iota
	Confirmed
	Canceled
)

// Field is one labelled line; Value may be server text (it is sanitised).
type Field struct{ Label, Value string }

// Options describe a dialog.
type Options struct {
	Title  string
	Fields []Field
	// Notes are paragraphs under the fields, drawn as warnings.
	Notes []string
	// Confirm and Cancel label the buttons ("Delete", "Cancel").
	Confirm, Cancel string
	// Type, when not empty, must be typed exactly (spaces around it aside)
	// before the dialog can be confirmed; TypeWhat names it ("the key's name").
	Type, TypeWhat string
	// Also are other texts that confirm as well as Type (a credential's
	// name or its fingerprint's start); TypeWhat should name them.
	Also []string
	// Alt is also accepted instead of Type (a key's prefix, for a name
	// that is hard to type exactly or shared by two keys); AltWhat names
	// it ("its prefix").
	Alt, AltWhat string
}

// Typeable reports whether s can be asked for as Type: not blank, at most
// 256 bytes, valid UTF-8 and without control characters or U+FFFD (the
// text field drops both, so such a name could never match).
func Typeable(s string) bool {
	return strings.TrimSpace(s) != "" && len(s) <= 256 && utf8.ValidString(s) &&
		!sanitize.HasControl(s) && !strings.ContainsRune(s, utf8.RuneError)
}

// KeyMap holds the dialog's bindings.
type KeyMap struct {
	Yes, No, Switch, Choose key.Binding
}

// DefaultKeyMap: y confirms, n or esc cancels, enter presses the chosen
// button (Cancel at first), ←/→/tab choose.
func DefaultKeyMap(confirmLabel string) KeyMap {
	verb := strings.ToLower(confirmLabel)
	return KeyMap{
		Yes:    key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", verb)),
		No:     key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "cancel")),
		Switch: key.NewBinding(key.WithKeys("left", "right", "tab", "shift+tab", "h", "l"), key.WithHelp("←/→", "choose")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "press button")),
	}
}

// Model is an open dialog. Use New; methods have pointer receivers.
type Model struct {
	opts    Options
	styles  styles.Styles
	KeyMap  KeyMap
	onYes   bool // the confirm button has focus (never at first)
	input   textinput.Model
	mistake bool // enter was pressed before the typed text matched
}

// New opens a dialog.
func New(st styles.Styles, o Options) *Model {
	if o.Cancel == "" {
		o.Cancel = "Cancel"
	}
	if o.Confirm == "" {
		o.Confirm = "OK"
	}
	m := &Model{opts: o, styles: st, KeyMap: DefaultKeyMap(o.Confirm)}
	if o.Type != "" {
		m.input = textinput.New()
		m.input.Prompt = "> "
		m.input.CharLimit = 512
		m.input.Cursor.SetMode(cursor.CursorStatic)
		m.input.Focus()
		m.KeyMap.Yes.SetEnabled(false) // y is a letter of the name
		m.KeyMap.Switch.SetEnabled(false)
		m.KeyMap.No.SetKeys("esc")
		m.KeyMap.No.SetHelp("esc", "cancel")
		m.KeyMap.Choose.SetHelp("enter", strings.ToLower(o.Confirm))
	}
	return m
}

// SetField changes the value of the field with this label (a count that
// arrived after the dialog opened), or adds the field.
func (m *Model) SetField(label, value string) {
	for i := range m.opts.Fields {
		if m.opts.Fields[i].Label == label {
			m.opts.Fields[i].Value = value
			return
		}
	}
	m.opts.Fields = append(m.opts.Fields, Field{Label: label, Value: value})
}

// Typing reports whether the dialog asks for a typed name.
func (m *Model) Typing() bool { return m.opts.Type != "" }

// Matches reports whether the typed text is the required one (or the
// alternative).
func (m *Model) Matches() bool {
	if !m.Typing() {
		return false
	}
	typed := strings.TrimSpace(m.input.Value())
	if typed == strings.TrimSpace(m.opts.Type) {
		return true
	}
	for _, a := range append([]string{m.opts.Alt}, m.opts.Also...) {
		if a = strings.TrimSpace(a); a != "" && typed == a {
			return true
		}
	}
	return false
}

// Bindings are the dialog's keys for the help line.
func (m *Model) Bindings() []key.Binding {
	return []key.Binding{m.KeyMap.Yes, m.KeyMap.Choose, m.KeyMap.Switch, m.KeyMap.No}
}

// Update handles a key and reports the outcome. Other messages are ignored.
func (m *Model) Update(msg tea.Msg) Outcome {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return Pending
	}
	switch {
	case k.Type == tea.KeyCtrlC || key.Matches(k, m.KeyMap.No):
		return Canceled
	case key.Matches(k, m.KeyMap.Yes):
		return Confirmed
	case key.Matches(k, m.KeyMap.Switch):
		m.onYes = !m.onYes
		return Pending
	case key.Matches(k, m.KeyMap.Choose):
		return m.choose()
	}
	if m.Typing() {
		m.input, _ = m.input.Update(k)
		m.mistake = false
	}
	return Pending
}

func (m *Model) choose() Outcome {
	if m.Typing() {
		if m.Matches() {
			return Confirmed
		}
		m.mistake = true
		return Pending
	}
	if m.onYes {
		return Confirmed
	}
	return Canceled
}

// View draws the dialog box, at most width columns wide, as tall as it
// needs.
func (m *Model) View(width int) string { return m.ViewIn(width, 0) }

// Fit draws the dialog within a w×h area and centres it there.
func (m *Model) Fit(w, h int) string { return Place(w, h, m.ViewIn(w, h)) }

// part is one line of the dialog with its rank: when the window is too
// short, lines of higher rank go first, so that the title, the typed
// confirmation and the buttons always show.
type part struct {
	text string
	rank int
	cont bool // continues the part before it (a wrapped note or value)
}

// The ranks, lowest kept longest.
const (
	rankEssential = iota // title, input, buttons
	rankTyping           // what to type, and the first field (the name)
	rankNote             // the first line of each note (what happens)
	rankStatus           // "matches", "does not match yet"
	rankField            // the first line of the other fields
	rankMore             // the rest of fields and notes
	rankBlank            // spacing
)

// ViewIn draws the dialog within width columns and height lines (0: any
// height), dropping spacing, then the rest of long notes and fields, when
// it does not fit.
func (m *Model) ViewIn(width, height int) string {
	st := m.styles
	inner := min(max(width-4, 20), 72)
	var parts []part
	add := func(text string, rank int) { parts = append(parts, part{text: text, rank: rank}) }
	cont := func(text string, rank int) { parts = append(parts, part{text: text, rank: rank, cont: true}) }
	blank := func() { add("", rankBlank) }
	add(st.Title.Render(sanitize.Truncate(m.opts.Title, inner)), rankEssential)
	if len(m.opts.Fields) > 0 {
		blank()
	}
	for fi, f := range m.opts.Fields {
		label := padRight(f.Label, 13)
		lines := sanitize.Lines(f.Value, max(inner-15, 1), 6) // room for a "…" when cut
		if len(lines) == 0 {
			lines = []string{""}
		}
		rank := rankField
		if fi == 0 {
			rank = rankTyping
		}
		add(st.Label.Render(label)+lines[0], rank)
		for _, l := range lines[1:] {
			cont(st.Label.Render(strings.Repeat(" ", 13))+l, rankMore)
		}
	}
	for _, n := range m.opts.Notes {
		blank()
		lines := sanitize.Lines(n, inner-2, 6) // room for a "…" when cut
		for i, l := range lines {
			if i == 0 {
				add(st.Warning.Render(l), rankNote)
			} else {
				cont(st.Warning.Render(l), rankMore)
			}
		}
	}
	if m.Typing() {
		m.typeParts(inner, add, blank)
	}
	blank()
	add(m.buttons(), rankEssential)
	if budget := height - 2; height > 0 && len(parts) > budget { // 2: the border
		parts = fit(parts, max(budget, 3))
	}
	lines := make([]string, len(parts))
	for i, p := range parts {
		lines[i] = p.text
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

// fit keeps the n lines of lowest rank (earliest first among equals), in
// their order.
func fit(parts []part, n int) []part {
	keep := make([]bool, len(parts))
	left := n
	for rank := rankEssential; rank <= rankBlank && left > 0; rank++ {
		for i, p := range parts {
			if p.rank == rank && left > 0 {
				keep[i] = true
				left--
			}
		}
	}
	out := parts[:0:0]
	for i, p := range parts {
		if !keep[i] {
			continue
		}
		if i+1 < len(parts) && parts[i+1].cont && !keep[i+1] {
			p.text += " …" // the rest of this note or value did not fit
		}
		out = append(out, p)
	}
	return out
}

func (m *Model) typeParts(inner int, add func(string, int), blank func()) {
	st := m.styles
	what := m.opts.TypeWhat
	if what == "" {
		what = "the name"
	}
	blank()
	if m.opts.Alt != "" {
		alt := m.opts.AltWhat
		if alt == "" {
			alt = "the alternative"
		}
		add(sanitize.Truncate("Type "+what+" or "+alt+" to confirm:", inner), rankTyping)
		add(st.Accent.Render(sanitize.Truncate(m.opts.Type, inner)), rankTyping)
		add(sanitize.Truncate("or "+m.opts.Alt, inner), rankTyping)
	} else {
		add(sanitize.Truncate("Type "+what+" to confirm:", inner), rankTyping)
		add(st.Accent.Render(sanitize.Truncate(m.opts.Type, inner)), rankTyping)
	}
	m.input.Width = max(inner-3, 1)
	add(m.input.View(), rankEssential)
	switch {
	case m.Matches():
		add(st.Muted.Render("matches: enter to "+strings.ToLower(m.opts.Confirm)), rankStatus)
	case m.mistake:
		add(st.Danger.Render("does not match yet"), rankStatus)
	default:
		add("", rankBlank)
	}
}

// buttons draws [> Cancel <] [  Delete  ]: the chosen one in arrows, so it
// shows without colour too.
func (m *Model) buttons() string {
	btn := func(label string, chosen bool) string {
		if chosen {
			return m.styles.Accent.Render("[> " + label + " <]")
		}
		return "[  " + label + "  ]"
	}
	if m.Typing() {
		yes := "[  " + m.opts.Confirm + "  ]"
		if m.Matches() {
			yes = m.styles.Danger.Render("[> " + m.opts.Confirm + " <]")
		} else {
			yes = m.styles.Muted.Render(yes)
		}
		return "[  " + m.opts.Cancel + "  ]   " + yes
	}
	return btn(m.opts.Cancel, !m.onYes) + "   " + btn(m.opts.Confirm, m.onYes)
}

// Place centres a dialog in a w×h area (the screen it covers).
func Place(w, h int, dialog string) string {
	if lipgloss.Height(dialog) >= h || lipgloss.Width(dialog) >= w {
		return dialog
	}
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, dialog)
}

func padRight(s string, w int) string {
	if n := sanitize.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s + " "
}

// Handle gives k to the dialog *d, the way every screen with a dialog
// does: once the dialog closes *d is nil, and a confirmation returns
// onConfirm's command.
func Handle(d **Model, k tea.KeyMsg, onConfirm func() tea.Cmd) tea.Cmd {
	switch (*d).Update(k) {
	case Canceled:
		*d = nil
	case Confirmed:
		*d = nil
		return onConfirm()
	}
	return nil
}
