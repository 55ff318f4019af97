package sanitize

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// widthHazard reports a sequence left in sanitised s that terminals drawing
// code point by code point (xterm, tmux) draw at another width than
// lipgloss measures, or "" if there is none.
func widthHazard(s string) string {
	ris := 0 // regional indicators in a row
	for i, r := range s {
		switch {
		case isEmojiModifier(r):
			return fmt.Sprintf("skin-tone modifier %U at %d in %q", r, i, s)
		case r == zwj && !joinEmoji:
			return fmt.Sprintf("ZWJ at %d in %q", i, s)
		case isRegionalIndicator(r):
			ris++
			continue
		}
		if ris%2 != 0 {
			return fmt.Sprintf("unpaired regional indicator before %d in %q", i, s)
		}
		ris = 0
	}
	if ris%2 != 0 {
		return fmt.Sprintf("unpaired regional indicator at the end of %q", s)
	}
	return ""
}

func TestCorpusHasNoWidthHazard(t *testing.T) {
	for _, c := range Corpus() {
		if msg := widthHazard(Text(c.Text)); msg != "" {
			t.Errorf("%s: Text: %s", c.Name, msg)
		}
		for _, w := range []int{2, 7, 40} {
			if msg := widthHazard(Cell(c.Text, w)); msg != "" {
				t.Errorf("%s: Cell(%d): %s", c.Name, w, msg)
			}
		}
	}
}

func TestWidthHazardCatchesEachKind(t *testing.T) {
	for _, bad := range []string{"👍🏽", "a\U0001F3FB", "👩\u200d💻", "\U0001F1EF", "🇯🇵\U0001F1EB", "\U0001F1EFx🇯🇵"} {
		if widthHazard(bad) == "" {
			t.Errorf("%q passed the hazard check", bad)
		}
	}
	for _, ok := range []string{"👍", "🇯🇵🇫🇷", "👩💻", "x🇯🇵y"} {
		if msg := widthHazard(ok); msg != "" {
			t.Errorf("%q: %s", ok, msg)
		}
	}
}

// setJoinEmoji switches joinEmoji for one test; such tests must not run in
// parallel.
func setJoinEmoji(t *testing.T, on bool) {
	old := joinEmoji
	joinEmoji = on
	t.Cleanup(func() { joinEmoji = old })
}

func TestJoinEmojiKeepsSequencesWhole(t *testing.T) {
	setJoinEmoji(t, true)
	family := "👨\u200D👩\u200D👧\u200D👦"
	tests := []struct{ name, in, want string }{
		{"technologist whole", "👩\u200D💻", "👩\u200D💻"},
		{"family whole", family, family},
		{"skin tone still dropped", "🧑🏽\u200D💻", "🧑\u200D💻"},
		{"VS16 before ZWJ dropped where it widens", "🏳\uFE0F\u200D🌈", "🏳\u200D🌈"},
		{"between letters still replaced", "a\u200Db", "a⸮b"},
		{"leading and trailing still replaced", "\u200D🚀\u200D", "⸮🚀⸮"},
		{"letter then pictograph still replaced", "x\u200D🚀", "x⸮🚀"},
		{"a fourth join is replaced", strings.Repeat("👩\u200D", 4) + "👩", "👩\u200D👩\u200D👩\u200D👩⸮👩"},
		{"the count restarts after a break", "👩\u200D👩\u200D👩\u200D👩 👩\u200D💻", "👩\u200D👩\u200D👩\u200D👩 👩\u200D💻"},
	}
	for _, tt := range tests {
		got := Text(tt.in)
		if got != tt.want {
			t.Errorf("%s: Text(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
		if HasControl(tt.in) != (got != tt.in) {
			t.Errorf("%s: HasControl(%q) disagrees with Text", tt.name, tt.in)
		}
		if Text(got) != got {
			t.Errorf("%s: Text is not idempotent on %q", tt.name, got)
		}
	}
	if w := Width(Text(family)); w != 2 {
		t.Errorf("a joined family measures %d columns, want 2", w)
	}
	if got := Cell(family, 2); got != family {
		t.Errorf("Cell(family, 2) = %q, want the family whole", got)
	}
}

func TestEmojiSequencesShowEveryPart(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"👩\u200D💻", "👩💻"},
		{"🧑🏽\u200D💻", "🧑💻"},
		{"❤\uFE0F\u200D🔥", "❤🔥"},
	} {
		got := Text(tt.in)
		if got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, HiddenPlaceholder) {
			t.Errorf("Text(%q) = %q shows a placeholder between the parts", tt.in, got)
		}
		if w, parts := Width(got), utf8.RuneCountInString(got); w < parts {
			t.Errorf("Text(%q) = %q is %d wide, less than its %d parts", tt.in, got, w, parts)
		}
	}
}
