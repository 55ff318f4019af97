package main

// Bad configuration, end to end through run(): each problem gives a clear
// message naming its cause (file and line where there is one), exit code 2,
// and changes nothing on disk.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/ui/uitest"
)

// cfgKey is a key written into config files; it must never be printed.
const cfgKey = "am_cfgExitTestKey_5be0d7c1a9"

// cfgHome is a home folder with a config file at the default place.
type cfgHome struct {
	home, dir, file string
}

// newCfgHome writes text (if not empty) as the config file with mode, and
// points every variable amkeys reads at it or clears it.
func newCfgHome(t *testing.T, text string, mode os.FileMode) cfgHome {
	t.Helper()
	home := t.TempDir()
	h := cfgHome{home: home, dir: filepath.Join(home, ".config", "amkeys")}
	h.file = filepath.Join(h.dir, "config.toml")
	if err := os.MkdirAll(h.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if text != "" {
		if err := os.WriteFile(h.file, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(h.file, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		// An old mtime, so that a rewrite within the same second shows.
		old := time.Now().Add(-time.Hour).Truncate(time.Second)
		if err := os.Chtimes(h.file, old, old); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	for _, v := range []string{"AMKEYS_CONFIG", "AMKEYS_PROFILE", "AGENTMAIL_API_KEY", "AGENTMAIL_BASE_URL", "AGENTMAIL_WORK_KEY"} {
		t.Setenv(v, "")
	}
	return h
}

// snapshot describes every file under root: mode, size, mtime and a hash.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%v %d %d", info.Mode(), info.Size(), info.ModTime().UnixNano())
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" %x", sha256.Sum256(data))
		}
		out[path] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t *testing.T, before, after map[string]string) {
	t.Helper()
	for path, desc := range after {
		if before[path] != desc {
			t.Errorf("%s changed or appeared: %q, was %q", path, desc, before[path])
		}
	}
	for path := range before {
		if _, ok := after[path]; !ok {
			t.Errorf("%s disappeared", path)
		}
	}
}

// runIn runs amkeys in-process with a deadline: if a case ever got past
// the configuration, the dashboard it opened would end on its own. The
// deadline is generous, so that a slow start never passes for a bad one.
func runIn(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, uitest.Patience)
	defer cancel()
	var out, errb bytes.Buffer
	code := run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestBadConfigurationExits2AndChangesNothing(t *testing.T) {
	const work = "default_profile = \"work\"\n\n[profiles.work]\n"
	cases := []struct {
		name string
		text string
		env  map[string]string
		args []string
		// says are fragments of stderr; "{file}" stands for the config path.
		says []string
	}{
		{name: "malformed: unclosed section", text: "[profiles.work\napi_key_env = \"K\"\n",
			says: []string{"{file}:1:15: expected ']' to close table name"}},
		{name: "malformed: unterminated string", text: work + "api_key_env = \"AGENTMAIL_WORK_KEY\n",
			says: []string{"{file}:4:34: basic strings cannot have new lines (is the closing quote missing?)"}},
		{name: "wrong type: array for a string", text: work + "api_key_env = [\"A\", \"B\"]\n",
			says: []string{"{file}:4:1: api_key_env must be a string, not an array"}},
		{name: "malformed: two values", text: work + "page_size = 5 5\n",
			says: []string{"{file}:4:15: expected newline but got U+0035 '5' (one key = value per line"}},
		{name: "malformed: binary garbage", text: "\x00\x01\x02\xff\xfe garbage",
			says: []string{"{file}:1:4: invalid UTF-8"}},
		{name: "unknown field", text: work + "api_kye_env = \"AGENTMAIL_WORK_KEY\"\n",
			says: []string{"{file}:4:1: unknown field \"api_kye_env\" in [profiles.work] (did you mean api_key_env?)"}},
		{name: "unknown table", text: "[profile.work]\n",
			says: []string{"{file}:1:2: unknown table [profile.work] (did you mean [profiles.work]?)"}},
		{name: "wrong type: string for number", text: work + "page_size = \"fifty\"\n",
			says: []string{"{file}:4:1: page_size must be a whole number, not a string"}},
		{name: "wrong type: number for bool", text: work + "read_only = 1\n",
			says: []string{"{file}:4:1: read_only must be true or false, not an integer"}},
		{name: "missing profile by flag", text: "[profiles.work]\n[profiles.home]\n",
			args: []string{"--profile", "wrok"},
			says: []string{"{file}: unknown profile \"wrok\"; profiles in this file: home, work (requested by --profile)"}},
		{name: "missing profile by environment", text: "[profiles.work]\n",
			env:  map[string]string{"AMKEYS_PROFILE": "staging"},
			says: []string{"{file}: unknown profile \"staging\"", "(requested by AMKEYS_PROFILE)"}},
		{name: "missing default profile", text: "default_profile = \"wrok\"\n[profiles.work]\n",
			says: []string{"{file}:1:1: default_profile names unknown profile \"wrok\""}},
		{name: "api_key_env not set", text: work + "api_key_env = \"AGENTMAIL_WORK_KEY\"\n",
			says: []string{"{file}:4:1: profile work: environment variable AGENTMAIL_WORK_KEY (api_key_env) is not set or empty"}},
		{name: "key command fails", text: work + "api_key_command = \"echo vault is sealed >&2; exit 3\"\n",
			says: []string{"{file}:4:1: api_key_command for profile work failed: exit status 3: vault is sealed"}},
		{name: "key command prints nothing", text: work + "api_key_command = \"true\"\n",
			says: []string{"{file}:4:1: api_key_command for profile work printed nothing"}},
		{name: "http base URL to a remote host", text: work + "base_url = \"http://api.agentmail.invalid\"\napi_key_env = \"AGENTMAIL_WORK_KEY\"\n",
			env:  map[string]string{"AGENTMAIL_WORK_KEY": cfgKey},
			says: []string{"{file}:4:1: base URL http://api.agentmail.invalid uses plain http"}},
		{name: "http base URL by environment", text: "",
			env:  map[string]string{"AGENTMAIL_BASE_URL": "http://api.agentmail.invalid", "AGENTMAIL_API_KEY": cfgKey},
			says: []string{"AGENTMAIL_BASE_URL: base URL http://api.agentmail.invalid uses plain http"}},
		{name: "http base URL by flag", text: "",
			env:  map[string]string{"AGENTMAIL_API_KEY": cfgKey},
			args: []string{"--base-url", "http://eu.agentmail.invalid:8080"},
			says: []string{"--base-url: base URL http://eu.agentmail.invalid:8080 uses plain http"}},
		{name: "config named but missing", text: "",
			env:  map[string]string{"AMKEYS_CONFIG": "MISSING"},
			says: []string{"config file not found (named by AMKEYS_CONFIG)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newCfgHome(t, tc.text, 0o600)
			for k, v := range tc.env {
				if v == "MISSING" {
					v = filepath.Join(h.dir, "missing.toml")
				}
				t.Setenv(k, v)
			}
			before := snapshot(t, h.home)
			for _, args := range [][]string{tc.args, append([]string{"audit"}, tc.args...)} {
				code, stdout, stderr := runIn(t, context.Background(), args...)
				if code != exitUsage {
					t.Errorf("amkeys %s: exit code %d, want %d; stderr: %s", strings.Join(args, " "), code, exitUsage, stderr)
				}
				if stdout != "" {
					t.Errorf("amkeys %s printed on stdout: %q", strings.Join(args, " "), stdout)
				}
				for _, want := range tc.says {
					want = strings.ReplaceAll(want, "{file}", h.file)
					if !strings.Contains(stderr, want) {
						t.Errorf("amkeys %s: stderr does not say %q:\n%s", strings.Join(args, " "), want, stderr)
					}
				}
				if strings.Contains(stderr, cfgKey) || strings.Contains(stderr, cfgKey[8:]) {
					t.Errorf("stderr contains the key: %s", stderr)
				}
				if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 2 {
					t.Errorf("a configuration error should be a short message, got %d lines:\n%s", n+1, stderr)
				}
			}
			sameSnapshot(t, before, snapshot(t, h.home))
		})
	}
}

// A key command that hangs is stopped and reported. The 10 s limit is fixed
// in run(); the deadline on ctx ends the same wait sooner (the limit itself
// is tested in the config package).
func TestKeyCommandThatHangsExits2(t *testing.T) {
	h := newCfgHome(t, "[profiles.default]\napi_key_command = \"sleep 300\"\n", 0o600)
	before := snapshot(t, h.home)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	code, stdout, stderr := runIn(t, ctx)
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("a hanging key command held amkeys for %v", el)
	}
	if code != exitUsage || stdout != "" {
		t.Errorf("exit code %d, stdout %q; want %d and nothing", code, stdout, exitUsage)
	}
	for _, want := range []string{h.file + ":2:1: ", "api_key_command for profile default timed out", "cannot prompt"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	sameSnapshot(t, before, snapshot(t, h.home))
}

// A config file holding a key and readable by others is a warning, not an
// error: amkeys works, says how to fix it, never shows the key and does not
// chmod the file itself.
func TestReadableKeyFileWarns(t *testing.T) {
	srv, err := sandbox.Start(sandbox.Options{Seed: "demo", AdminKey: cfgKey}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	h := newCfgHome(t, "[profiles.default]\nbase_url = \""+srv.URL+"\"\napi_key = \""+cfgKey+"\"\n", 0o644)
	before := snapshot(t, h.home)
	code, stdout, stderr := runIn(t, context.Background(), "audit", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit code %d, want %d (a warning is not an error); stderr:\n%s", code, exitOK, stderr)
	}
	for _, want := range []string{"warning", h.file + " is readable by others and holds an API key", "chmod 600"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, `"summary"`) {
		t.Errorf("the audit did not run with the file's key:\n%.300s", stdout)
	}
	for _, out := range []string{stdout, stderr} {
		if strings.Contains(out, cfgKey) || strings.Contains(out, cfgKey[8:]) {
			t.Fatal("the key from the config file was printed")
		}
	}
	sameSnapshot(t, before, snapshot(t, h.home))

	// Made private, the warning goes.
	if err := os.Chmod(h.file, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, stderr := runIn(t, context.Background(), "audit", "--format", "json"); strings.Contains(stderr, "readable by others") {
		t.Errorf("warned about a private file:\n%s", stderr)
	}
}
