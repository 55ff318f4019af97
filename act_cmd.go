package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/config"
)

// Helpers shared by the commands that act on what the audit finds:
// prune, rotate and locate.

// parseFlags parses a command's flags; ok false means exit with code.
// Help goes to stdout with the usage text.
func parseFlags(fs *flag.FlagSet, args []string, usage string, stdout, stderr io.Writer) (code int, ok bool) {
	fs.SetOutput(stderr)
	fs.Usage = func() {} // the flag package has printed the error; help is on request only
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK, false
		}
		fmt.Fprintf(stderr, "see %s --help\n", fs.Name())
		return exitUsage, false
	}
	return exitOK, true
}

// resolveSettings reads the settings as every command does, printing
// warnings; ok false means a usage error was printed.
func resolveSettings(ctx context.Context, name string, flags *config.Flags, stderr io.Writer) (config.Settings, bool) {
	s, err := config.Resolver{Flags: flags}.Resolve(ctx, true)
	if err != nil {
		fmt.Fprintln(stderr, name+":", err)
		return s, false
	}
	for _, w := range s.Warnings {
		fmt.Fprintln(stderr, name+": warning:", w)
	}
	return s, true
}

// apiExit maps an API or network error to an exit code: 1 when the API
// refused (a 4xx other than 429), 3 when the network or the server failed.
func apiExit(err error) int {
	if e, ok := client.AsError(err); ok && e.Status >= 400 && e.Status < 500 && e.Status != 429 {
		return exitFail
	}
	return exitIncomplete
}

// looksLikeKey reports an argument that may be a pasted API key: it starts
// with am_ and is longer than a key's 8-character public prefix.
func looksLikeKey(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) > keyPrefixLen && strings.HasPrefix(strings.ToLower(s), "am_")
}

// pastedKey reports a command-line argument that looks like a pasted API
// key, other than the value of --api-key (amkeys' own key, the user's
// choice to pass that way).
func pastedKey(args []string) bool {
	for i, a := range args {
		if i > 0 && (args[i-1] == "--api-key" || args[i-1] == "-api-key") {
			continue
		}
		if looksLikeKey(a) {
			return true
		}
	}
	return false
}

// keyPrefixLen is how many leading characters of a key the API lists as
// its prefix: "am_" and 5 more.
const keyPrefixLen = 8

// day is 24 hours, for ages in days.
const day = 24 * time.Hour
