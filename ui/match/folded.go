package match

import "strings"

// Separator ends each field in a haystack made by AppendFolded, so that a
// query cannot match across two fields.
const Separator = '\x00'

// AppendFolded appends the fields to dst as one haystack for InFolded:
// each field with A-Z lower-cased (other bytes kept, as In compares them)
// and followed by Separator. A screen makes it once per row, so a
// keystroke reads one short run of memory per row instead of folding
// every field again.
func AppendFolded(dst []byte, fields ...string) []byte {
	for _, f := range fields {
		for i := 0; i < len(f); i++ {
			c := f[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		dst = append(dst, Separator)
	}
	return dst
}

// Foldable reports whether InFolded can answer for this query: an ASCII
// query without Separator. Others (Unicode case folding) need the fields
// themselves, through InAny.
func (q Query) Foldable() bool { return q.foldable }

// InFolded reports whether a row whose fields gave the signature sig and
// the haystack folded (see AppendFolded) contains the query in one of its
// fields; it agrees with InAny over those fields when q is Foldable.
func (q Query) InFolded(sig Signature, folded string) bool {
	if q.lower == "" {
		return true
	}
	if !q.Admits(sig) {
		return false
	}
	return q.certain || strings.Contains(folded, q.lower)
}
