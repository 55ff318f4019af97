package confirm_test

import (
	"strings"
	"testing"

	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
	"github.com/amkeys/amkeys/ui/uitest"
)

func plain() confirm.Options {
	return confirm.Options{
		Title:   "Delete this API key?",
		Fields:  []confirm.Field{{Label: "name", Value: "ci-bot"}, {Label: "prefix", Value: "am_Ab12…"}},
		Notes:   []string{"This cannot be undone."},
		Confirm: "Delete",
	}
}

func typed() confirm.Options {
	o := plain()
	o.Type, o.TypeWhat = "ci-bot", "the key's name"
	return o
}

func send(d *confirm.Model, keys ...string) confirm.Outcome {
	out := confirm.Pending
	for _, k := range keys {
		out = d.Update(uitest.Key(k))
	}
	return out
}

func TestDefaultIsCancel(t *testing.T) {
	for _, k := range []string{"enter", "n", "esc", "ctrl+c"} {
		d := confirm.New(styles.New(true), plain())
		if got := send(d, k); got != confirm.Canceled {
			t.Errorf("%s: outcome %v, want Canceled", k, got)
		}
	}
}

func TestYesAndChosenButtonConfirm(t *testing.T) {
	d := confirm.New(styles.New(true), plain())
	if got := send(d, "y"); got != confirm.Confirmed {
		t.Errorf("y: %v, want Confirmed", got)
	}
	d = confirm.New(styles.New(true), plain())
	if got := send(d, "x", "q", " "); got != confirm.Pending {
		t.Errorf("other keys: %v, want Pending", got)
	}
	if got := send(d, "tab", "enter"); got != confirm.Confirmed {
		t.Errorf("tab then enter: %v, want Confirmed", got)
	}
	d = confirm.New(styles.New(true), plain())
	if got := send(d, "tab", "tab", "enter"); got != confirm.Canceled {
		t.Errorf("tab twice then enter: %v, want Canceled", got)
	}
}

func TestTypedNameIsRequired(t *testing.T) {
	d := confirm.New(styles.New(true), typed())
	if got := send(d, "y"); got != confirm.Pending {
		t.Fatalf("y in a typed dialog: %v, want Pending (y is a letter)", got)
	}
	if got := send(d, "enter"); got != confirm.Pending {
		t.Fatalf("enter with %q typed: %v, want Pending", "y", got)
	}
	if v := uitest.Plain(d.View(80)); !strings.Contains(v, "does not match yet") {
		t.Errorf("no mismatch hint after enter:\n%s", v)
	}
	send(d, "backspace")
	if got := send(d, "c", "i", "-", "b", "o", "t", " ", "enter"); got != confirm.Confirmed {
		t.Fatalf("typed the name (and a space): %v, want Confirmed", got)
	}
	d = confirm.New(styles.New(true), typed())
	if got := send(d, "n", "esc"); got != confirm.Canceled {
		t.Errorf("esc: %v, want Canceled", got)
	}
}

func TestHostileTextIsInert(t *testing.T) {
	for _, c := range sanitize.Corpus() {
		o := typed()
		o.Title = "Delete " + c.Text + "?"
		o.Fields = append(o.Fields, confirm.Field{Label: "name", Value: c.Text})
		o.Notes = []string{c.Text}
		o.Type = c.Text
		v := confirm.New(styles.New(true), o).View(80)
		if strings.ContainsAny(v, "\x1b\x07\r\x00\u202e") {
			t.Errorf("%s: control characters reached the dialog: %q", c.Name, v)
		}
	}
}

func TestGoldenDialogs(t *testing.T) {
	d := confirm.New(styles.New(true), plain())
	uitest.Golden(t, "dialog", confirm.Place(90, 16, d.View(90)))
	send(d, "tab")
	uitest.Golden(t, "dialog-confirm-chosen", d.View(90))
	d = confirm.New(styles.New(true), typed())
	send(d, "c", "i", "-", "b", "o", "t")
	uitest.Golden(t, "dialog-typed", d.View(90))
}

// Also: each listed text confirms like Type; anything else, or an empty
// alternative, does not.
func TestAlsoAcceptsAlternatives(t *testing.T) {
	o := typed()
	o.Also = []string{"Ab12cD34", ""}
	for _, tc := range []struct {
		typed string
		want  confirm.Outcome
	}{{"ci-bot", confirm.Confirmed}, {"Ab12cD34", confirm.Confirmed}, {" Ab12cD34 ", confirm.Confirmed},
		{"Ab12cD3", confirm.Pending}, {"", confirm.Pending}} {
		d := confirm.New(styles.New(true), o)
		for _, r := range tc.typed {
			d.Update(uitest.Key(string(r)))
		}
		if got := send(d, "enter"); got != tc.want {
			t.Errorf("typed %q: %v, want %v", tc.typed, got, tc.want)
		}
	}
}
