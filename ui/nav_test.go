package ui

// Issue 11, item 2: a key that opens a screen opens it at once, so the keys
// typed right after it (in the same burst, or queued behind it before any
// command ran) reach the new screen, not the old one. The keys here are fed
// to the root back to back with no command run in between, as Bubble Tea
// does when they are already waiting.

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/audit"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/createkey"
	"github.com/amkeys/amkeys/ui/keydetail"
	"github.com/amkeys/amkeys/ui/placeholder"
	"github.com/amkeys/amkeys/ui/pods"
	"github.com/amkeys/amkeys/ui/uitest"
)

// send hands msgs to the root one after the other without running any
// command, and returns the commands to run later, batched.
func send(m *Model, msgs ...tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, msg := range msgs {
		_, cmd := m.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// "a" then "/" on the pods screen, as one burst or as two messages: the
// audit is open when "/" arrives, so the pods screen never starts its
// filter. ("af" goes the same way; the audit drops keys while it scans, esc
// excepted, so its f is not observable: see audit's updateKey.)
func TestKeysAfterAOpenTheAuditNotThePodsFilter(t *testing.T) {
	for _, tc := range []struct {
		name string
		msgs []tea.Msg
	}{
		{"burst", []tea.Msg{uitest.Key("a/")}},
		{"queued", []tea.Msg{uitest.Key("a"), uitest.Key("/")}},
		{"burst af", []tea.Msg{uitest.Key("af")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newDemoApp(t, "demo")
			p := m.Top().(*pods.Model)
			cmd := send(m, tc.msgs...)
			a, ok := m.Top().(*audit.Model)
			if !ok {
				t.Fatalf("top is %T right after the keys, want the audit", m.Top())
			}
			if p.List().Filtering() {
				t.Fatal("the key after a reached the pods screen: its filter is open")
			}
			uitest.Run(m, cmd)
			if m.Top() != a || a.Scanning() {
				t.Fatalf("after the scan: top %T, scanning %v", m.Top(), a.Scanning())
			}
		})
	}
}

// enter on a pod, then "nci" in one burst before anything loaded: the pod
// opens, n opens the new-key form over it, and "ci" is typed into the name.
func TestEnterThenNOpensTheKeyFormAndTypesTheName(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	cmd := send(m, uitest.Key("enter"), uitest.Key("nci"))
	f, ok := m.Top().(*createkey.Model)
	if !ok {
		t.Fatalf("top is %T after enter and nci, want the key form", m.Top())
	}
	if f.Name() != "ci" {
		t.Fatalf("the name field holds %q, want %q", f.Name(), "ci")
	}
	uitest.Run(m, cmd) // the pod's keys load under the form
	if m.Top() != f || f.Name() != "ci" {
		t.Fatalf("after the loads: top %T, name %q", m.Top(), f.Name())
	}
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "new key") {
		t.Fatalf("the frame does not show the form:\n%s", frame)
	}
}

// On a loaded keys list, enter then j queued: the key's detail opens and
// j scrolls it, instead of moving the list's cursor.
func TestEnterThenJScrollsTheKeyDetail(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	k := openPod(t, m, "Acme Support")
	m.Update(tea.WindowSizeMsg{Width: MinWidth, Height: MinHeight})
	// A key with a permission list: its detail overflows the window.
	sel, _ := k.List().Selected()
	for i := 0; sel.Permissions.IsUnrestricted(); i++ {
		if i == k.List().Len() {
			t.Fatal("the pod has no restricted key")
		}
		press(m, "j")
		sel, _ = k.List().Selected()
	}
	cmd := send(m, uitest.Key("enter"), uitest.Key("j"))
	d, ok := m.Top().(*keydetail.Model)
	if !ok {
		t.Fatalf("top is %T after enter and j, want the key detail", m.Top())
	}
	if after, _ := k.List().Selected(); after.ID != sel.ID {
		t.Fatalf("j moved the keys list's cursor from %s to %s", sel.Name, after.Name)
	}
	if d.Key().ID != sel.ID {
		t.Fatalf("the detail shows %s, want %s", d.Key().Name, sel.Name)
	}
	uitest.Run(m, cmd)
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "lines 2-") {
		t.Fatalf("j did not scroll the detail:\n%s", frame)
	}
}

// A pushed screen's Init may open another at once (the rotation's watch
// opens the secret screen over itself): the root applies it too, on top.
func TestInitMayOpenAScreen(t *testing.T) {
	m, c := newDemoApp(t, "demo")
	below := &opener{Screen: placeholder.New(c, "below", "below"), c: c, next: placeholder.New(c, "above", "above")}
	uitest.Run(m, m.Open(below))
	if len(m.stack) != 3 || m.stack[1] != below || m.Top().Title() != "above" {
		t.Fatalf("stack %d screens, top %q; want home, the opener, then the screen it opened", len(m.stack), m.Top().Title())
	}
	press(m, "esc")
	if m.Top() != below {
		t.Fatalf("esc left %q on top, want the opener", m.Top().Title())
	}
}

// opener is a screen whose Init opens next over itself.
type opener struct {
	common.Screen
	c    *common.Common
	next common.Screen
}

func (o *opener) Init() tea.Cmd {
	o.c.Push(o.next)
	return nil
}

// Navigation belongs to Update: asked for from a command's goroutine (after
// the root's Update returned) it is a bug, caught at once.
func TestNavigationOutsideUpdatePanics(t *testing.T) {
	m, c := newDemoApp(t, "demo")
	m.Update(uitest.Key("j"))
	defer func() {
		if recover() == nil {
			t.Fatal("a Push outside Update was accepted")
		}
	}()
	c.Push(placeholder.New(c, "late", "late"))
}
