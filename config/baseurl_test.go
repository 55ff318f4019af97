package config

import (
	"strings"
	"testing"
)

func TestParseBaseURL(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "https://api.agentmail.to", want: "https://api.agentmail.to"},
		{in: "https://api.agentmail.eu/", want: "https://api.agentmail.eu"},
		{in: " https://proxy.invalid:8443/agentmail// ", want: "https://proxy.invalid:8443/agentmail"},
		{in: "http://[::1]:8080", want: "http://[::1]:8080"},
		{in: "ftp://a.invalid", err: "must start with https://"},
		{in: "api.agentmail.to", err: "must start with https://"},
		{in: "https://", err: "has no host name"},
		{in: "https:api.agentmail.to", err: "has no host name"},
		{in: "https://:443", err: "has no host name"},
		{in: "https://user:pw@a.invalid", err: "must not contain a user name or password"},
		{in: "https://a.invalid/?x=1", err: "must not contain a query"},
		{in: "https://a.invalid/?", err: "must not contain a query"},
		{in: "https://a.invalid/#frag", err: "must not contain a query"},
		{in: "https://a.invalid/#", err: "must not contain a query"},
		{in: "https://a invalid", err: "cannot be read (expected something like"},
		{in: "https://a.invalid:port", err: "cannot be read (expected something like"},
	}
	for _, tt := range tests {
		u, err := parseBaseURL(tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%q: unexpected error %v", tt.in, err)
		case tt.err == "" && trimmedURL(u) != tt.want:
			t.Errorf("%q: got %s, want %s", tt.in, trimmedURL(u), tt.want)
		}
	}
}

func TestCheckCleartext(t *testing.T) {
	tests := []struct {
		url   string
		allow bool
		ok    bool
	}{
		{"https://api.agentmail.invalid", false, true},
		{"http://localhost:8080", false, true},
		{"http://LOCALHOST.", false, true},
		{"http://127.0.0.1", false, true},
		{"http://127.8.9.10:1", false, true},
		{"http://[::1]:8080", false, true},
		{"http://[::ffff:127.0.0.1]", false, true},
		{"http://api.agentmail.invalid", false, false},
		{"http://localhost.evil.invalid", false, false},
		{"http://128.0.0.1", false, false},
		{"http://10.0.0.1", false, false},
		{"http://[::2]", false, false},
		{"http://api.agentmail.invalid", true, true},
	}
	for _, tt := range tests {
		u, err := parseBaseURL(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		err = checkCleartext(u, tt.allow)
		if (err == nil) != tt.ok {
			t.Errorf("%s allow=%v: error %v, want ok=%v", tt.url, tt.allow, err, tt.ok)
		}
		if err != nil && !(strings.Contains(err.Error(), "clear text") && strings.Contains(err.Error(), "--allow-insecure-http") &&
			strings.Contains(err.Error(), "allow_insecure_http = true")) {
			t.Errorf("%s: message does not explain the opt-in: %v", tt.url, err)
		}
	}
}
