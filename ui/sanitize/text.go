package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Placeholders that stand in for characters that must not reach a terminal.
const (
	C1Placeholder      = "⍰"      // C1 control U+0080..U+009F
	HiddenPlaceholder  = "⸮"      // invisible format character (bidi, zero-width, Cf ...)
	LineSepPlaceholder = "␤"      // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
	InvalidPlaceholder = "\uFFFD" // invalid UTF-8 or a noncharacter
	DelPlaceholder     = "␡"      // DEL U+007F
	markBase           = "◌"      // base for a combining mark that has none
	maxMarks           = 4        // combining marks kept on one base
)

// Text returns s as one inert, visible line: controls, invisible characters
// and invalid UTF-8 become placeholders (see the package documentation).
// Printable ASCII is returned as is, without allocating.
func Text(s string) string {
	if isPrintableASCII(s) {
		return s
	}
	out, _ := sanitize(s, false)
	return out
}

// HasControl reports whether Text would change s, i.e. whether s holds a
// control, an invisible character, invalid UTF-8 or a rune Text adjusts.
func HasControl(s string) bool {
	if isPrintableASCII(s) {
		return false
	}
	_, changed := sanitize(s, true)
	return changed
}

// action is what sanitize does with one rune.
type action uint8

const (
	keep       action = iota
	replace           // write the replacement instead
	drop              // write nothing
	insertBase        // write markBase, then the rune
)

// sanitize rewrites s; with probe set it stops at the first change.
// Runs of kept runes are copied in one go.
func sanitize(s string, probe bool) (string, bool) {
	var (
		b     strings.Builder
		st    state
		dirty bool
		start int // first byte of the kept run not yet written
	)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		act, repl := st.step(r, size, s[i+size:])
		if act == keep {
			i += size
			continue
		}
		if probe {
			return "", true
		}
		if !dirty {
			dirty = true
			b.Grow(len(s) + 2*utf8.UTFMax)
		}
		b.WriteString(s[start:i])
		switch act {
		case replace:
			b.WriteString(repl)
		case insertBase:
			b.WriteString(markBase)
			b.WriteString(s[i : i+size])
		}
		i += size
		start = i
	}
	if !dirty {
		return s, false
	}
	b.WriteString(s[start:])
	return b.String(), true
}

// state is what sanitize remembers between runes.
type state struct {
	base    rune // last kept rune a combining mark can sit on; 0 if none
	marks   int  // zero-width runes kept on base so far
	flagRIs int  // regional indicators kept in a row, to pair them into flags
	joined  bool // the rune before base was a kept ZWJ (see joinEmoji)
	joins   int  // ZWJs kept in the current emoji sequence
}

// step decides what to do with rune r of size bytes; rest is the input after
// it, which a ZWJ and a regional indicator look into.
func (st *state) step(r rune, size int, rest string) (action, string) {
	if !isRegionalIndicator(r) {
		st.flagRIs = 0
	}
	switch {
	case r == utf8.RuneError && size == 1:
		return st.placeholder(InvalidPlaceholder)
	case r < 0x20:
		return st.placeholder(controlPictures[r])
	case r == 0x7f:
		return st.placeholder(DelPlaceholder)
	case r < 0x7f:
		st.setBase(r)
		return keep, ""
	case r <= 0x9f:
		return st.placeholder(C1Placeholder)
	case isEmojiModifier(r):
		return drop, ""
	case r < 0x300 && r != 0xad, isPlainBlock(r): // common text skips the table lookups
		st.setBase(r)
		return keep, ""
	case r == 0x2028 || r == 0x2029:
		return st.placeholder(LineSepPlaceholder)
	case r == 0xfe0e || r == 0xfe0f:
		return st.variationSelector(r)
	case r == zwj:
		return st.joiner(rest)
	case isRegionalIndicator(r):
		return st.regionalIndicator(r, rest)
	case isHidden(r):
		return st.placeholder(HiddenPlaceholder)
	case isNoncharacter(r):
		return st.placeholder(InvalidPlaceholder)
	case unicode.Is(unicode.M, r):
		return st.mark()
	}
	st.setBase(r)
	return keep, ""
}

func (st *state) setBase(r rune) {
	st.base, st.marks = r, 0
	if r == ' ' {
		st.base = 0
	}
	if !st.joined {
		st.joins = 0
	}
	st.joined = false
}

func (st *state) placeholder(p string) (action, string) {
	st.base, st.marks, st.joins, st.joined = 0, 0, 0, false
	return replace, p
}

func (st *state) mark() (action, string) {
	if st.base == 0 {
		st.base, st.marks = '◌', 1
		return insertBase, ""
	}
	if st.marks >= maxMarks {
		return drop, ""
	}
	st.marks++
	return keep, ""
}

// variationSelector keeps U+FE0E/U+FE0F only on a non-ASCII base whose
// measured width it leaves unchanged; elsewhere terminals disagree on the
// width of the result, so the presentation hint is dropped.
func (st *state) variationSelector(r rune) (action, string) {
	if st.base < utf8.RuneSelf || st.marks >= maxMarks {
		return drop, ""
	}
	base := string(st.base)
	if ansi.StringWidth(base+string(r)) != ansi.StringWidth(base) {
		return drop, ""
	}
	st.marks++
	return keep, ""
}

// Why emoji sequences are rewritten: lipgloss, and so every layout in amkeys,
// measures a grapheme cluster as one unit, while xterm, VTE, Alacritty and
// tmux draw code point by code point (tmux 3.3 joins ZWJ sequences, but not
// skin tones). Where the two disagree a row is drawn wider than laid out,
// wraps, and the renderer loses track of the screen. So Text keeps only
// emoji that every terminal draws at the measured width:
//   - a skin-tone modifier (U+1F3FB..U+1F3FF) is dropped: it is a hint the
//     terminal may draw as a second 2-column emoji; the emoji shows in its
//     default colour;
//   - a ZWJ inside an emoji ZWJ sequence (UAX #29 rule GB11: pictograph, ZWJ,
//     pictograph) is dropped, unless joinEmoji is set, and the parts show
//     side by side (👩‍💻 shows as 👩💻); any other ZWJ becomes ⸮;
//   - a regional indicator that does not pair into a flag becomes �:
//     terminals draw it 1 column wide, lipgloss measures 2.

// joinEmoji keeps a ZWJ inside an emoji sequence, so that 👩‍💻 is one
// 2-column glyph. Its measured width then matches what tmux and
// grapheme-aware terminals (kitty, WezTerm, iTerm2, foot) draw, but xterm,
// VTE and Alacritty draw two more columns per ZWJ and break the layout, so
// it is off.
var joinEmoji = false

// maxJoins bounds the ZWJs kept in one sequence when joinEmoji is set: the
// longest standard sequences (families, couples) have three.
const maxJoins = 3

const zwj = '\u200d'

func isEmojiModifier(r rune) bool { return r >= 0x1f3fb && r <= 0x1f3ff }

func isRegionalIndicator(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// joiner handles a ZWJ; rest is the input after it.
func (st *state) joiner(rest string) (action, string) {
	next, _ := utf8.DecodeRuneInString(rest)
	if st.base == 0 || !isEmojiJoin(st.base, next) {
		return st.placeholder(HiddenPlaceholder)
	}
	if !joinEmoji {
		return drop, ""
	}
	if st.joins >= maxJoins {
		return st.placeholder(HiddenPlaceholder)
	}
	st.joins++
	st.joined = true
	return keep, ""
}

// isEmojiJoin reports whether a ZWJ between before and after is what joins
// them into one grapheme cluster, as it is only between two pictographs
// (GB11). A mark or another ZWJ after it would join anyway.
func isEmojiJoin(before, after rune) bool {
	if before < utf8.RuneSelf || after < utf8.RuneSelf {
		return false
	}
	return oneCluster(string(before)+string(zwj)+string(after)) &&
		!oneCluster(string(before)+string(after))
}

func oneCluster(s string) bool {
	cluster, _ := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
	return len(cluster) == len(s)
}

// regionalIndicator keeps regional indicators that pair into a flag (two in
// a row, counted from the first) and replaces one left over.
func (st *state) regionalIndicator(r rune, rest string) (action, string) {
	if st.flagRIs%2 == 0 { // first of a pair: the next rune must complete it
		if next, _ := utf8.DecodeRuneInString(rest); !isRegionalIndicator(next) {
			return st.placeholder(InvalidPlaceholder)
		}
	}
	st.flagRIs++
	st.setBase(r)
	return keep, ""
}
