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
		act, repl := st.step(r, size)
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
	base  rune // last kept rune a combining mark can sit on; 0 if none
	marks int  // zero-width runes kept on base so far
}

func (st *state) step(r rune, size int) (action, string) {
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
	case r < 0x300 && r != 0xad, isPlainBlock(r): // common text skips the table lookups
		st.setBase(r)
		return keep, ""
	case r == 0x2028 || r == 0x2029:
		return st.placeholder(LineSepPlaceholder)
	case r == 0xfe0e || r == 0xfe0f:
		return st.variationSelector(r)
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
}

func (st *state) placeholder(p string) (action, string) {
	st.base, st.marks = 0, 0
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
