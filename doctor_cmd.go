package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"

	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/internal/argsafe"
	"github.com/amkeys/amkeys/internal/doctor"
)

const doctorUsage = `Usage: amkeys doctor [flags]

Check what a dashboard session needs, and say how to fix what is wrong:
where the settings come from (config file, profile, environment; the key
only by its prefix and source), whether the base URL answers, what the key
can do (its scope; whether it may list pods, keys, inboxes and public-key
credentials; whether it may change anything), the path a copied secret
would take (clipboard tool or OSC 52, through tmux or not) and the terminal.
Only reads: nothing is changed.

Exit codes: 0 a dashboard session would work (warnings aside), 1 it would
not, 2 usage error.

Flags:
`

var doctorFormats = []string{"text", "json"}

const (
	defaultDoctorTimeout = 5 * time.Second
	maxDoctorTimeout     = time.Minute
)

// runDoctor is `amkeys doctor`.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("amkeys doctor", flag.ContinueOnError)
	fs.SetOutput(argsafe.Writer(stderr)) // the flag package echoes bad values
	settingsFlags := config.RegisterFlags(fs)
	format := fs.String("format", "text", "output: text or json")
	timeout := fs.Duration("timeout", defaultDoctorTimeout, "bound of each request to the API (1s to 1m)")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, doctorUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		fmt.Fprintln(stderr, "see amkeys doctor --help")
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "amkeys doctor: %s (see amkeys doctor --help)\n", argsafe.Unexpected(fs.Arg(0)))
		return exitUsage
	}
	if msg := argsafe.CheckFlags(fs, "api-key"); msg != "" {
		fmt.Fprintln(stderr, "amkeys doctor:", msg)
		return exitUsage
	}
	if !contains(doctorFormats, *format) {
		fmt.Fprintf(stderr, "amkeys doctor: --format must be text or json, not %s\n", argsafe.Quote(*format))
		return exitUsage
	}
	if *timeout < time.Second || *timeout > maxDoctorTimeout {
		fmt.Fprintf(stderr, "amkeys doctor: --timeout must be from 1s to %v, got %v\n", maxDoctorTimeout, *timeout)
		return exitUsage
	}
	in := doctorInput(ctx, settingsFlags, *timeout, stdout)
	rep := doctor.Run(ctx, in)
	write := doctor.WriteText
	if *format == "json" {
		write = doctor.WriteJSON
	}
	if err := write(stdout, rep); err != nil {
		fmt.Fprintln(stderr, "amkeys doctor:", err)
		return exitFail
	}
	if !rep.OK {
		return exitFail
	}
	return exitOK
}

// doctorInput gathers what the checks look at from this process.
func doctorInput(ctx context.Context, flags *config.Flags, timeout time.Duration, stdout io.Writer) doctor.Input {
	in := doctor.Input{
		Version:  amkeysVersion(),
		Timeout:  timeout,
		Getenv:   os.Getenv,
		LookPath: exec.LookPath,
		GOOS:     runtime.GOOS,
		Tmux:     tmuxOption,
		Terminal: terminalOf(stdout),
	}
	resolver := config.Resolver{Flags: flags}
	// First without the key, so that a missing key still shows the rest.
	settings, err := resolver.Resolve(ctx, false)
	if err != nil {
		in.SettingsErr = err
		return in
	}
	withKey, err := resolver.Resolve(ctx, true)
	if err != nil {
		in.KeyErr = err
	} else {
		settings = withKey
	}
	in.Settings = settings
	in.Sources = settingSources(flags, settings)
	return in
}

// settingSources says where the profile, base URL and read-only mode came
// from, in Resolve's order of precedence.
func settingSources(f *config.Flags, s config.Settings) doctor.Sources {
	from := func(flag, env, fallback string) string {
		switch {
		case f.IsSet(flag):
			return "--" + flag
		case env != "" && os.Getenv(env) != "":
			return env
		}
		return fallback
	}
	file := "the default"
	if s.ConfigFile != "" {
		file = "the config file, or the default"
	}
	src := doctor.Sources{
		Profile:  from("profile", config.EnvProfile, "the config file"),
		BaseURL:  from("base-url", config.EnvBaseURL, file),
		ReadOnly: from("read-only", "", "the config file"),
	}
	if !f.IsSet("base-url") && f.IsSet("environment") {
		src.BaseURL = "--environment"
	}
	return src
}

// tmuxOption is `tmux show -gv OPTION`, bounded.
func tmuxOption(ctx context.Context, option string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", "show", "-gv", option).Output()
	return string(out), err
}

// terminalOf describes stdout.
func terminalOf(stdout io.Writer) doctor.Terminal {
	t := doctor.Terminal{Colors: "no colour (not a terminal)"}
	f, ok := stdout.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return t
	}
	t.IsTerminal = true
	t.Width, t.Height, _ = term.GetSize(f.Fd())
	switch termenv.NewOutput(f).EnvColorProfile() {
	case termenv.TrueColor:
		t.Colors = "true colour"
	case termenv.ANSI256:
		t.Colors = "256 colours"
	case termenv.ANSI:
		t.Colors = "16 colours"
	default:
		t.Colors = "no colour"
	}
	return t
}
