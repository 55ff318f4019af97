package clip

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// A subprocess child deliberately leaves a hung clipboard tool (and the
	// goroutine waiting on it) behind; only the parent checks for leaks.
	if os.Getenv(childEnv) != "" {
		os.Exit(m.Run())
	}
	goleak.VerifyTestMain(m)
}

// newSecret returns a fresh, realistic-looking key secret.
func newSecret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "am_test_" + hex.EncodeToString(b)
}
