// Package config works out amkeys' settings from, in order of precedence,
// command-line flags, environment variables, a config file, and defaults.
// It never writes a file and never prints: warnings are returned in
// Settings.Warnings, and every problem is an *Error that names the file
// and line when it comes from the config file.
//
// # Where settings come from
//
// Highest first:
//
//   - Flags: --api-key, --base-url, --environment (us or eu), --profile,
//     --config FILE, --read-only, --allow-insecure-http, --utc. Only flags given on
//     the command line count; a flag left out never overrides the file.
//   - Environment: AGENTMAIL_API_KEY, AGENTMAIL_BASE_URL, AMKEYS_PROFILE,
//     AMKEYS_CONFIG. An empty variable counts as unset.
//   - The config file, described below.
//   - Defaults: base URL https://api.agentmail.to, page_size 50,
//     stale_days 90, clipboard_clear_seconds 30, audit_concurrency 8,
//     expiry_warn_days 14, read_only false, allow_insecure_http false, utc false.
//
// # The config file
//
// The file is config.toml in the amkeys folder of your user configuration
// directory: ~/.config/amkeys/config.toml on Linux (or
// $XDG_CONFIG_HOME/amkeys/config.toml), ~/Library/Application
// Support/amkeys/config.toml on macOS, %AppData%\amkeys\config.toml on
// Windows. --config FILE or AMKEYS_CONFIG=FILE use another file. The file is
// optional; but a file named with --config or AMKEYS_CONFIG must exist.
//
// It is written in TOML (https://toml.io), all of it: basic and literal
// strings, multi-line strings, inline tables and dotted keys work as TOML
// says. amkeys then accepts only the fields below, each of its own type; an
// error names the file, line and column (file:line:col). Each profile
// describes one AgentMail account or key:
//
//	default_profile = "work"
//
//	[profiles.work]
//	environment = "eu"                            # or base_url = "https://..."
//	api_key_env = "AGENTMAIL_WORK_KEY"            # a variable holding the key
//	page_size = 50
//	stale_days = 90
//	clipboard_clear_seconds = 30
//	read_only = false
//	allow_insecure_http = false
//	audit_concurrency = 8
//
//	[profiles.personal]
//	api_key_command = "pass show agentmail/personal"   # prints the key
//	read_only = true
//
// # Fields
//
// Top level only:
//
//   - default_profile: the profile used when neither --profile nor
//     AMKEYS_PROFILE names one.
//
// In a [profiles.NAME] section, or at the top level (before the first
// section) as a default for every profile:
//
//   - environment: "us" (https://api.agentmail.to) or "eu"
//     (https://api.agentmail.eu).
//   - base_url: any other server, such as "http://127.0.0.1:8080". Set
//     environment or base_url, not both.
//   - api_key_env: the name of an environment variable holding the key.
//     The variable must then be set and not empty.
//   - api_key_command: a shell command (run with sh -c) that prints the key
//     on standard output, such as "pass show agentmail/work". It must
//     finish within 10 seconds and print a single line of at most 512
//     bytes. It gets no terminal input, so it cannot prompt there (gpg's
//     pinentry works: it is started by gpg-agent). It does not see
//     AGENTMAIL_API_KEY nor any variable named by an api_key_env. The key
//     is taken as soon as the command has exited; processes it left
//     running in the background are ended (daemons that detach, such as
//     gpg-agent, are not). When it fails, the first line of its error
//     output is shown, with anything that looks like a key blanked out.
//   - api_key: the key itself, in plain text. Discouraged; if you must,
//     make the file private (chmod 600), or amkeys warns at every start.
//   - page_size: rows fetched per request, 1 to 100 (default 50).
//   - stale_days: a key unused for this many days counts as stale, 1 to
//     3650 (default 90).
//   - clipboard_clear_seconds: how long a copied value stays on the
//     clipboard, 0 to 3600; 0 never clears it (default 30).
//   - read_only: true turns off creating and deleting pods and keys
//     (default false).
//   - utc: true shows the dashboard's times in UTC instead of the local
//     time zone (default false); the headless reports are always UTC.
//   - allow_insecure_http: true allows an http:// base URL on a host other
//     than this machine; the key then travels in clear text (default false).
//   - audit_concurrency: requests an audit runs at once, 1 to 64
//     (default 8).
//   - expiry_warn_days: the audit counts a public-key credential as
//     expiring when its expiry is this many days away or less, 1 to 3650
//     (default 14).
//
// A profile's own values win over top-level ones. The key fields
// (api_key_env, api_key_command, api_key) count as one setting: a profile
// that names any of them ignores all three at the top level, and a single
// profile (or the top level) may set only one of them. environment and
// base_url work the same way.
//
// # Which profile
//
// --profile NAME, else AMKEYS_PROFILE, else default_profile, else a profile
// called "default" if the file has one. Otherwise no profile applies and
// only the top-level fields, the environment and the flags count. Naming a
// profile the file does not define is an error that lists the profiles that
// exist.
//
// # Which API key
//
// The first of: --api-key (discouraged: other users can see it in the
// process list, and it stays in your shell history), AGENTMAIL_API_KEY,
// then the profile's api_key_env, api_key_command or api_key. amkeys shows
// where the key came from, never the key. `amkeys --demo` needs no key.
//
// # Plain http
//
// A base URL must be http or https with a host and without user name,
// password, query or fragment. http:// is accepted for localhost, 127.x.x.x
// and ::1. For any other host it is refused unless --allow-insecure-http or
// allow_insecure_http = true is set, because the key would travel in clear
// text.
package config
