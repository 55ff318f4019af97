package sanitize

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// mustNotPrint lists, independently of the implementation, the runes that
// must never reach the terminal: bidi controls, zero-width characters and
// separators that terminals or editors treat as line breaks.
var mustNotPrint = map[rune]string{
	0x061C: "ALM", 0x200B: "ZWSP", 0x200C: "ZWNJ", 0x200D: "ZWJ", 0x200E: "LRM", 0x200F: "RLM",
	0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
	0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI",
	0x2060: "WJ", 0x2061: "function application", 0x2062: "invisible times",
	0x2063: "invisible separator", 0x2064: "invisible plus",
	0xFEFF: "BOM", 0x00AD: "soft hyphen", 0x2028: "line separator", 0x2029: "paragraph separator",
}

// inertError describes why s is not safe to print, or returns "" if it is.
func inertError(s string) string {
	if !utf8.ValidString(s) {
		return fmt.Sprintf("invalid UTF-8 in %q", s)
	}
	for i, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			return fmt.Sprintf("C0/DEL byte %#x at %d in %q", r, i, s)
		case r >= 0x80 && r <= 0x9f:
			return fmt.Sprintf("C1 control %U at %d in %q", r, i, s)
		case mustNotPrint[r] != "":
			return fmt.Sprintf("%s %U at %d in %q", mustNotPrint[r], r, i, s)
		case unicode.Is(unicode.Cf, r):
			return fmt.Sprintf("format character %U at %d in %q", r, i, s)
		}
	}
	return ""
}
