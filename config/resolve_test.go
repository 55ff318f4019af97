package config

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// resolveCase describes one run of Resolve: a config file at the default
// place (none when file is ""), flags, environment and the expected outcome.
type resolveCase struct {
	name    string
	file    string
	mode    os.FileMode // default 0600
	args    []string
	env     map[string]string
	demo    bool          // Resolve(ctx, needKey=false)
	timeout time.Duration // for api_key_command; default roomy
	want    func(t *testing.T, s Settings, dir string)
	wantErr string // expected error; "{dir}" stands for the config directory
}

func (c resolveCase) run(t *testing.T) (Settings, string, error) {
	t.Helper()
	dir := t.TempDir()
	if c.file != "" {
		mode := c.mode
		if mode == 0 {
			mode = 0o600
		}
		p := filepath.Join(dir, "amkeys", "config.toml")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(c.file, "{dir}", dir)), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	fs := flag.NewFlagSet("amkeys", flag.ContinueOnError)
	flags := RegisterFlags(fs)
	args := make([]string, len(c.args))
	for i, a := range c.args {
		args[i] = strings.ReplaceAll(a, "{dir}", dir)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	r := Resolver{
		Flags: flags,
		LookupEnv: func(name string) (string, bool) {
			v, ok := c.env[name]
			return strings.ReplaceAll(v, "{dir}", dir), ok
		},
		UserConfigDir:  func() (string, error) { return dir, nil },
		CommandTimeout: cmp.Or(c.timeout, roomy),
	}
	s, err := r.Resolve(context.Background(), !c.demo)
	return s, dir, err
}

func TestResolve(t *testing.T) {
	for _, c := range resolveCases {
		t.Run(c.name, func(t *testing.T) {
			s, dir, err := c.run(t)
			if c.wantErr != "" {
				want := strings.ReplaceAll(c.wantErr, "{dir}", dir)
				if err == nil || err.Error() != want {
					t.Fatalf("got error %v\nwant       %s", err, want)
				}
				var cerr *Error
				if !errors.As(err, &cerr) {
					t.Errorf("error is %T, not *config.Error", err)
				}
				if !reflect.DeepEqual(s, Settings{}) {
					t.Errorf("settings returned with an error: %+v", s)
				}
				assertNoKey(t, err.Error())
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			c.want(t, s, dir)
			assertNoKey(t, fmt.Sprintf("%v %+v %#v %s %v", s, s, s, s.APIKey, &s))
			assertNoKey(t, strings.Join(s.Warnings, "\n"))
		})
	}
}

// Keys used in the cases all contain TESTKEY.
func assertNoKey(t *testing.T, text string) {
	t.Helper()
	if strings.Contains(text, "TESTKEY") {
		t.Errorf("output reveals a key: %s", text)
	}
}

// expect checks the usual fields; warnings must match exactly (by substring).
func expect(profile, baseURL, key, source string, warnings ...string) func(*testing.T, Settings, string) {
	return func(t *testing.T, s Settings, _ string) {
		t.Helper()
		if s.Profile != profile || s.BaseURL != baseURL || s.APIKey.Reveal() != key || s.KeySource != source {
			t.Errorf("got profile %q, url %q, key %q, source %q\nwant        %q, %q, %q, %q",
				s.Profile, s.BaseURL, s.APIKey.Reveal(), s.KeySource, profile, baseURL, key, source)
		}
		checkWarnings(t, s.Warnings, warnings)
	}
}

func checkWarnings(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("warnings %q, want %q", got, want)
		return
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("warning %q does not contain %q", got[i], want[i])
		}
	}
}

func defaultsAre(t *testing.T, s Settings, pageSize, staleDays int, clip time.Duration, conc int, readOnly, insecure bool) {
	t.Helper()
	got := []any{s.PageSize, s.StaleDays, s.ClipboardClear, s.AuditConcurrency, s.ReadOnly, s.AllowInsecureHTTP}
	want := []any{pageSize, staleDays, clip, conc, readOnly, insecure}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("page, stale, clip, conc, ro, insecure = %v, want %v", got, want)
	}
}

const (
	keyA = "am_TESTKEY_A"
	keyB = "am_TESTKEY_B"
	keyC = "am_TESTKEY_C"
)

const twoProfiles = `default_profile = "work"
page_size = 20
read_only = true

[profiles.work]
environment = "eu"
api_key_env = "WORK_KEY"
stale_days = 30

[profiles.home]
base_url = "http://127.0.0.1:9999/"
api_key_command = "echo ` + keyC + `"
page_size = 100
read_only = false
clipboard_clear_seconds = 0
audit_concurrency = 2
`

var resolveCases = []resolveCase{
	{
		name: "defaults and environment key",
		env:  map[string]string{EnvAPIKey: keyA},
		want: func(t *testing.T, s Settings, dir string) {
			expect("", DefaultBaseURL, keyA, "environment AGENTMAIL_API_KEY")(t, s, dir)
			defaultsAre(t, s, 50, 90, 30*time.Second, 8, false, false)
			if s.KeyEnvName != EnvAPIKey {
				t.Errorf("KeyEnvName = %q", s.KeyEnvName)
			}
			if s.ConfigFile != "" {
				t.Errorf("ConfigFile = %q for a missing default file", s.ConfigFile)
			}
		},
	},
	{
		name: "flag key beats environment, with a warning",
		args: []string{"--api-key", keyB},
		env:  map[string]string{EnvAPIKey: keyA},
		want: expect("", DefaultBaseURL, keyB, "flag --api-key", "visible to other users in the process list"),
	},
	{
		name:    "empty flag key is refused",
		args:    []string{"--api-key="},
		env:     map[string]string{EnvAPIKey: keyA},
		wantErr: "the API key from flag --api-key is empty",
	},
	{
		name:    "key with a newline is refused",
		env:     map[string]string{EnvAPIKey: keyA + "\nX-Evil: 1"},
		wantErr: "the API key from environment AGENTMAIL_API_KEY contains spaces or control characters",
	},
	{
		name: "default_profile picks work",
		file: twoProfiles,
		env:  map[string]string{"WORK_KEY": keyA},
		want: func(t *testing.T, s Settings, dir string) {
			expect("work", EUBaseURL, keyA, "profile work: api_key_env WORK_KEY")(t, s, dir)
			if s.KeyEnvName != "WORK_KEY" {
				t.Errorf("KeyEnvName = %q", s.KeyEnvName)
			}
			// page_size and read_only come from the top level.
			defaultsAre(t, s, 20, 30, 30*time.Second, 8, true, false)
			if s.ConfigFile != filepath.Join(dir, "amkeys", "config.toml") {
				t.Errorf("ConfigFile = %q", s.ConfigFile)
			}
		},
	},
	{
		name: "AMKEYS_PROFILE beats default_profile",
		file: twoProfiles,
		env:  map[string]string{EnvProfile: "home"},
		want: func(t *testing.T, s Settings, dir string) {
			expect("home", "http://127.0.0.1:9999", keyC, "profile home: api_key_command")(t, s, dir)
			defaultsAre(t, s, 100, 90, 0, 2, false, false)
			if s.KeyEnvName != "" {
				t.Errorf("KeyEnvName = %q for a key from a command", s.KeyEnvName)
			}
		},
	},
	{
		name: "--profile beats AMKEYS_PROFILE",
		file: twoProfiles,
		args: []string{"--profile", "work"},
		env:  map[string]string{EnvProfile: "home", "WORK_KEY": keyA},
		want: expect("work", EUBaseURL, keyA, "profile work: api_key_env WORK_KEY"),
	},
	{
		name: "empty AMKEYS_PROFILE counts as unset",
		file: twoProfiles,
		env:  map[string]string{EnvProfile: "", "WORK_KEY": keyA},
		want: expect("work", EUBaseURL, keyA, "profile work: api_key_env WORK_KEY"),
	},
	{
		name: "a profile called default is used without default_profile",
		file: "[profiles.other]\napi_key = \"" + keyB + "\"\n[profiles.default]\napi_key = \"" + keyA + "\"\n",
		want: expect("default", DefaultBaseURL, keyA, "profile default: api_key"),
	},
	{
		name: "no profile applies: top level only",
		file: "environment = \"eu\"\napi_key = \"" + keyA + "\"\nstale_days = 7\n[profiles.other]\npage_size = 1\n",
		want: func(t *testing.T, s Settings, dir string) {
			expect("", EUBaseURL, keyA, "config file: api_key")(t, s, dir)
			defaultsAre(t, s, 50, 7, 30*time.Second, 8, false, false)
		},
	},
	{
		name: "profile key fields replace the top-level ones as a group",
		file: "api_key_env = \"TOP_KEY\"\nenvironment = \"eu\"\n[profiles.p]\napi_key_command = \"echo " + keyB + "\"\nbase_url = \"https://proxy.invalid/am/\"\n",
		args: []string{"--profile=p"},
		env:  map[string]string{"TOP_KEY": keyA},
		want: expect("p", "https://proxy.invalid/am", keyB, "profile p: api_key_command"),
	},
	{
		name: "profile inherits top-level key fields",
		file: "api_key_env = \"TOP_KEY\"\n[profiles.p]\npage_size = 3\n",
		args: []string{"--profile=p"},
		env:  map[string]string{"TOP_KEY": keyA},
		want: func(t *testing.T, s Settings, dir string) {
			expect("p", DefaultBaseURL, keyA, "profile p: api_key_env TOP_KEY")(t, s, dir)
			defaultsAre(t, s, 3, 90, 30*time.Second, 8, false, false)
		},
	},
	{
		name: "AGENTMAIL_API_KEY overrides the profile key, with a warning",
		file: twoProfiles,
		env:  map[string]string{EnvAPIKey: keyB, "WORK_KEY": keyA},
		want: expect("work", EUBaseURL, keyB, "environment AGENTMAIL_API_KEY", "AGENTMAIL_API_KEY overrides the key of profile work"),
	},
	{
		name: "--read-only given beats the file; left out it does not",
		file: twoProfiles,
		args: []string{"--profile", "home", "--read-only"},
		want: func(t *testing.T, s Settings, dir string) { defaultsAre(t, s, 100, 90, 0, 2, true, false) },
	},
	{
		name: "utc = true in a profile; --utc=false beats it",
		file: "[profiles.ops]\nutc = true\n",
		args: []string{"--profile", "ops"},
		env:  map[string]string{EnvAPIKey: keyA},
		want: func(t *testing.T, s Settings, dir string) {
			if !s.UTC {
				t.Error("utc = true did not set UTC")
			}
		},
	},
	{
		name: "--utc=false beats utc = true",
		file: "[profiles.ops]\nutc = true\n",
		args: []string{"--profile", "ops", "--utc=false"},
		env:  map[string]string{EnvAPIKey: keyA},
		want: func(t *testing.T, s Settings, dir string) {
			if s.UTC {
				t.Error("--utc=false did not win over the profile")
			}
		},
	},
	{
		name: "--utc with no file",
		args: []string{"--utc"},
		env:  map[string]string{EnvAPIKey: keyA},
		want: func(t *testing.T, s Settings, dir string) {
			if !s.UTC {
				t.Error("--utc did not set UTC")
			}
		},
	},
	{
		name: "--read-only=false beats read_only = true",
		file: twoProfiles,
		args: []string{"--read-only=false"},
		env:  map[string]string{"WORK_KEY": keyA},
		want: func(t *testing.T, s Settings, dir string) { defaultsAre(t, s, 20, 30, 30*time.Second, 8, false, false) },
	},
	{
		name: "--base-url beats AGENTMAIL_BASE_URL beats the profile",
		file: twoProfiles,
		args: []string{"--base-url", "http://localhost:7000/"},
		env:  map[string]string{EnvBaseURL: "https://env.invalid", "WORK_KEY": keyA},
		want: expect("work", "http://localhost:7000", keyA, "profile work: api_key_env WORK_KEY"),
	},
	{
		name: "AGENTMAIL_BASE_URL beats the profile, with a warning",
		file: twoProfiles,
		env:  map[string]string{EnvBaseURL: "https://env.invalid", "WORK_KEY": keyA},
		want: expect("work", "https://env.invalid", keyA, "profile work: api_key_env WORK_KEY",
			"AGENTMAIL_BASE_URL overrides the base URL of profile work"),
	},
	{
		name: "--environment eu",
		args: []string{"--environment", "EU"},
		env:  map[string]string{EnvAPIKey: keyA},
		want: expect("", EUBaseURL, keyA, "environment AGENTMAIL_API_KEY"),
	},
	{
		name:    "--environment and --base-url together",
		args:    []string{"--environment", "eu", "--base-url", "https://a.invalid"},
		wantErr: "use either --base-url or --environment, not both",
	},
	{
		name:    "unknown --environment",
		args:    []string{"--environment", "de"},
		wantErr: `--environment: unknown environment "de" (use us or eu)`,
	},
	{
		name:    "bad --base-url",
		args:    []string{"--base-url", "https://user:" + keyA + "@a.invalid"},
		wantErr: "--base-url: base URL must not contain a user name or password; amkeys sends the API key itself",
	},
	{
		name:    "bad AGENTMAIL_BASE_URL",
		env:     map[string]string{EnvBaseURL: "api.agentmail.to"},
		wantErr: "AGENTMAIL_BASE_URL: base URL must start with https:// (or http:// for a local server)",
	},
	{
		name:    "plain http to a remote host from the file",
		file:    "[profiles.lab]\npage_size = 10\nbase_url = \"http://lab.invalid:8080\"\n",
		args:    []string{"--profile", "lab"},
		env:     map[string]string{EnvAPIKey: keyA},
		wantErr: "{dir}/amkeys/config.toml:3:1: base URL http://lab.invalid:8080 uses plain http, so the API key would travel in clear text; use https, or opt in with --allow-insecure-http or allow_insecure_http = true in the profile",
	},
	{
		name:    "plain http to a remote host from a flag",
		args:    []string{"--base-url", "http://lab.invalid"},
		env:     map[string]string{EnvAPIKey: keyA},
		wantErr: "--base-url: base URL http://lab.invalid uses plain http, so the API key would travel in clear text; use https, or opt in with --allow-insecure-http or allow_insecure_http = true in the profile",
	},
	{
		name: "plain http allowed by the profile",
		file: "[profiles.lab]\nbase_url = \"http://lab.invalid:8080\"\nallow_insecure_http = true\n",
		args: []string{"--profile", "lab"},
		env:  map[string]string{EnvAPIKey: keyA},
		want: func(t *testing.T, s Settings, dir string) {
			expect("lab", "http://lab.invalid:8080", keyA, "environment AGENTMAIL_API_KEY")(t, s, dir)
			defaultsAre(t, s, 50, 90, 30*time.Second, 8, false, true)
		},
	},
	{
		name: "plain http allowed by the flag",
		args: []string{"--base-url", "http://lab.invalid", "--allow-insecure-http"},
		env:  map[string]string{EnvAPIKey: keyA},
		want: expect("", "http://lab.invalid", keyA, "environment AGENTMAIL_API_KEY"),
	},
	{
		name:    "--allow-insecure-http=false beats the profile",
		file:    "[profiles.lab]\nbase_url = \"http://lab.invalid\"\nallow_insecure_http = true\n",
		args:    []string{"--profile", "lab", "--allow-insecure-http=false"},
		env:     map[string]string{EnvAPIKey: keyA},
		wantErr: "{dir}/amkeys/config.toml:2:1: base URL http://lab.invalid uses plain http, so the API key would travel in clear text; use https, or opt in with --allow-insecure-http or allow_insecure_http = true in the profile",
	},
	{
		name:    "unknown profile from --profile",
		file:    twoProfiles,
		args:    []string{"--profile", "wrok"},
		wantErr: `{dir}/amkeys/config.toml: unknown profile "wrok"; profiles in this file: home, work (requested by --profile)`,
	},
	{
		name:    "unknown profile from AMKEYS_PROFILE",
		file:    "page_size = 5\n",
		env:     map[string]string{EnvProfile: "x"},
		wantErr: `{dir}/amkeys/config.toml: unknown profile "x"; this file defines no profiles (requested by AMKEYS_PROFILE)`,
	},
	{
		name:    "profile requested without a file",
		args:    []string{"--profile", "work"},
		wantErr: `profile "work" was requested by --profile, but there is no config file at {dir}/amkeys/config.toml`,
	},
	{
		name:    "missing --config file",
		args:    []string{"--config", "{dir}/nope.toml"},
		wantErr: "{dir}/nope.toml: config file not found (named by --config)",
	},
	{
		name:    "missing AMKEYS_CONFIG file",
		env:     map[string]string{EnvConfig: "{dir}/nope.toml"},
		wantErr: "{dir}/nope.toml: config file not found (named by AMKEYS_CONFIG)",
	},
	{
		name: "--config beats AMKEYS_CONFIG and the default file",
		file: "[profiles.default]\napi_key = \"" + keyC + "\"\n",
		args: []string{"--config", "{dir}/amkeys/config.toml"},
		env:  map[string]string{EnvConfig: "{dir}/nope.toml"},
		want: expect("default", DefaultBaseURL, keyC, "profile default: api_key"),
	},
	{
		name:    "bad file is reported even for the demo",
		file:    "[profiles.work]\n\npagesize = 5\n",
		demo:    true,
		wantErr: `{dir}/amkeys/config.toml:3:1: unknown field "pagesize" in [profiles.work] (did you mean page_size?)`,
	},
	{
		name:    "api_key_env names an unset variable",
		file:    twoProfiles,
		env:     map[string]string{"WORK_KEY": ""},
		wantErr: "{dir}/amkeys/config.toml:7:1: profile work: environment variable WORK_KEY (api_key_env) is not set or empty",
	},
	{
		name:    "api_key_command fails",
		file:    "[profiles.work]\napi_key_command = \"echo 'pass: agentmail/work is not in the password store.' >&2; exit 1\"\n",
		args:    []string{"--profile", "work"},
		wantErr: "{dir}/amkeys/config.toml:2:1: api_key_command for profile work failed: exit status 1: pass: agentmail/work is not in the password store.",
	},
	{
		name:    "api_key_command hangs",
		file:    "[profiles.work]\napi_key_command = \"sleep 300\"\n",
		args:    []string{"--profile", "work"},
		timeout: 300 * time.Millisecond,
		wantErr: "{dir}/amkeys/config.toml:2:1: api_key_command for profile work timed out after 300ms (it cannot prompt for input)",
	},
	{
		name: "the demo runs no key command and needs no key",
		file: "[profiles.default]\napi_key_command = \"touch '{dir}/ran'; exit 1\"\n",
		demo: true,
		want: func(t *testing.T, s Settings, dir string) {
			expect("default", DefaultBaseURL, "", "")(t, s, dir)
			if _, err := os.Stat(filepath.Join(dir, "ran")); err == nil {
				t.Error("api_key_command ran in demo mode")
			}
		},
	},
	{
		name: "the key command runs when a key is needed",
		file: "[profiles.default]\napi_key_command = \"touch '{dir}/ran'; echo " + keyA + "\"\n",
		want: func(t *testing.T, s Settings, dir string) {
			expect("default", DefaultBaseURL, keyA, "profile default: api_key_command")(t, s, dir)
			if _, err := os.Stat(filepath.Join(dir, "ran")); err != nil {
				t.Error("api_key_command did not run")
			}
		},
	},
	{
		name: "a world-readable file with a plain key warns",
		file: "[profiles.default]\napi_key = \"" + keyA + "\"\n",
		mode: 0o644,
		want: expect("default", DefaultBaseURL, keyA, "profile default: api_key", "config.toml is readable by others and holds an API key; run chmod 600 "),
	},
	{
		name: "a private file with a plain key does not warn",
		file: "[profiles.default]\napi_key = \"" + keyA + "\"\n",
		mode: 0o600,
		want: expect("default", DefaultBaseURL, keyA, "profile default: api_key"),
	},
	{
		name: "--api-key warns in demo mode too",
		args: []string{"--api-key", keyA},
		demo: true,
		want: expect("", DefaultBaseURL, "", "", "--api-key is visible"),
	},
}

// The key command sees neither AGENTMAIL_API_KEY (which the process may
// hold even when it does not count, as here) nor any variable that the
// file names in api_key_env; it does see the rest of the environment.
func TestResolveKeyCommandEnvironment(t *testing.T) {
	t.Setenv(EnvAPIKey, keyA)
	t.Setenv("TOP_KEY", keyB)
	t.Setenv("OTHER_KEY", keyB)
	t.Setenv("AMKEYS_TEST_VISIBLE", "yes")
	s, dir, err := resolveCase{
		file: "api_key_env = \"TOP_KEY\"\n[profiles.other]\napi_key_env = \"OTHER_KEY\"\n" +
			"[profiles.p]\napi_key_command = \"env > '{dir}/env'; echo " + keyC + "\"\n",
		args: []string{"--profile", "p"},
	}.run(t)
	if err != nil || s.APIKey.Reveal() != keyC {
		t.Fatalf("got %v", err)
	}
	env, err := os.ReadFile(filepath.Join(dir, "env"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(env), "\n")
	if !slices.Contains(lines, "AMKEYS_TEST_VISIBLE=yes") {
		t.Errorf("the command did not get the environment:\n%s", env)
	}
	for _, line := range lines {
		if strings.Contains(line, "TESTKEY") {
			t.Errorf("the command saw a key: %s", line)
		}
	}
}

func TestResolveWithoutKey(t *testing.T) {
	s, dir, err := resolveCase{file: twoProfiles + "[profiles.empty]\n", args: []string{"--profile", "empty"}}.run(t)
	if !errors.Is(err, ErrNoAPIKey) {
		t.Fatalf("got %v, want ErrNoAPIKey", err)
	}
	msg := err.Error()
	for _, want := range []string{"AGENTMAIL_API_KEY", "--api-key", "api_key_env", "api_key_command",
		filepath.Join(dir, "amkeys", "config.toml"), "amkeys --demo"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
	if !reflect.DeepEqual(s, Settings{}) {
		t.Errorf("settings returned with an error: %+v", s)
	}
	for _, want := range []string{"AGENTMAIL_API_KEY", "--api-key", "api_key_command", "amkeys --demo"} {
		if !strings.Contains(ErrNoAPIKey.Error(), want) {
			t.Errorf("ErrNoAPIKey does not mention %q", want)
		}
	}
}

// The zero Resolver reads the real environment; it must still work.
func TestResolveZeroResolver(t *testing.T) {
	t.Setenv(EnvConfig, "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Setenv(EnvAPIKey, keyA)
	t.Setenv(EnvBaseURL, "")
	t.Setenv(EnvProfile, "")
	s, err := Resolver{}.Resolve(context.Background(), true)
	if err != nil || s.APIKey.Reveal() != keyA || s.BaseURL != DefaultBaseURL {
		t.Fatalf("got %+v, %v", s, err)
	}
}

// Without a user config directory there is no default file, which is fine.
func TestResolveWithoutConfigDir(t *testing.T) {
	r := Resolver{
		LookupEnv:     func(string) (string, bool) { return "", false },
		UserConfigDir: func() (string, error) { return "", errors.New("$HOME is not defined") },
	}
	s, err := r.Resolve(context.Background(), false)
	if err != nil || s.ConfigFile != "" {
		t.Fatalf("got %+v, %v", s, err)
	}
	if _, err := r.Resolve(context.Background(), true); !errors.Is(err, ErrNoAPIKey) {
		t.Fatalf("got %v, want ErrNoAPIKey", err)
	}
}
