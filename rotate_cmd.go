package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/bulk"
	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/internal/argsafe"
	"github.com/amkeys/amkeys/internal/rotated"
	"github.com/amkeys/amkeys/ui/report"
	"github.com/amkeys/amkeys/ui/sanitize"
)

const rotateUsage = `Usage: amkeys rotate --key ID [--scope S] (--secret-to FILE | --secret-cmd CMD)
                     [--delete-old-after-quiet 15m] [--timeout 1h]

Replace a key: create a new key with the same scope and permissions, named
"<name> (rotated YYYY-MM-DD)", and hand its secret to a new file or to a
command, never to the terminal. The old key stays until you delete it, or,
with --delete-old-after-quiet, until it has not been used for that long
(polled every 15 s, for at most --timeout).

  --key ID            the key's id (never its secret)
  --scope S           where the key is: organization, pod:ID or inbox:EMAIL
                      (default: search the whole organization)
  --secret-to FILE    write the secret to FILE, which must not exist (mode 0600)
  --secret-cmd CMD    run CMD with sh -c and the secret on its stdin, e.g.
                      'pass insert -m agentmail/ci'; the command does not get
                      AGENTMAIL_API_KEY (nor the profile's api_key_env)

The JSON on stdout names the old and new keys, never the secret. If the
secret cannot be stored, the new key is deleted again. A create whose
answer is lost is settled by listing, never retried.

Exit codes: 0 rotated (and the old key deleted, when asked); 1 refused by
the API, the command failed, or the old key was still in use at --timeout;
2 usage or configuration error (an existing --secret-to file); 3 network or
server failure.

Flags:
`

// Bounds of the rotation flags.
const (
	defaultRotateTimeout = time.Hour
	defaultPollEvery     = 15 * time.Second
	maxCommandOutput     = 64 << 10
)

// rotateRunner runs `amkeys rotate`; its clock and sleep are fields so that
// tests can drive the quiet watch.
type rotateRunner struct {
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	every time.Duration
}

func runRotate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	r := rotateRunner{now: time.Now, sleep: sleepFor, every: defaultPollEvery}
	return r.run(ctx, args, stdout, stderr)
}

func sleepFor(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// rotation is one checked command line and what it did.
type rotation struct {
	rotateRunner
	keyID     string
	scope     *client.Scope
	secretTo  string
	secretCmd string
	quiet     time.Duration
	timeout   time.Duration
	keyEnv    string // the settings' key variable, kept from the command
	api       *audit.PacedClient
	stderr    io.Writer
}

type rotateKeyJSON struct {
	ID           string     `json:"api_key_id"`
	Name         string     `json:"name"`
	Prefix       string     `json:"prefix"`
	Scope        string     `json:"scope"`
	Unrestricted bool       `json:"unrestricted"`
	Permissions  []string   `json:"permissions"`
	CreatedAt    time.Time  `json:"created_at"`
	UsedAt       *time.Time `json:"used_at"`
}

type rotateOutput struct {
	Old       rotateKeyJSON `json:"old"`
	New       rotateKeyJSON `json:"new"`
	SecretTo  string        `json:"secret_written_to,omitempty"`
	SecretCmd bool          `json:"secret_sent_to_command,omitempty"`
	// OldKey is "kept", "deleted", "already gone" or "still in use".
	OldKey string `json:"old_key"`
}

func (r rotateRunner) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if pastedKey(args) {
		fmt.Fprintln(stderr, "amkeys rotate: refusing an argument that looks like an API key: --key takes the key's id, and a secret on the command line stays in the shell history")
		return exitUsage
	}
	fs := flag.NewFlagSet("amkeys rotate", flag.ContinueOnError)
	settingsFlags := config.RegisterFlags(fs)
	rot := rotation{rotateRunner: r, stderr: stderr}
	fs.StringVar(&rot.keyID, "key", "", "the `ID` of the key to replace")
	scope := fs.String("scope", "", "the key's scope: organization, pod:ID or inbox:EMAIL (default: search)")
	fs.StringVar(&rot.secretTo, "secret-to", "", "write the new secret to `FILE` (created, mode 0600; never overwritten)")
	fs.StringVar(&rot.secretCmd, "secret-cmd", "", "send the new secret to `CMD`'s stdin (run with sh -c)")
	fs.DurationVar(&rot.quiet, "delete-old-after-quiet", 0, "delete the old key once unused for this long (e.g. 15m; 0: keep it)")
	fs.DurationVar(&rot.timeout, "timeout", defaultRotateTimeout, "stop after this long, the watch included")
	if code, ok := parseFlags(fs, args, rotateUsage, stdout, stderr); !ok {
		return code
	}
	if err := rot.check(fs.Args(), *scope); err != nil {
		fmt.Fprintln(stderr, "amkeys rotate:", err)
		return exitUsage
	}
	settings, ok := resolveSettings(ctx, "amkeys rotate", settingsFlags, stderr)
	if !ok {
		return exitUsage
	}
	if settings.ReadOnly {
		fmt.Fprintln(stderr, "amkeys rotate: the profile is read-only: a rotation creates a key")
		return exitUsage
	}
	rot.keyEnv = settings.KeyEnvName
	api, err := newClient(settings, false)
	if err != nil {
		fmt.Fprintln(stderr, "amkeys rotate:", err)
		return exitUsage
	}
	defer api.CloseIdleConnections()
	rot.api = api
	ctx, cancel := context.WithTimeoutCause(ctx, rot.timeout, fmt.Errorf("stopped: the rotation ran for its --timeout of %v", rot.timeout))
	defer cancel()
	return rot.rotate(ctx, stdout)
}

func (rot *rotation) check(args []string, scope string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %s", argsafe.Quote(args[0]))
	}
	if rot.keyID == "" {
		return errors.New("give --key ID, the id of the key to replace")
	}
	if (rot.secretTo == "") == (rot.secretCmd == "") {
		return errors.New("give exactly one of --secret-to FILE or --secret-cmd CMD: the new secret is never shown on the terminal")
	}
	if scope != "" {
		s, err := client.ParseScope(scope)
		if err != nil {
			return fmt.Errorf("--scope: %w", err)
		}
		rot.scope = &s
	}
	if rot.quiet != 0 && (rot.quiet < time.Minute || rot.quiet > 30*day) {
		return fmt.Errorf("--delete-old-after-quiet must be from 1m to 720h, got %v", rot.quiet)
	}
	if rot.timeout < time.Second || rot.timeout > maxTimeout {
		return fmt.Errorf("--timeout must be from 1s to %v, got %v", maxTimeout, rot.timeout)
	}
	if rot.quiet > 0 && rot.timeout <= rot.quiet {
		return fmt.Errorf("--timeout %v must be longer than --delete-old-after-quiet %v", rot.timeout, rot.quiet)
	}
	return nil
}

// rotate finds the key, creates the replacement, stores its secret and,
// when asked, watches and deletes the old key.
func (rot *rotation) rotate(ctx context.Context, stdout io.Writer) int {
	start := rot.now()
	var file *os.File
	if rot.secretTo != "" {
		// Created before the key: an existing file stops the rotation
		// before anything changes on the server.
		f, err := os.OpenFile(rot.secretTo, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			if errors.Is(err, os.ErrExist) {
				err = fmt.Errorf("%s already exists: amkeys never overwrites a file with a secret", sanitize.Truncate(rot.secretTo, 200))
			}
			fmt.Fprintln(rot.stderr, "amkeys rotate:", err)
			return exitUsage
		}
		file = f
		defer func() {
			if file != nil { // the secret was not stored
				file.Close()
				os.Remove(rot.secretTo)
			}
		}()
	}
	old, code := rot.find(ctx)
	if code != exitOK {
		return code
	}
	scope := old.Scope()
	if rot.quiet > 0 && old.Prefix == rot.api.KeyPrefix() {
		fmt.Fprintln(rot.stderr, "amkeys rotate: this is the key amkeys runs with: every poll would use it, so it would never be quiet. Rotate it without --delete-old-after-quiet, and delete it once amkeys runs with the new one")
		return exitUsage
	}
	name := rotatedName(old.Name, start)
	before, err := rot.named(ctx, scope, name)
	if err != nil {
		return rot.fail("listing the key's scope before creating", err)
	}
	created, err := rot.api.CreateKey(ctx, scope, name, old.Permissions)
	var invalid *client.InvalidSecretError
	switch {
	case errors.As(err, &invalid):
		fmt.Fprintln(rot.stderr, "amkeys rotate: the server answered with something that is not a key secret; it was not stored")
		rot.rollback(ctx, scope, invalid.Key.APIKey)
		return exitIncomplete
	case errors.Is(err, client.ErrOutcomeUnknown):
		return rot.reconcile(ctx, scope, name, before, err)
	case err != nil:
		return rot.fail("creating the replacement", err)
	}
	fmt.Fprintf(rot.stderr, "amkeys rotate: created %s %q in %s\n", sanitize.Truncate(created.ID, 60),
		sanitize.Truncate(created.Name, 80), sanitize.Truncate(scope.String(), 80))
	if code := rot.checkReplacement(ctx, scope, old, created.APIKey); code != exitOK {
		return code
	}
	if err := rot.store(ctx, file, created.Secret); err != nil {
		fmt.Fprintln(rot.stderr, "amkeys rotate: the secret could not be stored:", err)
		rot.rollback(ctx, scope, created.APIKey)
		return exitFail
	}
	file = nil // stored: keep it
	out := rotateOutput{Old: rotatedKeyJSON(old, scope), New: rotatedKeyJSON(created.APIKey, scope), SecretTo: rot.secretTo,
		SecretCmd: rot.secretCmd != "", OldKey: "kept"}
	code = exitOK
	if rot.quiet > 0 {
		out.OldKey, code = rot.watch(ctx, old, start.Add(rot.timeout))
	}
	if err := report.WriteSafeJSON(stdout, out); err != nil {
		fmt.Fprintln(rot.stderr, "amkeys rotate:", err)
		return exitIncomplete
	}
	return code
}

// checkReplacement re-reads the new key and makes sure it grants exactly
// what the old one did: a server drops permission names it no longer knows,
// and a replacement that silently lost some would break its users. A
// mismatch deletes the new key again, before its secret is stored.
func (rot *rotation) checkReplacement(ctx context.Context, scope client.Scope, old, created client.APIKey) int {
	k, found, err := findInScope(ctx, rot.api, scope, created.ID)
	switch {
	case err != nil:
		fmt.Fprintln(rot.stderr, "amkeys rotate: the new key's permissions could not be checked:", describe(err))
		rot.rollback(ctx, scope, created)
		return apiExit(err)
	case !found:
		fmt.Fprintln(rot.stderr, "amkeys rotate: the new key is not listed in its scope; its secret was not stored")
		rot.rollback(ctx, scope, created)
		return exitIncomplete
	case !k.Permissions.Equal(old.Permissions):
		lost := ""
		if l := rotated.Lost(old.Permissions, k.Permissions); len(l) > 0 {
			lost = " (it lacks " + strings.Join(l, ", ") + ")"
		}
		fmt.Fprintf(rot.stderr, "amkeys rotate: the server granted the new key %s, not %s as the old key has%s: the API drops names it no longer knows; the new key is deleted again and the secret was not stored\n",
			sanitize.Truncate(k.Permissions.String(), 300), sanitize.Truncate(old.Permissions.String(), 300), sanitize.Truncate(lost, 300))
		rot.rollback(ctx, scope, created)
		return exitFail
	}
	return exitOK
}

// rotatedName is "<name> (rotated YYYY-MM-DD)" within the API's 256
// characters, dated in UTC: a headless run has no user's zone to follow.
func rotatedName(name string, now time.Time) string { return rotated.Name(name, now.UTC()) }

// find returns the key to rotate, from its scope or by searching.
func (rot *rotation) find(ctx context.Context) (client.APIKey, int) {
	if rot.scope != nil {
		k, found, err := findInScope(ctx, rot.api, *rot.scope, rot.keyID)
		switch {
		case err != nil:
			return k, rot.fail("listing "+rot.scope.String(), err)
		case !found:
			fmt.Fprintf(rot.stderr, "amkeys rotate: no key %s in %s\n", argsafe.Quote(rot.keyID), sanitize.Truncate(rot.scope.String(), 80))
			return k, exitFail
		}
		return k, exitOK
	}
	res := audit.Run(ctx, rot.api, audit.Options{})
	for _, k := range res.Keys {
		if k.ID == rot.keyID {
			return k.APIKey, exitOK
		}
	}
	if !res.Complete() {
		reportIncomplete(res, rot.stderr)
		fmt.Fprintf(rot.stderr, "amkeys rotate: key %s not found in what could be listed; give --scope to look in one place\n", argsafe.Quote(rot.keyID))
		return client.APIKey{}, exitIncomplete
	}
	fmt.Fprintf(rot.stderr, "amkeys rotate: no key %s in the organization\n", argsafe.Quote(rot.keyID))
	return client.APIKey{}, exitFail
}

// findInScope walks a scope's keys for one id.
func findInScope(ctx context.Context, api *audit.PacedClient, scope client.Scope, id string) (client.APIKey, bool, error) {
	var key client.APIKey
	found := false
	err := api.EachKey(ctx, scope, client.ListOptions{Limit: audit.PageSize}, func(p client.KeyPage) error {
		for _, k := range p.Keys {
			if k.ID == id {
				key, found = k, true
			}
		}
		return nil
	})
	return key, found, err
}

// named lists the ids of a scope's keys with the given name.
func (rot *rotation) named(ctx context.Context, scope client.Scope, name string) (map[string]client.APIKey, error) {
	out := map[string]client.APIKey{}
	err := rot.api.EachKey(ctx, scope, client.ListOptions{Limit: audit.PageSize}, func(p client.KeyPage) error {
		for _, k := range p.Keys {
			if k.Name == name {
				out[k.ID] = k
			}
		}
		return nil
	})
	return out, err
}

// reconcile settles a create whose answer was lost by listing: a new key
// of that name holds a secret nobody received, so it is deleted again.
// Nothing is created a second time.
func (rot *rotation) reconcile(ctx context.Context, scope client.Scope, name string, before map[string]client.APIKey, lost error) int {
	fmt.Fprintln(rot.stderr, "amkeys rotate: the answer to the create was lost:", describe(lost))
	after, err := rot.named(ctx, scope, name)
	if err != nil {
		fmt.Fprintf(rot.stderr, "amkeys rotate: and listing %s to find out failed (%s): a key named %q may exist there; delete it (its secret was never received) before rotating again\n",
			sanitize.Truncate(scope.String(), 80), describe(err), sanitize.Truncate(name, 80))
		return exitIncomplete
	}
	var fresh []client.APIKey
	for id, k := range after {
		if _, old := before[id]; !old {
			fresh = append(fresh, k)
		}
	}
	switch len(fresh) {
	case 0:
		fmt.Fprintln(rot.stderr, "amkeys rotate: a listing shows no new key: nothing was created; run the rotation again")
	case 1:
		fmt.Fprintln(rot.stderr, "amkeys rotate: a listing shows the new key was created, but its secret never arrived")
		rot.rollback(ctx, scope, fresh[0])
	default:
		fmt.Fprintf(rot.stderr, "amkeys rotate: a listing shows %d new keys named %q (another rotation at the same time?); none was touched\n",
			len(fresh), sanitize.Truncate(name, 80))
	}
	return exitIncomplete
}

// rollback deletes a new key whose secret is not stored anywhere.
// It runs even after a cancel or the --timeout, bounded on its own.
func (rot *rotation) rollback(ctx context.Context, scope client.Scope, k client.APIKey) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	target := bulk.Target{ID: k.ID, Scope: scope, UsedAt: k.UsedAt, Prefix: k.Prefix}
	res := bulk.Delete(ctx, rot.api, []bulk.Target{target}, bulk.Options{Concurrency: 1})
	if r := res[0]; r.Outcome != bulk.Deleted && r.Outcome != bulk.AlreadyGone {
		fmt.Fprintf(rot.stderr, "amkeys rotate: the new key %s could not be deleted (%s: %s): delete it by hand; nobody holds its secret\n",
			sanitize.Truncate(k.ID, 60), r.Outcome, describeOrNil(r.Err))
		return
	}
	fmt.Fprintf(rot.stderr, "amkeys rotate: the new key %s was deleted again; the old key is untouched\n", sanitize.Truncate(k.ID, 60))
}

func describeOrNil(err error) string {
	if err == nil {
		return "no detail"
	}
	return describe(err)
}

// store hands the secret to the file or the command; it refuses a secret
// not shaped like a key.
func (rot *rotation) store(ctx context.Context, file *os.File, secret string) error {
	if err := client.ValidSecret(secret); err != nil {
		return errors.New("the server's secret is not shaped like a key; it was not stored")
	}
	if file != nil {
		if _, err := file.WriteString(secret + "\n"); err != nil {
			return fmt.Errorf("writing %s: %w", sanitize.Truncate(rot.secretTo, 200), err)
		}
		if err := file.Sync(); err != nil {
			return fmt.Errorf("writing %s: %w", sanitize.Truncate(rot.secretTo, 200), err)
		}
		return file.Close()
	}
	return rot.runSecretCommand(ctx, secret)
}

// runSecretCommand runs --secret-cmd with the secret on stdin, without the
// admin key in its environment. What it prints is shown on stderr with any
// copy of the secret removed.
func (rot *rotation) runSecretCommand(ctx context.Context, secret string) error {
	cmd := exec.CommandContext(ctx, "sh", "-c", rot.secretCmd)
	cmd.Stdin = strings.NewReader(secret + "\n")
	out := &cappedBuffer{max: maxCommandOutput}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = commandEnv(os.Environ(), rot.keyEnv)
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if said := strings.TrimSpace(redactSecret(out.String(), secret)); said != "" {
		lines := strings.Split(said, "\n")
		for i, line := range lines {
			if i == 20 {
				fmt.Fprintf(rot.stderr, "amkeys rotate: --secret-cmd: (%d more lines)\n", len(lines)-i)
				break
			}
			fmt.Fprintln(rot.stderr, "amkeys rotate: --secret-cmd:", sanitize.Truncate(line, 200))
		}
	}
	if err != nil {
		return fmt.Errorf("--secret-cmd failed: %v", sanitize.Truncate(err.Error(), 200))
	}
	return nil
}

// commandEnv is the environment without the API key's variables.
func commandEnv(environ []string, keyEnv string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if name == config.EnvAPIKey || (keyEnv != "" && name == keyEnv) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// redactSecret removes the secret, and its part after the public prefix,
// from text.
func redactSecret(text, secret string) string {
	text = strings.ReplaceAll(text, secret, "[secret]")
	if len(secret) > keyPrefixLen+4 {
		text = strings.ReplaceAll(text, secret[keyPrefixLen:], "[secret]")
	}
	return text
}

// cappedBuffer keeps the first max bytes written and drops the rest.
type cappedBuffer struct {
	max int
	b   strings.Builder
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.b.Len(); room > 0 {
		c.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (c *cappedBuffer) String() string { return c.b.String() }

// watch polls the old key until it has not been used for --delete-old-
// after-quiet, then deletes it (skipped, and watched on, if it is used at
// the last moment). It returns the old key's state and the exit code.
func (rot *rotation) watch(ctx context.Context, old client.APIKey, deadline time.Time) (string, int) {
	fmt.Fprintf(rot.stderr, "amkeys rotate: watching the old key until it has not been used for %v (at most until %s)\n",
		rot.quiet, deadline.UTC().Format(time.RFC3339))
	scope := old.Scope()
	for {
		k, found, err := findInScope(ctx, rot.api, scope, old.ID)
		switch {
		case err != nil && ctx.Err() == nil:
			fmt.Fprintln(rot.stderr, "amkeys rotate: warning: polling the old key:", describe(err))
		case err == nil && !found:
			fmt.Fprintln(rot.stderr, "amkeys rotate: the old key is already gone")
			return "already gone", exitOK
		case err == nil:
			last := k.UsedAt
			if last.IsZero() {
				last = k.CreatedAt
			}
			if rot.now().Sub(last) >= rot.quiet {
				target := bulk.Target{ID: k.ID, Scope: scope, UsedAt: k.UsedAt, Prefix: k.Prefix}
				r := bulk.Delete(ctx, rot.api, []bulk.Target{target}, bulk.Options{Concurrency: 1})[0]
				switch r.Outcome {
				case bulk.Deleted:
					fmt.Fprintln(rot.stderr, "amkeys rotate: the old key was deleted")
					return "deleted", exitOK
				case bulk.AlreadyGone:
					return "already gone", exitOK
				case bulk.UsedSinceReview: // used just now: watch on
				default:
					fmt.Fprintln(rot.stderr, "amkeys rotate: deleting the old key:", describeOrNil(r.Err))
					return "kept", apiExit(r.Err)
				}
			}
		}
		left := deadline.Sub(rot.now())
		if left <= 0 || ctx.Err() != nil {
			break
		}
		if rot.sleep(ctx, min(rot.every, left)) != nil {
			break
		}
	}
	fmt.Fprintf(rot.stderr, "amkeys rotate: the old key was still in use when the --timeout of %v ran out; it was not deleted\n", rot.timeout)
	return "still in use", exitFail
}

// fail reports an API error and maps it to the exit code.
func (rot *rotation) fail(what string, err error) int {
	fmt.Fprintln(rot.stderr, "amkeys rotate: "+what+":", describe(err))
	return apiExit(err)
}

// rotatedKeyJSON is a key of the rotation, in the scope the rotation knows
// (a create's answer may leave out pod_id or inbox_id).
func rotatedKeyJSON(k client.APIKey, scope client.Scope) rotateKeyJSON {
	out := rotateKeyJSON{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Scope: scope.String(),
		Unrestricted: k.Permissions.IsUnrestricted(), Permissions: k.Permissions.Names(), CreatedAt: k.CreatedAt.UTC()}
	if out.Permissions == nil {
		out.Permissions = []string{}
	}
	if !k.NeverUsed() {
		t := k.UsedAt.UTC()
		out.UsedAt = &t
	}
	return out
}
