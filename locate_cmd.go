package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/internal/argsafe"
	"github.com/amkeys/amkeys/ui/report"
)

const locateUsage = `Usage: amkeys locate < FILE     (or: echo "$LEAKED" | amkeys locate)

Find where a leaked API key belongs. amkeys reads the key, or its prefix
(am_ and 5 more characters), from stdin; on a terminal it asks for it
without echo. Only the 8-character prefix is used: the key itself is never
sent anywhere, not even to AgentMail. Every credential listing of the
organization is searched (the organization's keys, each pod's keys, each
inbox's keys) with the API key amkeys runs with, and the matches are printed
as JSON: scope, name, permissions, created and last use.

A key is never taken as an argument: it would stay in the shell history and
show in the process list. A bare prefix may be.

Exit codes: 0 found, 1 not found, 2 usage or configuration error, 3 API or
network failure (part of the organization could not be searched and
nothing was found).

Flags:
`

// maxLocateInput bounds what is read from stdin: one key and some slack.
const maxLocateInput = 4 << 10

// locateMatch is one credential whose prefix matches, as printed.
type locateMatch struct {
	ID           string     `json:"api_key_id"`
	Scope        string     `json:"scope"`
	PodID        string     `json:"pod_id,omitempty"`
	PodName      string     `json:"pod_name,omitempty"`
	InboxID      string     `json:"inbox_id,omitempty"`
	Name         string     `json:"name"`
	Prefix       string     `json:"prefix"`
	Unrestricted bool       `json:"unrestricted"`
	Permissions  []string   `json:"permissions"`
	CreatedAt    time.Time  `json:"created_at"`
	UsedAt       *time.Time `json:"used_at"` // null: never used
}

type locateOutput struct {
	Prefix   string        `json:"prefix"`
	Matches  []locateMatch `json:"matches"`
	Complete bool          `json:"complete"`
	Problems []string      `json:"problems,omitempty"`
}

func runLocate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("amkeys locate", flag.ContinueOnError)
	settingsFlags := config.RegisterFlags(fs)
	timeout := fs.Duration("timeout", defaultTimeout, "stop the search after this `duration`")
	// A key given as a flag value would be parsed before we could refuse it.
	if pastedKey(args) {
		fmt.Fprintln(stderr, "amkeys locate: refusing an argument that looks like an API key: on the command line it stays in the shell history and shows in the process list. Pipe it on stdin instead (amkeys locate < FILE), or run amkeys locate and paste it when asked.")
		return exitUsage
	}
	if code, ok := parseFlags(fs, args, locateUsage, stdout, stderr); !ok {
		return code
	}
	if *timeout < time.Second || *timeout > maxTimeout {
		fmt.Fprintf(stderr, "amkeys locate: --timeout must be from 1s to %v, got %v\n", maxTimeout, *timeout)
		return exitUsage
	}
	var prefix string
	var err error
	switch fs.NArg() {
	case 0:
		prefix, err = readKeyPrefix(stdin, stderr)
	case 1:
		prefix, err = keyPrefix([]byte(fs.Arg(0)))
	default:
		err = fmt.Errorf("unexpected argument %s", argsafe.Quote(fs.Arg(1)))
	}
	if err != nil {
		fmt.Fprintln(stderr, "amkeys locate:", err)
		return exitUsage
	}
	settings, ok := resolveSettings(ctx, "amkeys locate", settingsFlags, stderr)
	if !ok {
		return exitUsage
	}
	api, err := newClient(settings, true) // a search only reads
	if err != nil {
		fmt.Fprintln(stderr, "amkeys locate:", err)
		return exitUsage
	}
	defer api.CloseIdleConnections()
	ctx, cancel := context.WithTimeoutCause(ctx, *timeout, fmt.Errorf("stopped: the search ran for its --timeout of %v", *timeout))
	defer cancel()

	out := locateOutput{Prefix: prefix, Matches: []locateMatch{}}
	out.Matches, out.Problems = searchPrefix(ctx, api, prefix, stderr)
	out.Complete = len(out.Problems) == 0
	if err := report.WriteSafeJSON(stdout, out); err != nil {
		fmt.Fprintln(stderr, "amkeys locate:", err)
		return exitIncomplete
	}
	for _, p := range out.Problems {
		fmt.Fprintln(stderr, "amkeys locate: not searched:", p)
	}
	switch {
	case len(out.Matches) > 0:
		return exitOK
	case !out.Complete:
		fmt.Fprintln(stderr, "amkeys locate: no match in what could be searched; the search was incomplete")
		return exitIncomplete
	}
	fmt.Fprintf(stderr, "amkeys locate: no credential of this organization has the prefix %s\n", prefix)
	return exitFail
}

// readKeyPrefix reads one line from stdin (without echo on a terminal) and
// keeps only the prefix; the rest of the key is wiped from memory.
func readKeyPrefix(stdin io.Reader, stderr io.Writer) (string, error) {
	var line []byte
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(f.Fd()) {
		fmt.Fprint(stderr, "Paste the key or its prefix (not shown), then Enter: ")
		var err error
		line, err = term.ReadPassword(f.Fd())
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("cannot read the key: %w", err)
		}
	} else {
		buf := make([]byte, maxLocateInput)
		n, err := io.ReadFull(stdin, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("cannot read stdin: %w", err)
		}
		line = buf[:n]
	}
	defer clear(line)
	return keyPrefix(line)
}

// keyPrefix takes the public prefix of a key or prefix: "am_" and the 5
// characters after it. The input is never quoted back.
func keyPrefix(in []byte) (string, error) {
	start := 0
	for start < len(in) && isSpaceByte(in[start]) {
		start++
	}
	in = in[start:]
	if len(in) < keyPrefixLen || string(in[:3]) != "am_" {
		return "", errors.New("want an API key or its prefix on stdin: am_ and at least 5 more characters")
	}
	for _, c := range in[3:keyPrefixLen] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return "", errors.New("that is not an API key: after am_ a key holds only letters, digits, _ and -")
		}
	}
	return string(in[:keyPrefixLen]), nil
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// searchPrefix looks through every credential listing for the prefix: the
// audit's (organization and pods), then each inbox's. It returns the
// matches, once each, and what could not be searched.
func searchPrefix(ctx context.Context, api *audit.PacedClient, prefix string, stderr io.Writer) ([]locateMatch, []string) {
	scan := audit.Start(ctx, api, audit.Options{})
	showProgress(scan, stderr)
	res := scan.Result()
	var problems []string
	if !res.Complete() {
		problems = append(problems, auditProblems(res)...)
	}
	seen := map[string]bool{}
	matches := []locateMatch{}
	add := func(k client.APIKey, podName string) {
		if k.Prefix != prefix || seen[k.ID] {
			return
		}
		seen[k.ID] = true
		matches = append(matches, toMatch(k, podName))
	}
	podNames := map[string]string{}
	for _, p := range res.Pods {
		podNames[p.ID] = p.Name
	}
	for _, k := range res.Keys {
		add(k.APIKey, k.PodName)
	}
	inboxKeys, inboxProblems := searchInboxes(ctx, api, prefix)
	problems = append(problems, inboxProblems...)
	for _, k := range inboxKeys {
		add(k, podNames[k.PodID])
	}
	return matches, problems
}

// auditProblems names, briefly, what the audit could not list.
func auditProblems(res *audit.Result) []string {
	var out []string
	if res.Stopped != nil {
		out = append(out, describe(res.Stopped))
	}
	if res.ListErr != nil {
		out = append(out, "the pod listing: "+describe(res.ListErr))
	}
	for _, f := range res.Failed {
		what := "the organization keys"
		if !f.IsOrganization() {
			what = "pod " + f.Pod.ID
		}
		out = append(out, what+": "+describe(f.Err))
	}
	if n := len(res.Unreadable); n > 0 {
		out = append(out, fmt.Sprintf("%d listed items could not be read", n))
	}
	return out
}

// searchInboxes lists every inbox, then each inbox's keys (8 at a time, at
// the client's rate-limit gate), and returns the keys with the prefix.
func searchInboxes(ctx context.Context, api *audit.PacedClient, prefix string) ([]client.APIKey, []string) {
	var inboxes []client.Inbox
	err := api.EachInbox(ctx, client.OrganizationScope(), client.ListOptions{Limit: audit.PageSize}, func(p client.InboxPage) error {
		inboxes = append(inboxes, p.Inboxes...)
		return nil
	})
	if err != nil {
		return nil, []string{"the inbox listing: " + describe(err)}
	}
	var (
		mu       sync.Mutex
		found    []client.APIKey
		problems []string
		wg       sync.WaitGroup
	)
	slots := make(chan struct{}, audit.DefaultConcurrency)
	for _, in := range inboxes {
		if api.Gate().Wait(ctx) != nil {
			break
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			var mine []client.APIKey
			err := api.EachKey(ctx, client.InboxScope(in.ID), client.ListOptions{Limit: audit.PageSize}, func(p client.KeyPage) error {
				for _, k := range p.Keys {
					if k.Prefix == prefix {
						mine = append(mine, k)
					}
				}
				return nil
			})
			mu.Lock()
			defer mu.Unlock()
			found = append(found, mine...)
			if err != nil && !client.IsNotFound(err) { // an inbox deleted meanwhile holds no key
				problems = append(problems, "inbox "+in.ID+": "+describe(err))
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		problems = append(problems, "inboxes: "+describe(err))
	}
	return found, problems
}

func toMatch(k client.APIKey, podName string) locateMatch {
	m := locateMatch{ID: k.ID, Scope: k.Scope().String(), PodID: k.PodID, PodName: podName, InboxID: k.InboxID,
		Name: k.Name, Prefix: k.Prefix, Unrestricted: k.Permissions.IsUnrestricted(),
		Permissions: k.Permissions.Names(), CreatedAt: k.CreatedAt.UTC()}
	if m.Permissions == nil {
		m.Permissions = []string{}
	}
	if !k.NeverUsed() {
		t := k.UsedAt.UTC()
		m.UsedAt = &t
	}
	return m
}
