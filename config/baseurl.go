package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// The two AgentMail regions. client/ has the same values; config repeats
// them to stay a leaf package.
const (
	DefaultBaseURL = "https://api.agentmail.to"
	EUBaseURL      = "https://api.agentmail.eu"
)

// environmentURLs maps the environment names accepted by --environment and
// the config file to base URLs.
var environmentURLs = map[string]string{
	"us": DefaultBaseURL,
	"eu": EUBaseURL,
}

// parseBaseURL checks a base URL and trims a trailing slash. Its errors
// never repeat the raw text: a URL may carry credentials in its user info
// or query.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, errors.New("cannot be read (expected something like https://api.agentmail.to)")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("must start with https:// (or http:// for a local server)")
	case u.Opaque != "" || u.Host == "":
		return nil, errors.New("has no host name")
	case u.User != nil:
		return nil, errors.New("must not contain a user name or password; amkeys sends the API key itself")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, errors.New("must not contain a query (?...) or fragment (#...)")
	case u.Hostname() == "":
		return nil, errors.New("has no host name")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// checkCleartext refuses to send a key over plain http to anything but
// this machine, unless the user opted in.
func checkCleartext(u *url.URL, allowInsecure bool) error {
	if u.Scheme != "http" || allowInsecure || isLoopbackHost(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("base URL %s uses plain http, so the API key would travel in clear text; "+
		"use https, or opt in with --allow-insecure-http or allow_insecure_http = true in the profile",
		u.Scheme+"://"+u.Host)
}

// isLoopbackHost accepts localhost, 127.0.0.0/8 and ::1 (also written as an
// IPv4-mapped address). Other names are not resolved: DNS could point them
// anywhere.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}
