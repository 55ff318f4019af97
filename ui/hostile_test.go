package ui

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/audit"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/createkey"
	"github.com/amkeys/amkeys/ui/createpod"
	"github.com/amkeys/amkeys/ui/keydetail"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/pods"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/secret"
	"github.com/amkeys/amkeys/ui/uitest"
)

// The hostile corpus on every screen, from two servers: the sandbox, where
// the corpus is planted as pod names, client ids and key names, and a
// purpose-made server (uitest.HostileServer) where it is also every id,
// prefix, permission name, the new key's secret and every error's name,
// code, message, fix and field path. Colour is off (uitest.NewCommon), so
// any ESC in a frame is a failure. Every frame after every message is
// checked, at 120x35 and at three other sizes after each step.

// checkSizes are the extra window sizes each step is drawn at.
var checkSizes = [][2]int{{60, 15}, {81, 22}, {200, 60}}

// hostileApp is the root with a check after every message.
type hostileApp struct {
	t      *testing.T
	root   *Model
	c      *common.Common
	what   string // the corpus case, for messages
	text   string // its text
	frames int
}

func newHostileApp(t *testing.T, c *common.Common, hc sanitize.HostileCase) *hostileApp {
	a := &hostileApp{t: t, root: New(c, nil), c: c, what: hc.Name, text: hc.Text}
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	uitest.Run(a, a.root.Init())
	return a
}

func (a *hostileApp) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	defer func() {
		if p := recover(); p != nil {
			a.t.Fatalf("%s: panic on %T: %v", a.what, msg, p)
		}
	}()
	_, cmd = a.root.Update(msg)
	a.check()
	if _, ok := msg.(common.NoticeMsg); ok {
		cmd = nil // its expiry is a 4 s timer that Settle would wait for
	}
	return a, cmd
}

func (a *hostileApp) View() string { return a.root.View() }

func (a *hostileApp) Init() tea.Cmd { return nil }

func (a *hostileApp) check() {
	a.t.Helper()
	a.frames++
	if bad := frameProblem(a.root.View(), a.c.Width, a.c.Height); bad != "" {
		a.t.Fatalf("%s on %T (%dx%d): %s", a.what, a.root.Top(), a.c.Width, a.c.Height, bad)
	}
}

// press sends keys, settling each, then draws the step at every size.
func (a *hostileApp) press(keys ...string) {
	a.t.Helper()
	for _, k := range keys {
		uitest.Settle(a, uitest.Key(k))
	}
	for _, s := range checkSizes {
		a.Update(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
	}
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
}

// shows fails unless the frame holds want. Long texts fill the bounded
// message boxes before the fix is reached, so they are not asked.
func (a *hostileApp) shows(want string) {
	a.t.Helper()
	if len(a.text) > 64 {
		return
	}
	if frame := a.root.View(); !strings.Contains(frame, want) {
		a.t.Fatalf("%s: the frame lacks %q:\n%s", a.what, want, frame)
	}
}

// on fails unless the top screen is a T.
func on[T common.Screen](a *hostileApp, step string) T {
	a.t.Helper()
	s, ok := a.root.Top().(T)
	if !ok {
		var want T
		a.t.Fatalf("%s: %s: top screen is %T, want %T", a.what, step, a.root.Top(), want)
	}
	return s
}

// near quotes s around byte i, for messages.
func near(s string, i int) string {
	return strings.ToValidUTF8(s[max(0, i-30):min(len(s), i+30)], "?")
}

// frameProblem says what is wrong with a colourless frame, or "".
func frameProblem(frame string, w, h int) string {
	if w < 1 || h < 1 {
		return ""
	}
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		return fmt.Sprintf("%d lines in a %d-line window", len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			return fmt.Sprintf("line %d is %d wide in a %d-wide window: %q", i, lw, w, l)
		}
	}
	for i := 0; i < len(frame); {
		r, size := utf8.DecodeRuneInString(frame[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Sprintf("invalid UTF-8 byte %#x near %q", frame[i], near(frame, i))
		case r == '\n':
		case r < 0x20 || r == 0x7f:
			return fmt.Sprintf("C0 control %#x near %q", r, near(frame, i))
		case r >= 0x80 && r <= 0x9f:
			return fmt.Sprintf("C1 control %U near %q", r, near(frame, i))
		case unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029:
			return fmt.Sprintf("invisible format character %U near %q", r, near(frame, i))
		}
		i += size
	}
	return ""
}

func TestFrameProblemCatchesEachClass(t *testing.T) {
	for _, bad := range []string{"a\x1b[2Jb", "a\u009bb", "a\rb", "a\xffb", "a\u202eb", "toolongline", "1\n2\n3\n4"} {
		if frameProblem(bad, 10, 3) == "" {
			t.Errorf("%q passed the frame check", bad)
		}
	}
	if p := frameProblem("ok ✓ 東京\n", 10, 3); p != "" {
		t.Errorf("a clean frame failed: %s", p)
	}
}

// hostileCases is the corpus; -short keeps a sample of each kind.
func hostileCases(t *testing.T) []sanitize.HostileCase {
	all := sanitize.Corpus()
	if !testing.Short() {
		return all
	}
	var some []sanitize.HostileCase
	for i, c := range all {
		if i%7 == 0 || strings.HasPrefix(c.Name, "long") || strings.Contains(c.Name, "osc52") {
			some = append(some, c)
		}
	}
	return some
}

// Walk counts: what each walk renders the hostile text in, for the figures
// of RELIABILITY.md (the test logs them).
var (
	hostileServerFields = []string{"pod id", "pod name", "client id", "key id", "prefix", "key name",
		"permission name", "secret", "error name", "error code", "error message", "error fix", "error field path", "error field message"}
	hostileServerScreens = []string{"pods", "help", "delete pod dialog", "new pod refusal", "keys", "key detail",
		"delete key dialog", "error line", "new key form", "same-as picker", "create summary", "create refusal",
		"secret (masked and revealed)", "leave dialog", "audit progress", "audit chart and table", "audit failures",
		"audit pod filter", "status line and breadcrumb"}
	sandboxFields  = []string{"pod name", "client id", "key name"}
	sandboxScreens = []string{"pods", "help", "delete pod dialog", "keys", "key detail", "delete key dialog",
		"notice line", "new key form", "same-as picker", "create summary", "secret", "audit progress",
		"audit chart and table", "audit failures", "status line and breadcrumb"}
)

func TestHostileServerOnEveryScreen(t *testing.T) {
	cases := hostileCases(t)
	h := uitest.NewHostileServer(t, "")
	api, err := client.New(client.Options{BaseURL: h.URL, APIKey: "am_hostiletest", Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	frames := 0
	for _, hc := range cases {
		h.SetText(hc.Text)
		c := uitest.NewCommon(t, api)
		frames += walkHostileServer(t, c, h, hc)
	}
	t.Logf("%d cases x %d fields x %d screens; %d frames checked", len(cases), len(hostileServerFields), len(hostileServerScreens), frames)
}

func walkHostileServer(t *testing.T, c *common.Common, h *uitest.HostileServer, hc sanitize.HostileCase) int {
	a := newHostileApp(t, c, hc)
	p := on[*pods.Model](a, "start")
	if p.List().Len() != 2 {
		t.Fatalf("%s: %d pods listed, want 2", hc.Name, p.List().Len())
	}
	if hc.Name == "ascii-name" { // the control group shows as it is
		a.shows(hc.Text)
	}
	a.press("?")
	a.press("esc", "d") // the delete pod dialog
	a.press("esc", "n") // the new pod form, refused with hostile text
	on[*createpod.Model](a, "new pod")
	a.press("x", "ctrl+s")
	a.press("esc", "esc") // the filled form asks first; esc again discards

	a.press("enter")
	k := on[*keys.Model](a, "open pod")
	if k.List().Len() != 1 {
		t.Fatalf("%s: %d keys, want 1", hc.Name, k.List().Len())
	}
	a.press("?")
	a.press("esc", "enter")
	on[*keydetail.Model](a, "open key")
	a.press("?")
	a.press("esc", "j", "esc")
	a.press("d") // used 3 days ago: no typed name needed
	a.press("y") // answered 409 with hostile text
	if a.root.err == nil {
		t.Fatalf("%s: the failed delete showed no error", hc.Name)
	}
	a.shows("fix:")

	h.Refuse(true)
	a.press("n")
	on[*createkey.Model](a, "new key")
	a.press("p", "r", "o", "b", "e", "tab", "tab", "j", " ", "S") // the same-as picker
	a.press("esc", "ctrl+s")                                      // the summary
	a.press("y")                                                  // refused with hostile text
	on[*createkey.Model](a, "refused")
	a.shows("Fix: ")
	h.Refuse(false)
	a.press("ctrl+s", "y")
	on[*secret.Model](a, "created")
	a.press("v")        // reveal the server's (hostile) secret
	a.press("v", "esc") // the leave dialog
	a.press("y")
	k = on[*keys.Model](a, "after the secret")
	if k.List().Len() != 2 {
		t.Fatalf("%s: the created key was not listed: %d keys", hc.Name, k.List().Len())
	}

	a.press("esc", "a")
	au := on[*audit.Model](a, "audit")
	if au.Scanning() || au.Result() == nil || len(au.Result().Failed) != 1 {
		t.Fatalf("%s: audit scanning=%v result=%v", hc.Name, au.Scanning(), au.Result())
	}
	a.press("p")
	a.press("f", "f", "f", "f", "f", "f", "f") // every quick filter of the audit, back to all
	a.press("enter")                           // opens the key in its pod
	on[*keys.Model](a, "from the audit")
	a.press("esc", "esc", "esc")
	on[*pods.Model](a, "back to pods")
	a.press("j", "enter") // the broken pod: its keys fail to load
	if a.root.err == nil {
		t.Fatalf("%s: the broken pod showed no error", hc.Name)
	}
	a.shows("fix:")
	a.press("q")
	return a.frames
}

func TestHostileSandboxOnEveryScreen(t *testing.T) {
	cases := hostileCases(t)
	frames := 0
	for _, hc := range cases {
		c, srv := uitest.SandboxCommon(t, "empty")
		pod := srv.AddPod(hc.Text, hc.Text)
		srv.AddKey(pod.ID, hc.Text, client.Restricted("inbox_read", "message_read"), uitest.Clock.AddDate(0, 0, -200))
		broken := srv.AddPod("✗ "+hc.Text, hc.Text+" 2")
		srv.FailPod(broken.ID, 403)
		frames += walkSandbox(t, c, hc)
		// A spare connection the audit dialled but never used would hold
		// the sandbox's graceful Close for 5 s.
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		srv.Close()
	}
	t.Logf("%d cases x %d fields x %d screens; %d frames checked", len(cases), len(sandboxFields), len(sandboxScreens), frames)
}

func walkSandbox(t *testing.T, c *common.Common, hc sanitize.HostileCase) int {
	a := newHostileApp(t, c, hc)
	p := on[*pods.Model](a, "start")
	if p.List().Len() != 2 {
		t.Fatalf("%s: %d pods listed, want 2", hc.Name, p.List().Len())
	}
	a.press("?")
	a.press("esc", "j", "d") // the delete dialog of the planted pod
	a.press("esc", "enter")
	k := on[*keys.Model](a, "open pod")
	if k.List().Len() != 1 {
		t.Fatalf("%s: %d keys, want 1", hc.Name, k.List().Len())
	}
	a.press("enter")
	on[*keydetail.Model](a, "open key")
	a.press("esc", "n")
	a.press("p", "r", "o", "b", "e", "tab", "tab", "j", " ", "S")
	a.press("esc", "ctrl+s")
	a.press("y")
	on[*secret.Model](a, "created")
	a.press("esc")
	a.press("y")
	a.press("j", "d") // the planted key: unused for 200 days, no typed name
	a.press("y")      // deleted: the notice names it
	if k.List().Len() != 1 || a.root.notice == "" {
		t.Fatalf("%s: after the delete %d keys, notice %q", hc.Name, k.List().Len(), a.root.notice)
	}
	a.press("esc", "a")
	au := on[*audit.Model](a, "audit")
	if au.Scanning() || au.Result() == nil || len(au.Result().Failed) != 1 {
		t.Fatalf("%s: audit scanning=%v result=%v", hc.Name, au.Scanning(), au.Result())
	}
	a.press("p", "esc")
	a.press("q")
	return a.frames
}
