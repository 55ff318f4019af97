package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
	"unicode"
)

// DefaultCommandTimeout bounds api_key_command.
const DefaultCommandTimeout = 10 * time.Second

// maxCommandOutput caps what is kept of the command's stdout and stderr.
const maxCommandOutput = 64 << 10

// runKeyCommand runs command with `sh -c` and returns its trimmed stdout as
// the key. It runs without a terminal on stdin, so it cannot prompt there.
// The key never appears in an error: stderr is shown only after any copy of
// the key has been cut out of it. who names the scope ("profile work").
func runKeyCommand(ctx context.Context, command string, timeout time.Duration, who string) (Secret, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var stdout, stderr cappedBuffer
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	killProcessGroupOnCancel(cmd)
	// Backstop: a grandchild holding the pipes open must not keep us waiting.
	cmd.WaitDelay = 500 * time.Millisecond

	err := cmd.Run()
	key := strings.TrimSpace(stdout.String())
	prefix := "api_key_command for " + who
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return Secret{}, fmt.Errorf("%s timed out after %s (it cannot prompt for input)", prefix, timeout)
	case ctx.Err() != nil:
		return Secret{}, fmt.Errorf("%s was cancelled: %w", prefix, ctx.Err())
	case err != nil:
		msg := fmt.Sprintf("%s failed: %s", prefix, describeRunError(err))
		if line := firstLine(stderr.String(), stdout.String()); line != "" {
			msg += ": " + line
		}
		return Secret{}, errors.New(msg)
	case key == "":
		return Secret{}, fmt.Errorf("%s printed nothing; it must print the API key", prefix)
	case strings.Contains(key, "\n"):
		return Secret{}, fmt.Errorf("%s printed several lines; it must print only the key (try adding | head -n 1)", prefix)
	}
	if msg := checkKeyText(key); msg != "" {
		return Secret{}, fmt.Errorf("the key printed by %s %s", prefix, msg)
	}
	return NewSecret(key), nil
}

// describeRunError gives "exit status 1" or why sh could not start, without
// the command line (it may contain anything).
func describeRunError(err error) string {
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.Error()
	}
	var execErr *exec.Error
	if errors.As(err, &execErr) {
		return "cannot run sh: " + execErr.Err.Error()
	}
	return err.Error()
}

// firstLine returns the first non-blank line of stderr, with every word of
// stdout (which may hold the key, or part of it) blanked out, control
// characters dropped, and cut to 200 characters.
func firstLine(stderr, stdout string) string {
	for _, word := range strings.Fields(stdout) {
		if len(word) >= 3 {
			stderr = strings.ReplaceAll(stderr, word, redacted)
		}
	}
	for line := range strings.Lines(stderr) {
		line = strings.TrimSpace(strings.Map(dropControl, line))
		if line == "" {
			continue
		}
		if r := []rune(line); len(r) > 200 {
			line = string(r[:200]) + "…"
		}
		return line
	}
	return ""
}

// dropControl removes control characters, so that stderr cannot move the
// cursor or change colours when shown. ESC sequences lose their ESC and are
// left as harmless text.
func dropControl(r rune) rune {
	if r == '\t' {
		return ' '
	}
	if unicode.IsControl(r) || r == unicode.ReplacementChar {
		return -1
	}
	return r
}

// cappedBuffer keeps the first maxCommandOutput bytes and drops the rest,
// so a runaway command cannot exhaust memory.
type cappedBuffer struct{ bytes.Buffer }

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := maxCommandOutput - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
