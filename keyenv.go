package main

import (
	"os"
	"strings"

	"github.com/amkeys/amkeys/config"
)

// scrubKeyEnv removes API keys from the environment that amkeys' child
// processes inherit: the clipboard tool (xclip, xsel, wl-copy, pbcopy,
// started by atotto/clipboard with this process's environment) would
// otherwise hold the admin key in /proc/<pid>/environ, and an xclip
// serving a copied secret outlives amkeys. It removes AGENTMAIL_API_KEY,
// the profile's api_key_env variable, and any variable holding the key
// in use. Call it once the settings are resolved: the api_key_command,
// the only child that needs the environment, has run by then.
func scrubKeyEnv(s config.Settings) {
	names := []string{config.EnvAPIKey, s.KeyEnv}
	if key := s.APIKey.Reveal(); key != "" {
		for _, kv := range os.Environ() {
			name, value, _ := strings.Cut(kv, "=")
			if strings.TrimSpace(value) == key {
				names = append(names, name)
			}
		}
	}
	for _, name := range names {
		if name != "" {
			_ = os.Unsetenv(name)
		}
	}
}
