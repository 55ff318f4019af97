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
	if v := uitest.Plain(f.View("New thing", false, []string{"bad"})); !strings.Contains(v, "One      abcd") || !strings.Contains(v, "creates the thing") || !strings.Contains(v, "bad") {
		t.Fatalf("view:\n%s", v)
	}
	if a, _ := f.Update(uitest.Key("esc"), false); a != form.None {
		t.Fatalf("esc on a filled form: %v, want the question", a)
	}
	if a, _ := f.Update(uitest.Key("esc"), false); a != form.Cancel {
		t.Fatalf("esc twice: %v, want cancel", a)
	}
}

// esc on a filled form asks before it throws the input away, as ctrl+c
// does: esc again or y discards, n keeps editing; an empty form just
// closes.
func TestEscAsksBeforeDiscarding(t *testing.T) {
	f := newForm(t)
	if a, _ := f.Update(uitest.Key("esc"), false); a != form.Cancel {
		t.Fatalf("esc on an empty form: %v, want cancel", a)
	}
	typeInto(&f, "ab", false)
	if a, _ := f.Update(uitest.Key("esc"), false); a != form.None {
		t.Fatalf("esc on a filled form: %v, want the question", a)
	}
	v := uitest.Plain(f.View("New thing", false, nil))
	if !strings.Contains(v, "Discard this new thing?") || !strings.Contains(v, "esc again discards") {
		t.Fatalf("no question:\n%s", v)
	}
	var help []string
	for _, b := range f.ShortHelp() {
		help = append(help, b.Help().Key+" "+b.Help().Desc)
	}
	if h := strings.Join(help, " · "); !strings.Contains(h, "y/esc discard") || !strings.Contains(h, "n keep editing") {
		t.Errorf("footer while asking: %q", h)
	}
	if a, _ := f.Update(uitest.Key("n"), false); a != form.None || f.Value(0) != "ab" {
		t.Fatalf("n: %v, value %q; want the form back as it was", a, f.Value(0))
	}
	if v := uitest.Plain(f.View("New thing", false, nil)); !strings.Contains(v, "One     ab") {
		t.Fatalf("n did not go back to the form:\n%s", v)
	}
	f.Update(uitest.Key("esc"), false)
	if a, _ := f.Update(uitest.Key("y"), false); a != form.Cancel {
		t.Fatalf("y: %v, want cancel", a)
	}
	// ctrl+c while asking to discard asks to quit instead.
	f.Update(uitest.Key("esc"), false)
	if a, _ := f.Update(uitest.Key("ctrl+c"), false); a != form.None {
		t.Fatalf("ctrl+c on the discard question: %v, want the quit question", a)
	}
	if a, _ := f.Update(uitest.Key("ctrl+c"), false); a != form.Quit {
		t.Fatalf("ctrl+c twice: %v, want quit", a)
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
