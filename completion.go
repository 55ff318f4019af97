package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/internal/argsafe"
)

// completeCommand is the hidden command the completion scripts call for
// what only amkeys knows: `amkeys __complete profiles [--config FILE]`.
const completeCommand = "__complete"

const completionUsage = `Usage: amkeys completion bash|zsh|fish

Print a script that completes amkeys' commands, flags, profile names (from
the config file) and the values of --format, --fail-on, --environment and
--seed. Load it in the running shell, or install it:

  bash:  source <(amkeys completion bash)        # in ~/.bashrc
  zsh:   source <(amkeys completion zsh)         # in ~/.zshrc, after compinit
         or save it as _amkeys in a folder of $fpath
  fish:  amkeys completion fish > ~/.config/fish/completions/amkeys.fish

The scripts never pass what you typed for --api-key to any program: to
complete a profile they run amkeys __complete profiles, with --config when
you typed one.
`

// runCompletion is `amkeys completion bash|zsh|fish`.
func runCompletion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stdout, completionUsage)
		return exitOK
	}
	if len(args) != 1 {
		fmt.Fprint(stderr, "amkeys completion: name one shell: bash, zsh or fish\n\n"+completionUsage)
		return exitUsage
	}
	var script string
	switch args[0] {
	case "bash":
		script = bashCompletion()
	case "zsh":
		script = zshCompletion()
	case "fish":
		script = fishCompletion()
	default:
		fmt.Fprintf(stderr, "amkeys completion: unknown shell %s: want bash, zsh or fish\n", argsafe.Quote(args[0]))
		return exitUsage
	}
	fmt.Fprint(stdout, script)
	return exitOK
}

// runComplete is the hidden `amkeys __complete profiles`: the profile
// names of the config file, one a line. It is quiet by design: no config
// file, a broken one or a name unfit for a shell word gives nothing,
// never an error on the terminal while the user presses tab. It reads the
// file only: no key is looked up, no key command runs.
func runComplete(_ context.Context, args []string, stdout, _ io.Writer) int {
	fs := flag.NewFlagSet(completeCommand, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	flags := config.RegisterFlags(fs) // --config comes first: run moves it there
	if fs.Parse(args) != nil || fs.Arg(0) != "profiles" {
		return exitUsage
	}
	names, err := config.Resolver{Flags: flags}.ProfileNames()
	if err != nil {
		return exitOK
	}
	for _, n := range names {
		if completableWord(n) {
			fmt.Fprintln(stdout, n)
		}
	}
	return exitOK
}

// completableWord: printable, no spaces or quotes (the scripts split on
// lines and words), and nothing that looks like a key.
func completableWord(s string) bool {
	if s == "" || len(s) > 100 || argsafe.LooksLikeKey(s) {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || strings.ContainsRune(`"'\$`+"`", r) {
			return false
		}
	}
	return true
}

// completionModel is the command table as the scripts need it.
type completionModel struct {
	commands []command // visible ones
	globals  []flagSpec
	topFlags []string // the dashboard's own flags
}

func newCompletionModel() completionModel {
	m := completionModel{topFlags: []string{"demo", "version", "help"}}
	for _, c := range commandList() {
		if !c.hidden {
			m.commands = append(m.commands, c)
		}
	}
	g := globalFlags()
	for _, name := range slices.Sorted(maps.Keys(g)) {
		m.globals = append(m.globals, g[name])
	}
	return m
}

func (m completionModel) commandNames() string {
	names := make([]string, len(m.commands))
	for i, c := range m.commands {
		names[i] = c.name
	}
	return strings.Join(names, " ")
}

// flagsOf is every flag typed after cmd ("" for none: the dashboard), as
// typed: --name, or -o for a one-letter flag.
func (m completionModel) flagsOf(c *command) string {
	var names []string
	if c == nil || c.settings {
		for _, g := range m.globals {
			names = append(names, g.name)
		}
	}
	if c == nil {
		names = append(names, m.topFlags...)
	} else {
		for _, f := range c.flags {
			names = append(names, f.name)
		}
		if c.demo {
			names = append(names, "demo")
		}
		names = append(names, "help")
	}
	for i, n := range names {
		names[i] = dashes(n) + n
	}
	return strings.Join(names, " ")
}

func dashes(name string) string {
	if len(name) == 1 {
		return "-"
	}
	return "--"
}

// valueCase is one case of a value-completing switch: a pattern
// "cmd:flag" (cmd "*" for the global flags) and its flag.
type valueCase struct {
	pattern string
	spec    flagSpec
}

// valueCases lists every flag that takes a value, global ones first.
func (m completionModel) valueCases() []valueCase {
	var out []valueCase
	for _, g := range m.globals {
		if g.value {
			out = append(out, valueCase{"*:" + g.name, g})
		}
	}
	for _, c := range m.commands {
		for _, f := range c.flags {
			if f.value {
				out = append(out, valueCase{c.name + ":" + f.name, f})
			}
		}
	}
	return out
}

// script fills a shell's template from the command table: values writes
// the completion of a flag's value, assign the shell's way of setting the
// candidate words of a case.
func (m completionModel) script(template string, values func(flagSpec) string, assign func(words string) string) string {
	var takes, vals, flags, subs strings.Builder
	for _, v := range m.valueCases() {
		fmt.Fprintf(&takes, "        %s) return 0 ;;\n", v.pattern)
		fmt.Fprintf(&vals, "        %s) %s ;;\n", v.pattern, values(v.spec))
	}
	for _, c := range m.commands {
		fmt.Fprintf(&flags, "        %s) %s ;;\n", c.name, assign(m.flagsOf(&c)))
		switch {
		case len(c.subcommands) > 0:
			fmt.Fprintf(&subs, "        %s) %s ;;\n", c.name, assign(strings.Join(c.subcommands, " ")))
		case c.name == "help":
			fmt.Fprintf(&subs, "        %s) %s ;;\n", c.name, assign(m.commandNames()))
		case len(c.words) > 0:
			fmt.Fprintf(&subs, "        %s) %s ;;\n", c.name, assign(strings.Join(c.words, " ")))
		}
	}
	return strings.NewReplacer(
		"@COMMANDS@", m.commandNames(),
		"@TOPFLAGS@", m.flagsOf(nil),
		"@TAKES@", takes.String(),
		"@VALUES@", vals.String(),
		"@FLAGS@", flags.String(),
		"@SUBS@", subs.String(),
	).Replace(template)
}
