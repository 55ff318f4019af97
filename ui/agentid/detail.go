package agentid

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// DetailKeyMap holds the detail screen's bindings.
type DetailKeyMap struct {
	Up, Down, PageUp, PageDown key.Binding
}

// DefaultDetailKeyMap returns the detail screen's bindings.
func DefaultDetailKeyMap() DetailKeyMap {
	return DetailKeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "f", " ", "ctrl+d"), key.WithHelp("pgdn", "page down")),
	}
}

// Detail shows one credential: every field, exact times, the public JWK.
type Detail struct {
	c      *common.Common
	cred   client.PublicKeyCredential
	pods   *podNames // the list's pod names; nil or unknown: the id alone
	KeyMap DetailKeyMap
	vp     viewport.Model
	width  int
}

// NewDetail makes the detail screen of p.
func NewDetail(c *common.Common, p client.PublicKeyCredential) *Detail {
	d := &Detail{c: c, cred: p, KeyMap: DefaultDetailKeyMap(), vp: viewport.New(0, 0)}
	d.vp.KeyMap = viewport.KeyMap{Up: d.KeyMap.Up, Down: d.KeyMap.Down, PageUp: d.KeyMap.PageUp, PageDown: d.KeyMap.PageDown}
	return d
}

// withPodNames names the credential's pod from the list's cache, which a
// refresh may still be filling.
func (d *Detail) withPodNames(p *podNames) *Detail {
	d.pods = p
	return d
}

// Init does nothing: the credential is loaded.
func (d *Detail) Init() tea.Cmd { return nil }

// Title is the breadcrumb entry.
func (d *Detail) Title() string { return d.cred.Name }

// CapturesInput is always false.
func (d *Detail) CapturesInput() bool { return false }

// Status summarises the screen.
func (d *Detail) Status() string {
	return "credential " + shortFingerprint(d.cred.PublicKey.Fingerprint)
}

// ShortHelp is the footer.
func (d *Detail) ShortHelp() []key.Binding {
	return []key.Binding{d.KeyMap.Down, d.KeyMap.Up, d.KeyMap.PageDown}
}

// FullHelp is the ? page.
func (d *Detail) FullHelp() [][]key.Binding {
	return [][]key.Binding{{d.KeyMap.Up, d.KeyMap.Down, d.KeyMap.PageUp, d.KeyMap.PageDown}}
}

// SetSize lays the content out for the new width.
func (d *Detail) SetSize(w, h int) {
	d.width = w
	d.vp.Width, d.vp.Height = w, max(h, 1)
	d.vp.SetContent(d.render())
}

// Update scrolls, and shows the pod's name when the listing of the pods
// arrives after the screen opened.
func (d *Detail) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	if names, ok := msg.(podNamesMsg); ok && d.pods != nil {
		d.pods.update(names)
		d.vp.SetContent(d.render())
		return d, nil
	}
	var cmd tea.Cmd
	d.vp, cmd = d.vp.Update(msg)
	return d, cmd
}

// View draws the scrolled content.
func (d *Detail) View() string { return d.vp.View() }

func (d *Detail) render() string {
	st := &d.c.Styles
	now := d.c.Now()
	p := d.cred
	valueWidth := max(d.width-labelWidth, 1)
	var b strings.Builder
	line := func(label, value string) {
		b.WriteString(st.Label.Render(padRight(label, labelWidth)))
		b.WriteString(sanitize.Truncate(value, valueWidth) + "\n")
	}
	// wrapped: long values (the fingerprint, a coordinate) on several
	// lines rather than cut, as they are meant to be compared in full.
	wrapped := func(label, value string) {
		for i, l := range chunks(sanitize.Text(value), valueWidth, 4) {
			if i > 0 {
				label = ""
			}
			b.WriteString(st.Label.Render(padRight(label, labelWidth)) + l + "\n")
		}
	}
	line("name", p.Name)
	wrapped("id (kid)", p.ID)
	wrapped("fingerprint", p.PublicKey.Fingerprint)
	line("status", status(&p, now))
	if name, ok := d.podName(); ok {
		line("scope", "pod "+name)
		wrapped("pod id", p.Scope.ID) // in full: the detail is where ids are copied
	} else {
		line("scope", scopeText(p.Scope))
	}
	switch {
	case p.ExpiresAt.IsZero():
		line("expires", "never")
	default:
		line("expires", format.Exact(p.ExpiresAt)+" · "+expiryText(p.ExpiresAt, now))
	}
	if p.Revoked() {
		line("revoked at", format.Exact(p.RevokedAt)+" · "+format.Ago(p.RevokedAt, now))
	} else {
		line("revoked at", "not revoked")
	}
	line("created", format.Exact(p.CreatedAt)+" · "+format.Ago(p.CreatedAt, now))
	line("updated", format.Exact(p.UpdatedAt)+" · "+format.Ago(p.UpdatedAt, now))
	b.WriteString("\n" + st.Accent.Render("Public key (JWK)") + "\n")
	k := p.PublicKey.JWK
	line("kty", k.Kty)
	line("crv", k.Crv)
	wrapped("x", k.X)
	wrapped("y", k.Y)
	for _, l := range sanitize.Lines("Only this public key is held by AgentMail; the private key stays where it was made. A signer puts the id above in the kid header of its JWS.", max(d.width, 1), 3) {
		b.WriteString("\n" + st.Muted.Render(l))
	}
	return b.String()
}

// podName is the name of a pod-scoped credential's pod, when the list
// knows it (sanitised and bounded by podNames).
func (d *Detail) podName() (string, bool) {
	if d.cred.Scope.Type != client.ScopePod || d.pods == nil {
		return "", false
	}
	return d.pods.known(d.cred.Scope.ID)
}

// chunks cuts sanitised text into lines of at most width columns, at most
// n lines (the last one marked when cut). Ids and coordinates have no
// spaces to wrap at.
func chunks(s string, width, n int) []string {
	var out []string
	for s != "" && len(out) < n {
		head := sanitize.Truncate(s, width)
		if head == s {
			out = append(out, s)
			return out
		}
		head = strings.TrimSuffix(head, "…")
		if head == "" || !strings.HasPrefix(s, head) {
			break
		}
		out = append(out, head)
		s = s[len(head):]
	}
	if s != "" && len(out) > 0 {
		out[len(out)-1] = sanitize.Truncate(out[len(out)-1]+s, width)
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}
