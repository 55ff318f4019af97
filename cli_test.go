package main

import (
	"bytes"
	"context"
	"flag"
	"github.com/amkeys/amkeys/ui/report"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/config"
)

// writeProfileConfig writes a config file whose profile "work" reaches
// srv with the key in AMKEYS_TEST_WORK_KEY, and clears every other way
// amkeys could find a key or a config, so that only --config and
// --profile can make a command work.
func writeProfileConfig(t *testing.T, srv *sandbox.Running) string {
	t.Helper()
	auditEnv(t, "", "")
	t.Setenv("AMKEYS_TEST_WORK_KEY", srv.AdminKey())
	path := filepath.Join(t.TempDir(), "amkeys.toml")
	text := "[profiles.work]\nbase_url = \"" + srv.URL + "\"\napi_key_env = \"AMKEYS_TEST_WORK_KEY\"\n\n[profiles.other]\nread_only = true\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGlobalFlagsBeforeOrAfterTheCommand(t *testing.T) {
	srv := startSandbox(t, "demo")
	cfg := writeProfileConfig(t, srv)

	// Without the profile there is no key: the flags below must count.
	if code, _, stderr := runCmd(t, "--config", cfg, "audit", "--format", "csv"); code != exitUsage {
		t.Fatalf("without --profile: exit %d, want %d (no key); stderr %q", code, exitUsage, stderr)
	}
	audits := [][]string{
		{"--config", cfg, "--profile", "work", "audit", "--format", "csv"},
		{"audit", "--config", cfg, "--profile", "work", "--format", "csv"},
		{"audit", "--format", "csv", "--profile=work", "-config", cfg},
		{"--profile", "work", "audit", "--config=" + cfg, "--format", "csv"},
	}
	// Each audit uses the admin key, which moves its last use: its row
	// differs from run to run, the rest must not.
	withoutOwnKey := func(csv string) string {
		var kept []string
		for _, line := range strings.Split(csv, "\n") {
			if !strings.Contains(line, srv.AdminKey()[:8]) {
				kept = append(kept, line)
			}
		}
		return strings.Join(kept, "\n")
	}
	var want string
	for _, args := range audits {
		code, out, stderr := runCmd(t, args...)
		if code != exitOK || !strings.Contains(out, "pod") {
			t.Fatalf("%q: exit %d, stdout %d bytes; stderr %q", args, code, len(out), stderr)
		}
		out = withoutOwnKey(out)
		if want == "" {
			want = out
		} else if out != want {
			t.Errorf("%q: a different report than %q", args, audits[0])
		}
	}

	lists := [][]string{
		{"--config", cfg, "--profile", "work", "agentid", "list", "--format", "json"},
		{"agentid", "list", "--format", "json", "--profile", "work", "--config", cfg},
		{"agentid", "--profile", "work", "--config", cfg, "list", "--format", "json"},
	}
	want = ""
	for _, args := range lists {
		code, out, stderr := runCmd(t, args...)
		if code != exitOK || !strings.HasPrefix(strings.TrimSpace(out), "[") && !strings.HasPrefix(strings.TrimSpace(out), "{") {
			t.Fatalf("%q: exit %d, stdout %q; stderr %q", args, code, out, stderr)
		}
		if want == "" {
			want = out
		} else if out != want {
			t.Errorf("%q: a different listing than %q", args, lists[0])
		}
	}
}

func TestHoistGlobals(t *testing.T) {
	audit, agentid, sandboxCmd := lookupCommand("audit"), lookupCommand("agentid"), lookupCommand("sandbox")
	cases := []struct {
		c          command
		args, want []string
	}{
		{audit, []string{"--format", "csv", "--config", "f"}, []string{"--config", "f", "--format", "csv"}},
		{audit, []string{"--format", "--config"}, []string{"--format", "--config"}}, // --config is --format's value
		{audit, []string{"-o", "out", "--read-only", "--profile=p"}, []string{"--read-only", "--profile=p", "-o", "out"}},
		{audit, []string{"--demo", "--format", "json"}, []string{"--demo", "--format", "json"}},
		{audit, []string{"--format", "csv", "--", "--config", "f"}, []string{"--format", "csv", "--", "--config", "f"}},
		{audit, []string{"--format", "csv", "--profile"}, []string{"--format", "csv", "--profile"}}, // no value: audit says so
		{agentid, []string{"--profile", "p", "rename", "id", "name", "--config", "f"},
			[]string{"rename", "--profile", "p", "--config", "f", "id", "name"}},
		{agentid, []string{"--help"}, []string{"--help"}},
		{sandboxCmd, []string{"--seed", "empty", "--listen", "127.0.0.1:0"}, []string{"--seed", "empty", "--listen", "127.0.0.1:0"}},
	}
	for _, tc := range cases {
		got, err := hoistGlobals(tc.c, tc.args)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s %q: got %q, %v; want %q", tc.c.name, tc.args, got, err, tc.want)
		}
	}
	// The sandbox reads no settings: a settings flag is refused by name,
	// and a key given with it is not shown.
	const key = "am_hoistTestKey0123456789abcdefABCDEF"
	for _, args := range [][]string{{"--api-key", key, "sandbox"}, {"sandbox", "--api-key=" + key}, {"sandbox", "--demo"}} {
		code, out, stderr := runCmd(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "does not apply to amkeys sandbox") || strings.Contains(out+stderr, key) {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func lookupCommand(name string) command {
	for _, c := range commandList() {
		if c.name == name {
			return c
		}
	}
	panic("no command " + name)
}

func TestHelpForms(t *testing.T) {
	auditEnv(t, "", "")
	for _, c := range commandList() {
		if c.hidden || c.name == "help" {
			continue
		}
		_, want, _ := runCmd(t, "help", c.name)
		if want == "" {
			t.Errorf("amkeys help %s printed nothing", c.name)
		}
		for _, args := range [][]string{{"help", c.name}, {c.name, "--help"}, {c.name, "-h"}, {"--help", c.name}} {
			code, out, stderr := runCmd(t, args...)
			if code != exitOK || out != want {
				t.Errorf("%q: exit %d, stdout differs from amkeys help %s: %t; stderr %q", args, code, c.name, out != want, stderr)
			}
		}
	}
	_, usage, _ := runCmd(t, "help")
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help", "help"}} {
		if code, out, _ := runCmd(t, args...); code != exitOK || out != usage {
			t.Errorf("%q: exit %d, not the usage of amkeys help", args, code)
		}
	}
	for _, c := range commandList() {
		if strings.Contains(usage, "amkeys "+c.name) == c.hidden {
			t.Errorf("amkeys help lists %s: %t, hidden: %t", c.name, !c.hidden, c.hidden)
		}
	}
	if code, _, stderr := runCmd(t, "help", "audt"); code != exitUsage || !strings.Contains(stderr, "did you mean audit?") {
		t.Errorf("help audt: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "docter"); code != exitUsage || !strings.Contains(stderr, "did you mean doctor?") {
		t.Errorf("docter: exit %d, stderr %q", code, stderr)
	}
}

// TestCommandFlagsExist: every flag the command table (and so completion)
// offers is a flag of its command, and every flag a command's help names
// is in the table.
func TestCommandFlagsExist(t *testing.T) {
	auditEnv(t, "", "")
	globals := globalFlags()
	for _, c := range commandList() {
		prefix := []string{c.name}
		if len(c.subcommands) > 0 {
			prefix = append(prefix, c.subcommands[0])
		}
		for _, f := range c.flags {
			arg := "-" + dashes(f.name)[1:] + f.name
			if f.value {
				arg += "=0"
			}
			code, _, stderr := runCmd(t, append(slices.Clone(prefix), arg, "--help")...)
			if code != exitOK || strings.Contains(stderr, "not defined") {
				t.Errorf("%s %s: exit %d, stderr %q", c.name, arg, code, stderr)
			}
		}
		if len(c.flags) == 0 {
			continue // its help names other commands' flags
		}
		_, help, _ := runCmd(t, c.name, "--help")
		flagLine := regexp.MustCompile(`(?m)^\s+--?([a-z][a-z0-9-]*)`) // a flag that starts a help line
		for _, m := range flagLine.FindAllStringSubmatch(help, -1) {
			name := m[1]
			if _, global := globals[name]; global || name == "help" || name == "h" || name == "demo" && c.demo || c.flag(name) != nil {
				continue
			}
			t.Errorf("amkeys %s --help names -%s, which the command table does not list", c.name, name)
		}
	}
}

// TestCompletedValuesAreAccepted: the values completion offers are the
// ones the commands accept.
func TestCompletedValuesAreAccepted(t *testing.T) {
	auditEnv(t, "", "")
	// audit checks --format and --fail-on before --timeout: an accepted
	// value gets as far as the --timeout complaint.
	acceptedByAudit := func(flag, value string) bool {
		_, _, stderr := runCmd(t, "audit", flag, value, "--timeout", "0s")
		return strings.Contains(stderr, "--timeout") && !strings.Contains(stderr, flag)
	}
	for _, v := range auditFormats {
		if !acceptedByAudit("--format", v) {
			t.Errorf("audit refuses --format %s", v)
		}
	}
	if !acceptedByAudit("--fail-on", "never-used") {
		t.Log("this audit predates the --fail-on kinds of issue 10 (branch audit10); not checking them")
	} else {
		for _, v := range failOnValues {
			if slices.Contains(report.ChangeKinds, report.ChangeKind(v)) {
				// A kind of change: known, but only with --diff.
				if _, _, stderr := runCmd(t, "audit", "--fail-on", v); !strings.Contains(stderr, "needs --diff") {
					t.Errorf("audit does not know the change kind %s: %q", v, stderr)
				}
				continue
			}
			if !acceptedByAudit("--fail-on", v) {
				t.Errorf("audit refuses --fail-on %s", v)
			}
		}
	}
	for _, v := range doctorFormats {
		if _, _, stderr := runCmd(t, "doctor", "--format", v, "--timeout", "0s"); !strings.Contains(stderr, "--timeout") {
			t.Errorf("doctor refuses --format %s: %q", v, stderr)
		}
	}
	for _, v := range sandboxSeeds {
		var out, errb bytes.Buffer
		// A refused listen address comes after the flag checks.
		sandbox.Main(context.Background(), []string{"--seed", v, "--listen", "192.0.2.1:0"}, &out, &errb)
		if !strings.Contains(errb.String(), "refusing to listen") {
			t.Errorf("sandbox refuses --seed %s: %q", v, errb.String())
		}
	}
	for _, v := range environments {
		fs := flag.NewFlagSet("", flag.ContinueOnError)
		flags := config.RegisterFlags(fs)
		if err := fs.Parse([]string{"--environment", v}); err != nil {
			t.Fatal(err)
		}
		if _, err := (config.Resolver{Flags: flags}).Resolve(context.Background(), false); err != nil {
			t.Errorf("--environment %s: %v", v, err)
		}
	}
}
