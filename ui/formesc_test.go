package ui

import (
	"strings"
	"testing"

	"github.com/amkeys/amkeys/ui/createinbox"
	"github.com/amkeys/amkeys/ui/createkey"
	"github.com/amkeys/amkeys/ui/createpod"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/pods"
	"github.com/amkeys/amkeys/ui/uitest"
)

// footerOf is the frame's last line.
func footerOf(m *Model) string {
	lines := strings.Split(uitest.Plain(m.View()), "\n")
	return lines[len(lines)-1]
}

// esc on a filled form asks, as ctrl+c does; esc again discards, n keeps
// editing. The key form's footer calls esc the same in every field.
func TestEscOnAFilledFormAsks(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	press(m, "n")
	if _, ok := m.Top().(*createpod.Model); !ok {
		t.Fatalf("n opened %T, want the pod form", m.Top())
	}
	press(m, "A", "c", "m", "e", "esc")
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "Discard this new pod?") {
		t.Fatalf("esc on a filled pod form did not ask:\n%s", frame)
	}
	press(m, "n")
	if _, ok := m.Top().(*createpod.Model); !ok || strings.Contains(uitest.Plain(m.View()), "Discard") {
		t.Fatalf("n did not go back to the form: top %T", m.Top())
	}
	press(m, "esc", "esc")
	if _, ok := m.Top().(*pods.Model); !ok {
		t.Fatalf("esc twice left %T on top, want the pods", m.Top())
	}

	openPod(t, m, "Acme Support")
	press(m, "n")
	if _, ok := m.Top().(*createkey.Model); !ok {
		t.Fatalf("n opened %T, want the key form", m.Top())
	}
	checkEsc := func(where string) {
		t.Helper()
		f := footerOf(m)
		if !strings.Contains(f, "esc cancel") || strings.Contains(f, "esc back") {
			t.Errorf("%s: footer %q, want esc named once, as cancel", where, f)
		}
	}
	checkEsc("name field")
	press(m, "tab", "tab", " ") // the permission list: tick one
	checkEsc("permission list")
	press(m, "esc")
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "Discard this new key?") {
		t.Fatalf("esc in the permission list with a tick did not ask:\n%s", frame)
	}
	if f := footerOf(m); !strings.Contains(f, "y/esc discard") || !strings.Contains(f, "n keep editing") || strings.Contains(f, "esc back") {
		t.Errorf("footer while asking: %q", f)
	}
	press(m, "esc")
	if _, ok := m.Top().(*keys.Model); !ok {
		t.Fatalf("esc twice left %T on top, want the keys", m.Top())
	}
	// An empty form just closes.
	press(m, "n", "esc")
	if _, ok := m.Top().(*keys.Model); !ok {
		t.Fatalf("esc on an empty key form left %T on top", m.Top())
	}

	press(m, "2", "n") // the pod's inboxes: a new inbox
	if _, ok := m.Top().(*createinbox.Model); !ok {
		t.Fatalf("2 n opened %T, want the inbox form", m.Top())
	}
	press(m, "o", "p", "s", "esc")
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "Discard this new inbox?") {
		t.Fatalf("esc on a filled inbox form did not ask:\n%s", frame)
	}
	press(m, "y")
	if _, ok := m.Top().(*createinbox.Model); ok {
		t.Fatal("y did not discard the inbox form")
	}
}
