package config

import (
	"fmt"
	"net/url"
	"strings"
)

// resolveBaseURL picks the base URL: --base-url or --environment (not
// both), AGENTMAIL_BASE_URL, the profile's base_url or environment, or the
// default. It then refuses plain http to remote hosts without the opt-in;
// that error points at the file line when the URL came from the file.
func (r Resolver) resolveBaseURL(s *Settings, scope profileScope) error {
	var (
		raw    string
		origin string // flag or variable name, for messages
		at     pos    // place in the config file, when the URL came from it
	)
	flagURL, flagEnv := r.Flags.IsSet(flagBaseURL), r.Flags.IsSet(flagEnvironment)
	envURL, hasEnvURL := r.env(EnvBaseURL)
	switch {
	case flagURL && flagEnv:
		return plainError("use either --base-url or --environment, not both")
	case flagURL:
		raw, origin = r.Flags.BaseURL, "--base-url"
	case flagEnv:
		u, ok := environmentURLs[strings.ToLower(r.Flags.Environment)]
		if !ok {
			return plainError(fmt.Sprintf("--environment: unknown environment %s (use us or eu)", quoteShort(r.Flags.Environment)))
		}
		raw, origin = u, "--environment"
	case hasEnvURL:
		raw, origin = envURL, EnvBaseURL
		if scope.conf.baseURL.isSet() || scope.conf.environment.isSet() {
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s overrides the base URL of %s", EnvBaseURL, scope.label))
		}
	case scope.conf.baseURL.isSet():
		raw, at = scope.conf.baseURL.val, scope.conf.baseURL.at
	case scope.conf.environment.isSet():
		raw, at = environmentURLs[scope.conf.environment.val], scope.conf.environment.at
	default:
		raw = DefaultBaseURL
	}

	// A URL from the file was checked when parsing; from elsewhere it was not.
	u, err := parseBaseURL(raw)
	if err != nil {
		return plainError(origin + ": base URL " + err.Error())
	}
	if err := checkCleartext(u, s.AllowInsecureHTTP); err != nil {
		if at.line > 0 {
			return fileError(scope.file, at, err.Error())
		}
		return plainError(origin + ": " + err.Error())
	}
	s.BaseURL = trimmedURL(u)
	return nil
}

func trimmedURL(u *url.URL) string { return strings.TrimRight(u.String(), "/") }
