package sanitize

import (
	"testing"
	"unicode"
)

// TestEveryRune runs Text over every code point of the planes Unicode uses
// and checks that the result is inert and that no kept rune joins a following
// ASCII character, space or "…" into its grapheme cluster: such a rune makes
// the measured width of a padded cell differ from what the terminal prints
// (this found U+0D4E). Planes 4-13 are unassigned and 15-16 private use.
func TestEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("walks 270,000 code points")
	}
	for r := rune(0); r <= 0xe0fff; r++ {
		switch {
		case r == 0x40000:
			r = 0xe0000
		case r >= 0xd800 && r <= 0xdfff:
			continue
		}
		s := Text(string(r))
		if msg := inertError(s); msg != "" {
			t.Fatalf("%U: %s", r, msg)
		}
		if msg := widthHazard(s); msg != "" {
			t.Fatalf("%U: %s", r, msg)
		}
		w := Width(s)
		if got := Width(Text(string(r) + "a")); got != w+1 {
			t.Fatalf("%U followed by 'a' measures %d, want %d: it glues to the next character", r, got, w+1)
		}
		if got := Width(Text(string(r) + " ")); got != w+1 {
			t.Fatalf("%U followed by a space measures %d, want %d", r, got, w+1)
		}
		if got := Width(Text(string(r) + Ellipsis)); got != w+ellipsisWidth {
			t.Fatalf("%U followed by %q measures %d, want %d", r, Ellipsis, got, w+ellipsisWidth)
		}
	}
}

func TestPlainBlocks(t *testing.T) {
	for r := rune(0); r <= 0x10ffff; r++ {
		if !isPlainBlock(r) {
			continue
		}
		if isHidden(r) || isNoncharacter(r) || unicode.Is(unicode.M, r) || r == 0xfe0e || r == 0xfe0f ||
			r == zwj || isEmojiModifier(r) || isRegionalIndicator(r) {
			t.Fatalf("%U is in a plain block but Text must look at it", r)
		}
	}
}
