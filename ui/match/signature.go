package match

// Signature summarises which characters occur in a row's searchable text,
// one bit per letter, digit and common separator (ASCII, case folded), so
// a keystroke can turn away most rows without reading them, and answer a
// one-character query from the bits alone.
type Signature uint64

const (
	bitDigits    = 26 // '0'..'9' take bits 26..35
	bitDash      = 36
	bitUnder     = 37
	bitSpace     = 38
	bitDot       = 39
	bitOtherBase = 40 // other ASCII shares bits 40..55
	bitNonASCII  = 63
)

// bitOf maps a byte to its bit, and says whether the bit is the byte's
// alone (so its presence proves the byte occurs).
func bitOf(c byte) (uint, bool) {
	switch {
	case 'a' <= c && c <= 'z':
		return uint(c - 'a'), true
	case 'A' <= c && c <= 'Z':
		return uint(c - 'A'), true
	case '0' <= c && c <= '9':
		return bitDigits + uint(c-'0'), true
	case c == '-':
		return bitDash, true
	case c == '_':
		return bitUnder, true
	case c == ' ':
		return bitSpace, true
	case c == '.':
		return bitDot, true
	case c >= 0x80:
		return bitNonASCII, false
	default:
		return bitOtherBase + uint(c%16), false
	}
}

// Sign computes the signature of a row's searchable fields.
func Sign(fields ...string) Signature {
	var s Signature
	for _, f := range fields {
		for i := 0; i < len(f); i++ {
			b, _ := bitOf(f[i])
			s |= 1 << b
		}
	}
	return s
}

// mask is the set of bits a row must have to contain q, and whether a row
// having them is certain to match (a one-byte query with its own bit).
// Only ASCII queries are summarised: Unicode case folding can map other
// characters onto ASCII ones.
func (q *Query) prepareMask() {
	if !q.ascii || q.lower == "" {
		return
	}
	for i := 0; i < len(q.lower); i++ {
		b, _ := bitOf(q.lower[i])
		q.mask |= 1 << b
	}
	if len(q.lower) == 1 {
		_, q.certain = bitOf(q.lower[0])
	}
}

// Admits reports whether a row with signature s may contain the query;
// false means it certainly does not.
func (q Query) Admits(s Signature) bool { return Signature(q.mask)&s == Signature(q.mask) }

// Decided reports whether Admits is the whole answer for this query.
func (q Query) Decided() bool { return q.certain }
