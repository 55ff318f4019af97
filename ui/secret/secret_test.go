package secret_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/clip"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/secret"
	"github.com/amkeys/amkeys/ui/uitest"
)

const theSecret = "am_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"

var pod = client.Pod{ID: "pod-1", Name: "Acme Support"}

func created() client.CreatedAPIKey {
	return client.CreatedAPIKey{
		APIKey: client.APIKey{ID: "key-1", Prefix: "am_AbCd", Name: "support-reader", PodID: pod.ID,
			CreatedAt: uitest.Clock, Permissions: client.Restricted("inbox_read", "message_read")},
		Secret: theSecret,
	}
}

// newScreen makes the screen with a fake clipboard that clears after clearAfter.
// newScreen's clipboard tool answers at once; its timeout is patient, so
// that a busy machine cannot turn a copy into a timeout.
func newScreen(t *testing.T, clearAfter time.Duration) (*secret.Model, *clip.Fake, *common.Common) {
	t.Helper()
	return newScreenWith(t, clip.Options{ClearAfter: clearAfter, Timeout: uitest.Patience})
}

func newScreenWith(t *testing.T, opts clip.Options) (*secret.Model, *clip.Fake, *common.Common) {
	t.Helper()
	fake := clip.NewFake()
	t.Cleanup(fake.Release)
	c := uitest.NewCommon(t, uitest.NewFakeAPI(pod.ID, 0))
	c.Clipboard = clip.New(fake, nil, opts)
	m := secret.New(c, common.PodKeys(pod), created())
	m.SetSize(100, 25)
	return m, fake, c
}

func press(m *secret.Model, k string) tea.Cmd {
	_, cmd := m.Update(uitest.Key(k))
	return cmd
}

// one runs cmd and returns its single message.
func one(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	msgs := uitest.Collect(cmd, uitest.Patience)
	if len(msgs) != 1 {
		t.Fatalf("want one message, got %#v", msgs)
	}
	return msgs[0]
}

func TestSecretIsMaskedUntilRevealed(t *testing.T) {
	m, _, _ := newScreen(t, 0)
	v := uitest.Plain(m.View())
	if strings.Contains(v, theSecret) || !strings.Contains(v, "am_AbCd••••••••") {
		t.Fatalf("want the masked secret only:\n%s", v)
	}
	for _, want := range []string{"support-reader", "2 of 36: inbox_read, message_read", "only time"} {
		if !strings.Contains(v, want) {
			t.Errorf("missing %q:\n%s", want, v)
		}
	}
	press(m, "v")
	if v := uitest.Plain(m.View()); !strings.Contains(v, theSecret) {
		t.Fatalf("v did not reveal the secret:\n%s", v)
	}
	press(m, "v")
	if v := uitest.Plain(m.View()); strings.Contains(v, theSecret) {
		t.Fatalf("v again did not hide it:\n%s", v)
	}
}

func TestCopyPutsTheSecretOnTheClipboardAndCountsDown(t *testing.T) {
	m, fake, _ := newScreen(t, 30*time.Second)
	msg := one(t, press(m, "c"))
	if got := fake.Content(); got != theSecret {
		t.Fatalf("clipboard holds %q, want the secret", got)
	}
	copied, ok := msg.(secret.CopiedMsg)
	if !ok || copied.Result.Method != clip.Native || !copied.Result.Confirmed {
		t.Fatalf("copy result %#v", msg)
	}
	_, tick := m.Update(copied)
	if tick == nil {
		t.Fatal("no countdown tick started")
	}
	v := uitest.Plain(m.View())
	for _, want := range []string{"Copied the key to the clipboard", "Clipboard clears in 30s"} {
		if !strings.Contains(v, want) {
			t.Errorf("missing %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, theSecret) {
		t.Errorf("copying revealed the secret:\n%s", v)
	}
}

func TestJanitorClearsOnlyWhatItCopied(t *testing.T) {
	for _, tc := range []struct {
		name      string
		replaced  string // another program's copy in between
		wantAfter string
		wantDone  func(clip.ClearResult) bool
	}{
		{"unchanged", "", "", func(r clip.ClearResult) bool { return r.Cleared }},
		{"replaced", "someone else's text", "someone else's text", func(r clip.ClearResult) bool { return r.LeftAlone }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, fake, c := newScreen(t, 20*time.Millisecond)
			j := secret.NewJanitor(c.Clipboard)
			copied := one(t, press(m, "c")).(secret.CopiedMsg)
			m.Update(copied)
			if tc.replaced != "" {
				fake.Set(tc.replaced)
			}
			due := one(t, j.Update(copied)) // the tick, after 20 ms
			cleared, ok := one(t, j.Update(due)).(secret.ClearedMsg)
			if !ok || !tc.wantDone(cleared.Result) {
				t.Fatalf("clear result %#v", cleared)
			}
			if got := fake.Content(); got != tc.wantAfter {
				t.Fatalf("clipboard holds %q, want %q", got, tc.wantAfter)
			}
			if _, ok := one(t, j.Update(cleared)).(common.NoticeMsg); !ok {
				t.Error("the clear was not reported")
			}
			m.Update(cleared)
			if v := uitest.Plain(m.View()); !strings.Contains(v, cleared.Result.Message) {
				t.Errorf("the screen does not say what happened:\n%s", v)
			}
			if j.Pending() {
				t.Error("janitor still holds a receipt after the clear")
			}
		})
	}
}

func TestJanitorClearsOnQuitAndNeverWhenConfiguredSo(t *testing.T) {
	m, fake, c := newScreen(t, 0) // 0 = never clear by time
	j := secret.NewJanitor(c.Clipboard)
	if cmd := j.Update(one(t, press(m, "c"))); cmd != nil {
		t.Fatal("a clear was scheduled although ClearAfter is 0")
	}
	if v := uitest.Plain(m.View()); strings.Contains(v, "clears in") {
		t.Errorf("countdown shown although the clipboard is never cleared:\n%s", v)
	}
	uitest.Collect(j.ClearOnQuit(), uitest.Patience)
	if got := fake.Content(); got != "" {
		t.Fatalf("quit left %q on the clipboard", got)
	}
	if j.ClearOnQuit() != nil || j.Clear(c.Ctx) != "" {
		t.Error("a second clear on quit was not a no-op")
	}
}

func TestLeavingAsksAndDefaultsToStaying(t *testing.T) {
	m, _, c := newScreen(t, 0)
	if !m.GuardQuit() {
		t.Fatal("the screen does not guard quitting while it holds the secret")
	}
	press(m, "v")
	for _, k := range []string{"esc", "q", "ctrl+c"} {
		press(m, k)
		if v := uitest.Plain(m.View()); !strings.Contains(v, "Have you stored the secret? It cannot be shown again.") {
			t.Fatalf("%s did not ask:\n%s", k, v)
		}
		if !m.CapturesInput() {
			t.Fatal("the question does not capture esc and q")
		}
		if cmd := press(m, "enter"); cmd != nil || !m.Held() {
			t.Fatalf("%s then enter left the screen", k)
		}
	}
	press(m, "esc")
	cmd := press(m, "y")
	if cmd == nil {
		t.Fatal("y did not leave")
	}
	nav := c.TakeNav()
	popped := len(nav) == 1 && nav[0].Kind == common.NavPop
	mouse := false
	for _, msg := range uitest.Collect(cmd, time.Second) {
		mouse = mouse || fmt.Sprintf("%T", msg) == "tea.enableMouseCellMotionMsg"
	}
	if !popped || !mouse {
		t.Fatalf("esc then y: popped %v, mouse taken back %v", popped, mouse)
	}
	if m.Held() || m.GuardQuit() || strings.Contains(m.View(), theSecret) {
		t.Fatal("the screen kept the secret after leaving")
	}
}

func TestQuitFromTheSecretScreenQuitsAfterYes(t *testing.T) {
	m, _, _ := newScreen(t, 0)
	press(m, "q")
	cmd := press(m, "y")
	if cmd == nil {
		t.Fatal("no command")
	}
	if _, ok := cmd().(common.QuitMsg); !ok {
		t.Fatalf("q then y: %T, want QuitMsg", cmd())
	}
}

// A clipboard tool that hangs must not freeze the screen, and the failure
// must be reported once the copier's timeout (2 s) has passed. The tool
// hangs for an hour, so an answer within the test's loose bound can only be
// the copier giving up, however busy the machine.
func TestHungClipboardKeepsTheScreenAnswering(t *testing.T) {
	m, fake, _ := newScreenWith(t, clip.Options{}) // the default 2 s timeout
	fake.SetDelay(time.Hour)
	start := time.Now()
	cmd := press(m, "c")
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	press(m, "v") // answered at once, while the copy waits
	if v := uitest.Plain(m.View()); !strings.Contains(v, theSecret) || !strings.Contains(v, "Copying") {
		t.Fatalf("the screen did not answer v during the copy:\n%s", v)
	}
	select {
	case msg := <-done:
		took := time.Since(start)
		copied := msg.(secret.CopiedMsg)
		if copied.Result.Method != clip.Failed || took > uitest.Patience {
			t.Fatalf("after %v: %#v", took, copied.Result)
		}
		m.Update(copied)
		if v := uitest.Plain(m.View()); !strings.Contains(v, "Could not copy the key") || !strings.Contains(v, "Press v") {
			t.Errorf("failure not reported honestly:\n%s", v)
		}
	case <-time.After(uitest.Patience):
		t.Fatalf("the copy did not give up within %v", uitest.Patience)
	}
}

func TestGoldenSecretScreen(t *testing.T) {
	m, _, _ := newScreen(t, 0)
	uitest.Golden(t, "secret-masked", m.View())
	press(m, "esc")
	uitest.Golden(t, "secret-leave-dialog", m.View())
}

func TestRevealedSecretIsSanitised(t *testing.T) {
	c := uitest.NewCommon(t, uitest.NewFakeAPI(pod.ID, 0))
	k := created()
	k.Secret = "am_\x1b[2J\x1b]52;c;eA==\x07tail"
	m := secret.New(c, common.PodKeys(pod), k)
	m.SetSize(100, 25)
	press(m, "v")
	if v := m.View(); strings.ContainsAny(v, "\x1b\x07") || !strings.Contains(v, "tail") {
		t.Fatalf("revealed secret not made inert: %q", v)
	}
	// No clipboard at all: c is not offered, and the screen says so.
	m = secret.New(c, common.PodKeys(pod), created())
	m.SetSize(100, 25)
	if m.KeyMap.Copy.Enabled() || !strings.Contains(uitest.Plain(m.View()), "No clipboard is available") {
		t.Error("copy offered without a clipboard")
	}
}

// Finding 4: a create answer whose secret is an OSC 52 and a screen clear
// must neither reach the clipboard nor the terminal. The screen says the
// server sent an invalid key, shows it inert, and refuses c.
func TestInvalidSecretIsNeverCopiedNorRenderedRaw(t *testing.T) {
	fake := clip.NewFake()
	t.Cleanup(fake.Release)
	k := created()
	k.Secret = "\x1b]52;c;ZXZpbA==\x07\x1b[2J"
	c := uitest.NewCommon(t, uitest.NewFakeAPI(pod.ID, 0))
	c.Clipboard = clip.New(fake, nil, clip.Options{ClearAfter: 30 * time.Second})
	m := secret.New(c, common.PodKeys(pod), k)
	m.SetSize(100, 25)
	if m.KeyMap.Copy.Enabled() {
		t.Error("c is offered for an invalid secret")
	}
	if cmd := press(m, "c"); cmd != nil {
		for _, msg := range uitest.Collect(cmd, 5*time.Second) {
			m.Update(msg)
		}
	}
	if got := fake.Writes(); len(got) != 0 {
		t.Fatalf("the clipboard was written: %q", got)
	}
	for _, reveal := range []bool{false, true} {
		if reveal {
			press(m, "v")
		}
		v := m.View()
		if strings.ContainsAny(v, "\x07") || strings.Contains(v, "\x1b]") || strings.Contains(v, "\x1b[2J") {
			t.Fatalf("raw escape rendered (revealed %v): %q", reveal, v)
		}
		plain := uitest.Plain(v)
		if !strings.Contains(plain, "invalid key") || !strings.Contains(plain, "Not copied") {
			t.Errorf("the screen does not say the key is invalid and was not copied:\n%s", plain)
		}
		if reveal && !strings.Contains(plain, "␛]52") {
			t.Errorf("the revealed text is not shown inert:\n%s", plain)
		}
	}
}

// Issue 11, item 9: the secret screen lets the mouse go, so that the
// revealed secret can be selected with it.
func TestSecretScreenReleasesTheMouse(t *testing.T) {
	m, _, _ := newScreen(t, 0)
	if got := fmt.Sprintf("%T", m.Init()()); got != "tea.disableMouseMsg" {
		t.Fatalf("Init gives %s, want the mouse released", got)
	}
	if v := uitest.Plain(m.View()); !strings.Contains(v, "select the revealed secret with it") {
		t.Fatalf("the screen does not say the mouse is free:\n%s", v)
	}
}

// At every height from the smallest window up, the secret line and its
// hint stay on screen: a long permission list shortens instead.
func TestSecretLineSurvivesShortWindows(t *testing.T) {
	all := client.Restricted(client.CurrentPermissionNames()...)
	some := client.Restricted(client.CurrentPermissionNames()[:30]...)
	for _, p := range []client.Permissions{all, some} {
		for h := 8; h <= 30; h++ {
			c := uitest.NewCommon(t, uitest.NewFakeAPI(pod.ID, 0))
			k := created()
			k.Permissions = p
			m := secret.New(c, common.OrganizationKeys(), k).ForRotation("The replacement lacks thread_read: the API does not know it.")
			m.SetSize(60, h)
			v := uitest.Plain(m.View())
			if n := strings.Count(v, "\n") + 1; n > h {
				t.Errorf("height %d: %d lines", h, n)
			}
			for _, want := range []string{"secret       am_AbCd" + secret.Mask, "(v reveals it)", "lacks thread_read", "permissions"} {
				if !strings.Contains(v, want) {
					t.Errorf("%s at height %d: %q missing:\n%s", p.Summary(), h, want, v)
				}
			}
			if h < 12 && p.Equal(all) && !strings.Contains(v, "36 of 36 (all)") {
				t.Errorf("height %d: all 36 not summarised:\n%s", h, v)
			}
			if h < 12 && p.Equal(some) && !strings.Contains(v, "more") {
				t.Errorf("height %d: 30 not shortened:\n%s", h, v)
			}
			if strings.Contains(v, "organization the organization") {
				t.Errorf("the scope is named twice:\n%s", v)
			}
		}
	}
}

// After a rotation, the leave dialog says what to do if the secret is
// lost in rotation terms.
func TestLeaveDialogAfterARotation(t *testing.T) {
	c := uitest.NewCommon(t, uitest.NewFakeAPI(pod.ID, 0))
	m := secret.New(c, common.PodKeys(pod), created()).ForRotation("")
	m.SetSize(100, 25)
	press(m, "esc")
	v := uitest.Plain(m.View())
	if !strings.Contains(v, "rotate the old one again") || strings.Contains(v, "create a new one") {
		t.Errorf("dialog:\n%s", v)
	}
}
