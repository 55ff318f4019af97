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
	"syscall"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/internal/argsafe"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

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
  amkeys sandbox [flags]     run the AgentMail-compatible sandbox server
  amkeys audit [flags]       report when each key was last used (headless)
  amkeys agentid <command>   list, register, rename, revoke AgentID public-key credentials
  amkeys prune [flags]       plan, review, then delete stale and never-used keys
  amkeys rotate [flags]      replace a key with a new one of the same scope and permissions
  amkeys locate              find where a leaked key (or prefix, on stdin) belongs

The key comes from --api-key, AGENTMAIL_API_KEY, or a profile in the config
file (api_key_env or api_key_command). Exit codes: 0 ok, 1 failure, 2 usage or
configuration error.

Flags:
`

// run is main without the process: testable, and every path returns an
// exit code instead of calling os.Exit.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	client.Version = version
	if len(args) > 0 {
		switch args[0] {
		case "sandbox":
			return sandbox.Main(ctx, args[1:], stdout, stderr)
		case "audit":
			return runAudit(ctx, args[1:], stdout, stderr)
		case "agentid":
			return runAgentID(ctx, args[1:], stdout, stderr)
		case "prune":
			return runPrune(ctx, args[1:], stdout, stderr)
		case "rotate":
			return runRotate(ctx, args[1:], stdout, stderr)
		case "locate":
			return runLocate(ctx, args[1:], os.Stdin, stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("amkeys", flag.ContinueOnError)
	fs.SetOutput(argsafe.Writer(stderr)) // the flag package echoes bad values
	flags := config.RegisterFlags(fs)
	demo := fs.Bool("demo", false, "open the dashboard on the built-in demo organization (in-process sandbox, no key needed)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "amkeys: %s (see amkeys --help)\n", argsafe.Unexpected(fs.Arg(0)))
		return exitUsage
	}
	// Before config can echo a value (an unknown profile, a missing file).
	if msg := argsafe.CheckFlags(fs, "api-key"); msg != "" {
		fmt.Fprintln(stderr, "amkeys:", msg)
		return exitUsage
	}
	if *showVersion {
		fmt.Fprintln(stdout, "amkeys", version)
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
