package rotated

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestNameAddsTheDateInTheGivenZone(t *testing.T) {
	// 23:30 UTC is already the next day in UTC+2.
	at := time.Date(2026, 11, 28, 23, 30, 0, 0, time.UTC)
	if got := Name("ci deploy", at); got != "ci deploy (rotated 2026-11-28)" {
		t.Errorf("UTC: %q", got)
	}
	east := time.FixedZone("UTC+2", 2*3600)
	if got := Name("ci deploy", at.In(east)); got != "ci deploy (rotated 2026-11-29)" {
		t.Errorf("UTC+2: %q", got)
	}
}

func TestNameCutsALongNameNotTheSuffix(t *testing.T) {
	got := Name(strings.Repeat("é", 300), time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
	if n := utf8.RuneCountInString(got); n != MaxKeyName {
		t.Errorf("%d characters, want %d", n, MaxKeyName)
	}
	if !strings.HasSuffix(got, " (rotated 2026-01-02)") {
		t.Errorf("suffix lost: %q", got[len(got)-30:])
	}
}
