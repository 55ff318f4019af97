package sanitize

import "unicode"

// prependLetters are the non-Cf runes with Grapheme_Cluster_Break=Prepend:
// they join the following character, even an ASCII one, into one cluster.
// (The Cf ones are hidden anyway.) TestEveryRune keeps this list honest
// against the grapheme library lipgloss uses.
var prependLetters = &unicode.RangeTable{
	R16: []unicode.Range16{{Lo: 0x0D4E, Hi: 0x0D4E, Stride: 1}},
	R32: []unicode.Range32{
		{Lo: 0x111C2, Hi: 0x111C3, Stride: 1},
		{Lo: 0x113D1, Hi: 0x113D1, Stride: 1},
		{Lo: 0x1193F, Hi: 0x1193F, Stride: 1},
		{Lo: 0x11941, Hi: 0x11941, Stride: 1},
		{Lo: 0x11A84, Hi: 0x11A89, Stride: 1},
		{Lo: 0x11D46, Hi: 0x11D46, Stride: 1},
		{Lo: 0x11F02, Hi: 0x11F02, Stride: 1},
	},
}

// controlPictures maps each C0 control c to its Control Picture U+2400+c.
var controlPictures = func() (p [0x20]string) {
	for c := range p {
		p[c] = string(rune(0x2400 + c))
	}
	return p
}()

// isPlainBlock reports big blocks of common letters and symbols that hold no
// control, format character or mark (TestPlainBlocks checks this).
func isPlainBlock(r rune) bool {
	switch {
	case r >= 0x4e00 && r <= 0x9fff, // CJK unified ideographs
		r >= 0x3400 && r <= 0x4dbf,   // CJK extension A
		r >= 0xac00 && r <= 0xd7a3,   // Hangul syllables
		r >= 0x30a0 && r <= 0x30ff,   // Katakana
		r >= 0x3041 && r <= 0x3096,   // Hiragana letters
		r >= 0xff01 && r <= 0xff9f,   // fullwidth and halfwidth forms
		r >= 0x1f300 && r <= 0x1f3fa, // emoji and pictographs, without
		r >= 0x1f400 && r <= 0x1faff: // the skin-tone modifiers
		return true
	}
	return false
}

// isPrintableASCII reports whether every byte of s is in 0x20..0x7E. It
// checks eight bytes at a time: this is the path nearly every cell takes.
func isPrintableASCII(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		v := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		del := v ^ 0x7f*ones
		nonASCII := v & highs
		below20 := (v - 0x20*ones) &^ v & highs // a byte < 0x20 borrows into its high bit
		isDel := (del - ones) &^ del & highs    // a zero byte in v^0x7f..7f is a DEL
		if nonASCII|below20|isDel != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// isHidden reports invisible characters that can hide or reorder text.
func isHidden(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point,
		unicode.Variation_Selector, prependLetters)
}

// isNoncharacter reports the 66 code points Unicode reserves as "not a character".
func isNoncharacter(r rune) bool {
	return r&0xfffe == 0xfffe || (r >= 0xfdd0 && r <= 0xfdef)
}
