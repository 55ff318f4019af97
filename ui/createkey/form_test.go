package createkey_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/createkey"
	"github.com/amkeys/amkeys/ui/uitest"
)

var acme = client.Pod{ID: "pod-1", Name: "Acme Support"}

// newForm makes the form over a fake API at w×h (the screen's area).
func newForm(t *testing.T, keys []client.APIKey, w, h int) *createkey.Model {
	t.Helper()
	c := uitest.NewCommon(t, uitest.NewFakeAPI(acme.ID, 0))
	m := createkey.New(c, common.PodKeys(acme), func() []client.APIKey { return keys })
	m.SetSize(w, h)
	return m
}

func press(m common.Screen, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = m.Update(uitest.Key(k))
	}
	return cmd
}

func typeText(m common.Screen, s string) {
	for _, r := range s {
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func click(m common.Screen, y int) {
	m.Update(tea.MouseMsg{X: 10, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
}

func view(m common.Screen) string { return uitest.Plain(m.View()) }

func TestSpaceTicksOneAndATicksTheGroup(t *testing.T) {
	m := newForm(t, nil, 100, 30)
	typeText(m, "reader") // q and j are letters of the name here
	press(m, "tab", "tab", "j", " ")
	if got := m.Permissions(); !got.Equal(client.Restricted("inbox_read")) {
		t.Fatalf("after space on inbox_read: %v", got)
	}
	press(m, "a")
	if got := m.Permissions().Summary(); got != "4 of 36" {
		t.Fatalf("after a: %s, want the whole Inboxes group", got)
	}
	press(m, "a")
	if got := m.Permissions().Summary(); got != "0 of 36" {
		t.Fatalf("a on a full group: %s, want it unticked", got)
	}
	press(m, "k", " ") // space on the group header ticks the group
	if got := m.Permissions().Summary(); got != "4 of 36" || !strings.Contains(view(m), "4 of 36 ticked") {
		t.Fatalf("space on the header: %s\n%s", got, view(m))
	}
	if m.Name() != "reader" {
		t.Fatalf("name %q", m.Name())
	}
}

func TestPresets(t *testing.T) {
	m := newForm(t, nil, 100, 30)
	press(m, "tab", "tab", "R")
	want := 0
	for _, n := range client.CurrentPermissionNames() {
		if strings.HasSuffix(n, "_read") {
			want++
			if !m.Permissions().Has(n) {
				t.Errorf("read-only preset lacks %s", n)
			}
		}
	}
	if got := m.Permissions().CurrentGrantedCount(); got != want {
		t.Fatalf("read-only preset ticks %d, want %d", got, want)
	}
	press(m, "A")
	if got := m.Permissions(); got.IsUnrestricted() || got.Summary() != "36 of 36" {
		t.Fatalf("A: %v, want all 36 ticked and still restricted", got)
	}
	press(m, "N")
	if got := m.Permissions().Summary(); got != "0 of 36" {
		t.Fatalf("N: %s", got)
	}
}

func TestSameAsKeyCopiesPermissions(t *testing.T) {
	keys := []client.APIKey{
		{ID: "k1", Name: "billing-bot", Prefix: "am_b1", Permissions: client.Restricted("message_send", "draft_read", "thread_read", "brand_new_perm")},
		{ID: "k2", Name: "ops-admin", Prefix: "am_o2"},
	}
	m := newForm(t, keys, 100, 30)
	press(m, "tab", "tab", "S")
	if v := view(m); !strings.Contains(v, "Copy the permissions of which key?") || !strings.Contains(v, "ops-admin") {
		t.Fatalf("no picker:\n%s", v)
	}
	typeText(m, "bill")
	if v := view(m); strings.Contains(v, "ops-admin") {
		t.Fatalf("filter did not narrow:\n%s", v)
	}
	press(m, "enter")
	if got := m.Permissions(); !got.Equal(client.Restricted("message_send", "draft_read")) {
		t.Fatalf("copied %v; want the current names only", got)
	}
	if v := view(m); !strings.Contains(v, "2 name(s) this API no longer defines were left out") {
		t.Errorf("dropped names not mentioned:\n%s", v)
	}
	press(m, "S", "down", "enter")
	if !m.Unrestricted() {
		t.Fatal("copying an unrestricted key did not choose Unrestricted")
	}
}

func TestChecklistScrollsInAShortWindow(t *testing.T) {
	m := newForm(t, nil, 100, 20)
	press(m, "tab", "tab")
	v := view(m)
	if !strings.Contains(v, "↓ ") || strings.Contains(v, "pod_delete") {
		t.Fatalf("a short window shows everything?\n%s", v)
	}
	for range 10 {
		press(m, "pgdown")
	}
	press(m, " ")
	v = view(m)
	if !m.Permissions().Has("pod_delete") || !strings.Contains(v, "[x] pod_delete") || !strings.Contains(v, "↑ ") {
		t.Fatalf("did not scroll to the last permission:\n%s", v)
	}
	if n := strings.Count(v, "\n") + 1; n > 20 {
		t.Fatalf("the form is %d lines in a 20-line area", n)
	}
}

func TestMouseClicksAndWheel(t *testing.T) {
	m := newForm(t, nil, 100, 30)
	// Rows: 0 title, 2 name, 5-6 access, 8 header, 9.. the checklist.
	click(m, 10) // inbox_read
	if !m.Permissions().Equal(client.Restricted("inbox_read")) {
		t.Fatalf("click on inbox_read: %v", m.Permissions())
	}
	click(m, 14) // the Messages header: the whole group
	if got := m.Permissions().Summary(); got != "5 of 36" {
		t.Fatalf("click on a header: %s", got)
	}
	m.Update(tea.MouseMsg{Y: 12, Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if v := view(m); !strings.Contains(v, "↑ 3 more") {
		t.Fatalf("wheel did not scroll:\n%s", v)
	}
	click(m, 5)
	if !m.Unrestricted() {
		t.Fatal("click on Unrestricted did not choose it")
	}
	click(m, 6)
	if m.Unrestricted() || m.Permissions().Summary() != "5 of 36" {
		t.Fatal("back to Restricted lost the ticks")
	}
}

func TestTabSkipsTheChecklistWhenUnrestricted(t *testing.T) {
	m := newForm(t, nil, 100, 30)
	press(m, "tab", "up", " ") // access: choose Unrestricted
	if !m.Unrestricted() {
		t.Fatal("up, space did not choose Unrestricted")
	}
	press(m, "tab")
	if m.CapturesInput() || !strings.Contains(view(m), "[> Review and create <]") {
		t.Fatalf("tab from access did not reach the button:\n%s", view(m))
	}
	press(m, "tab")
	if !m.CapturesInput() {
		t.Fatal("tab from the button did not wrap to the name")
	}
	press(m, "shift+tab")
	if !strings.Contains(view(m), "[> Review and create <]") {
		t.Fatal("shift+tab did not go back")
	}
}

func TestReviewChecksTheForm(t *testing.T) {
	m := newForm(t, nil, 100, 30)
	press(m, "ctrl+s")
	if v := view(m); !strings.Contains(v, "A name is required") {
		t.Fatalf("empty name accepted:\n%s", v)
	}
	typeText(m, "x")
	press(m, "ctrl+s")
	if v := view(m); !strings.Contains(v, "Tick at least one permission") {
		t.Fatalf("a key with no permission accepted:\n%s", v)
	}
}

func TestSummaryAndTheSecondYesForUnrestricted(t *testing.T) {
	keys := []client.APIKey{{ID: "k1", Name: "ops"}}
	m := newForm(t, keys, 100, 30)
	typeText(m, "ops")
	press(m, "tab", "tab", "R", "ctrl+s")
	v := view(m)
	for _, want := range []string{"Create this API key?", "restricted: 13 of 36", "inbox_read", "A key named ops already exists"} {
		if !strings.Contains(v, want) {
			t.Errorf("summary lacks %q:\n%s", want, v)
		}
	}
	press(m, "esc")
	press(m, "shift+tab", "up", " ", "ctrl+s")
	if v := view(m); !strings.Contains(v, "UNRESTRICTED") {
		t.Fatalf("summary of an unrestricted key:\n%s", v)
	}
	if cmd := press(m, "y"); cmd != nil {
		t.Fatal("the first yes already sent the create")
	}
	if v := view(m); !strings.Contains(v, "Really create an UNRESTRICTED key?") || !strings.Contains(v, "[> Back to the form <]") {
		t.Fatalf("no second confirmation, or it does not default to going back:\n%s", v)
	}
	if cmd := press(m, "enter"); cmd != nil {
		t.Fatal("enter on the second confirmation created the key")
	}
	if m.Name() != "ops" || !m.Unrestricted() {
		t.Fatal("the form lost its values")
	}
}

// While the create is in flight, leaving would lose the secret: esc and q
// only warn, and ctrl+c must be pressed twice.
func TestLeavingWhileCreatingIsHeldBack(t *testing.T) {
	m := newForm(t, nil, 100, 30)
	typeText(m, "x")
	press(m, "tab", "tab", "j", " ", "ctrl+s")
	if press(m, "y") == nil {
		t.Fatal("y sent nothing")
	}
	if !m.GuardQuit() {
		t.Fatal("no guard while creating")
	}
	if cmd := press(m, "esc"); cmd != nil {
		t.Fatal("esc left while creating")
	}
	if v := view(m); !strings.Contains(v, "Leaving now would lose it") || !strings.Contains(v, "creating the key…") {
		t.Fatalf("no warning:\n%s", v)
	}
	cmd := press(m, "ctrl+c")
	if cmd == nil {
		t.Fatal("the second ctrl+c did not quit")
	}
	if _, ok := cmd().(common.QuitMsg); !ok {
		t.Fatalf("second ctrl+c: %T", cmd())
	}
}

func TestGoldenRiskyRows(t *testing.T) {
	m := newForm(t, nil, 100, 24)
	press(m, "tab", "tab")
	for range 60 {
		press(m, "j")
	}
	press(m, "k", "k", " ")
	uitest.Golden(t, "form-risky", m.View())
}
