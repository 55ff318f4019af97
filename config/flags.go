package config

import "flag"

// Flags are the command-line settings owned by this package. Main registers
// them with RegisterFlags, parses its FlagSet, and hands the result to a
// Resolver. Only flags given explicitly on the command line override the
// config file; their zero defaults never do.
type Flags struct {
	APIKey            Secret
	BaseURL           string
	Environment       string
	Profile           string
	ConfigFile        string
	ReadOnly          bool
	AllowInsecureHTTP bool
	UTC               bool

	fs *flag.FlagSet
}

// Flag names, shared by RegisterFlags, IsSet and error messages.
const (
	flagAPIKey        = "api-key"
	flagBaseURL       = "base-url"
	flagEnvironment   = "environment"
	flagProfile       = "profile"
	flagConfig        = "config"
	flagReadOnly      = "read-only"
	flagAllowInsecure = "allow-insecure-http"
	flagUTC           = "utc"
)

// RegisterFlags adds amkeys' settings flags to fs.
func RegisterFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{fs: fs}
	fs.Var(secretFlag{&f.APIKey}, flagAPIKey,
		"API key (discouraged: visible in the process list and shell history; prefer AGENTMAIL_API_KEY)")
	fs.StringVar(&f.BaseURL, flagBaseURL, "", "API base URL (default "+DefaultBaseURL+")")
	fs.StringVar(&f.Environment, flagEnvironment, "", "API region: us or eu")
	fs.StringVar(&f.Profile, flagProfile, "", "profile from the config file (env AMKEYS_PROFILE)")
	fs.StringVar(&f.ConfigFile, flagConfig, "", "config file (env AMKEYS_CONFIG; default <user config dir>/amkeys/config.toml)")
	fs.BoolVar(&f.ReadOnly, flagReadOnly, false, "never create or delete anything")
	fs.BoolVar(&f.AllowInsecureHTTP, flagAllowInsecure, false, "allow an http:// base URL on a non-loopback host (sends the key in clear text)")
	fs.BoolVar(&f.UTC, flagUTC, false, "show times in UTC instead of the local time zone (reports are always UTC)")
	return f
}

// IsSet reports whether the flag with this name was given on the command
// line. It is only meaningful after the FlagSet has been parsed.
func (f *Flags) IsSet(name string) bool {
	if f == nil || f.fs == nil {
		return false
	}
	set := false
	f.fs.Visit(func(fl *flag.Flag) {
		if fl.Name == name {
			set = true
		}
	})
	return set
}

// secretFlag lets --api-key land directly in a Secret, so that even the
// flag package (usage output, Lookup(...).Value.String()) never shows it.
type secretFlag struct{ s *Secret }

func (v secretFlag) String() string {
	if v.s == nil || v.s.IsZero() {
		return ""
	}
	return redacted
}

func (v secretFlag) Set(s string) error {
	*v.s = NewSecret(s)
	return nil
}
