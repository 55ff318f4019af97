package sandbox

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/amkeys/amkeys/internal/argsafe"
)

const usage = `Usage: amkeys sandbox [flags]

Serve a local AgentMail-compatible API (/v0/pods, /v0/api-keys) with made-up
data, to try amkeys without touching a real organization. On start it prints
AGENTMAIL_BASE_URL and AGENTMAIL_API_KEY (the admin key) on stdout; requests
are logged on stderr. Ctrl-C stops it.

Example:
  amkeys sandbox --seed demo
  # then, in another terminal, with the two printed lines:
  AGENTMAIL_BASE_URL=http://127.0.0.1:8025 AGENTMAIL_API_KEY=am_... amkeys

Flags:
  --listen ADDR      address to listen on (default 127.0.0.1:8025)
  --allow-remote     allow a non-loopback --listen address (the sandbox is
                     not hardened; anyone who can reach it can use it)
  --admin-key KEY    use KEY (am_...) as the admin key instead of a new one
  --state FILE       keep the data in FILE across runs (key hashes only,
                     never secrets; mode 0600; refused if others can use it)
  --seed NAME        initial data: demo, empty or hostile (default demo)
  --latency D        add D to every request, e.g. 20ms
  --rate-limit P     answer a share P (0..1) of requests 429 rate_limit_exceeded
  --error-rate P     answer a share P (0..1) of requests 500 internal_error
  --drop-rate P      close the connection without answering for a share P
  -h, --help         show this help
`

// DefaultListen is the address of `amkeys sandbox` without --listen.
const DefaultListen = "127.0.0.1:8025"

// Main runs the `amkeys sandbox` subcommand until ctx is cancelled. It
// returns the exit status: 0 after a clean stop or for --help, 1 when the
// server cannot start, 2 for bad flags or a refused listen address.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var (
		listen, adminKey, statePath, seed string
		allowRemote                       bool
		faults                            Faults
	)
	fs := flag.NewFlagSet("amkeys sandbox", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // usage is printed below, once
	fs.StringVar(&listen, "listen", DefaultListen, "")
	fs.BoolVar(&allowRemote, "allow-remote", false, "")
	fs.StringVar(&adminKey, "admin-key", "", "")
	fs.StringVar(&statePath, "state", "", "")
	fs.StringVar(&seed, "seed", "demo", "")
	fs.DurationVar(&faults.Latency, "latency", 0, "")
	fs.Float64Var(&faults.RateLimitRate, "rate-limit", 0, "")
	fs.Float64Var(&faults.ErrorRate, "error-rate", 0, "")
	fs.Float64Var(&faults.DropRate, "drop-rate", 0, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		return badUsage(stderr, argsafe.Redact(err.Error())) // the flag package echoes the value
	}
	if fs.NArg() > 0 {
		return badUsage(stderr, argsafe.Unexpected(fs.Arg(0)))
	}
	if msg := argsafe.CheckFlags(fs, "admin-key"); msg != "" {
		return badUsage(stderr, msg)
	}
	if msg := checkFlags(seed, adminKey, faults); msg != "" {
		return badUsage(stderr, msg)
	}
	loopback, err := isLoopback(listen)
	if err != nil {
		return badUsage(stderr, fmt.Sprintf("invalid --listen address %q: %v", listen, err))
	}
	if !loopback && !allowRemote {
		fmt.Fprintf(stderr, "amkeys sandbox: refusing to listen on %q: it is not a loopback address.\n"+
			"The sandbox is a test server, not a hardened one: anyone who can reach it can use it.\n"+
			"Pass --allow-remote to listen there anyway.\n", listen)
		return 2
	}

	logf := lockedLogf(stderr)
	r, err := Start(Options{AdminKey: adminKey, Seed: seed, StatePath: statePath, Faults: faults, Logf: logf}, listen)
	if err != nil {
		fmt.Fprintf(stderr, "amkeys sandbox: %v\n", err)
		return 1
	}
	// stderr first, so that whoever reads the two stdout lines finds the
	// explanation already there.
	keyLine := "AGENTMAIL_API_KEY=" + r.AdminKey()
	if r.AdminKey() == "" {
		keyLine = "# AGENTMAIL_API_KEY: use the admin key printed when " + statePath + " was created"
		logf("%s already existed and holds only hashes of keys: use the admin key printed when it was created, "+
			"or pass --admin-key am_... to add one", statePath)
	}
	logf("serving on %s (Ctrl-C stops it)", r.URL)
	fmt.Fprintf(stdout, "AGENTMAIL_BASE_URL=%s\n%s\n", r.URL, keyLine)
	<-ctx.Done()
	if err := r.Close(); err != nil {
		fmt.Fprintf(stderr, "amkeys sandbox: stopping: %v\n", err)
		return 1
	}
	return 0
}

func badUsage(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "amkeys sandbox: %s\n\n%s", msg, usage)
	return 2
}

// checkFlags returns a message for the first bad value, or "".
func checkFlags(seed, adminKey string, f Faults) string {
	if !contains(seedNames, seed) {
		return fmt.Sprintf("--seed must be one of %s, not %q", strings.Join(seedNames, ", "), seed)
	}
	if adminKey != "" {
		if err := ValidateAdminKey(adminKey); err != nil {
			return "--admin-key: " + strings.TrimPrefix(err.Error(), "sandbox: ")
		}
	}
	if f.Latency < 0 {
		return "--latency must not be negative"
	}
	for _, r := range []struct {
		flag string
		v    float64
	}{{"--rate-limit", f.RateLimitRate}, {"--error-rate", f.ErrorRate}, {"--drop-rate", f.DropRate}} {
		if math.IsNaN(r.v) || r.v < 0 || r.v > 1 {
			return fmt.Sprintf("%s must be between 0 and 1", r.flag)
		}
	}
	return ""
}

// isLoopback reports whether a listen address stays on this machine. An
// empty host (all interfaces) is not loopback.
func isLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if strings.EqualFold(host, "localhost") {
		return true, nil
	}
	host, _, _ = strings.Cut(host, "%") // zone of an IPv6 address
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

// lockedLogf writes whole timestamped lines to w from many goroutines.
func lockedLogf(w io.Writer) func(format string, args ...any) {
	var mu sync.Mutex
	return func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s amkeys sandbox: %s\n", time.Now().Format("15:04:05.000"), line)
	}
}
