// Command amkeys is a terminal dashboard for the people who administer
// AgentMail API keys: browse pods and their keys, create keys with exactly
// the permissions they need, delete safely, and audit last use.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/internal/argsafe"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
	exitQuit  = 2 // after SIGQUIT and its goroutine dump, as any Go program
)

func main() {
	if err := harden(); err != nil {
		fmt.Fprintln(os.Stderr, "amkeys: warning:", err)
	}
	saved := saveTerminal(os.Stdin, os.Stdout)
	sigs := catchSignals(endSignals, forceExitAfter, func(sig os.Signal) {
		saved.restore()
		fmt.Fprintf(os.Stderr, "\namkeys: stopping after %v took longer than %v; exiting without finishing (a copied key may still be on the clipboard)\n",
			sig, forceExitAfter)
		os.Exit(exitFail)
	})
	code := run(sigs.ctx, os.Args[1:], os.Stdout, os.Stderr)
	sigs.stop()
	if sig, dump := sigs.received(); sig == syscall.SIGQUIT {
		// Printed now, on the restored terminal, not inside the
		// alternate screen where it would vanish.
		fmt.Fprintf(os.Stderr, "SIGQUIT: quit\n\n%s", dump)
		code = exitQuit
	}
	os.Exit(code)
}

const usageHead = `amkeys: a terminal dashboard for AgentMail API keys

Usage:
  amkeys [flags]             open the dashboard (needs an API key)
  amkeys --demo              open the dashboard on built-in demo data (no key needed)
`

const usageTail = `
The settings flags (--config, --profile, --api-key, --base-url,
--environment, --read-only, --allow-insecure-http) go before or after the
command: amkeys --profile work audit = amkeys audit --profile work.
amkeys help <command> or amkeys <command> --help shows a command's flags.

The key comes from --api-key, AGENTMAIL_API_KEY, or a profile in the config
file (api_key_env or api_key_command). Exit codes: 0 ok, 1 failure, 2 usage or
configuration error.

Flags:
`

// printUsage prints amkeys' help: the commands from the command table,
// then the dashboard's flags.
func printUsage(w io.Writer) {
	fmt.Fprint(w, usageHead)
	for _, c := range commandList() {
		if !c.hidden {
			fmt.Fprintf(w, "  %-26s %s\n", "amkeys "+strings.TrimSpace(c.name+" "+c.args), c.summary)
		}
	}
	fmt.Fprint(w, usageTail)
	fs, _, _, _ := dashboardFlags(w)
	fs.PrintDefaults()
}

// dashboardFlags is the flag set of amkeys without a command.
func dashboardFlags(out io.Writer) (fs *flag.FlagSet, settings *config.Flags, demo, showVersion *bool) {
	fs = flag.NewFlagSet("amkeys", flag.ContinueOnError)
	fs.SetOutput(argsafe.Writer(out)) // the flag package echoes bad values
	settings = config.RegisterFlags(fs)
	demo = fs.Bool("demo", false, "open the dashboard on the built-in demo organization (in-process sandbox, no key needed)")
	showVersion = fs.Bool("version", false, "print the version and exit")
	return fs, settings, demo, showVersion
}

// run is main without the process: testable, and every path returns an
// exit code instead of calling os.Exit.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	client.Version = amkeysVersion()
	if c, at := findCommand(args); c != nil {
		rest := append(append([]string{}, args[:at]...), args[at+1:]...)
		rest, err := hoistGlobals(*c, rest)
		if err != nil {
			fmt.Fprintf(stderr, "amkeys %s: %v\n", c.name, err)
			return exitUsage
		}
		return c.run(ctx, rest, stdout, stderr)
	}
	return runDashboard(ctx, args, stdout, stderr)
}

// runDashboard is amkeys without a command.
func runDashboard(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, flags, demo, showVersion := dashboardFlags(stderr)
	fs.Usage = func() {} // the flag package has printed the error; help is on request only
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return exitOK
		}
		fmt.Fprintln(stderr, "see amkeys --help")
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "amkeys: %s%s (see amkeys --help)\n", argsafe.Unexpected(fs.Arg(0)), suggestCommand(fs.Arg(0)))
		return exitUsage
	}
	// Before config can echo a value (an unknown profile, a missing file).
	if msg := argsafe.CheckFlags(fs, "api-key"); msg != "" {
		fmt.Fprintln(stderr, "amkeys:", msg)
		return exitUsage
	}
	if *showVersion {
		fmt.Fprintln(stdout, "amkeys", amkeysVersion())
		return exitOK
	}
	settings, err := config.Resolver{Flags: flags}.Resolve(ctx, !*demo)
	if err != nil {
		fmt.Fprintln(stderr, "amkeys:", err)
		return exitUsage
	}
	for _, w := range settings.Warnings {
		fmt.Fprintln(stderr, "amkeys: warning:", w)
	}
	scrubKeyEnv(settings) // before the first clipboard tool starts
	if *demo {
		return runDemo(ctx, settings, stderr)
	}
	return startUI(ctx, settings, false, stderr)
}

// runDemo serves the demo organization on a loopback port and opens the
// dashboard on it, through the same client as a real organization.
func runDemo(ctx context.Context, s config.Settings, stderr io.Writer) int {
	srv, err := sandbox.Start(sandbox.Options{Seed: "demo"}, "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(stderr, "amkeys: cannot start the demo sandbox:", err)
		return exitFail
	}
	defer srv.Close()
	s.BaseURL = srv.URL
	s.APIKey = config.NewSecret(srv.AdminKey())
	s.Profile = "demo"
	return startUI(ctx, s, true, stderr)
}
