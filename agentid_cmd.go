package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/jwk"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/internal/argsafe"
	"github.com/amkeys/amkeys/internal/texttable"
	"github.com/amkeys/amkeys/ui/report"
	"github.com/amkeys/amkeys/ui/sanitize"
)

const agentidUsage = `Usage: amkeys agentid <command> [flags]

Manage AgentID public-key credentials: P-256 public keys that approve
AgentID sign-ins. The private key never leaves this machine.

Commands:
  list                         list the credentials (--format table|json)
  register --generate PATH     make a key pair, save the private key at PATH
                               (PKCS#8 PEM, mode 0600, never overwritten,
                               synced before anything is sent), register the
                               public key; prints the id and fingerprint as JSON
  register --public-key FILE   register an existing key (PEM or JWK; from a
                               private key only the public half is sent)
  rename ID NAME               rename a credential
  revoke ID                    revoke one credential (permanent)

Register flags: --name N, --scope pod:ID|inbox:EMAIL (default: the key's own
scope), --expires 90d (default: the key's own expiry).

Exit codes: 0 ok, 1 refused by the API, 2 usage or configuration error,
3 network or server failure (for register: the outcome may be unknown; list
before registering again).
`

// runAgentID is `amkeys agentid`.
func runAgentID(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, agentidUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "list", "register", "rename", "revoke":
	default:
		fmt.Fprintf(stderr, "amkeys agentid: unknown command %s (see amkeys agentid --help)\n", argsafe.Quote(cmd))
		return exitUsage
	}
	fs := flag.NewFlagSet("amkeys agentid "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	settingsFlags := config.RegisterFlags(fs)
	demo := fs.Bool("demo", false, "use the built-in demo organization (in-process sandbox, no key needed)")
	format := fs.String("format", "table", "list output: table or json")
	generate := fs.String("generate", "", "register: make a key pair and save the private key at `PATH`")
	publicKey := fs.String("public-key", "", "register: the public key to register, from a PEM or JWK `FILE`")
	name := fs.String("name", "", "register: the credential's name (default: AgentID key + fingerprint)")
	scope := fs.String("scope", "", "register: pod:ID or inbox:EMAIL (default: the key's own scope)")
	expires := fs.String("expires", "", "register: expiry, e.g. 90d or 12w (default: the key's own)")
	fs.Usage = func() {}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, agentidUsage)
			return exitOK
		}
		fmt.Fprintln(stderr, "see amkeys agentid --help")
		return exitUsage
	}
	c := agentidCmd{stdout: stdout, stderr: stderr, now: time.Now()}
	var check error
	switch cmd {
	case "list":
		check = c.checkList(fs.Args(), *format)
	case "register":
		check = c.checkRegister(fs.Args(), *generate, *publicKey, *name, *scope, *expires)
	case "rename":
		check = c.checkIDArgs(fs.Args(), 2, "rename ID NAME")
	case "revoke":
		check = c.checkIDArgs(fs.Args(), 1, "revoke ID")
	}
	if check != nil {
		fmt.Fprintln(stderr, "amkeys agentid "+cmd+":", check)
		return exitUsage
	}
	settings, err := config.Resolver{Flags: settingsFlags}.Resolve(ctx, !*demo)
	if err != nil {
		fmt.Fprintln(stderr, "amkeys agentid:", err)
		return exitUsage
	}
	if *demo {
		srv, err := sandbox.Start(sandbox.Options{Seed: "demo"}, "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(stderr, "amkeys agentid: cannot start the demo sandbox:", err)
			return exitIncomplete
		}
		defer srv.Close()
		settings.BaseURL, settings.APIKey = srv.URL, config.NewSecret(srv.AdminKey())
	}
	api, err := newClient(settings, false)
	if err != nil {
		fmt.Fprintln(stderr, "amkeys agentid:", err)
		return exitUsage
	}
	defer api.CloseIdleConnections() // lets an in-process demo sandbox stop at once
	c.api = api
	switch cmd {
	case "list":
		return c.list(ctx)
	case "register":
		return c.register(ctx)
	case "rename":
		return c.rename(ctx)
	default:
		return c.revoke(ctx)
	}
}

// agentidCmd is one checked `amkeys agentid` command line.
type agentidCmd struct {
	api            *audit.PacedClient
	stdout, stderr io.Writer
	now            time.Time

	args      []string
	json      bool
	generate  string // register: the private key path to create
	publicKey string // register: the public key file to read
	reg       client.NewPublicKey
}

func (c *agentidCmd) checkList(args []string, format string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %s", argsafe.Quote(args[0]))
	}
	switch format {
	case "table":
	case "json":
		c.json = true
	default:
		return fmt.Errorf("--format %s: want table or json", argsafe.Quote(format))
	}
	return nil
}

func (c *agentidCmd) checkRegister(args []string, generate, publicKey, name, scope, expires string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %s", argsafe.Quote(args[0]))
	}
	if (generate == "") == (publicKey == "") {
		return errors.New("give exactly one of --generate PATH (a new key pair) or --public-key FILE")
	}
	c.generate, c.publicKey, c.reg.Name = generate, publicKey, name
	if len([]rune(name)) > 256 {
		return errors.New("--name: at most 256 characters")
	}
	if scope != "" {
		s, err := client.ParseScope(scope)
		if err != nil {
			return fmt.Errorf("--scope: %w", err)
		}
		c.reg.Scope = &s
	}
	if expires != "" {
		days, err := parseStale(expires)
		if err != nil {
			return fmt.Errorf("--expires %s: want a number of days such as 90d, or weeks such as 12w", argsafe.Quote(expires))
		}
		c.reg.ExpiresAt = c.now.Add(time.Duration(days) * 24 * time.Hour)
	}
	return nil
}

func (c *agentidCmd) checkIDArgs(args []string, n int, form string) error {
	if len(args) != n {
		return fmt.Errorf("want %s", form)
	}
	if n == 2 && (args[1] == "" || len([]rune(args[1])) > 256) {
		return errors.New("NAME must be 1 to 256 characters")
	}
	c.args = args
	return nil
}

// credentialJSON is one credential in JSON output.
type credentialJSON struct {
	ID          string                 `json:"api_key_id"`
	Name        string                 `json:"name"`
	Fingerprint string                 `json:"fingerprint"`
	Scope       client.CredentialScope `json:"scope"`
	Status      string                 `json:"status"`
	ExpiresAt   *time.Time             `json:"expires_at"`
	RevokedAt   *time.Time             `json:"revoked_at"`
	CreatedAt   time.Time              `json:"created_at"`
	PrivateKey  string                 `json:"private_key_path,omitempty"`
}

func (c *agentidCmd) toJSON(p client.PublicKeyCredential) credentialJSON {
	out := credentialJSON{ID: p.ID, Name: p.Name, Fingerprint: p.PublicKey.Fingerprint, Scope: p.Scope,
		Status: credentialStatus(p, c.now), CreatedAt: p.CreatedAt.UTC()}
	if !p.ExpiresAt.IsZero() {
		t := p.ExpiresAt.UTC()
		out.ExpiresAt = &t
	}
	if !p.RevokedAt.IsZero() {
		t := p.RevokedAt.UTC()
		out.RevokedAt = &t
	}
	return out
}

// credentialStatus: revoked, expired or active.
func credentialStatus(p client.PublicKeyCredential, now time.Time) string {
	switch {
	case p.Revoked():
		return "revoked"
	case p.Expired(now):
		return "expired"
	}
	return "active"
}

func (c *agentidCmd) list(ctx context.Context) int {
	var all []client.PublicKeyCredential
	err := c.api.EachPublicKey(ctx, client.ListOptions{Limit: 100}, func(p client.PublicKeyPage) error {
		all = append(all, p.Credentials...)
		return nil
	})
	if err != nil {
		return c.fail("listing", err)
	}
	if c.json {
		out := make([]credentialJSON, 0, len(all))
		for _, p := range all {
			out = append(out, c.toJSON(p))
		}
		if err := report.WriteSafeJSON(c.stdout, out); err != nil {
			return c.fail("writing", err)
		}
		return exitOK
	}
	tb := texttable.New("ID", "NAME", "FINGERPRINT", "SCOPE", "EXPIRES", "STATUS", "CREATED")
	tb.Caps = []int{40, 40, 0, 48}
	for _, p := range all {
		tb.Add(p.ID, p.Name, shortFingerprint(p.PublicKey.Fingerprint), p.Scope.Scope().String(),
			expiryText(p.ExpiresAt, c.now), credentialStatus(p, c.now), p.CreatedAt.UTC().Format("2006-01-02"))
	}
	if err := tb.Write(c.stdout); err != nil {
		return c.fail("writing", err)
	}
	return exitOK
}

// expiryText: "never", "expired", or "in 12 days" / "2027-03-01".
func expiryText(at, now time.Time) string {
	switch {
	case at.IsZero():
		return "never"
	case !now.Before(at):
		return "expired"
	}
	days := int(at.Sub(now).Hours() / 24)
	if days < 1 {
		return "in <1 day"
	}
	if days <= 60 {
		return fmt.Sprintf("in %d days", days)
	}
	return at.UTC().Format("2006-01-02")
}

func (c *agentidCmd) register(ctx context.Context) int {
	var err error
	if c.generate != "" {
		// The private key is on disk and synced before the request: a
		// crash after this point cannot orphan a registered credential.
		c.reg.JWK, err = jwk.GenerateToFile(c.generate)
	} else {
		c.reg.JWK, err = jwk.ReadPublic(c.publicKey)
	}
	if err != nil {
		fmt.Fprintln(c.stderr, "amkeys agentid register:", sanitize.Truncate(err.Error(), 300))
		return exitUsage
	}
	cred, err := c.api.RegisterPublicKey(ctx, c.reg)
	if err != nil {
		if errors.Is(err, client.ErrOutcomeUnknown) {
			fmt.Fprintln(c.stderr, "amkeys agentid register: the answer was lost; the credential may exist.",
				"Run amkeys agentid list and look for fingerprint", jwk.Thumbprint(c.reg.JWK), "before registering again.")
		}
		if c.generate != "" {
			fmt.Fprintln(c.stderr, "amkeys agentid register: the private key stays at", c.generate+"; once the problem is fixed, register it with --public-key", c.generate)
		}
		return c.fail("register", err)
	}
	out := c.toJSON(cred)
	out.PrivateKey = c.generate
	if err := report.WriteSafeJSON(c.stdout, out); err != nil {
		return c.fail("writing", err)
	}
	if want := jwk.Thumbprint(c.reg.JWK); cred.PublicKey.Fingerprint != want {
		fmt.Fprintf(c.stderr, "amkeys agentid register: warning: the server's fingerprint %s differs from the key's RFC 7638 thumbprint %s\n",
			sanitize.Truncate(cred.PublicKey.Fingerprint, 60), want)
	}
	return exitOK
}

func (c *agentidCmd) rename(ctx context.Context) int {
	cred, err := c.api.RenamePublicKey(ctx, c.args[0], c.args[1])
	if err != nil {
		return c.fail("rename", err)
	}
	if err := report.WriteSafeJSON(c.stdout, c.toJSON(cred)); err != nil {
		return c.fail("writing", err)
	}
	return exitOK
}

func (c *agentidCmd) revoke(ctx context.Context) int {
	if err := c.api.RevokePublicKey(ctx, c.args[0]); err != nil {
		return c.fail("revoke", err)
	}
	fmt.Fprintln(c.stdout, "revoked", sanitize.Truncate(c.args[0], 80))
	return exitOK
}

// fail reports err and maps it to the exit code: 1 when the API refused,
// 3 when the network or the server failed.
func (c *agentidCmd) fail(what string, err error) int {
	fmt.Fprintln(c.stderr, "amkeys agentid "+what+":", describe(err))
	return apiExit(err)
}

// shortFingerprint is the first 12 characters of a fingerprint, as SSH
// and GPG show a short id; the server wrote it, so it is sanitised.
func shortFingerprint(fp string) string {
	r := []rune(sanitize.Text(fp))
	if len(r) > 12 {
		r = r[:12]
	}
	return string(r)
}
