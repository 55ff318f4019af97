package sanitize

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestTextReplacesEachClass(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"printable ASCII unchanged", "prod-key-01 ~!", "prod-key-01 ~!"},
		{"empty", "", ""},
		{"ESC becomes a picture, the rest is inert text", "\x1b[2Jx", "␛[2Jx"},
		{"NUL", "a\x00b", "a␀b"},
		{"CR LF", "a\r\nb", "a␍␊b"},
		{"tab", "a\tb", "a␉b"},
		{"backspace", "a\bb", "a␈b"},
		{"unit separator U+001F", "\x1f", "␟"},
		{"DEL", "a\x7fb", "a␡b"},
		{"C1 CSI", "\u009b2J", "⍰2J"},
		{"C1 first and last", "\u0080\u009f", "⍰⍰"},
		{"NBSP after C1 kept", "\u009f\u00a0", "⍰\u00a0"},
		{"raw 8-bit CSI byte", "\x9b2J", "\uFFFD2J"},
		{"lone 0xff", "\xff", "\uFFFD"},
		{"truncated multibyte", "\xe6\x9d", "\uFFFD\uFFFD"},
		{"overlong", "\xc0\xaf", "\uFFFD\uFFFD"},
		{"CESU surrogate", "\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"literal U+FFFD kept", "\uFFFD", "\uFFFD"},
		{"noncharacters", "\uFFFE\U0010FFFF\uFDD0", "\uFFFD\uFFFD\uFFFD"},
		{"RLO", "abc\u202Egpj", "abc⸮gpj"},
		{"isolates", "\u2066\u2067\u2068\u2069", "⸮⸮⸮⸮"},
		{"LRM RLM ALM", "\u200E\u200F\u061C", "⸮⸮⸮"},
		{"zero width", "\u200B\u200C\u200D", "⸮⸮⸮"},
		{"word joiner and invisible operators", "\u2060\u2061\u2062\u2063\u2064", "⸮⸮⸮⸮⸮"},
		{"BOM", "\uFEFFx", "⸮x"},
		{"soft hyphen", "a\u00ADb", "a⸮b"},
		{"line and paragraph separators", "a\u2028b\u2029c", "a␤b␤c"},
		{"Mongolian vowel separator", "\u180E", "⸮"},
		{"interlinear annotation", "\uFFF9\uFFFA\uFFFB", "⸮⸮⸮"},
		{"tag characters", "\U000E0001\U000E0041\U000E007F", "⸮⸮⸮"},
		{"Hangul fillers", "\u115F\u3164\uFFA0", "⸮⸮⸮"},
		{"combining grapheme joiner", "a\u034Fb", "a⸮b"},
		{"ideographic variation selector", "葛\U000E0100", "葛⸮"},
		{"prepend letter would glue the space", "\u0D4E x", "⸮ x"},
		{"Arabic number sign (Cf, prepend)", "\u0600a", "⸮a"},
		{"VS16 kept where width is unchanged", "🚀\uFE0F", "🚀\uFE0F"},
		{"VS16 dropped where it would widen", "\u2764\uFE0F", "\u2764"},
		{"VS16 dropped after ASCII", "#\uFE0F\u20E3", "#\u20E3"},
		{"VS16 with no base dropped", "\uFE0Fx", "x"},
		{"skin tone dropped", "👍🏽", "👍"},
		{"skin tone alone dropped", "a🏽 🏽", "a "},
		{"ZWJ between pictographs dropped", "👩\u200D💻", "👩💻"},
		{"ZWJ family shows every member", "👨\u200D👩\u200D👧\u200D👦", "👨👩👧👦"},
		{"ZWJ between letters", "a\u200Db", "a⸮b"},
		{"ZWJ leading", "\u200D🚀", "⸮🚀"},
		{"ZWJ trailing", "🚀\u200D", "🚀⸮"},
		{"ZWJ letter then pictograph", "x\u200D🚀", "x⸮🚀"},
		{"ZWJ pictograph then letter", "🚀\u200Dx", "🚀⸮x"},
		{"ZWJ doubled", "👩\u200D\u200D💻", "👩⸮⸮💻"},
		{"ZWJ after a placeholder", "\x1b\u200D🚀", "␛⸮🚀"},
		{"lone regional indicator", "\U0001F1EF", "\uFFFD"},
		{"odd regional indicator after a flag", "🇯🇵\U0001F1EB", "🇯🇵\uFFFD"},
		{"regional indicators split by a mark", "\U0001F1EF\u0301\U0001F1F5", "\uFFFD◌\u0301\uFFFD"},
		{"mark at start gets a dotted circle", "\u0301a", "◌\u0301a"},
		{"mark after space gets a dotted circle", "a \u0301", "a ◌\u0301"},
		{"mark after placeholder gets a dotted circle", "\x1b\u20E0", "␛◌\u20E0"},
		{"marks beyond four dropped", "e" + strings.Repeat("\u0301", 9) + "x", "e" + strings.Repeat("\u0301", 4) + "x"},
		{"mark count resets on a new base", "e\u0301\u0301\u0301\u0301f\u0301", "e\u0301\u0301\u0301\u0301f\u0301"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in)
			if got != tt.want {
				t.Fatalf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if changed := got != tt.in; HasControl(tt.in) != changed {
				t.Fatalf("HasControl(%q) = %v, but Text changed it: %v", tt.in, !changed, changed)
			}
		})
	}
}

func TestTextKeepsLegitimateText(t *testing.T) {
	for _, s := range []string{
		"Müller & Söhne", "東京", "🚀", "مفتاح الإنتاج", "שָׁלוֹם", "Tiếng Việt",
		"ＡＰＩ　ＫＥＹ", "🇯🇵", "🇯🇵🇫🇷", "👍", "naïve café", "नमस्ते", "Ελληνικά", "ключ",
		"e\u0301", "\u00a0", "", "\uFFFD",
	} {
		if got := Text(s); got != s {
			t.Errorf("Text(%q) = %q, want it unchanged", s, got)
		}
		if HasControl(s) {
			t.Errorf("HasControl(%q) = true for legitimate text", s)
		}
	}
}

func TestTextASCIIDoesNotAllocate(t *testing.T) {
	s := strings.Repeat("key-", 10)
	if n := testing.AllocsPerRun(100, func() { _ = Text(s) }); n != 0 {
		t.Fatalf("Text on printable ASCII allocated %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = Cell(s, len(s)) }); n != 0 {
		t.Fatalf("Cell on ASCII of exact width allocated %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = Text("東京の鍵") }); n != 0 {
		t.Fatalf("Text on clean Unicode allocated %v times", n)
	}
}

func TestPlaceholdersAreOneColumn(t *testing.T) {
	for _, p := range []string{C1Placeholder, HiddenPlaceholder, LineSepPlaceholder,
		InvalidPlaceholder, DelPlaceholder, "␀", "␛", "␟", markBase + "\u0301"} {
		if w := Width(p); w != 1 {
			t.Errorf("Width(%q) = %d, want 1", p, w)
		}
		if HasControl(p) {
			t.Errorf("placeholder %q is itself replaced by Text", p)
		}
	}
}

// TestIsPrintableASCII checks the eight-bytes-at-a-time scan against the
// obvious one for every byte value at every position of a 17-byte string.
func TestIsPrintableASCII(t *testing.T) {
	for pos := 0; pos < 17; pos++ {
		for c := 0; c < 256; c++ {
			b := []byte(strings.Repeat("x", 17))
			b[pos] = byte(c)
			want := c >= 0x20 && c <= 0x7e
			if got := isPrintableASCII(string(b)); got != want {
				t.Fatalf("byte %#x at %d: got %v, want %v", c, pos, got, want)
			}
		}
	}
	// Several unusual bytes in one word: borrows must not hide one another.
	rng := rand.New(rand.NewPCG(1, 2))
	edges := []byte{0x20, 0x21, 0x7e, 'x'}
	bad := []byte{0x00, 0x01, 0x1f, 0x7f, 0x80, 0xff}
	for range 200000 {
		b := make([]byte, 16)
		want := true
		for i := range b {
			b[i] = edges[rng.IntN(len(edges))]
			if rng.IntN(24) == 0 {
				b[i], want = bad[rng.IntN(len(bad))], false
			}
		}
		if got := isPrintableASCII(string(b)); got != want {
			t.Fatalf("%q: got %v, want %v", b, got, want)
		}
	}
}
