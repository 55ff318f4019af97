// Package sanitize is the one gate every server-controlled string passes
// through before it reaches a terminal: table cells, error lines and headless
// output alike. kubectl (CVE-2021-25743) and gh (GHSA-crc3-h8v6-qh57) both
// printed escape sequences a server sent them; this package exists so that
// amkeys cannot.
//
// [Text] makes a string one line, inert and visible. Nothing is silently
// removed that could hide or reorder text; instead each dangerous character
// becomes a single-column placeholder:
//
//	C0 controls U+0000..U+001F  ->  Control Pictures U+2400+c (ESC -> ␛, \n -> ␊)
//	DEL U+007F                  ->  ␡
//	C1 controls U+0080..U+009F  ->  ⍰ (no Control Picture exists for C1;
//	                                 "APL quad question" reads as "unknown control")
//	invisible format characters ->  ⸮ (bidi controls, zero-width characters,
//	                                 soft hyphen, BOM, tag characters, every
//	                                 Unicode Cf and Default_Ignorable character,
//	                                 variation selectors other than FE0E/FE0F)
//	U+2028, U+2029              ->  ␤ (they are line breaks to some terminals)
//	invalid UTF-8, noncharacters ->  � U+FFFD
//
// Every placeholder is East-Asian-width Neutral, so it is one column wide
// whatever RUNEWIDTH_EASTASIAN says, and none is a character that legitimate
// names use. After ESC becomes ␛ the rest of a sequence ("[2J") is plain text
// and stays visible: the user sees what the server tried to send.
//
// Four Unicode details are handled so that measured width always equals
// printed width:
//   - Emoji sequences: lipgloss measures a grapheme cluster, xterm and tmux
//     draw code point by code point. Skin-tone modifiers are dropped (👍🏽
//     shows as 👍), a ZWJ joining two pictographs is dropped so the parts
//     show side by side (👩‍💻 shows as 👩💻) while any other ZWJ becomes ⸮,
//     and a regional indicator that does not pair into a flag becomes �.
//     TestCellWidthInTmux checks the corpus in a real tmux pane.
//   - Emoji variation selectors U+FE0E/U+FE0F are kept only where they do not
//     change the measured width of the character before them (🚀️ keeps it).
//     Elsewhere (❤️, #️⃣) terminals disagree on the width, so the selector,
//     a pure presentation hint, is dropped and the plain 1-column glyph shows.
//   - Grapheme "prepend" letters (U+0D4E and a few historic scripts) glue the
//     next character, even a space, into their cluster and make widths
//     disagree; they become ⸮.
//   - Combining marks: a mark with nothing to sit on (at the start, after a
//     space or after a placeholder, where it could deface a border or hide a
//     placeholder) gets a dotted circle ◌ as its base, as Unicode recommends.
//     More than 4 marks on one base ("Zalgo") are dropped beyond the fourth;
//     real scripts (Vietnamese, Hebrew points, Indic vowels) need fewer.
//
// Width is measured exactly as lipgloss.Width measures it (ansi.StringWidth),
// so layout built with lipgloss never breaks. Cell, Truncate and Lines look at
// a bounded prefix of their input, so a megabyte-long name costs no more per
// frame than a short one.
package sanitize
