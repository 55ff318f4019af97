package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// DefaultCommandTimeout bounds api_key_command.
const DefaultCommandTimeout = 10 * time.Second

// keyCommand is one run of api_key_command.
type keyCommand struct {
	command string
	timeout time.Duration
	who     string   // the scope, "profile work", for messages
	hideEnv []string // variables that hold keys: the command must not see them
}

// keyResult is what a key command produced.
type keyResult struct {
	key Secret
	// leftovers is set when the command left processes running in the
	// background (in its process group); they have been ended.
	leftovers bool
}

// run runs the command with `sh -c` and returns the first line of its
// stdout as the key. It runs without a terminal on stdin, so it cannot
// prompt there. The key never appears in an error: stderr is shown only
// after any copy of the key, and anything that looks like one, has been cut
// out of it.
//
// The key is taken once the command has exited: a background process it
// started may keep the output pipe open, so run does not wait for the end
// of the output, only for the end of the key's line.
func (kc keyCommand) run(ctx context.Context) (keyResult, error) {
	ctx, cancel := context.WithTimeout(ctx, kc.timeout)
	defer cancel()
	prefix := "api_key_command for " + kc.who

	stdout, err := newCommandOutput()
	if err != nil {
		return keyResult{}, fmt.Errorf("%s could not start: %s", prefix, osReason(err))
	}
	defer stdout.close()
	stderr, err := newCommandOutput()
	if err != nil {
		return keyResult{}, fmt.Errorf("%s could not start: %s", prefix, osReason(err))
	}
	defer stderr.close()

	cmd := exec.CommandContext(ctx, "sh", "-c", kc.command)
	cmd.Stdout, cmd.Stderr = stdout.w, stderr.w
	cmd.Env = withoutVars(os.Environ(), kc.hideEnv)
	killProcessGroupOnCancel(cmd)
	if err := cmd.Start(); err != nil {
		if ctx.Err() != nil {
			return keyResult{}, kc.contextError(ctx, prefix)
		}
		return keyResult{}, fmt.Errorf("%s failed: %s", prefix, describeRunError(err))
	}
	stdout.start()
	stderr.start()

	runErr := cmd.Wait()
	// Background jobs of the command are no use once it has exited, and
	// one of them may hold the output pipe open.
	leftovers := endProcessGroup(cmd)
	stdout.collect(ctx)
	stderr.collect(ctx)

	switch {
	case ctx.Err() != nil:
		return keyResult{}, kc.contextError(ctx, prefix)
	case runErr != nil:
		msg := fmt.Sprintf("%s failed: %s", prefix, describeRunError(runErr))
		if line := shownStderrLine(stderr.String(), stdout.String()); line != "" {
			msg += ": " + line
		}
		return keyResult{}, errors.New(msg)
	}

	if !stdout.complete() {
		// The line is not finished, and something still holds the pipe: a
		// process we just ended and that is still going away, or one that
		// left our process group. Wait for the end of the output, within the
		// time limit.
		stdout.waitEOF(ctx)
		if !stdout.eof {
			if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return keyResult{}, kc.contextError(ctx, prefix)
			}
			return keyResult{}, fmt.Errorf("%s exited without ending the key's line, and a process it started "+
				"in the background still holds its output open; make it print the key followed by a newline", prefix)
		}
	}
	key, err := keyFromOutput(stdout.String())
	if err != nil {
		return keyResult{}, fmt.Errorf("%s %s", prefix, err)
	}
	if msg := checkKeyText(key); msg != "" {
		return keyResult{}, fmt.Errorf("the key printed by %s %s", prefix, msg)
	}
	return keyResult{key: NewSecret(key), leftovers: leftovers}, nil
}

func (kc keyCommand) contextError(ctx context.Context, prefix string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%s timed out after %s (it cannot prompt for input)", prefix, kc.timeout)
	}
	return fmt.Errorf("%s was cancelled: %w", prefix, ctx.Err())
}

// keyFromOutput returns the key: the only line of out, without surrounding
// white space. The error never contains the output.
func keyFromOutput(out string) (string, error) {
	key := strings.TrimSpace(out)
	switch {
	case key == "":
		return "", errors.New("printed nothing; it must print the API key")
	case strings.Contains(key, "\n"):
		return "", errors.New("printed several lines; it must print only the key (try adding | head -n 1)")
	}
	return key, nil
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

// withoutVars returns env (KEY=value entries) without the named variables.
func withoutVars(env, names []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		hidden := false
		for _, n := range names {
			if sameEnvName(name, n) {
				hidden = true
				break
			}
		}
		if !hidden {
			out = append(out, kv)
		}
	}
	return out
}
