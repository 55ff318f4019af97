package clip

import "crypto/sha256"

// The clipboard path keeps the byte copies of a secret it makes itself
// (for hashing, for the OSC 52 sequence) only as long as it needs them,
// and zeroes them before they go back to the heap, so that a memory
// image (a core dump, a debugger) finds fewer copies. Go strings cannot
// be wiped; the secret's own string belongs to the caller.

// sum hashes s through a byte copy that is wiped afterwards.
func sum(s string) [32]byte {
	b := []byte(s)
	defer clear(b)
	return sha256.Sum256(b)
}
