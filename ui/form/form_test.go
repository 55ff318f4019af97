package form_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/form"
	"github.com/amkeys/amkeys/ui/uitest"
)

func newForm(t *testing.T) form.Model {
	c := uitest.NewCommon(t, uitest.NewFakeAPI("pod-1", 0))
	f := form.New(c.Styles, form.Options{Noun: "thing", LabelWidth: 8, CharLimit: 5,
		Fields: []form.Field{{Label: "One"}, {Label: "Two"}}})
	f.SetSize(60, 12)
	return f
}

func typeInto(f *form.Model, s string, busy bool) {
	for _, r := range s {
		f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}, busy)
	}
}

func TestKeysMoveSubmitAndCancel(t *testing.T) {
	f := newForm(t)
	typeInto(&f, " abcdefg", false) // the char limit keeps five
	if a, _ := f.Update(uitest.Key("enter"), false); a != form.None {
		t.Fatalf("enter on the first field: %v, want a move", a)
	}
	typeInto(&f, "x", false)
	if f.Value(0) != "abcd" || f.Value(1) != "x" {
		t.Fatalf("values %q, %q", f.Value(0), f.Value(1))
	}
	if a, _ := f.Update(uitest.Key("enter"), false); a != form.Submit {
		t.Fatalf("enter on the last field: %v, want submit", a)
	}
	if a, _ := f.Update(uitest.Key("esc"), false); a != form.Cancel {
		t.Fatalf("esc: %v, want cancel", a)
	}
	if v := uitest.Plain(f.View("New thing", false, []string{"bad"})); !strings.Contains(v, "One      abcd") || !strings.Contains(v, "creates the thing") || !strings.Contains(v, "bad") {
		t.Fatalf("view:\n%s", v)
	}
}

// While a create is in flight the form takes no text and does not submit
// again, but ctrl+c still asks.
func TestBusyIgnoresAllButCtrlC(t *testing.T) {
	f := newForm(t)
	typeInto(&f, "ab", false)
	typeInto(&f, "cd", true)
	if a, _ := f.Update(uitest.Key("ctrl+s"), true); a != form.None || f.Value(0) != "ab" {
		t.Fatalf("busy: %v, value %q", a, f.Value(0))
	}
	if v := uitest.Plain(f.View("New thing", true, nil)); !strings.Contains(v, "creating the thing…") {
		t.Fatalf("no progress:\n%s", v)
	}
	if a, _ := f.Update(uitest.Key("ctrl+c"), true); a != form.None {
		t.Fatalf("ctrl+c with text: %v, want the question", a)
	}
	if v := uitest.Plain(f.View("New thing", true, nil)); !strings.Contains(v, "Quit amkeys and lose this form?") {
		t.Fatalf("no question:\n%s", v)
	}
	if a, _ := f.Update(uitest.Key("y"), true); a != form.Quit {
		t.Fatalf("y: %v, want quit", a)
	}
}
