package rotated

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/amkeys/amkeys/client"
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

func TestNameReplacesEarlierSuffixes(t *testing.T) {
	day := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"support-agent-207 (rotated 2026-11-30)":                      "support-agent-207 (rotated 2026-12-02)",
		"support-agent-207 (rotated 2026-12-02) (rotated 2026-12-02)": "support-agent-207 (rotated 2026-12-02)",
		"Finance export (read-only)":                                  "Finance export (read-only) (rotated 2026-12-02)",
		"(rotated 2026-01-01) ci":                                     "(rotated 2026-01-01) ci (rotated 2026-12-02)",
		" (rotated 2026-01-01)":                                       " (rotated 2026-01-01) (rotated 2026-12-02)",
	} {
		if got := Name(in, day); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUngrantableNamesLegacyAndUnknown(t *testing.T) {
	p := client.Restricted("message_read", "thread_read", "thread_delete", "zz_future")
	got := Ungrantable(p)
	if strings.Join(got, ",") != "thread_delete,thread_read,zz_future" && strings.Join(got, ",") != "thread_read,thread_delete,zz_future" {
		t.Errorf("Ungrantable = %v", got)
	}
	if g := Grantable(p); !g.Equal(client.Restricted("message_read")) {
		t.Errorf("Grantable = %v", g)
	}
	if Ungrantable(client.Unrestricted()) != nil || Ungrantable(client.Restricted("message_read")) != nil {
		t.Error("current names or unrestricted reported as ungrantable")
	}
	if l := Lost(p, client.Restricted("message_read")); len(l) != 3 {
		t.Errorf("Lost = %v", l)
	}
	if l := Lost(client.Unrestricted(), client.Restricted("message_read")); len(l) != 1 {
		t.Errorf("Lost from unrestricted = %v", l)
	}
}
