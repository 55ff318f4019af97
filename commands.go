package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/internal/argsafe"
	"github.com/amkeys/amkeys/ui/report"
)

// runFunc runs one subcommand with the arguments after its name and
// returns the exit code.
type runFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// command is one `amkeys <name>` subcommand. Adding a subcommand is one
// entry in commandList; its flags there are what shell completion offers
// (TestCommandFlagsExist checks that each exists).
type command struct {
	name    string
	args    string // what follows the name in the usage line, e.g. "[flags]"
	summary string
	run     runFunc
	// settings: the command reads the API settings, so it takes the global
	// flags (--config, --profile, ...) before or after its name.
	settings bool
	demo     bool // it takes --demo, also before its name
	hidden   bool // not listed, not completed (__complete)
	// subcommands must come first after the name (agentid list): the
	// global flags are moved after them.
	subcommands []string
	flags       []flagSpec // its own flags, without the global ones
	words       []string   // what completes as its arguments
}

// flagSpec describes a flag for completion and for moving the global
// flags: which flags take a value, and which values.
type flagSpec struct {
	name   string   // without dashes: "format", "o"
	value  bool     // takes a value (--name VALUE or --name=VALUE)
	values []string // the values to offer, if a fixed set
	files  bool     // the value is a file name
	list   bool     // a comma-separated list of values
	// profiles: the value is a profile name from the config file.
	profiles bool
}

// Formats and kinds offered by completion (see TestCompletedValuesAreAccepted).
var (
	auditFormats = []string{"table", "csv", "json"}
	failOnValues = failOnCompletions()
	sandboxSeeds = []string{"demo", "empty", "hostile"}
	environments = []string{"us", "eu"}
	shells       = []string{"bash", "zsh", "fish"}
)

// commandList is every subcommand, in the order of amkeys --help.
func commandList() []command {
	return []command{
		{name: "audit", args: "[flags]", summary: "report when each key was last used (headless)",
			run: runAudit, settings: true, demo: true, flags: []flagSpec{
				{name: "format", value: true, values: auditFormats},
				{name: "output", value: true, files: true}, {name: "o", value: true, files: true},
				{name: "fail-on", value: true, values: failOnValues, list: true},
				{name: "stale", value: true}, {name: "concurrency", value: true}, {name: "timeout", value: true},
				{name: "expiry-warn", value: true}, {name: "diff", value: true, files: true},
			}},
		{name: "agentid", args: "<command>", summary: "list, register, rename, revoke AgentID public-key credentials",
			run: runAgentID, settings: true, demo: true, subcommands: []string{"list", "register", "rename", "revoke"},
			flags: []flagSpec{
				{name: "format", value: true, values: []string{"table", "json"}},
				{name: "generate", value: true, files: true}, {name: "public-key", value: true, files: true},
				{name: "name", value: true}, {name: "scope", value: true}, {name: "expires", value: true},
			}},
		{name: "prune", args: "[flags]", summary: "plan, review, then delete stale and never-used keys",
			run: runPrune, settings: true, flags: []flagSpec{
				{name: "stale", value: true}, {name: "never-used"}, {name: "older-than", value: true},
				{name: "scope", value: true}, {name: "plan", value: true, files: true}, {name: "apply", value: true, files: true},
				{name: "max-plan-age", value: true}, {name: "timeout", value: true},
			}},
		{name: "rotate", args: "[flags]", summary: "replace a key with a new one of the same scope and permissions",
			run: runRotate, settings: true, flags: []flagSpec{
				{name: "key", value: true}, {name: "scope", value: true},
				{name: "secret-to", value: true, files: true}, {name: "secret-cmd", value: true},
				{name: "delete-old-after-quiet", value: true}, {name: "timeout", value: true},
			}},
		{name: "locate", args: "< KEY-OR-PREFIX", summary: "find where a leaked key (or its prefix, read from stdin) belongs",
			run: func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
				return runLocate(ctx, args, os.Stdin, stdout, stderr)
			}, settings: true, flags: []flagSpec{{name: "timeout", value: true}}},
		{name: "doctor", args: "[flags]", summary: "check the settings, the API, the key, the clipboard and the terminal",
			run: runDoctor, settings: true, flags: []flagSpec{
				{name: "format", value: true, values: doctorFormats},
				{name: "timeout", value: true},
			}},
		{name: "sandbox", args: "[flags]", summary: "run the AgentMail-compatible sandbox server",
			run: sandbox.Main, flags: []flagSpec{
				{name: "listen", value: true}, {name: "allow-remote"}, {name: "admin-key", value: true},
				{name: "state", value: true, files: true}, {name: "seed", value: true, values: sandboxSeeds},
				{name: "latency", value: true}, {name: "rate-limit", value: true},
				{name: "error-rate", value: true}, {name: "drop-rate", value: true},
			}},
		{name: "completion", args: "bash|zsh|fish", summary: "print a shell completion script", run: runCompletion, words: shells},
		{name: "version", summary: "print the version", run: runVersion},
		{name: "help", args: "[command]", summary: "show the help of amkeys or of a command", run: runHelp},
		{name: completeCommand, hidden: true, settings: true, run: runComplete},
	}
}

// findCommand returns the subcommand named by the first argument that is
// not a flag (nor a global flag's value), and its index; nil when there
// is none, or it is no command (the dashboard then refuses it). A "--"
// ends the search: what follows is an argument.
func findCommand(args []string) (*command, int) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return nil, -1
		}
		name, hasValue, isFlag := splitFlag(a)
		if isFlag {
			if g, ok := globalFlags()[name]; ok && g.value && !hasValue {
				i++ // its value
			}
			continue
		}
		for _, c := range commandList() {
			if c.name == a {
				return &c, i
			}
		}
		return nil, -1
	}
	return nil, -1
}

// splitFlag reads "-name", "--name" or "--name=value".
func splitFlag(arg string) (name string, hasValue, ok bool) {
	if len(arg) < 2 || arg[0] != '-' || arg == "--" {
		return "", false, false
	}
	name = strings.TrimPrefix(arg[1:], "-")
	name, _, hasValue = strings.Cut(name, "=")
	return name, hasValue, name != ""
}

// hoistGlobals moves the global flags (and --demo), with their values,
// from anywhere in args (up to a "--") to the front, or right after a
// subcommand such as agentid's list, so that the command's own flag
// parsing, which stops at the first argument, sees them wherever they
// were typed. A command that reads no settings refuses them, naming the
// flag but never its value.
func hoistGlobals(c command, args []string) ([]string, error) {
	globals := globalFlags()
	var moved, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, hasValue, isFlag := splitFlag(a)
		g, isGlobal := globals[name]
		if name == "demo" {
			g, isGlobal = flagSpec{name: "demo"}, true
		}
		switch {
		case !isFlag:
			rest = append(rest, a)
		case isGlobal:
			if !c.settings || (name == "demo" && !c.demo) {
				return nil, fmt.Errorf("--%s does not apply to amkeys %s (see amkeys %s --help)", name, c.name, c.name)
			}
			if g.value && !hasValue {
				if i+1 == len(args) { // no value: the command's parser says so
					rest = append(rest, a)
					continue
				}
				moved = append(moved, a, args[i+1])
				i++
				continue
			}
			moved = append(moved, a)
		default:
			rest = append(rest, a)
			if f := c.flag(name); f != nil && f.value && !hasValue && i+1 < len(args) {
				rest = append(rest, args[i+1]) // its value stays with it
				i++
			}
		}
	}
	if len(rest) > 0 && contains(c.subcommands, rest[0]) {
		return append(append([]string{rest[0]}, moved...), rest[1:]...), nil
	}
	return append(moved, rest...), nil
}

func (c command) flag(name string) *flagSpec {
	for i := range c.flags {
		if c.flags[i].name == name {
			return &c.flags[i]
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// runVersion is `amkeys version`, the same as --version.
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "--help" {
			fmt.Fprintln(stdout, "Usage: amkeys version\n\nPrint the version of amkeys (also: amkeys --version).")
			return exitOK
		}
		fmt.Fprintf(stderr, "amkeys version: %s\n", argsafe.Unexpected(args[0]))
		return exitUsage
	}
	fmt.Fprintln(stdout, "amkeys", amkeysVersion())
	return exitOK
}

// runHelp is `amkeys help [command [subcommand]]`: the command's --help.
func runHelp(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		return exitOK
	}
	for _, c := range commandList() {
		if c.name == args[0] && !c.hidden {
			return c.run(ctx, append(args[1:len(args):len(args)], "--help"), stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "amkeys help: unknown command %s%s (see amkeys help)\n", argsafe.Quote(args[0]), suggestCommand(args[0]))
	return exitUsage
}

// suggestCommand returns "; did you mean X?" for a near miss of a
// command name, else "".
func suggestCommand(word string) string {
	if argsafe.LooksLikeKey(word) {
		return ""
	}
	for _, c := range commandList() {
		if !c.hidden && (editDistance(word, c.name) <= 2 || len(word) >= 2 && strings.HasPrefix(c.name, word)) {
			return "; did you mean " + c.name + "?"
		}
	}
	return ""
}

// editDistance is the Levenshtein distance of two short words.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// failOnCompletions is every --fail-on kind the audit accepts, from its own
// list, and "none".
func failOnCompletions() []string {
	out := make([]string, 0, len(failOnKinds)+1)
	for _, k := range failOnKinds {
		out = append(out, k.String())
	}
	out = append(out, "none")
	for _, k := range report.ChangeKinds { // with --diff
		out = append(out, string(k))
	}
	return out
}
