package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/locate"
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
		prefix, err = locate.Prefix([]byte(fs.Arg(0)))
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
	return locate.Prefix(line)
}

// searchPrefix looks through every credential listing for the prefix
// (locate.Start) and returns the matches, once each, and what could not
// be searched.
func searchPrefix(ctx context.Context, api *audit.PacedClient, prefix string, stderr io.Writer) ([]locateMatch, []string) {
	search := locate.Start(ctx, api, prefix, audit.Options{})
	showProgress(search.AuditScan(), stderr)
	<-search.Done()
	out := search.Outcome()
	matches := []locateMatch{}
	for _, m := range out.Matches {
		matches = append(matches, toMatch(m.Key, m.PodName))
	}
	var problems []string
	for _, p := range out.Problems {
		s := describe(p.Err)
		if p.Where != "" {
			s = p.Where + ": " + s
		}
		problems = append(problems, s)
	}
	return matches, problems
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
