package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/internal/argsafe"
)

// A key pasted where an argument or a flag value goes is never echoed in
// the usage error: not by amkeys, its audit and sandbox commands, the
// config flags, nor the flag package's own messages.
func TestPastedKeyIsNotEchoed(t *testing.T) {
	const key = "am_Qw3rTy7UiOp9AsDfGh2JkLzXcVbNm4Lk8Jh6Gf5Ds1Aq0" // am_ + 43, as the sandbox makes them
	const bare = "Qw3rTy7UiOp9AsDfGh2JkLzXcVbNm4Lk8Jh6Gf5Ds1Aq0"   // the same without its prefix
	auditEnv(t, "http://127.0.0.1:9", "")
	t.Chdir(t.TempDir()) // a form that were accepted must not leave files here
	var forms [][]string
	for _, k := range []string{key, strings.ToUpper(key[:3]) + key[3:], bare} {
		forms = append(forms,
			[]string{k},
			[]string{"--demo", k},
			[]string{"-" + k},
			[]string{"--" + k + "=x"},
			[]string{"--profile", k},
			[]string{"--config", k},
			[]string{"--environment", k},
			[]string{"--base-url", k},
			[]string{"audit", k},
			[]string{"audit", "--format", k},
			[]string{"audit", "--stale", k},
			[]string{"audit", "--fail-on", "stale," + k},
			[]string{"audit", "--concurrency", k},
			[]string{"audit", "--profile", k},
			[]string{"audit", "--environment", k},
			[]string{"audit", "-o", k},
			[]string{"sandbox", k},
			[]string{"sandbox", "--seed", k},
			[]string{"sandbox", "--listen", k},
			[]string{"sandbox", "--latency", k},
			[]string{"sandbox", "--rate-limit", k},
			[]string{"sandbox", "--state", k},
		)
	}
	for _, args := range forms {
		code, stdout, stderr := runBounded(t, args...)
		name := strings.Join(args, " ")
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d; stderr %q", name, code, exitUsage, stderr)
		}
		for _, s := range []string{stdout, stderr} {
			if strings.Contains(s, bare[:12]) || strings.Contains(s, bare[len(bare)-12:]) {
				t.Errorf("%s: the output echoes the key:\n%s", name, s)
			}
		}
		if !strings.Contains(stderr, argsafe.Placeholder) && !strings.Contains(stderr, "not shown") {
			t.Errorf("%s: stderr does not say a value was hidden:\n%s", name, stderr)
		}
	}
}

// Ordinary bad values are still quoted, so that the user sees the typo.
func TestOrdinaryBadValuesAreStillShown(t *testing.T) {
	auditEnv(t, "http://127.0.0.1:9", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--environment", "mars"}, `"mars"`},
		{[]string{"audit", "--format", "yaml"}, `"yaml"`},
		{[]string{"audit", "--stale", "soon"}, `"soon"`},
		{[]string{"audit", "--fail-on", "old"}, `"old"`},
		{[]string{"audit", "--concurrency", "many"}, `"many"`},
		{[]string{"sandbox", "--seed", "lots"}, `"lots"`},
	} {
		code, _, stderr := runBounded(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %s", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}

// runBounded is runCmd with a deadline: a form that were wrongly accepted
// (sandbox --state am_...) would otherwise run until cancelled.
func runBounded(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}
