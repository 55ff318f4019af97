package confirm_test

import (
	"strings"
	"testing"

	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/styles"
	"github.com/amkeys/amkeys/ui/uitest"
)

func TestTypeable(t *testing.T) {
	for s, want := range map[string]bool{
		"Acme Support": true, "support@acme.example": true, "東京": true,
		"": false, "   ": false, "a\tb": false, "a\x1b[2Jb": false, "a\ufffdb": false, "a\xffb": false,
		strings.Repeat("x", 257): false,
	} {
		if got := confirm.Typeable(s); got != want {
			t.Errorf("Typeable(%q) = %v, want %v", s, got, want)
		}
	}
}

// What Typeable accepts, the dialog's field takes as typed; what it
// refuses (U+FFFD here), the field would drop.
func TestTypeableMatchesTheField(t *testing.T) {
	for _, s := range []string{"support@acme.example", "a\ufffdb"} {
		d := confirm.New(styles.New(true), confirm.Options{Title: "t", Type: s, TypeWhat: "it"})
		for _, r := range s {
			d.Update(uitest.Key(string(r)))
		}
		if d.Matches() != confirm.Typeable(s) {
			t.Errorf("%q: typed it in full, match %v, Typeable %v", s, d.Matches(), confirm.Typeable(s))
		}
	}
}
