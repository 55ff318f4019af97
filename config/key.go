package config

import (
	"context"
	"fmt"
)

// resolveKey applies: --api-key, AGENTMAIL_API_KEY, then the profile's
// api_key_env, api_key_command or api_key (a profile sets at most one).
func (r Resolver) resolveKey(ctx context.Context, s *Settings, scope profileScope, path string) error {
	c := scope.conf
	profileHasKey := c.apiKeyEnv.isSet() || c.apiKeyCommand.isSet() || c.apiKey.isSet()
	env, hasEnv := r.env(EnvAPIKey)
	switch {
	case r.Flags.IsSet(flagAPIKey):
		return setKey(s, r.Flags.APIKey, "flag --api-key", nil)
	case hasEnv:
		if profileHasKey {
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s overrides the key of %s", EnvAPIKey, scope.label))
		}
		s.KeyEnvName = EnvAPIKey
		return setKey(s, NewSecret(env), "environment "+EnvAPIKey, nil)
	case c.apiKeyEnv.isSet():
		name := c.apiKeyEnv.val
		v, ok := r.env(name)
		if !ok {
			return fileError(scope.file, c.apiKeyEnv.at, fmt.Sprintf(
				"%s: environment variable %s (api_key_env) is not set or empty", scope.label, name))
		}
		s.KeyEnvName = name
		return setKey(s, NewSecret(v), scope.label+": api_key_env "+name, &Error{File: scope.file, Line: c.apiKeyEnv.at.line, Col: c.apiKeyEnv.at.col})
	case c.apiKeyCommand.isSet():
		kc := keyCommand{
			command: c.apiKeyCommand.val,
			timeout: r.CommandTimeout,
			who:     scope.label,
			hideEnv: append([]string{EnvAPIKey}, scope.keyVars...),
		}
		res, err := kc.run(ctx)
		if err != nil {
			return fileError(scope.file, c.apiKeyCommand.at, err.Error())
		}
		if res.leftovers {
			s.Warnings = append(s.Warnings, "api_key_command for "+scope.label+
				" left processes running in the background; amkeys has ended them")
		}
		return setKey(s, res.key, scope.label+": api_key_command", nil)
	case c.apiKey.isSet():
		// Checked when the file was parsed.
		return setKey(s, c.apiKey.val, scope.label+": api_key", nil)
	}
	return &Error{Msg: fmt.Sprintf("no API key: set %s, pass --api-key, or add a profile with api_key_env or "+
		"api_key_command to %s; `amkeys --demo` needs no key", EnvAPIKey, path), err: ErrNoAPIKey}
}

// setKey checks the key's text; where (may be nil) locates the error.
func setKey(s *Settings, key Secret, source string, where *Error) error {
	if msg := checkKeyText(key.Reveal()); msg != "" {
		e := &Error{Msg: "the API key from " + source + " " + msg}
		if where != nil {
			e.File, e.Line, e.Col = where.File, where.Line, where.Col
		}
		return e
	}
	s.APIKey, s.KeySource = key, source
	return nil
}
