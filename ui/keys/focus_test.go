package keys_test

import (
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/uitest"
)

// drive feeds the screen everything its commands produce and returns the
// messages it did not take (notices for the root).
func drive(m *keys.Model, cmd tea.Cmd) []tea.Msg {
	var others []tea.Msg
	queue := uitest.Collect(cmd, uitest.Patience)
	for len(queue) > 0 {
		msg := queue[0]
		queue = queue[1:]
		if _, ok := msg.(common.NoticeMsg); ok {
			others = append(others, msg)
			continue
		}
		if _, ok := msg.(spinner.TickMsg); ok {
			continue // the loading spinner would tick forever
		}
		_, next := m.Update(msg)
		queue = append(queue, uitest.Collect(next, uitest.Patience)...)
	}
	return others
}

func focusPod(t *testing.T) (*common.Common, client.Pod, []client.APIKey) {
	c, srv := uitest.SandboxCommon(t, "empty")
	c.Settings.PageSize = 10
	pod := srv.AddPod("Deep", "deep")
	var ks []client.APIKey // oldest first
	for i := range 25 {
		ks = append(ks, srv.AddKey(pod.ID, "k"+string(rune('a'+i)), client.Restricted("inbox_read"), time.Time{}).APIKey)
	}
	return c, pod, ks
}

func TestFocusKeyLoadsPagesUntilFound(t *testing.T) {
	c, pod, ks := focusPod(t)
	m := keys.New(c, common.PodKeys(pod))
	m.SetSize(100, 30)
	m.FocusKey(ks[1]) // newest first: on the third page of 10
	if notes := drive(m, m.Init()); len(notes) != 0 {
		t.Errorf("unexpected notices %v", notes)
	}
	sel, ok := m.List().Selected()
	if !ok || sel.ID != ks[1].ID {
		t.Fatalf("cursor on %v, want key %s", sel, ks[1].ID)
	}
	if m.List().Len() != 25 {
		t.Errorf("%d keys loaded", m.List().Len())
	}
}

// A key deleted since it was found (a stale audit): the screen loads every
// page looking for it, then warns and leaves the cursor on the first row,
// not on the row the search stopped on, which a d would delete.
func TestFocusKeyThatIsGoneWarnsAndKeepsTheCursorAtTheTop(t *testing.T) {
	c, pod, ks := focusPod(t)
	gone := client.APIKey{ID: "no-such-key", Prefix: "am_sOLz2", Name: "gone bot"}
	m := keys.New(c, common.PodKeys(pod))
	m.SetSize(100, 8) // shorter than a page: pages are fetched by stepping down
	m.FocusKey(gone)
	notes := drive(m, m.Init())
	if !m.List().Complete() || m.List().Len() != len(ks) {
		t.Fatalf("%d keys loaded, complete %v: the search gave up early", m.List().Len(), m.List().Complete())
	}
	want := common.NoticeMsg{Text: "key am_sOLz2 is no longer listed in pod Deep", Warning: true}
	if len(notes) != 1 || notes[0] != want {
		t.Fatalf("notices %#v, want %#v", notes, want)
	}
	if m.List().Table.Cursor() != 0 {
		t.Errorf("cursor on row %d, want the first row", m.List().Table.Cursor())
	}
}

func TestFocusKeyStopsWhenTheUserMoves(t *testing.T) {
	c, pod, ks := focusPod(t)
	m := keys.New(c, common.PodKeys(pod))
	m.SetSize(100, 30)
	m.FocusKey(ks[0])
	loaded := uitest.Collect(m.Init(), uitest.Patience)
	m.Update(uitest.Key("j")) // before the first page arrives
	for _, msg := range loaded {
		drive(m, func() tea.Msg { return msg })
	}
	if sel, _ := m.List().Selected(); sel == nil || sel.ID != ks[len(ks)-1].ID {
		t.Errorf("the cursor moved to %v after the user took over; want it left on the newest key", sel)
	}
}
