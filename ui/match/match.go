// Package match is the filter's matcher: case-insensitive substring search
// that allocates nothing, so one keystroke over 100,000 rows stays fast.
package match

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Query is a prepared filter text.
type Query struct {
	raw   string
	lower string
	ascii bool
	first [2]byte // the first byte in both cases, for a quick scan

	mask     uint64 // see Admits
	certain  bool   // see Decided
	foldable bool   // see Foldable
}

// New prepares q. An empty query matches everything.
func New(q string) Query {
	lower := strings.ToLower(q)
	out := Query{raw: q, lower: lower, ascii: isASCII(lower)}
	if out.ascii && lower != "" {
		c := lower[0]
		out.first = [2]byte{c, byte(unicode.ToUpper(rune(c)))}
	}
	out.prepareMask()
	out.foldable = out.ascii && strings.IndexByte(lower, Separator) < 0
	return out
}

// Empty reports whether the query matches everything.
func (q Query) Empty() bool { return q.lower == "" }

// String is the query as typed.
func (q Query) String() string { return q.raw }

// Narrows reports whether every match of q is also a match of prev, so
// filtering can start from prev's results.
func (q Query) Narrows(prev Query) bool { return strings.Contains(q.lower, prev.lower) }

// InAny reports whether any field contains the query, using the row's
// signature first.
func (q Query) InAny(sig Signature, fields ...string) bool {
	if q.lower == "" {
		return true
	}
	if !q.Admits(sig) {
		return false
	}
	if q.certain {
		return true
	}
	for _, f := range fields {
		if q.In(f) {
			return true
		}
	}
	return false
}

// In reports whether s contains the query, ignoring case.
func (q Query) In(s string) bool {
	if q.lower == "" {
		return true
	}
	if !q.ascii {
		return strings.Contains(strings.ToLower(s), q.lower)
	}
	n := len(q.lower)
	if n > len(s) {
		return false
	}
	c0, c1 := q.first[0], q.first[1]
	last := len(s) - n
	for i := 0; i <= last; i++ {
		// A plain byte loop beats two IndexByte calls on the short
		// strings (names, prefixes, ids) that the filter searches.
		if b := s[i]; (b == c0 || b == c1) && equalFoldASCII(s[i:i+n], q.lower) {
			return true
		}
	}
	return false
}

// equalFoldASCII compares s with an ASCII-lowercase want.
func equalFoldASCII(s, want string) bool {
	for i := 0; i < len(want); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != want[i] {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
