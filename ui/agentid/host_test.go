package agentid_test

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// host stands in for the dashboard's root (which this package must not
// import): a stack of screens, esc to go back, q and ctrl+c to quit, the
// error or notice line and the help line, with results broadcast to every
// screen as the root does. Notices do not expire.
type host struct {
	c       *common.Common
	stack   []common.Screen
	help    help.Model
	message string // "✗ ..." or "✓ ...", raw
	quit    bool
}

// chrome is the breadcrumb, the message line and the help line.
const chrome = 3

func newHost(c *common.Common, s common.Screen) *host {
	h := help.New()
	h.ShortSeparator = " · "
	return &host{c: c, stack: []common.Screen{s}, help: h}
}

func (h *host) top() common.Screen { return h.stack[len(h.stack)-1] }

func (h *host) Init() tea.Cmd { return h.top().Init() }

func (h *host) resize() {
	h.help.Width = h.c.Width
	for _, s := range h.stack {
		s.SetSize(h.c.Width, max(h.c.Height-chrome, 1))
	}
}

func (h *host) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.c.Width, h.c.Height = msg.Width, msg.Height
		h.resize()
		return h, nil
	case tea.KeyMsg:
		h.message = ""
		top := h.top()
		if g, ok := top.(common.QuitGuard); ok && g.GuardQuit() {
			return h.forward(msg)
		}
		switch {
		case msg.Type == tea.KeyCtrlC || (msg.String() == "q" && !top.CapturesInput()):
			h.quit = true
			return h, tea.Quit
		case msg.Type == tea.KeyEsc && !top.CapturesInput() && len(h.stack) > 1:
			h.pop()
			return h, nil
		}
		return h.forward(msg)
	case common.QuitMsg:
		h.quit = true
		return h, tea.Quit
	case common.ErrorMsg:
		h.message = "✗ " + msg.Context + ": " + msg.Err.Error()
		return h, nil
	case common.NoticeMsg:
		h.message = "✓ " + msg.Text
		return h, nil
	}
	var cmds []tea.Cmd
	for i, s := range h.stack {
		var cmd tea.Cmd
		h.stack[i], cmd = s.Update(msg)
		cmds = append(cmds, cmd)
	}
	return h, tea.Batch(append(cmds, h.navigate())...)
}

func (h *host) forward(msg tea.Msg) (tea.Model, tea.Cmd) {
	s, cmd := h.top().Update(msg)
	h.stack[len(h.stack)-1] = s
	return h, tea.Batch(cmd, h.navigate())
}

// navigate applies the screens' navigation at once, as the root does.
func (h *host) navigate() tea.Cmd {
	var cmds []tea.Cmd
	for _, n := range h.c.TakeNav() {
		switch n.Kind {
		case common.NavPush:
			h.stack = append(h.stack, n.Screen)
		case common.NavReplace:
			h.stack[len(h.stack)-1] = n.Screen
		case common.NavPop:
			h.pop()
			continue
		}
		h.resize()
		cmds = append(cmds, n.Screen.Init(), h.navigate())
	}
	return tea.Batch(cmds...)
}

func (h *host) pop() {
	if len(h.stack) > 1 {
		h.stack = h.stack[:len(h.stack)-1]
		h.resize()
	}
}

func (h *host) View() string {
	w, ht := h.c.Width, h.c.Height
	if w <= 0 || ht <= 0 {
		return ""
	}
	crumbs := []string{"amkeys"}
	for _, s := range h.stack {
		crumbs = append(crumbs, s.Title())
	}
	body := strings.Split(h.top().View(), "\n")
	n := max(ht-chrome, 1)
	if len(body) > n {
		body = body[:n]
	}
	for len(body) < n {
		body = append(body, "")
	}
	return sanitize.Truncate(strings.Join(crumbs, " › "), w) + "\n" +
		strings.Join(body, "\n") + "\n" +
		sanitize.Truncate(h.message, w) + "\n" +
		ansi.Truncate(h.help.ShortHelpView(h.top().ShortHelp()), w, "…")
}
