package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	mrand "math/rand/v2"
	"time"
)

// prefixLen is how many leading characters of a secret the API shows.
const prefixLen = 8

// newSecret returns "am_" and 256 random bits in unpadded base64url (43
// characters).
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it aborts the program instead)
	return "am_" + base64.RawURLEncoding.EncodeToString(b[:])
}

func secretPrefix(secret string) string {
	if len(secret) <= prefixLen {
		return secret
	}
	return secret[:prefixLen]
}

func hashSecret(secret string) [32]byte { return sha256.Sum256([]byte(secret)) }

// unknowableHash is the hash of a secret nobody knows, for seeded keys that
// must look real but never authenticate.
func unknowableHash() [32]byte { return hashSecret(newSecret()) }

// newID returns a random (version 4) UUID.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return formatUUID(b)
}

// seededID returns a version 4 UUID drawn from r, for deterministic seeds.
func seededID(r *mrand.Rand) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], r.Uint64())
	binary.LittleEndian.PutUint64(b[8:], r.Uint64())
	return formatUUID(b)
}

func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// wireTime is t as the API stores it: UTC, millisecond precision, so that
// what a client reads back equals what the server compares.
func wireTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// formatTime writes RFC 3339 in UTC with a "Z" and milliseconds.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
