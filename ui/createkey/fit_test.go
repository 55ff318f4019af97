package createkey

import (
	"strings"
	"testing"
)

// A long refusal keeps the server's fix: the message gives way first.
func TestFitProblemKeepsTheFix(t *testing.T) {
	parts := []string{
		"The server refused to create the key (permission_escalation): " + strings.Repeat("a very long message ", 30),
		"  permissions.domain_delete: not granted to the caller",
		"Fix: ask for a key that has domain_delete, or untick it",
	}
	lines := fitProblem(parts, 60, 5)
	if len(lines) > 5 {
		t.Fatalf("%d lines, want at most 5", len(lines))
	}
	joined := strings.Join(lines, " ")
	if !strings.Contains(joined, "Fix: ask for a key that has") || !strings.Contains(joined, "untick it") {
		t.Fatalf("the fix was cut: %q", lines)
	}
	if !strings.HasSuffix(lines[len(lines)-3], "…") && !strings.HasSuffix(lines[len(lines)-2], "…") {
		t.Fatalf("the cut message is not marked: %q", lines)
	}
	if fitProblem(nil, 60, 5) != nil || fitProblem(parts, 60, 0) != nil {
		t.Fatal("nothing to fit must give nothing")
	}
}
