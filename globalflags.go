package main

import (
	"flag"
	"io"

	"github.com/amkeys/amkeys/config"
)

// globalFlags are the settings flags of config.RegisterFlags (--config,
// --profile, --api-key, ...), by name, as flagSpecs: which take a value
// and what completes it. They are read from the flag set itself so that
// a new settings flag is global at once.
func globalFlags() map[string]flagSpec {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	config.RegisterFlags(fs)
	out := map[string]flagSpec{}
	fs.VisitAll(func(f *flag.Flag) {
		spec := flagSpec{name: f.Name, value: !isBoolFlag(f)}
		switch f.Name {
		case "config":
			spec.files = true
		case "profile":
			spec.profiles = true
		case "environment":
			spec.values = environments
		}
		out[f.Name] = spec
	})
	return out
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
