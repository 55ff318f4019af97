package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/ui/clip"
)

// Input is everything the checks look at; main fills it from the process,
// tests from their own world.
type Input struct {
	Version     string
	Settings    config.Settings // with the key, unless KeyErr
	SettingsErr error           // the configuration could not be read: nothing else is known
	KeyErr      error           // no key, or its command failed
	Sources     Sources
	Timeout     time.Duration // per request
	Getenv      func(string) string
	LookPath    func(string) (string, error)
	GOOS        string
	// Tmux runs `tmux show -gv OPTION` (only called inside tmux).
	Tmux     func(ctx context.Context, option string) (string, error)
	Terminal Terminal
}

// Sources says where settings that Settings does not trace came from.
type Sources struct {
	Profile, BaseURL, ReadOnly string // e.g. "--profile", "AMKEYS_PROFILE", "the config file"
}

// Terminal describes the terminal amkeys writes to.
type Terminal struct {
	IsTerminal    bool
	Width, Height int
	Colors        string // "true colour", "256 colours", "16 colours", "no colour"
}

// Run runs every check. It returns within a few Timeouts.
func Run(ctx context.Context, in Input) Report {
	r := Report{Version: in.Version}
	api := checkSettings(&r, in)
	if api != nil {
		checkAPI(ctx, &r, in, api)
	}
	checkClipboard(ctx, &r, in)
	checkTerminal(&r, in)
	r.finish()
	return r
}

// checkSettings reports the settings and returns a client for the API
// checks, nil when they cannot run.
func checkSettings(r *Report, in Input) *client.Client {
	const sec = "settings"
	if in.SettingsErr != nil {
		r.add(sec, "configuration", Problem, clean(in.SettingsErr.Error(), 400),
			"correct what the message names (file and line), or point --config elsewhere")
		return nil
	}
	s := in.Settings
	if s.ConfigFile != "" {
		r.add(sec, "config file", OK, clean(s.ConfigFile, 200), "")
	} else {
		r.add(sec, "config file", OK, "none (settings from flags, environment and defaults)", "")
	}
	if s.Profile != "" {
		r.add(sec, "profile", OK, clean(s.Profile, 60)+" (from "+in.Sources.Profile+")", "")
	} else {
		r.add(sec, "profile", OK, "none", "")
	}
	r.add(sec, "base URL", OK, clean(s.BaseURL, 200)+" (from "+in.Sources.BaseURL+")", "")
	if s.ReadOnly {
		r.add(sec, "read-only mode", OK, "on (from "+in.Sources.ReadOnly+"): amkeys creates and deletes nothing", "")
	} else {
		r.add(sec, "read-only mode", OK, "off", "")
	}
	for _, w := range s.Warnings {
		r.add(sec, "warning", Warning, clean(w, 300), "")
	}
	if in.KeyErr != nil {
		r.add(sec, "API key", Problem, clean(in.KeyErr.Error(), 400),
			"export AGENTMAIL_API_KEY=am_... or set api_key_env / api_key_command in a profile")
		return nil
	}
	api, err := client.New(client.Options{BaseURL: s.BaseURL, APIKey: s.APIKey.Reveal(),
		AllowInsecureHTTP: s.AllowInsecureHTTP, ReadOnly: true, Timeout: in.Timeout, MaxAttempts: 1,
		HTTPClient: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}})
	if err != nil {
		r.add(sec, "API key", Problem, clean(err.Error(), 300), "check --base-url")
		return nil
	}
	r.add(sec, "API key", OK, fmt.Sprintf("prefix %s (from %s); the key itself is never shown",
		clean(api.KeyPrefix(), 12), clean(s.KeySource, 80)), "")
	return api
}

// checkAPI: does the base URL answer, and what may the key do there.
func checkAPI(ctx context.Context, r *Report, in Input, api *client.Client) {
	if !baseURLAnswers(ctx, r, in) {
		r.add("key", "scope", Skipped, "the base URL does not answer", "")
		return
	}
	k := keyChecks{ctx: ctx, r: r, api: api}
	if !k.inferScope() {
		return
	}
	k.capabilities()
	k.writes(in.Settings.ReadOnly)
}

// baseURLAnswers makes one unauthenticated GET of the base URL: any HTTP
// answer will do; only a failure to get one is a problem.
func baseURLAnswers(ctx context.Context, r *Report, in Input) bool {
	ctx, cancel := context.WithTimeout(ctx, in.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, in.Settings.BaseURL+"/", nil)
	if err != nil {
		r.add("api", "base URL answers", Problem, clean(err.Error(), 300), "check --base-url")
		return false
	}
	req.Header.Set("User-Agent", "amkeys/"+in.Version)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		detail := "no answer: " + clean(errors.Unwrap(err).Error(), 300)
		if errors.Unwrap(err) == nil {
			detail = "no answer: " + clean(err.Error(), 300)
		}
		r.add("api", "base URL answers", Problem, detail,
			"check the network, a proxy (HTTPS_PROXY) and the base URL (--base-url, --environment, AGENTMAIL_BASE_URL)")
		return false
	}
	resp.Body.Close()
	r.add("api", "base URL answers", OK, fmt.Sprintf("HTTP %d in %v", resp.StatusCode, time.Since(start).Round(time.Millisecond)), "")
	return true
}

// keyChecks asks the API what the key may do.
type keyChecks struct {
	ctx   context.Context
	r     *Report
	api   *client.Client
	scope client.Scope
	own   *client.APIKey // the key's own record, when it may list it
}

const keySection = "key"

// inferScope infers the key's scope: the organization when it may read the
// organization, else from its own record in its own key listing, else
// from whether it may list pods. It reports false when the key was
// refused outright.
func (k *keyChecks) inferScope() bool {
	org, err := k.api.GetOrganization(k.ctx)
	switch {
	case err == nil:
		k.scope = client.OrganizationScope()
		k.findOwn()
		k.r.add(keySection, "scope", OK, "organization "+clean(org.ID, 60)+": an organization key", "")
		return true
	case client.IsUnauthorized(err):
		k.r.add(keySection, "authentication", Problem, "the API refused the key: "+describe(err),
			"check that the key is current and belongs to this base URL's region (us or eu)")
		return false
	case !client.IsForbidden(err):
		k.r.add(keySection, "scope", Warning, "could not read the organization: "+describe(err), "")
	}
	if k.findOwn() {
		k.scope = k.own.Scope()
		k.r.add(keySection, "scope", OK, fmt.Sprintf("%s %s: a %s key (its own record says so)",
			k.scope.Kind, clean(k.scope.ID, 80), k.scope.Kind), "")
		return true
	}
	page, err := k.api.ListPods(k.ctx, client.ListOptions{Limit: 2})
	switch {
	case err == nil && len(page.Pods) == 1:
		k.scope = client.PodScope(page.Pods[0].ID)
		k.r.add(keySection, "scope", OK, "pod "+clean(page.Pods[0].ID, 80)+": a pod key (it sees one pod and not the organization)", "")
	case client.Code(err) == client.CodeForbidden:
		k.scope = client.Scope{Kind: client.ScopeInbox}
		k.r.add(keySection, "scope", OK, "an inbox key (it may not act on pods or the organization)", "")
	default:
		k.r.add(keySection, "scope", Warning, "not the organization; could not tell which pod or inbox", "give the key api_key_read or pod_read to let amkeys tell")
	}
	return true
}

// findOwn looks for the key's own record (by its prefix) in its own
// scope's listing, a few pages at most.
func (k *keyChecks) findOwn() bool {
	prefix := k.api.KeyPrefix()
	pages := 0
	errStop := errors.New("stop")
	err := k.api.EachKey(k.ctx, client.OrganizationScope(), client.ListOptions{Limit: 100}, func(p client.KeyPage) error {
		for _, key := range p.Keys {
			if prefix != "" && key.Prefix == prefix {
				own := key
				k.own = &own
				return errStop
			}
		}
		if pages++; pages >= 10 {
			return errStop
		}
		return nil
	})
	_ = err // a key that may not list keys is reported by capabilities
	return k.own != nil
}

// capabilities tries each listing the dashboard makes, one item each.
func (k *keyChecks) capabilities() {
	one := client.ListOptions{Limit: 1}
	checks := []struct {
		name string
		try  func() error
		need bool // the dashboard's first screens need it
	}{
		{"list pods", func() error { _, err := k.api.ListPods(k.ctx, one); return err }, true},
		{"list API keys", func() error { _, err := k.api.ListKeys(k.ctx, client.OrganizationScope(), one); return err }, true},
		{"list inboxes", func() error { _, err := k.api.ListInboxes(k.ctx, client.OrganizationScope(), one); return err }, false},
		{"list public-key credentials", func() error { _, err := k.api.ListPublicKeys(k.ctx, one); return err }, false},
	}
	usable := false
	for _, c := range checks {
		err := c.try()
		switch {
		case err == nil:
			usable = usable || c.need
			k.r.add(keySection, c.name, OK, "yes", "")
		case client.IsForbidden(err) && k.scope.Kind == client.ScopeInbox && c.name == "list pods":
			k.r.add(keySection, c.name, OK, "no: an inbox key has no pods", "")
		case client.IsForbidden(err):
			k.r.add(keySection, c.name, Warning, "no: "+describe(err), fixOf(err))
		default:
			k.r.add(keySection, c.name, Warning, "could not tell: "+describe(err), "")
		}
	}
	if !usable {
		k.r.add(keySection, "dashboard", Problem, "the key may list neither pods nor API keys: the dashboard would show nothing",
			"use a key with pod_read or api_key_read")
	}
}

// writes says whether the key may change anything, from its own record.
func (k *keyChecks) writes(readOnlyMode bool) {
	mode := ""
	if readOnlyMode {
		mode = "; read-only mode is on, so amkeys will not try"
	}
	if k.own == nil {
		k.r.add(keySection, "permissions", Warning, "unknown: the key cannot see its own record"+mode, "")
		return
	}
	p := k.own.Permissions
	if p.IsUnrestricted() {
		k.r.add(keySection, "permissions", OK, "unrestricted: it may create and delete within its scope"+mode, "")
		return
	}
	var writes []string
	for _, n := range p.Names() {
		if strings.HasSuffix(n, "_create") || strings.HasSuffix(n, "_delete") || strings.HasSuffix(n, "_update") || strings.HasSuffix(n, "_send") {
			writes = append(writes, clean(n, 40))
		}
	}
	if len(writes) == 0 {
		k.r.add(keySection, "permissions", OK, fmt.Sprintf("read-only key (%d read permissions, none that change anything)%s", p.GrantedCount(), mode), "")
		return
	}
	if len(writes) > 8 {
		writes = append(writes[:8], fmt.Sprintf("and %d more", len(writes)-8))
	}
	k.r.add(keySection, "permissions", OK, "it may change things: "+strings.Join(writes, ", ")+mode, "")
}

// describe is an API error for a line of the report, sanitised.
func describe(err error) string { return clean(err.Error(), 200) }

// fixOf is the server's fix, sanitised, or "".
func fixOf(err error) string {
	if e, ok := client.AsError(err); ok && e.Fix != "" {
		return clean(e.Fix, 200)
	}
	return ""
}

// checkClipboard names the path a copy would take.
func checkClipboard(ctx context.Context, r *Report, in Input) {
	const sec = "clipboard"
	tool := clip.Tool(in.GOOS, in.Getenv, in.LookPath)
	osc52 := "a copy goes to the terminal as OSC 52, which amkeys cannot confirm"
	switch need := clip.ToolNeedsDisplay(tool); {
	case tool == "":
		r.add(sec, "clipboard tool", Warning, "none on PATH: "+osc52,
			"install xclip or xsel (X11) or wl-clipboard (Wayland), or reveal a new key with v and copy it by hand")
	case need != "" && in.Getenv(need) == "":
		r.add(sec, "clipboard tool", Warning, tool+", but "+need+" is not set (over SSH?): "+osc52,
			"run amkeys where "+need+" is set, or rely on OSC 52")
	default:
		r.add(sec, "clipboard tool", OK, tool, "")
	}
	if in.Getenv("TMUX") == "" {
		return
	}
	passthrough, err := in.Tmux(ctx, "allow-passthrough")
	setClipboard, _ := in.Tmux(ctx, "set-clipboard")
	setClipboard = clean(setClipboard, 20)
	switch {
	case err != nil:
		// tmux before 3.3 has no such option and always passes through.
		r.add(sec, "tmux", OK, "OSC 52 goes through tmux's passthrough (set-clipboard "+setClipboard+")", "")
	case strings.TrimSpace(passthrough) == "off":
		r.add(sec, "tmux", Warning, "inside tmux with allow-passthrough off: an OSC 52 copy stops at tmux (set-clipboard "+setClipboard+")",
			"tmux set -g allow-passthrough on")
	default:
		r.add(sec, "tmux", OK, "OSC 52 passes through tmux (allow-passthrough "+clean(passthrough, 10)+", set-clipboard "+setClipboard+")", "")
	}
}

// checkTerminal: TERM, colours, size.
func checkTerminal(r *Report, in Input) {
	const sec = "terminal"
	term := in.Getenv("TERM")
	switch term {
	case "", "dumb":
		r.add(sec, "TERM", Warning, fmt.Sprintf("%q: the dashboard needs a terminal with cursor movement", term),
			"run amkeys in a terminal emulator, with TERM such as xterm-256color")
	default:
		r.add(sec, "TERM", OK, clean(term, 40), "")
	}
	colors := in.Terminal.Colors
	if in.Getenv("NO_COLOR") != "" {
		colors = "no colour (NO_COLOR is set)"
	}
	r.add(sec, "colours", OK, colors, "")
	switch t := in.Terminal; {
	case !t.IsTerminal:
		r.add(sec, "size", Warning, "the output is not a terminal (piped or redirected): size unknown",
			"run amkeys doctor in the terminal you will use")
	case t.Width < 60 || t.Height < 15:
		r.add(sec, "size", Warning, fmt.Sprintf("%dx%d: smaller than 60x15, the dashboard will be cramped", t.Width, t.Height),
			"enlarge the window")
	default:
		r.add(sec, "size", OK, fmt.Sprintf("%dx%d", t.Width, t.Height), "")
	}
}
