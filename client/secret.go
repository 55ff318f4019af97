package client

import (
	"errors"
	"fmt"
)

// Bounds of a key secret: "am_" and base64url characters. The sandbox
// issues 46 characters; anything far outside this range is not a key.
const (
	MinSecretLen = 16
	MaxSecretLen = 512
)

// ErrInvalidSecret is wrapped by the error of a create whose answer holds
// something other than a key where the secret belongs.
var ErrInvalidSecret = errors.New("the server sent an invalid key secret")

// ValidSecret checks that s has the shape of an AgentMail key: "am_" then
// base64url characters [A-Za-z0-9_-], MinSecretLen to MaxSecretLen bytes in
// all. Only such a string may be shown plainly or copied: anything else
// could carry escape sequences to a terminal or a clipboard.
func ValidSecret(s string) error {
	if len(s) < MinSecretLen || len(s) > MaxSecretLen {
		return fmt.Errorf("%w: %d characters (want %d to %d)", ErrInvalidSecret, len(s), MinSecretLen, MaxSecretLen)
	}
	if s[:3] != "am_" {
		return fmt.Errorf("%w: it does not start with am_", ErrInvalidSecret)
	}
	for i := 3; i < len(s); i++ {
		if !isBase64URL(s[i]) {
			return fmt.Errorf("%w: character %d is not a letter, digit, _ or -", ErrInvalidSecret, i+1)
		}
	}
	return nil
}

func isBase64URL(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// InvalidSecretError is a create that succeeded on the server but answered
// with a secret that is not a key. The key exists (Key says which, without
// the secret); its secret must not be shown plainly or copied.
type InvalidSecretError struct {
	Key    CreatedAPIKey // Secret holds what the server sent: untrusted
	Reason error
}

func (e *InvalidSecretError) Error() string {
	return fmt.Sprintf("key %q was created, but %v", clip(e.Key.ID, 64), e.Reason)
}

func (e *InvalidSecretError) Unwrap() error { return e.Reason }
