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

func focusPod(t *testing.T) (*common.Common, client.Pod, []string) {
	c, srv := uitest.SandboxCommon(t, "empty")
	c.Settings.PageSize = 10
	pod := srv.AddPod("Deep", "deep")
	var ids []string // oldest first
	for i := range 25 {
		ids = append(ids, srv.AddKey(pod.ID, "k"+string(rune('a'+i)), client.Restricted("inbox_read"), time.Time{}).ID)
	}
	return c, pod, ids
}

func TestFocusKeyLoadsPagesUntilFound(t *testing.T) {
	c, pod, ids := focusPod(t)
	m := keys.New(c, common.PodKeys(pod))
	m.SetSize(100, 30)
	m.FocusKey(ids[1]) // newest first: on the third page of 10
	if notes := drive(m, m.Init()); len(notes) != 0 {
		t.Errorf("unexpected notices %v", notes)
	}
	sel, ok := m.List().Selected()
	if !ok || sel.ID != ids[1] {
		t.Fatalf("cursor on %v, want key %s", sel, ids[1])
	}
	if m.List().Len() != 25 {
		t.Errorf("%d keys loaded", m.List().Len())
	}
}

func TestFocusKeyThatIsGoneNotifies(t *testing.T) {
	c, pod, _ := focusPod(t)
	m := keys.New(c, common.PodKeys(pod))
	m.SetSize(100, 30)
	m.FocusKey("no-such-key")
	notes := drive(m, m.Init())
	if len(notes) != 1 || !m.List().Complete() {
		t.Fatalf("notices %v, complete %v", notes, m.List().Complete())
	}
}

func TestFocusKeyStopsWhenTheUserMoves(t *testing.T) {
	c, pod, ids := focusPod(t)
	m := keys.New(c, common.PodKeys(pod))
	m.SetSize(100, 30)
	m.FocusKey(ids[0])
	loaded := uitest.Collect(m.Init(), uitest.Patience)
	m.Update(uitest.Key("j")) // before the first page arrives
	for _, msg := range loaded {
		drive(m, func() tea.Msg { return msg })
	}
	if sel, _ := m.List().Selected(); sel == nil || sel.ID != ids[len(ids)-1] {
		t.Errorf("the cursor moved to %v after the user took over; want it left on the newest key", sel)
	}
}
