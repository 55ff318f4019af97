package sandbox

import (
	"net/http"
	"testing"
)

// Details measured against the vendor's API and documentation.

func TestErrorDocsLinks(t *testing.T) {
	e := start(t, Options{})
	for _, c := range []struct {
		res  result
		want string
	}{
		{e.do("GET", "/v0/pods", "", nil), "https://docs.agentmail.to/errors#missing_authorization"},
		{e.do("GET", "/v0/pods/"+newID(), e.admin, nil), "https://docs.agentmail.to/errors#not_found"},
		{e.do("GET", "/v0/pods?limit=0", e.admin, nil), "https://docs.agentmail.to/errors#validation_error"},
	} {
		var er errorReply
		c.res.decode(t, &er)
		if er.Docs != c.want {
			t.Fatalf("docs %q, want %q", er.Docs, c.want)
		}
	}
}

func TestRateLimitCode(t *testing.T) {
	e := start(t, Options{Faults: Faults{RateLimitRate: 1, RetryAfterSeconds: 3}})
	res := e.do("GET", "/v0/pods", e.admin, nil).want(t, http.StatusTooManyRequests)
	var er errorReply
	res.decode(t, &er)
	if er.Code != "rate_limit_exceeded" || res.header.Get("Retry-After") != "3" ||
		er.Docs != "https://docs.agentmail.to/errors#rate_limit_exceeded" {
		t.Fatalf("429 answer %s (Retry-After %q)", res.body, res.header.Get("Retry-After"))
	}
}
