package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const exampleFile = `# amkeys settings
default_profile = "work"
page_size = 20

[profiles.work]
environment = "EU"
api_key_env = "AGENTMAIL_WORK_KEY"
stale_days = 30
clipboard_clear_seconds = 0
read_only = true
allow_insecure_http = false
audit_concurrency = 64

[profiles."local test"]
base_url = "http://127.0.0.1:8080/"
api_key_command = "echo am_x"
`

func TestParseConfigExample(t *testing.T) {
	cfg, err := parseConfig("config.toml", exampleFile)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.defaultProfile.val != "work" || cfg.defaultProfile.at != (pos{2, 1}) {
		t.Errorf("default_profile = %+v", cfg.defaultProfile)
	}
	if got := cfg.top.pageSize; got.val != 20 || got.at != (pos{3, 1}) {
		t.Errorf("top page_size = %+v", got)
	}
	w := cfg.profiles["work"]
	if w == nil || w.environment.val != "eu" || w.apiKeyEnv.val != "AGENTMAIL_WORK_KEY" || w.staleDays.val != 30 ||
		!w.clipboardClearSeconds.isSet() || w.clipboardClearSeconds.val != 0 || !w.readOnly.val ||
		!w.allowInsecureHTTP.isSet() || w.auditConcurrency.val != 64 || w.auditConcurrency.at != (pos{12, 1}) {
		t.Errorf("work = %+v", w)
	}
	l := cfg.profiles["local test"]
	if l == nil || l.baseURL.val != "http://127.0.0.1:8080" || l.apiKeyCommand.at != (pos{16, 1}) {
		t.Errorf("local test = %+v", l)
	}
	if cfg.hasPlainKey {
		t.Error("hasPlainKey set without api_key")
	}
}

func TestParseConfigErrors(t *testing.T) {
	const head = "default_profile = \"work\"\n\n[profiles.work]\nenvironment = \"eu\"\n\n# page size\n"
	tests := []struct {
		name, text string
		want       string // full error text
	}{
		{"unknown field with suggestion", head + "pagesize = 5\n",
			`config.toml:7:1: unknown field "pagesize" in [profiles.work] (did you mean page_size?)`},
		{"unknown field at top", "stale-days = 5",
			`config.toml:1:1: unknown field "stale-days" at the top level (did you mean stale_days?)`},
		{"unknown field without suggestion", "[profiles.a]\ncolour = \"red\"",
			`config.toml:2:1: unknown field "colour" in [profiles.a] (fields: environment, base_url, api_key_env, api_key_command, api_key, page_size, stale_days, clipboard_clear_seconds, audit_concurrency, expiry_warn_days, read_only, allow_insecure_http, utc)`},
		{"top-level key after a section", "[profiles.work]\nenvironment = \"us\"\ndefault_profile = \"work\"",
			`config.toml:3:1: unknown field "default_profile" in [profiles.work] (top-level settings must come before the first [section])`},
		{"wrong type int", head + "page_size = \"50\"",
			`config.toml:7:1: page_size must be a whole number, not a string`},
		{"wrong type float", head + "stale_days = 1.5",
			`config.toml:7:1: stale_days must be a whole number, not a float`},
		{"wrong type bool", head + "read_only = 1",
			`config.toml:7:1: read_only must be true or false, not an integer`},
		{"wrong type string", "[profiles.work]\napi_key_command = true",
			`config.toml:2:1: api_key_command must be a string, not a boolean`},
		{"default_profile type", "default_profile = 3",
			`config.toml:1:1: default_profile must be a string, not an integer`},
		{"negative page size", head + "page_size = -5",
			`config.toml:7:1: page_size must be between 1 and 100, not -5`},
		{"page size too big", "page_size = 101",
			`config.toml:1:1: page_size must be between 1 and 100, not 101`},
		{"audit concurrency zero", "audit_concurrency = 0",
			`config.toml:1:1: audit_concurrency must be between 1 and 64, not 0`},
		{"clipboard negative", "clipboard_clear_seconds = -1",
			`config.toml:1:1: clipboard_clear_seconds must be between 0 and 3600, not -1`},
		{"stale days zero", "stale_days = 0",
			`config.toml:1:1: stale_days must be between 1 and 3650, not 0`},
		{"expiry warn days zero", "expiry_warn_days = 0",
			`config.toml:1:1: expiry_warn_days must be between 1 and 3650, not 0`},
		{"unknown environment", "[profiles.work]\nenvironment = \"de\"",
			`config.toml:2:1: environment: unknown environment "de" (use "us" or "eu")`},
		{"unknown default profile", "default_profile = \"wrok\"\n[profiles.work]\n[profiles.home]",
			`config.toml:1:1: default_profile names unknown profile "wrok"; profiles in this file: home, work`},
		{"default profile without profiles", "default_profile = \"x\"",
			`config.toml:1:1: default_profile names unknown profile "x"; this file defines no profiles`},
		{"environment and base_url", "[profiles.w]\nenvironment = \"eu\"\nbase_url = \"https://a.invalid\"",
			`config.toml:3:1: set either environment or base_url in profile "w", not both (lines 2 and 3)`},
		{"two key sources", "[profiles.w]\napi_key_command = \"x\"\n\napi_key_env = \"K\"",
			`config.toml:4:1: set only one of api_key_env, api_key_command and api_key in profile "w" (api_key_env on line 4, api_key_command on line 2)`},
		{"two key sources top", "api_key = \"am_1\"\napi_key_env = \"K\"",
			`config.toml:2:1: set only one of api_key_env, api_key_command and api_key at the top level (api_key_env on line 2, api_key on line 1)`},
		{"bad base_url scheme", "[profiles.w]\nbase_url = \"ftp://a.invalid\"",
			`config.toml:2:1: base_url: must start with https:// (or http:// for a local server)`},
		{"base_url with query", "base_url = \"https://a.invalid/?k=am_secret\"",
			`config.toml:1:1: base_url: must not contain a query (?...) or fragment (#...)`},
		{"unknown table", "[profile.work]",
			`config.toml:1:2: unknown table [profile.work] (did you mean [profiles.work]?)`},
		{"bare profile table", "\n[work]",
			`config.toml:2:2: unknown table [work] (profiles go in [profiles.work])`},
		{"nested table", "[profiles.work.extra]",
			`config.toml:1:2: unknown table [profiles.work.extra] (only [profiles.NAME] sections are allowed)`},
		{"dotted unknown table", "settings.page_size = 5",
			`config.toml:1:1: unknown table [settings] (profiles go in [profiles.settings])`},
		{"profiles as a value", "profiles = \"work\"",
			`config.toml:1:1: profiles must be a table: write one [profiles.NAME] section per profile`},
		{"profile as a value", "[profiles]\nwork = 1",
			`config.toml:2:1: profiles.work must be a section [profiles.work], not a value`},
		{"empty profile name", "[profiles.\"\"]",
			`config.toml:1:2: profile name must not be empty`},
		{"unprintable profile name", "[profiles.\"a\\u200Bb\"]",
			`config.toml:1:2: profile name "a\u200bb" must contain only printable characters`},
		{"syntax error", head + "page_size = 5 5",
			`config.toml:7:15: expected newline but got U+0035 '5' (one key = value per line; use # to start a comment)`},
		{"date for a number", "stale_days = 2024-01-01",
			`config.toml:1:1: stale_days must be a whole number, not a date or time`},
		{"array for a string", "[profiles.w]\n  api_key_env = [\"A\", \"B\"]",
			`config.toml:2:3: api_key_env must be a string, not an array`},
		{"inline table for a number", "page_size = { a = 1 }",
			`config.toml:1:1: page_size must be a whole number, not a table`},
		{"array of tables", "[[profiles]]\nenvironment = \"eu\"",
			`config.toml:1:3: [[profiles]] is an array of tables; amkeys has none: write one [profiles.NAME] section per profile`},
		{"unknown field in an inline profile", "[profiles]\nwork = { colour = 'red' }",
			`config.toml:2:10: unknown field "colour" in [profiles.work] (fields: environment, base_url, api_key_env, api_key_command, api_key, page_size, stale_days, clipboard_clear_seconds, audit_concurrency, expiry_warn_days, read_only, allow_insecure_http, utc)`},
		{"inline profile as a value", "profiles = { work = 1 }",
			`config.toml:1:14: profiles.work must be a section [profiles.work], not a value`},
		{"empty command", "api_key_command = \"  \"",
			`config.toml:1:1: api_key_command: is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig("config.toml", tt.text)
			if err == nil {
				t.Fatalf("no error, want %s", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
		})
	}
}

// Values that may be a key are checked without being repeated.
func TestParseConfigKeyErrorsDoNotEchoTheKey(t *testing.T) {
	for _, text := range []string{
		"api_key_env = \"" + testKey + "\"",
		"api_key_env = \"not a name " + testKey + "\"",
		"api_key = \"" + testKey + " with space\"",
		"api_key = \"" + testKey + "\\n\"",
		"base_url = \"https://user:" + testKey + "@a.invalid\"",
		"base_url = \"https://a.invalid/?key=" + testKey + "\"",
		"base_url = \"https://a.invalid/ " + testKey + "%zz\"",
	} {
		_, err := parseConfig("config.toml", text)
		if err == nil {
			t.Fatalf("%s: no error", text)
		}
		if strings.Contains(err.Error(), "TESTKEY") || !strings.HasPrefix(err.Error(), "config.toml:1:1: ") {
			t.Errorf("%s: bad error %s", text, err)
		}
	}
}

func TestLoadConfigFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // WriteFile's mode is masked by umask
			t.Fatal(err)
		}
		return p
	}
	missing := filepath.Join(dir, "missing.toml")

	if cfg, _, err := loadConfigFile(missing, false, ""); cfg != nil || err != nil {
		t.Errorf("missing default file: got %v, %v; want nothing", cfg, err)
	}
	_, _, err := loadConfigFile(missing, true, "--config")
	if err == nil || err.Error() != missing+": config file not found (named by --config)" {
		t.Errorf("missing explicit file: %v", err)
	}
	if _, _, err := loadConfigFile(dir, true, "--config"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
	big := write("big.toml", strings.Repeat("# filler\n", maxConfigSize/9+1), 0o600)
	if _, _, err := loadConfigFile(big, true, "--config"); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("big file: %v", err)
	}

	withKey := "[profiles.w]\napi_key = \"" + testKey + "\"\n"
	warnRe := regexp.MustCompile(`is readable by others and holds an API key; run chmod 600 `)
	tests := []struct {
		name, text string
		mode       os.FileMode
		warn       bool
	}{
		{"private key file", withKey, 0o600, false},
		{"world-readable key file", withKey, 0o644, true},
		{"group-readable key file", withKey, 0o640, true},
		{"world-readable without key", "[profiles.w]\napi_key_env = \"K\"\n", 0o644, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(strings.ReplaceAll(tt.name, " ", "_")+".toml", tt.text, tt.mode)
			cfg, warnings, err := loadConfigFile(p, true, "--config")
			if err != nil || cfg == nil {
				t.Fatalf("unexpected error %v", err)
			}
			if got := len(warnings) == 1 && warnRe.MatchString(warnings[0]); got != tt.warn {
				t.Errorf("warnings = %q, want warning: %v", warnings, tt.warn)
			}
			if tt.warn && (!strings.HasPrefix(warnings[0], p) || !strings.HasSuffix(warnings[0], "chmod 600 "+p)) {
				t.Errorf("warning does not name the file: %q", warnings[0])
			}
			for _, w := range warnings {
				if strings.Contains(w, "TESTKEY") {
					t.Errorf("warning shows the key: %s", w)
				}
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/home/a/.config/amkeys/config.toml": "/home/a/.config/amkeys/config.toml",
		"/home/a b/config.toml":              "'/home/a b/config.toml'",
		"/tmp/it's.toml":                     `'/tmp/it'\''s.toml'`,
		"/tmp/$(rm -rf x).toml":              "'/tmp/$(rm -rf x).toml'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// A huge line must neither take long (suggestions compare lengths first)
// nor produce a huge message.
func TestParseConfigHugeNames(t *testing.T) {
	huge := strings.Repeat("a", maxConfigSize-100)
	for _, text := range []string{
		huge + " = 1",
		"[profiles.x]\n" + huge + " = 1",
		"[" + strings.Repeat("p.", len(huge)/2) + "q]",
		"environment = \"" + huge + "\"",
		"default_profile = \"x\"\n[profiles." + huge + "]",
	} {
		start := time.Now()
		_, err := parseConfig("config.toml", text)
		if err == nil {
			t.Fatal("no error")
		}
		if n := len(err.Error()); n > 300 {
			t.Errorf("message is %d bytes: %.100s…", n, err)
		}
		if d := time.Since(start); d > 30*time.Second { // catches quadratic work, not a slow machine
			t.Errorf("took %s: %.100s…", d, err)
		}
	}
}

// The file is full TOML: literal and multi-line strings, inline tables,
// dotted keys, other ways to write integers, CRLF line ends all work.
func TestParseConfigFullTOML(t *testing.T) {
	text := strings.ReplaceAll(`# amkeys settings
default_profile = 'work'
page_size = 0x14            # 20
stale_days = 1_000
profiles.extra.page_size = 7
profiles.home = { api_key_env = "HOME_KEY", page_size = 3 }

[profiles.work]
environment = 'EU'
api_key_command = """
pass show agentmail/work \
    | head -n 1"""
clipboard_clear_seconds = +0
read_only = true

[profiles.'local test']
base_url = 'http://127.0.0.1:8080/'
api_key_command = '''printf '%s\n' "$(cat ~/.am)"'''
`, "\n", "\r\n")
	cfg, err := parseConfig("config.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.defaultProfile.val != "work" || cfg.top.pageSize.val != 20 || cfg.top.staleDays.val != 1000 {
		t.Errorf("top level: %+v", cfg)
	}
	if e := cfg.profiles["extra"]; e == nil || e.pageSize.val != 7 || e.pageSize.at != (pos{5, 1}) {
		t.Errorf("extra = %+v", e)
	}
	if h := cfg.profiles["home"]; h == nil || h.apiKeyEnv.val != "HOME_KEY" || h.pageSize.val != 3 || h.pageSize.at != (pos{6, 45}) {
		t.Errorf("home = %+v", h)
	}
	w := cfg.profiles["work"]
	if w == nil || w.environment.val != "eu" || w.apiKeyCommand.val != "pass show agentmail/work | head -n 1" ||
		w.apiKeyCommand.at != (pos{10, 1}) || !w.clipboardClearSeconds.isSet() || !w.readOnly.val || w.readOnly.at != (pos{14, 1}) {
		t.Errorf("work = %+v", w)
	}
	l := cfg.profiles["local test"]
	if l == nil || l.baseURL.val != "http://127.0.0.1:8080" || l.apiKeyCommand.val != `printf '%s\n' "$(cat ~/.am)"` {
		t.Errorf("local test = %+v", l)
	}
	if len(cfg.profiles) != 4 {
		t.Errorf("profiles: %v", cfg.profileNames())
	}
}
