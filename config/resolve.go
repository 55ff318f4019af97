package config

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Defaults for settings that nothing else sets.
const (
	DefaultPageSize         = 50
	DefaultStaleDays        = 90
	DefaultClipboardClear   = 30 * time.Second
	DefaultAuditConcurrency = 8
	DefaultExpiryWarnDays   = 14
)

// Environment variables read by Resolve. Empty values count as unset.
const (
	EnvAPIKey  = "AGENTMAIL_API_KEY"
	EnvBaseURL = "AGENTMAIL_BASE_URL"
	EnvProfile = "AMKEYS_PROFILE"
	EnvConfig  = "AMKEYS_CONFIG"
)

// Settings is the outcome of Resolve: everything amkeys needs to start.
type Settings struct {
	Profile   string // "" when no profile applies
	BaseURL   string // validated, no trailing slash
	APIKey    Secret
	KeySource string // where the key came from, for the status line
	// KeyEnvName is the environment variable the key came from
	// (AGENTMAIL_API_KEY or a profile's api_key_env), "" when it came from
	// elsewhere. Main removes it, and AGENTMAIL_API_KEY, from the
	// environment of every process it starts.
	KeyEnvName string
	// KeyEnv is the profile's api_key_env, "" if none: main keeps it from
	// child processes even when the key came from elsewhere.
	KeyEnv            string
	PageSize          int
	StaleDays         int
	ClipboardClear    time.Duration // 0 = never clear
	ReadOnly          bool
	AllowInsecureHTTP bool
	UTC               bool // the dashboard shows times in UTC, not local time
	AuditConcurrency  int
	ExpiryWarnDays    int      // the audit: a public key expiring within it is "expiring"
	ConfigFile        string   // the file that was read, "" if none
	Warnings          []string // for main to show; never printed here
}

// Resolver combines flags, environment, config file and defaults, in that
// order of precedence. The function fields exist for tests; nil means the
// real thing.
type Resolver struct {
	Flags          *Flags
	LookupEnv      func(string) (string, bool)
	UserConfigDir  func() (string, error)
	CommandTimeout time.Duration // for api_key_command; 0 = DefaultCommandTimeout
}

// Resolve builds the Settings. With needKey false (the demo) it checks
// everything else but neither requires nor looks for a key, so no
// api_key_command runs. Every error is an *Error.
func (r Resolver) Resolve(ctx context.Context, needKey bool) (Settings, error) {
	r = r.withDefaults()
	s := Settings{
		PageSize:         DefaultPageSize,
		StaleDays:        DefaultStaleDays,
		ClipboardClear:   DefaultClipboardClear,
		AuditConcurrency: DefaultAuditConcurrency,
		ExpiryWarnDays:   DefaultExpiryWarnDays,
	}

	path, explicit, source := r.configPath()
	cfg, warnings, err := loadConfigFile(path, explicit, source)
	if err != nil {
		return Settings{}, err
	}
	s.Warnings = append(s.Warnings, warnings...)
	if cfg != nil {
		s.ConfigFile = path
	}

	scope, err := r.chooseProfile(cfg, path)
	if err != nil {
		return Settings{}, err
	}
	s.Profile = scope.profile
	scope.conf.applyTo(&s)
	r.applyFlags(&s)

	if err := r.resolveBaseURL(&s, scope); err != nil {
		return Settings{}, err
	}
	if r.Flags.IsSet(flagAPIKey) {
		s.Warnings = append(s.Warnings, "--api-key is visible to other users in the process list and stays in "+
			"your shell history; prefer "+EnvAPIKey+" or api_key_command in a profile")
	}
	if !needKey {
		return s, nil
	}
	if err := r.resolveKey(ctx, &s, scope, path); err != nil {
		return Settings{}, err
	}
	return s, nil
}

func (r Resolver) withDefaults() Resolver {
	if r.Flags == nil {
		r.Flags = &Flags{}
	}
	if r.LookupEnv == nil {
		r.LookupEnv = os.LookupEnv
	}
	if r.UserConfigDir == nil {
		r.UserConfigDir = os.UserConfigDir
	}
	if r.CommandTimeout <= 0 {
		r.CommandTimeout = DefaultCommandTimeout
	}
	return r
}

// env returns a non-empty environment variable.
func (r Resolver) env(name string) (string, bool) {
	v, ok := r.LookupEnv(name)
	return v, ok && v != ""
}

// configPath picks --config, AMKEYS_CONFIG, or the default path. Without a
// user config directory the default path is relative and simply not found.
func (r Resolver) configPath() (path string, explicit bool, source string) {
	if r.Flags.IsSet(flagConfig) && r.Flags.ConfigFile != "" {
		return r.Flags.ConfigFile, true, "--config"
	}
	if v, ok := r.env(EnvConfig); ok {
		return v, true, EnvConfig
	}
	dir, err := r.UserConfigDir()
	if err != nil || dir == "" {
		return filepath.Join("~", ".config", "amkeys", "config.toml"), false, ""
	}
	return filepath.Join(dir, "amkeys", "config.toml"), false, ""
}

// profileScope is the chosen profile merged over the file's top level.
type profileScope struct {
	profile string      // "" for none
	conf    profileConf // effective values
	file    string      // config file path, "" without a file
	label   string      // "profile work" or "config file", for messages
	keyVars []string    // every api_key_env named in the file
}

// chooseProfile applies: --profile, AMKEYS_PROFILE, default_profile, a
// profile called "default", or none.
func (r Resolver) chooseProfile(cfg *configFile, path string) (profileScope, error) {
	name, source := "", ""
	if r.Flags.IsSet(flagProfile) && r.Flags.Profile != "" {
		name, source = r.Flags.Profile, "--profile"
	} else if v, ok := r.env(EnvProfile); ok {
		name, source = v, EnvProfile
	}
	if cfg == nil {
		if name != "" {
			return profileScope{}, plainError(fmt.Sprintf("profile %s was requested by %s, but there is no config file at %s",
				quoteShort(name), source, path))
		}
		return profileScope{label: "config file"}, nil
	}
	switch {
	case name != "":
	case cfg.defaultProfile.isSet():
		name = cfg.defaultProfile.val
	case cfg.profiles["default"] != nil:
		name = "default"
	default:
		return profileScope{conf: cfg.top, file: cfg.path, label: "config file", keyVars: cfg.keyVars()}, nil
	}
	p, ok := cfg.profiles[name]
	if !ok {
		return profileScope{}, fileError(cfg.path, pos{}, cfg.unknownProfile(name)+" (requested by "+source+")")
	}
	return profileScope{profile: name, conf: merge(cfg.top, *p), file: cfg.path,
		label: "profile " + shorten(quoteKey(name), 40), keyVars: cfg.keyVars()}, nil
}

// merge lays a profile over the top-level defaults. The endpoint fields
// (environment, base_url) and the key fields (api_key_env, api_key_command,
// api_key) each count as one group: a profile that sets any field of a
// group replaces the whole group, so a top-level api_key_env never shadows a
// profile's api_key_command.
func merge(top, p profileConf) profileConf {
	out := top
	if p.environment.isSet() || p.baseURL.isSet() {
		out.environment, out.baseURL = p.environment, p.baseURL
	}
	if p.apiKeyEnv.isSet() || p.apiKeyCommand.isSet() || p.apiKey.isSet() {
		out.apiKeyEnv, out.apiKeyCommand, out.apiKey = p.apiKeyEnv, p.apiKeyCommand, p.apiKey
	}
	pick(&out.pageSize, p.pageSize)
	pick(&out.staleDays, p.staleDays)
	pick(&out.clipboardClearSeconds, p.clipboardClearSeconds)
	pick(&out.auditConcurrency, p.auditConcurrency)
	pick(&out.expiryWarnDays, p.expiryWarnDays)
	pick(&out.readOnly, p.readOnly)
	pick(&out.allowInsecureHTTP, p.allowInsecureHTTP)
	pick(&out.utc, p.utc)
	return out
}

func pick[T any](dst *setting[T], s setting[T]) {
	if s.isSet() {
		*dst = s
	}
}

// applyTo copies the plain (non-endpoint, non-key) settings.
func (c profileConf) applyTo(s *Settings) {
	if c.pageSize.isSet() {
		s.PageSize = c.pageSize.val
	}
	if c.staleDays.isSet() {
		s.StaleDays = c.staleDays.val
	}
	if c.clipboardClearSeconds.isSet() {
		s.ClipboardClear = time.Duration(c.clipboardClearSeconds.val) * time.Second
	}
	if c.auditConcurrency.isSet() {
		s.AuditConcurrency = c.auditConcurrency.val
	}
	if c.expiryWarnDays.isSet() {
		s.ExpiryWarnDays = c.expiryWarnDays.val
	}
	s.ReadOnly = c.readOnly.val
	s.AllowInsecureHTTP = c.allowInsecureHTTP.val
	s.KeyEnv = c.apiKeyEnv.val
	s.UTC = c.utc.val
}

func (r Resolver) applyFlags(s *Settings) {
	if r.Flags.IsSet(flagReadOnly) {
		s.ReadOnly = r.Flags.ReadOnly
	}
	if r.Flags.IsSet(flagAllowInsecure) {
		s.AllowInsecureHTTP = r.Flags.AllowInsecureHTTP
	}
	if r.Flags.IsSet(flagUTC) {
		s.UTC = r.Flags.UTC
	}
}
