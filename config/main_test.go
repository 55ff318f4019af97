package config

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

// roomy is the time limit for commands that should finish: generous, so
// that a busy machine cannot make a test fail.
const roomy = 30 * time.Second

// No test may leave a goroutine behind (key commands read their output in
// goroutines).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
