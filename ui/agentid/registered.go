package agentid

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// Registered shows a new credential's id beside its key file, the one
// thing the user must keep from the registration.
type Registered struct {
	c    *common.Common
	cred client.PublicKeyCredential
	sent sent
	note string
	Done key.Binding
	w, h int
}

// NewRegistered makes the result screen; note explains how it was found
// ("" after a plain answer).
func NewRegistered(c *common.Common, cred client.PublicKeyCredential, s sent, note string) *Registered {
	return &Registered{c: c, cred: cred, sent: s, note: note,
		Done: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done"))}
}

// Credential is the registered credential (for tests).
func (s *Registered) Credential() client.PublicKeyCredential { return s.cred }

// Init does nothing.
func (s *Registered) Init() tea.Cmd { return nil }

// Title is the breadcrumb entry.
func (s *Registered) Title() string { return "registered" }

// CapturesInput is always false.
func (s *Registered) CapturesInput() bool { return false }

// Status summarises the screen.
func (s *Registered) Status() string {
	return "registered " + shortFingerprint(s.cred.PublicKey.Fingerprint)
}

// ShortHelp is the footer.
func (s *Registered) ShortHelp() []key.Binding { return []key.Binding{s.Done} }

// FullHelp is the ? page.
func (s *Registered) FullHelp() [][]key.Binding { return [][]key.Binding{{s.Done}} }

// SetSize records the area.
func (s *Registered) SetSize(w, h int) { s.w, s.h = w, h }

// Update closes the screen on enter.
func (s *Registered) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && key.Matches(k, s.Done) {
		s.c.Pop()
		return s, nil
	}
	return s, nil
}

// View draws the id first, then the file and the rest.
func (s *Registered) View() string {
	st := &s.c.Styles
	w := max(s.w, 20)
	p := s.cred
	fileLabel := "private key"
	if s.sent.mode == ModeImport {
		fileLabel = "from file"
	}
	lines := []string{st.Success.Render(sanitize.Truncate("AgentID credential registered.", w))}
	row := func(label, value string) {
		lines = append(lines, st.Label.Render(padRight(label, labelWidth))+sanitize.Truncate(value, max(w-labelWidth, 1)))
	}
	for i, l := range chunks(sanitize.Text(p.ID), max(w-labelWidth, 1), 3) {
		label := ""
		if i == 0 {
			label = "id (kid)"
		}
		lines = append(lines, st.Label.Render(padRight(label, labelWidth))+st.Accent.Render(l))
	}
	row(fileLabel, s.sent.path)
	row("fingerprint", p.PublicKey.Fingerprint)
	row("name", p.Name)
	row("scope", scopeText(p.Scope))
	row("expires", expiryText(p.ExpiresAt, s.c.Now())+expiresExact(p))
	var notes []string
	if fp := s.sent.fingerprint; fp != "" && fp != p.PublicKey.Fingerprint {
		notes = append(notes, "Warning: the server's fingerprint differs from the key's own ("+fp+").")
	}
	if s.note != "" {
		notes = append(notes, s.note)
	}
	notes = append(notes, "Store the id beside the key file: a signer puts it in the kid header of each JWS. It can be found again in this list by its fingerprint.")
	room := max(s.h-len(lines)-2, 1)
	lines = append(lines, "")
	for _, n := range notes {
		for _, l := range sanitize.Lines(n, w, room) {
			if room == 0 {
				break
			}
			lines = append(lines, st.Muted.Render(l))
			room--
		}
	}
	lines = append(lines, st.Accent.Render("[> Done <]")+st.Muted.Render("  enter"))
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(lines, "\n")
}

func expiresExact(p client.PublicKeyCredential) string {
	if p.ExpiresAt.IsZero() {
		return ""
	}
	return " (" + format.Exact(p.ExpiresAt) + ")"
}
