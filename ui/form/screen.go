package form

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
)

// Screen is what a create form's screen shares with the others: embedded,
// it gives the screen its title, status, size, help, quit guard and keys.
// The screen adds its submit, its answer and its View.
type Screen struct {
	Form    Model
	Pending int      // the request id of the create in flight, 0 when none
	Problem []string // why the last create failed, or what to fix first
	noun    string
	c       *common.Common
}

// NewScreen makes the shared part of a form creating o.Noun.
func NewScreen(c *common.Common, o Options) Screen {
	return Screen{Form: New(c.Styles, o), noun: o.Noun, c: c}
}

// Init does nothing.
func (s *Screen) Init() tea.Cmd { return nil }

// Title is the breadcrumb entry.
func (s *Screen) Title() string { return "new " + s.noun }

// Status summarises the form.
func (s *Screen) Status() string {
	if s.Pending != 0 {
		return "creating…"
	}
	return "new " + s.noun
}

// CapturesInput is always true: a text field always has focus.
func (s *Screen) CapturesInput() bool { return true }

// GuardQuit: ctrl+c with text typed asks first (the form's question).
func (s *Screen) GuardQuit() bool { return s.AsksBeforeQuit() }

// AsksBeforeQuit: ctrl+c asks while the form holds input.
func (s *Screen) AsksBeforeQuit() bool { return s.Form.HasInput() }

// SetSize records the area.
func (s *Screen) SetSize(w, h int) { s.Form.SetSize(w, h) }

// ShortHelp is the footer.
func (s *Screen) ShortHelp() []key.Binding { return s.Form.ShortHelp() }

// FullHelp is the ? page.
func (s *Screen) FullHelp() [][]key.Binding { return s.Form.FullHelp() }

// Key handles a key; submit sends the form.
func (s *Screen) Key(k tea.KeyMsg, submit func() tea.Cmd) tea.Cmd {
	action, cmd := s.Form.Update(k, s.Pending != 0)
	switch action {
	case Cancel:
		s.c.Pop()
		return nil
	case Submit:
		return submit()
	case Quit:
		return common.Quit
	}
	return cmd
}

// View draws the form under title with the progress and the problems.
func (s *Screen) View(title string) string { return s.Form.View(title, s.Pending != 0, s.Problem) }

// Refusal turns a failed create into lines: what, the fields, the fix.
func (s *Screen) Refusal(err error) []string {
	e, ok := client.AsError(err)
	if !ok {
		return []string{"Could not create the " + s.noun + ": " + err.Error()}
	}
	what := "The server refused to create the " + s.noun
	if e.ErrCode != "" {
		what += " (" + e.ErrCode + ")"
	}
	lines := []string{what + ": " + e.Message}
	for _, f := range e.Fields {
		lines = append(lines, "  "+f.Path+": "+f.Message)
	}
	if e.Fix != "" {
		lines = append(lines, "Fix: "+e.Fix)
	}
	return lines
}
