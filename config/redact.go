package config

import (
	"regexp"
	"strings"
	"unicode"
)

// keyTokenRe finds what looks like an AgentMail key: am_ (any case) and the
// characters keys are made of, not inside a longer word ("program_name").
var keyTokenRe = regexp.MustCompile(`(^|[^A-Za-z0-9])(?i:am_)[A-Za-z0-9_-]+`)

// redactKeys replaces every key-like token in s with [redacted].
func redactKeys(s string) string {
	return keyTokenRe.ReplaceAllString(s, "${1}"+redacted)
}

// Limits for the stderr line shown when a key command fails.
const (
	maxShownLine   = 200     // runes shown
	maxScannedLine = 4 << 10 // bytes of the line searched for keys
)

// shownStderrLine returns the first non-blank line of a failed key
// command's stderr, made safe to show: control characters dropped, every
// word of stdout (which may hold the key, or part of it) and every key-like
// token blanked out, and cut to maxShownLine runes.
func shownStderrLine(stderr, stdout string) string {
	for line := range strings.Lines(stderr) {
		line = strings.TrimSpace(strings.Map(dropControl, line))
		if line == "" {
			continue
		}
		if len(line) > maxScannedLine {
			line = strings.ToValidUTF8(line[:maxScannedLine], "")
		}
		for _, word := range strings.Fields(stdout) {
			if len(word) >= 3 {
				line = strings.ReplaceAll(line, word, redacted)
			}
		}
		return shorten(redactKeys(line), maxShownLine)
	}
	return ""
}

// dropControl removes control characters, so that stderr cannot move the
// cursor or change colours when shown. ESC sequences lose their ESC and are
// left as harmless text.
func dropControl(r rune) rune {
	if r == '\t' {
		return ' '
	}
	if unicode.IsControl(r) || r == unicode.ReplacementChar {
		return -1
	}
	return r
}
