package audit

import (
	"strings"
	"testing"

	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/uitest"
)

// While / is typed, the line naming the pod filter stays: the text
// narrows what p already narrowed, and the user must still see that.
func TestTypingKeepsTheFilterLine(t *testing.T) {
	m := newScreen(t, fakeOrg(), 110, 30)
	finish(t, m, m.Init())
	m.Update(uitest.Key("p")) // the first row's pod
	pod := m.pods[m.key(m.table.Cursor()).PodID].Name
	m.Update(uitest.Key("/"))
	for _, r := range "key" {
		m.Update(uitest.Key(string(r)))
	}
	frame := uitest.Plain(m.View())
	if !strings.Contains(frame, "pod: "+pod) || !strings.Contains(frame, "/ key") {
		t.Errorf("while typing, the frame lacks the pod filter or the field:\n%s", frame)
	}
	if n := len(strings.Split(m.View(), "\n")); n != 30 {
		t.Errorf("the frame is %d lines high while typing, want 30", n)
	}
	m.Update(uitest.Key("enter"))
	if n := len(strings.Split(m.View(), "\n")); n != 30 {
		t.Errorf("the frame is %d lines high after typing, want 30", n)
	}
}

// A text that matches nothing says so in the table, and how to get out.
func TestNoMatchSaysEscClears(t *testing.T) {
	m := newScreen(t, fakeOrg(), 110, 30)
	finish(t, m, m.Init())
	m.Update(uitest.Key("/"))
	for _, r := range "zzqx" {
		m.Update(uitest.Key(string(r)))
	}
	want := "no credential matches “zzqx”: esc clears it"
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, want) {
		t.Errorf("typing: the frame lacks %q:\n%s", want, frame)
	}
	m.Update(uitest.Key("enter"))
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, want) {
		t.Errorf("applied: the frame lacks %q:\n%s", want, frame)
	}
	m.clearFilters()
	if frame := uitest.Plain(m.View()); strings.Contains(frame, "no credential matches") {
		t.Errorf("the hint outlived the filter:\n%s", frame)
	}
}

// enter on a public key does nothing but point to the AgentID tab: a
// hint, not a success.
func TestOpenPublicKeyIsAWarning(t *testing.T) {
	m := newScreen(t, fakeOrg(), 110, 30)
	finish(t, m, m.Init())
	m.Update(uitest.Key("G")) // the public keys come last
	_, cmd := m.Update(uitest.Key("enter"))
	if cmd == nil {
		t.Fatal("enter on a public key said nothing")
	}
	if n, ok := cmd().(common.NoticeMsg); !ok || !n.Warning {
		t.Errorf("enter on a public key: %#v, want a warning", n)
	}
}
