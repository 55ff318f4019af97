package client

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// redactedMark stands for the client's key wherever a server echoed it.
const redactedMark = "[redacted]"

// redactor removes the client's own key from text a server wrote. A proxy
// may echo the request's headers in any case and any JSON escaping, so the
// key is matched ignoring ASCII case, after decoding (see redactSnippet for
// raw bodies). The key's tail after its public 8-character prefix is
// redacted too: it is secret on its own.
type redactor struct{ key string }

func (r redactor) text(s string) string {
	if r.key == "" || s == "" {
		return s
	}
	s = replaceFold(s, r.key)
	if len(r.key) >= 16 {
		s = replaceFold(s, r.key[8:])
	}
	return s
}

// bytes redacts a raw body; it keeps valid JSON valid (the key holds no
// character JSON would escape, and the mark holds none either).
func (r redactor) bytes(b []byte) []byte {
	if r.key == "" || len(b) < len(r.key)-8 {
		return b
	}
	s := string(b)
	if red := r.text(s); red != s {
		return []byte(red)
	}
	return b
}

// snippet is a short, redacted excerpt of a raw body. \uXXXX escapes are
// decoded first, so that a key spelled \u0061\u006d... is caught too.
func (r redactor) snippet(b []byte) string {
	return snippet([]byte(r.text(unescapeUnicode(string(b)))))
}

// error redacts every text field of an API error.
func (r redactor) error(e *Error) *Error {
	e.Name, e.ErrCode, e.Message = r.text(e.Name), r.text(e.ErrCode), r.text(e.Message)
	e.Fix, e.Docs = r.text(e.Fix), r.text(e.Docs)
	for i := range e.Fields {
		e.Fields[i].Path, e.Fields[i].Message = r.text(e.Fields[i].Path), r.text(e.Fields[i].Message)
	}
	return e
}

// replaceFold replaces every occurrence of old in s, ignoring ASCII case.
// Lowering only ASCII letters keeps every byte offset, so matches found in
// the lowered copy are cut from s itself.
func replaceFold(s, old string) string {
	if old == "" || len(s) < len(old) {
		return s
	}
	ls, lo := asciiLower(s), asciiLower(old)
	i := strings.Index(ls, lo)
	if i < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i >= 0 {
		b.WriteString(s[last : last+i])
		b.WriteString(redactedMark)
		last += i + len(old)
		i = strings.Index(ls[last:], lo)
	}
	b.WriteString(s[last:])
	return b.String()
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// unescapeUnicode decodes the \uXXXX escapes of JSON text (surrogate pairs
// included) and leaves everything else as it is.
func unescapeUnicode(s string) string {
	if !strings.Contains(s, `\u`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := hexEscape(s[i:])
		if n == 0 {
			b.WriteByte(s[i])
			i++
			continue
		}
		if utf16.IsSurrogate(r) {
			if r2, n2 := hexEscape(s[i+n:]); n2 > 0 {
				if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
					b.WriteRune(pair)
					i += n + n2
					continue
				}
			}
		}
		b.WriteRune(r)
		i += n
	}
	return b.String()
}

// hexEscape reads one \uXXXX at the start of s; n is 0 when there is none.
func hexEscape(s string) (r rune, n int) {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return 0, 0
	}
	for _, c := range []byte(s[2:6]) {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, 0
		}
		r = r<<4 | rune(d)
	}
	return r, 6
}
