package agentid

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/common"
)

// Mode is how the form gets the public key.
type Mode int

// The modes: make a new key pair, or read an existing key from a file.
const (
	ModeGenerate Mode = iota
	ModeImport
)

// RegisterKeyMap holds the form's bindings; Toggle works on the key row.
type RegisterKeyMap struct {
	Next, Prev, Submit, Cancel, Toggle key.Binding
}

// DefaultRegisterKeyMap returns the form's bindings.
func DefaultRegisterKeyMap() RegisterKeyMap {
	return RegisterKeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Submit: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "register")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Toggle: key.NewBinding(key.WithKeys(" ", "left", "right", "h", "l"), key.WithHelp("space", "new pair / existing key")),
	}
}

// stop is a tab stop of the form.
type stop int

const (
	stopMode stop = iota
	stopPath
	stopName
	stopScope
	stopExpiry
	stopSubmit
	stopCount
)

// Register is the form that registers a credential, from a new key pair
// (saved before anything is sent) or from an existing public key.
type Register struct {
	c      *common.Common
	api    API
	KeyMap RegisterKeyMap
	mode   Mode
	keyDir string

	genPath, importPath textinput.Model
	name, scope, expiry textinput.Model
	focus               stop

	pending    int // the registration in flight, 0 = none
	checking   int // the lookup after a lost answer, 0 = none
	sent       sent
	problem    []string // the last failure, raw (sanitised when drawn)
	info       string
	quitWarned bool
	width      int
	height     int
}

// NewRegister makes the form in mode; a new private key is proposed in
// keyDir.
func NewRegister(c *common.Common, api API, mode Mode, keyDir string) *Register {
	input := func(placeholder string, limit int) textinput.Model {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = placeholder
		in.CharLimit = limit
		in.Cursor.SetMode(cursor.CursorStatic)
		return in
	}
	r := &Register{c: c, api: api, KeyMap: DefaultRegisterKeyMap(), mode: mode, keyDir: keyDir,
		genPath:    input("where to save the private key", 4096),
		importPath: input("a PEM or JWK file", 4096),
		name:       input("optional, e.g. deploy-bot", MaxName),
		scope:      input("the key's own", 320),
		expiry:     input("the key's own", 32),
	}
	r.genPath.SetValue(filepath.Join(keyDir, "agentid-"+c.Now().UTC().Format("20060102-150405")+".pem"))
	if mode == ModeImport {
		r.setFocus(stopPath)
	} else {
		r.setFocus(stopName)
	}
	return r
}

// Init does nothing.
func (r *Register) Init() tea.Cmd { return nil }

// Title is the breadcrumb entry.
func (r *Register) Title() string { return "register" }

// Status summarises the form.
func (r *Register) Status() string {
	switch {
	case r.pending != 0:
		return "registering…"
	case r.checking != 0:
		return "checking…"
	case r.mode == ModeImport:
		return "existing public key"
	}
	return "new key pair"
}

// CapturesInput is true while a text field has focus or a request is in
// flight, so that q and esc reach the form.
func (r *Register) CapturesInput() bool {
	return r.pending != 0 || (r.focus != stopMode && r.focus != stopSubmit)
}

// GuardQuit holds the user back while the registration is in flight:
// leaving then would not lose the key file, but the id it gets.
func (r *Register) GuardQuit() bool { return r.AsksBeforeQuit() }

// AsksBeforeQuit: ctrl+c asks while a registration is in flight.
func (r *Register) AsksBeforeQuit() bool { return r.pending != 0 }

// SetSize records the area.
func (r *Register) SetSize(w, h int) {
	r.width, r.height = w, h
	for _, in := range r.inputs() {
		in.Width = max(w-labelWidth-2, 8)
	}
}

// Mode is the form's current mode (for tests).
func (r *Register) Mode() Mode { return r.mode }

// Path is the key file the form would use.
func (r *Register) Path() string { return r.pathInput().Value() }

func (r *Register) pathInput() *textinput.Model {
	if r.mode == ModeImport {
		return &r.importPath
	}
	return &r.genPath
}

func (r *Register) inputs() []*textinput.Model {
	return []*textinput.Model{&r.genPath, &r.importPath, &r.name, &r.scope, &r.expiry}
}

// input is the text field at stop s, or nil.
func (r *Register) input(s stop) *textinput.Model {
	switch s {
	case stopPath:
		return r.pathInput()
	case stopName:
		return &r.name
	case stopScope:
		return &r.scope
	case stopExpiry:
		return &r.expiry
	}
	return nil
}

func (r *Register) setFocus(s stop) {
	r.focus = s
	for _, in := range r.inputs() {
		in.Blur()
	}
	if in := r.input(s); in != nil {
		in.Focus()
	}
	r.KeyMap.Toggle.SetEnabled(s == stopMode)
}

func (r *Register) setMode(m Mode) {
	r.mode = m
	r.setFocus(r.focus) // the path stop now shows the other field
}

// ShortHelp is the footer.
func (r *Register) ShortHelp() []key.Binding {
	if r.pending != 0 {
		return nil
	}
	km := r.KeyMap
	return []key.Binding{km.Toggle, km.Next, km.Submit, km.Cancel}
}

// FullHelp is the ? page.
func (r *Register) FullHelp() [][]key.Binding {
	km := r.KeyMap
	return [][]key.Binding{{km.Next, km.Prev, km.Toggle, km.Submit, km.Cancel}}
}

// Update routes keys to the focused field and results to their handlers.
func (r *Register) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return r, r.updateKey(msg)
	case registerMsg:
		return r, r.onRegistered(msg)
	case lookupMsg:
		return r, r.onLookup(msg)
	}
	return r, nil
}

func (r *Register) updateKey(k tea.KeyMsg) tea.Cmd {
	km := r.KeyMap
	switch {
	case r.pending != 0:
		return r.whilePending(k)
	case key.Matches(k, km.Cancel):
		r.c.Pop()
		return nil
	case key.Matches(k, km.Submit):
		return r.submit()
	case key.Matches(k, km.Next):
		r.setFocus((r.focus + 1) % stopCount)
	case key.Matches(k, km.Prev):
		r.setFocus((r.focus + stopCount - 1) % stopCount)
	case key.Matches(k, km.Toggle):
		r.setMode(1 - r.mode)
	case k.Type == tea.KeyEnter:
		if r.focus == stopSubmit {
			return r.submit()
		}
		r.setFocus(r.focus + 1)
	default:
		if in := r.input(r.focus); in != nil {
			var cmd tea.Cmd
			*in, cmd = in.Update(k)
			return cmd
		}
	}
	return nil
}

// whilePending ignores input; a second ctrl+c quits anyway.
func (r *Register) whilePending(k tea.KeyMsg) tea.Cmd {
	if k.Type == tea.KeyCtrlC && r.quitWarned {
		return common.Quit
	}
	if k.Type == tea.KeyCtrlC || k.Type == tea.KeyEsc || k.String() == "q" {
		r.quitWarned = true
		r.info = "The credential is being registered: wait for its id. The key file is kept either way (ctrl+c again quits anyway)."
	}
	return nil
}

// expandHome turns a leading ~/ into the home directory.
func expandHome(path string) string {
	if path == "~" || strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, strings.TrimPrefix(path, "~"))
		}
	}
	return path
}

var (
	_ common.Screen    = (*Register)(nil)
	_ common.QuitGuard = (*Register)(nil)
)
