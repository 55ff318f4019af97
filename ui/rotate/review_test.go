package rotate

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/uitest"
)

func reviewOf(t *testing.T, api *uitest.FakeAPI, scope client.Scope) (*Review, client.APIKey) {
	t.Helper()
	c := uitest.NewCommon(t, api)
	k := api.KeysOf(scope)[0]
	m := New(c, common.KeyScope{Scope: scope}, k)
	m.SetSize(80, 20)
	return m, k
}

// While the create is on its way, esc, q and ctrl+c stay with the screen:
// leaving would lose the new key's secret. ctrl+c twice still quits.
func TestReviewHoldsOnWhileCreating(t *testing.T) {
	m, _ := reviewOf(t, uitest.NewFakeAPI("pod", 3), client.PodScope("pod"))
	if m.GuardQuit() {
		t.Fatal("the review guards before anything was sent")
	}
	_, cmd := m.Update(uitest.Key("enter"))
	if cmd == nil || !m.GuardQuit() {
		t.Fatalf("enter sent nothing (cmd %v) or left the screen unguarded", cmd)
	}
	if _, c := m.Update(uitest.Key("enter")); c != nil {
		t.Error("a second enter sent a second create")
	}
	m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if !strings.Contains(uitest.Plain(m.View()), "wait for the answer") {
		t.Errorf("esc while creating says nothing:\n%s", uitest.Plain(m.View()))
	}
	_, quit := m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	if quit == nil {
		t.Fatal("ctrl+c after the warning does not quit")
	}
	if _, ok := quit().(common.QuitMsg); !ok {
		t.Error("ctrl+c after the warning is not a quit")
	}
}

// A refused create changes nothing and leaves enter to try again.
func TestRefusedCreateCanBeRetried(t *testing.T) {
	m, _ := reviewOf(t, uitest.NewFakeAPI("pod", 3), client.PodScope("pod"))
	m.Update(uitest.Key("enter"))
	refusal := &client.Error{Status: 403, ErrCode: client.CodePermissionEscalation, Message: "cannot grant inbox_delete", Fix: "use a key that has it"}
	m.Update(createdMsg{id: m.pending, err: refusal})
	v := uitest.Plain(m.View())
	for _, want := range []string{"refused", "cannot grant inbox_delete", "Fix: use a key that has it", "enter/y creates"} {
		if !strings.Contains(v, want) {
			t.Errorf("review lacks %q:\n%s", want, v)
		}
	}
	if m.GuardQuit() {
		t.Error("still guarded after a refusal")
	}
}

// In a short window the review keeps the title, the replacement's name and
// enter, and says that lines are left out.
func TestShortReviewSaysWhatIsLeftOut(t *testing.T) {
	m, _ := reviewOf(t, uitest.NewFakeAPI("pod", 3), client.PodScope("pod"))
	m.SetSize(60, 11)
	v := uitest.Plain(m.View())
	if n := strings.Count(v, "\n") + 1; n > 11 {
		t.Errorf("%d lines in 11:\n%s", n, v)
	}
	for _, want := range []string{"Rotate the API key", "(rotated ", "enter/y creates the replacement", "more lines: a taller window shows them"} {
		if !strings.Contains(v, want) {
			t.Errorf("%q missing:\n%s", want, v)
		}
	}
	m.SetSize(60, 40)
	if v := uitest.Plain(m.View()); strings.Contains(v, "taller window") {
		t.Errorf("nothing is left out at 40 lines, yet:\n%s", v)
	}
}
