package config

import (
	"fmt"
	"log/slog"
)

// redacted is what every printing path shows instead of a secret.
const redacted = "[redacted]"

// Secret holds an API key. Every way of printing or encoding it shows
// "[redacted]"; only Reveal returns the value, so a key cannot leak into a
// log, an error or the screen by accident (fmt verbs, JSON, text, slog).
type Secret struct{ s string }

// NewSecret wraps a key.
func NewSecret(s string) Secret { return Secret{s: s} }

// Reveal returns the key itself. Call it only where the key is really needed,
// such as the Authorization header.
func (s Secret) Reveal() string { return s.s }

// IsZero reports whether no key is held.
func (s Secret) IsZero() bool { return s.s == "" }

func (s Secret) String() string   { return redacted }
func (s Secret) GoString() string { return redacted }

// Format handles every fmt verb (%v %+v %#v %s %q %x ...), so none of them
// can fall through to the underlying string.
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(redacted)) }

func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
