package agentid

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// RenameKeyMap holds the rename form's bindings.
type RenameKeyMap struct{ Save, Cancel key.Binding }

// Rename is the form that renames a credential, the one field that can
// change.
type Rename struct {
	c       *common.Common
	api     API
	cred    client.PublicKeyCredential
	KeyMap  RenameKeyMap
	input   textinput.Model
	pending int
	problem []string
	w, h    int
}

// renamedMsg is the answer to a rename, for the form that sent it.
type renamedMsg struct {
	id   int
	cred client.PublicKeyCredential
	err  error
}

// NewRename makes the form for p, filled with its name when it can be
// edited as text.
func NewRename(c *common.Common, api API, p client.PublicKeyCredential) *Rename {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "1 to " + strconv.Itoa(MaxName) + " characters"
	in.CharLimit = MaxName
	in.Cursor.SetMode(cursor.CursorStatic)
	if typeable(p.Name) {
		in.SetValue(p.Name)
	}
	in.Focus()
	return &Rename{c: c, api: api, cred: p, input: in, KeyMap: RenameKeyMap{
		Save:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "rename")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}}
}

// Init does nothing.
func (r *Rename) Init() tea.Cmd { return nil }

// Title is the breadcrumb entry.
func (r *Rename) Title() string { return "rename" }

// CapturesInput is always true: the name field has the keys.
func (r *Rename) CapturesInput() bool { return true }

// Status summarises the form.
func (r *Rename) Status() string {
	if r.pending != 0 {
		return "renaming…"
	}
	return "credential " + shortFingerprint(r.cred.PublicKey.Fingerprint)
}

// ShortHelp is the footer.
func (r *Rename) ShortHelp() []key.Binding { return []key.Binding{r.KeyMap.Save, r.KeyMap.Cancel} }

// FullHelp is the ? page.
func (r *Rename) FullHelp() [][]key.Binding { return [][]key.Binding{r.ShortHelp()} }

// SetSize records the area.
func (r *Rename) SetSize(w, h int) {
	r.w, r.h = w, h
	r.input.Width = max(w-labelWidth-2, 8)
}

// Update edits, saves and takes the answer.
func (r *Rename) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case renamedMsg:
		return r, r.onRenamed(msg)
	case tea.KeyMsg:
		switch {
		case r.pending != 0:
			return r, nil
		case key.Matches(msg, r.KeyMap.Cancel):
			r.c.Pop()
			return r, nil
		case key.Matches(msg, r.KeyMap.Save):
			return r, r.save()
		}
		var cmd tea.Cmd
		r.input, cmd = r.input.Update(msg)
		return r, cmd
	}
	return r, nil
}

func (r *Rename) save() tea.Cmd {
	name := strings.TrimSpace(r.input.Value())
	if name == "" || len([]rune(name)) > MaxName {
		r.problem = []string{"A name is 1 to " + strconv.Itoa(MaxName) + " characters."}
		return nil
	}
	r.problem = nil
	r.pending = r.c.NextRequestID()
	id, api, ctx, credID := r.pending, r.api, r.c.Ctx, r.cred.ID
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		p, err := api.RenamePublicKey(rctx, credID, name)
		return renamedMsg{id: id, cred: p, err: err}
	}
}

func (r *Rename) onRenamed(msg renamedMsg) tea.Cmd {
	if msg.id != r.pending {
		return nil
	}
	r.pending = 0
	switch {
	case msg.err == nil:
		p := msg.cred
		r.c.Pop()
		return tea.Batch(
			func() tea.Msg { return RenamedMsg{Credential: p} },
			common.Notify("Renamed the credential to "+sanitize.Truncate(p.Name, 60)))
	case errors.Is(msg.err, context.Canceled):
		return nil
	}
	r.problem = refusal("rename the credential", msg.err)
	return nil
}

// View draws the form.
func (r *Rename) View() string {
	st := &r.c.Styles
	w := max(r.w, 20)
	lines := []string{
		st.Title.Render("Rename AgentID credential"),
		st.Label.Render(padRight("current name", labelWidth)) + sanitize.Truncate(r.cred.Name, max(w-labelWidth, 1)),
		st.Label.Render(padRight("fingerprint", labelWidth)) + sanitize.Truncate(shortFingerprint(r.cred.PublicKey.Fingerprint), max(w-labelWidth, 1)),
		"",
		st.Accent.Render(padRight("new name", labelWidth)) + r.input.View(),
		strings.Repeat(" ", labelWidth) + st.Muted.Render("1 to "+strconv.Itoa(MaxName)+" characters; only the name can change"),
		"",
	}
	if r.pending != 0 {
		lines = append(lines, st.Muted.Render("renaming…"))
	} else {
		lines = append(lines, st.Accent.Render("[> Rename <]")+st.Muted.Render("  enter · esc cancels"))
	}
	for _, l := range fitLines(r.problem, w, max(r.h-len(lines), 0)) {
		lines = append(lines, st.Danger.Render(l))
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(lines, "\n")
}

var _ common.Screen = (*Rename)(nil)
