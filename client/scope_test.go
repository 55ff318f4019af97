package client

import "testing"

func TestScopeKeysPath(t *testing.T) {
	cases := []struct {
		scope Scope
		want  string
	}{
		{Scope{}, "/v0/api-keys"},
		{OrganizationScope(), "/v0/api-keys"},
		{PodScope("pod 1"), "/v0/pods/pod%201/api-keys"},
		{InboxScope("support@acme.agentmail.to"), "/v0/inboxes/support@acme.agentmail.to/api-keys"},
		{InboxScope("a/b"), "/v0/inboxes/a%2Fb/api-keys"},
	}
	for _, c := range cases {
		got, err := c.scope.keysPath()
		if err != nil || got != c.want {
			t.Errorf("%v.keysPath() = %q, %v; want %q", c.scope, got, err, c.want)
		}
	}
	for _, bad := range []Scope{PodScope(""), InboxScope(".."), {Kind: "galaxy", ID: "x"}} {
		if _, err := bad.keysPath(); err == nil {
			t.Errorf("%#v.keysPath() accepted", bad)
		}
	}
}

func TestParseScopeRoundTrip(t *testing.T) {
	for _, s := range []Scope{OrganizationScope(), PodScope("pod_1"), InboxScope("ci@acme.agentmail.to")} {
		got, err := ParseScope(s.String())
		if err != nil || got != s {
			t.Errorf("ParseScope(%q) = %v, %v; want %v", s.String(), got, err, s)
		}
	}
	for _, bad := range []string{"pod:", "inbox", "team:x", ":x"} {
		if _, err := ParseScope(bad); err == nil {
			t.Errorf("ParseScope(%q) accepted", bad)
		}
	}
}

func TestAPIKeyScope(t *testing.T) {
	if s := (APIKey{PodID: "p", InboxID: "i@x"}).Scope(); s != InboxScope("i@x") {
		t.Errorf("inbox key scope = %v", s)
	}
	if s := (APIKey{PodID: "p"}).Scope(); s != PodScope("p") {
		t.Errorf("pod key scope = %v", s)
	}
	if s := (APIKey{}).Scope(); !s.IsOrganization() {
		t.Errorf("organization key scope = %v", s)
	}
}
