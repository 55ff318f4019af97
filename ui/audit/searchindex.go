package audit

import (
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/match"
)

// searchIndex is what the / filter reads of each of res.Keys, made once
// per result so that a keystroke formats nothing: the key's signature and
// its searchable fields, ASCII lower-cased and joined, all in one string.
// It is made for the first query on a result and again when the keys
// change (forget).
type searchIndex struct {
	of   *audit.Result // the result indexed, nil when none
	n    int           // how many keys it held then
	sigs []match.Signature
	text string // every key's haystack, one after another
	ends []int  // key i's haystack is text[ends[i-1]:ends[i]]
}

// follow indexes res unless the index is of it already. The count is a
// second guard: the screen forgets on every change it makes to the keys.
func (x *searchIndex) follow(res *audit.Result) {
	if x.of == res && x.n == len(res.Keys) {
		return
	}
	size := 0
	for i := range res.Keys {
		for _, f := range searchFields(&res.Keys[i]) {
			size += len(f) + 1
		}
	}
	buf := make([]byte, 0, size)
	x.sigs, x.ends = x.sigs[:0], x.ends[:0]
	for i := range res.Keys {
		f := searchFields(&res.Keys[i])
		x.sigs = append(x.sigs, match.Sign(f[:]...))
		buf = match.AppendFolded(buf, f[:]...)
		x.ends = append(x.ends, len(buf))
	}
	x.text, x.of, x.n = string(buf), res, len(res.Keys)
}

// forget drops the index: the keys changed (a new result, a delete).
func (x *searchIndex) forget() { *x = searchIndex{sigs: x.sigs[:0], ends: x.ends[:0]} }

// hay is key i's haystack.
func (x *searchIndex) hay(i int) string {
	start := 0
	if i > 0 {
		start = x.ends[i-1]
	}
	return x.text[start:x.ends[i]]
}
