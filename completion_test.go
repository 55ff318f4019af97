package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompletionScriptsPassTheirShellsSyntaxCheck(t *testing.T) {
	for _, shell := range shells {
		code, script, stderr := runCmd(t, "completion", shell)
		if code != exitOK || !strings.Contains(script, "amkeys") {
			t.Fatalf("completion %s: exit %d, stderr %q", shell, code, stderr)
		}
		path, err := exec.LookPath(shell)
		if err != nil {
			if shell == "bash" {
				t.Fatal("bash is needed for this test")
			}
			if os.Getenv("AMKEYS_REQUIRE_SHELLS") != "" {
				t.Fatalf("%s is not installed and AMKEYS_REQUIRE_SHELLS is set (CI installs it)", shell)
			}
			t.Logf("%s is not installed: its script is not checked", shell)
			continue
		}
		file := filepath.Join(t.TempDir(), "amkeys."+shell)
		if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(path, "-n", file).CombinedOutput(); err != nil {
			t.Errorf("%s -n: %v\n%s", shell, err, out)
		}
	}
	if code, _, _ := runCmd(t, "completion", "tcsh"); code != exitUsage {
		t.Errorf("completion tcsh: exit %d", code)
	}
	if code, _, _ := runCmd(t, "completion"); code != exitUsage {
		t.Errorf("completion without a shell: exit %d", code)
	}
}

// completionWorld is a built amkeys on PATH as "amkeys" and a config file
// with profiles, for the shells to complete against.
type completionWorld struct {
	dir, config string
	env         []string
}

func newCompletionWorld(t *testing.T) completionWorld {
	t.Helper()
	bin := buildAmkeys(t)
	dir := filepath.Dir(bin)
	w := completionWorld{dir: dir, config: filepath.Join(t.TempDir(), "c.toml")}
	text := "[profiles.work]\napi_key = \"" + cfgKey + "\"\n\n[profiles.staging]\nread_only = true\n\n[profiles.\"has space\"]\n"
	if err := os.WriteFile(w.config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	w.env = []string{"PATH=" + dir + ":/usr/bin:/bin", "HOME=" + t.TempDir(), "AMKEYS_CONFIG="}
	return w
}

func (w completionWorld) run(t *testing.T, shell, script string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "complete."+shell)
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{file}
	if shell == "zsh" {
		args = []string{"-f", file}
	}
	cmd := exec.Command(shell, args...)
	cmd.Env = w.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", shell, err, out)
	}
	return string(out)
}

// completionCases: a command line (the last word is being completed) and
// the candidates, in order.
func completionCases(cfg string) []struct{ words, want string } {
	return []struct{ words, want string }{
		{"amkeys au", "audit"},
		{"amkeys --config " + cfg + " --profile ''", "staging work"},
		{"amkeys audit --config=" + cfg + " --profile w", "work"},
		{"amkeys audit --format ''", "table csv json"},
		{"amkeys audit --fail-on stale,ex", "stale,expired stale,expiring"},
		{"amkeys sandbox --seed ''", "demo empty hostile"},
		{"amkeys --environment ''", "us eu"},
		{"amkeys agentid ''", "list register rename revoke"},
		{"amkeys --profile work audit --fo", "--format"},
		{"amkeys completion ''", "bash zsh fish"},
		{"amkeys audit -- --fo", ""},
	}
}

func TestBashCompletion(t *testing.T) {
	w := newCompletionWorld(t)
	_, script, _ := runCmd(t, "completion", "bash")
	var b strings.Builder
	b.WriteString(script + `
t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _amkeys; echo "${COMPREPLY[*]}"; }
`)
	cases := completionCases(w.config)
	for _, c := range cases {
		b.WriteString("t " + c.words + "\n")
	}
	// AMKEYS_CONFIG instead of --config.
	b.WriteString("AMKEYS_CONFIG=" + w.config + " t amkeys --profile ''\n")
	got := strings.Split(w.run(t, "bash", b.String()), "\n")
	for i, c := range cases {
		if got[i] != c.want {
			t.Errorf("%s<TAB>: %q, want %q", c.words, got[i], c.want)
		}
	}
	if got[len(cases)] != "staging work" {
		t.Errorf("profiles from AMKEYS_CONFIG: %q", got[len(cases)])
	}
}

func TestFishCompletion(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		if os.Getenv("AMKEYS_REQUIRE_SHELLS") != "" {
			t.Fatal("fish is not installed and AMKEYS_REQUIRE_SHELLS is set (CI installs it)")
		}
		t.Skip("fish is not installed")
	}
	w := newCompletionWorld(t)
	_, script, _ := runCmd(t, "completion", "fish")
	var b strings.Builder
	b.WriteString(script + "\n")
	cases := []struct{ line, want string }{
		{"amkeys au", "audit"},
		{"amkeys --config " + w.config + " --profile ", "staging work"},
		{"amkeys audit --format ", "csv json table"},
		{"amkeys agentid ", "list register rename revoke"},
	}
	for _, c := range cases {
		b.WriteString("echo (complete -C '" + c.line + "' | string replace -r '\\t.*' '' | sort)\n")
	}
	got := strings.Split(w.run(t, "fish", b.String()), "\n")
	for i, c := range cases {
		if got[i] != c.want {
			t.Errorf("%s<TAB>: %q, want %q", c.line, got[i], c.want)
		}
	}
}

func TestZshCompletion(t *testing.T) {
	if _, err := exec.LookPath("zsh"); err != nil {
		if os.Getenv("AMKEYS_REQUIRE_SHELLS") != "" {
			t.Fatal("zsh is not installed and AMKEYS_REQUIRE_SHELLS is set (CI installs it)")
		}
		t.Skip("zsh is not installed")
	}
	w := newCompletionWorld(t)
	_, script, _ := runCmd(t, "completion", "zsh")
	// compadd and friends come with compinit, which needs a terminal;
	// these stand-ins print what would be offered, filtered by the
	// prefix as zsh does.
	var b strings.Builder
	b.WriteString(`compdef() { :; }
compset() { case $2 in ('*,') PREFIX=${PREFIX##*,};; ('*=') PREFIX=${PREFIX#*=};; esac }
_files() { :; }
compadd() {
    local -a items
    while (( $# )); do
        case $1 in
            (-a) items+=(${(P)2}); shift 2 ;;
            (-S) shift 2 ;;
            (--) shift; items+=("$@"); break ;;
            (*) shift ;;
        esac
    done
    local i
    for i in $items; do [[ $i == ${PREFIX}* ]] && offered+=($i); done
}
` + script + `
t() { words=("$@"); CURRENT=${#words}; PREFIX=${words[CURRENT]}; offered=(); _amkeys; print -r -- "${offered[*]}"; }
`)
	cases := completionCases(w.config)
	for _, c := range cases {
		b.WriteString("t " + c.words + "\n")
	}
	got := strings.Split(w.run(t, "zsh", b.String()), "\n")
	for i, c := range cases {
		want := c.want
		if strings.Contains(c.words, "--fail-on") {
			want = "expired expiring" // zsh keeps "stale," aside (compset -P)
		}
		if got[i] != want {
			t.Errorf("%s<TAB>: %q, want %q", c.words, got[i], want)
		}
	}
}

// TestCompleteProfilesIsQuietAndKeyFree: the helper the scripts call
// prints profile names only, nothing for a missing or broken file, and
// never a key.
func TestCompleteProfilesIsQuietAndKeyFree(t *testing.T) {
	auditEnv(t, "", "")
	t.Setenv("AGENTMAIL_API_KEY", cfgKey)
	dir := t.TempDir()
	files := map[string]string{
		"good.toml":   "api_key = \"" + cfgKey + "\"\n[profiles.work]\napi_key = \"" + cfgKey + "\"\n[profiles.am_" + "Zk3xQ9vB2mN7pL4wR8tY6uI1oP5aS0dF]\n[profiles.\"a b\"]\n[profiles.ci]\napi_key_command = \"echo " + cfgKey + "\"\n",
		"broken.toml": "[profiles.work\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "profiles", "--config", filepath.Join(dir, "good.toml")}, "ci\nwork\n"},
		{[]string{"--config", filepath.Join(dir, "good.toml"), "__complete", "profiles"}, "ci\nwork\n"},
		{[]string{"__complete", "profiles", "--config", filepath.Join(dir, "broken.toml")}, ""},
		{[]string{"__complete", "profiles", "--config", filepath.Join(dir, "missing.toml")}, ""},
		{[]string{"__complete", "profiles"}, ""}, // no config file at all
	}
	for _, tc := range cases {
		code, out, stderr := runCmd(t, tc.args...)
		if code != exitOK || out != tc.want || stderr != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %q", tc.args, code, out, stderr, tc.want)
		}
	}
}
