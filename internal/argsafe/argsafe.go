// Package argsafe keeps a pasted API key out of usage errors. People paste
// a key where a flag value or argument goes (`amkeys am_...`); echoing it
// back in "unexpected argument ..." would put it in the terminal's
// scrollback and in CI logs. Every command checks its arguments with
// LooksLikeKey and prints Describe or Redact instead of the value.
package argsafe

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Hint is what to do instead of pasting a key on the command line.
const Hint = "pass the key in AGENTMAIL_API_KEY, not on the command line"

// Placeholder stands in for a value that looks like a key.
const Placeholder = "[a value that looks like an API key, not shown]"

// minKeyShaped is the length from which a random-looking token counts as
// a key even without the am_ prefix (an AgentMail key has 43 characters
// after am_; other vendors' keys are of the same order).
const minKeyShaped = 32

// LooksLikeKey reports whether s looks like an API key: it starts with
// "am_" (any case), or it is a long token of base64 characters that looks
// random (upper and lower case mixed with digits), or a long hex string.
// A long name such as "prod-eu-west-1-billing-team-2024" is not a key.
func LooksLikeKey(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) >= 3 && strings.EqualFold(s[:3], "am_") {
		return true
	}
	if len(s) < minKeyShaped || isPath(s) {
		return false
	}
	var digit, lower, upper, nonHex bool
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'a' && r <= 'z':
			lower, nonHex = true, nonHex || r > 'f'
		case r >= 'A' && r <= 'Z':
			upper, nonHex = true, nonHex || r > 'F'
		case r == '-' || r == '_' || r == '+' || r == '/' || r == '=':
			nonHex = true
		default:
			return false // a space, a dot, a colon: a sentence, a file, a URL
		}
	}
	randomBase64 := digit && lower && upper
	longHex := digit && !nonHex
	return randomBase64 || longHex
}

// Quote is strconv.Quote(s), or Placeholder when s looks like a key.
func Quote(s string) string {
	if LooksLikeKey(s) {
		return Placeholder
	}
	return strconv.Quote(s)
}

// Unexpected is the message for a stray argument: it quotes arg unless
// it looks like a key.
func Unexpected(arg string) string {
	if LooksLikeKey(arg) {
		return "unexpected argument that looks like an API key (not shown); " + Hint
	}
	return "unexpected argument " + strconv.Quote(arg)
}

// CheckFlags returns a message for the first flag set on fs's command line
// whose value looks like a key, naming the flag but not the value; "" when
// there is none. keyFlags are the flags that take a key by design (such as
// --api-key), which are not checked. Call it right after fs.Parse, before
// any code that could echo a value in an error.
func CheckFlags(fs *flag.FlagSet, keyFlags ...string) string {
	msg := ""
	fs.Visit(func(f *flag.Flag) {
		if msg != "" || contains(keyFlags, f.Name) {
			return
		}
		if LooksLikeKey(f.Value.String()) {
			msg = fmt.Sprintf("--%s: the value looks like an API key, so it is not shown; %s", f.Name, Hint)
		}
	})
	return msg
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Redact replaces every key-shaped token of text (a run of letters,
// digits, '-', '_', '+' and '/', leading dashes aside) by Placeholder. It is for
// messages amkeys does not write itself, such as the flag package's
// `invalid value "..." for flag -x`.
func Redact(text string) string {
	var b strings.Builder
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		tok := text[start:end]
		word := strings.TrimLeft(tok, "-")
		if LooksLikeKey(word) {
			b.WriteString(tok[:len(tok)-len(word)])
			b.WriteString(Placeholder)
		} else {
			b.WriteString(tok)
		}
		start = -1
	}
	for i, r := range text {
		if isTokenRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		b.WriteRune(r)
	}
	flush(len(text))
	return b.String()
}

// isTokenRune: the characters of a key (base64, base64url and hex), but
// not '=', so that "name=value" splits into two tokens.
func isTokenRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '-' || r == '_' || r == '+' || r == '/'
}

// Writer returns a writer that passes each Write through Redact. It is
// for output that amkeys does not format itself: the flag package writes
// each of its error messages in one Write.
func Writer(w io.Writer) io.Writer { return redactingWriter{w} }

type redactingWriter struct{ w io.Writer }

func (r redactingWriter) Write(p []byte) (int, error) {
	if _, err := r.w.Write([]byte(Redact(string(p)))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// isPath: a value starting like a file path (/tmp/Reports2026/x, ./out,
// ~/audits) is a path, whatever its letters; a key has no such start.
func isPath(s string) bool {
	for _, p := range []string{"/", "./", "../", "~/"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
