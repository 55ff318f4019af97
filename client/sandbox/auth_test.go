package sandbox

import (
	"net/http"
	"strings"
	"testing"

	"github.com/amkeys/amkeys/client"
)

func TestAuthenticationErrors(t *testing.T) {
	e := start(t, Options{})
	cases := map[string]struct {
		header []string
		code   string
	}{
		"no header":        {nil, client.CodeMissingAuthorization},
		"empty":            {[]string{""}, client.CodeMissingAuthorization},
		"bearer only":      {[]string{"Bearer"}, client.CodeMissingAuthorization},
		"bearer blank":     {[]string{"Bearer   "}, client.CodeMissingAuthorization},
		"no scheme":        {[]string{e.admin}, client.CodeMissingAuthorization},
		"two tokens":       {[]string{"Bearer " + e.admin + " extra"}, client.CodeMissingAuthorization},
		"two headers":      {[]string{"Bearer " + e.admin, "Bearer " + e.admin}, client.CodeMissingAuthorization},
		"basic":            {[]string{"Basic dXNlcjpwYXNz"}, client.CodeInvalidTokenType},
		"token scheme":     {[]string{"Token " + e.admin}, client.CodeInvalidTokenType},
		"unknown key":      {[]string{"Bearer am_" + strings.Repeat("x", 43)}, client.CodeUnknownAPIKey},
		"admin key prefix": {[]string{"Bearer " + e.admin[:8]}, client.CodeUnknownAPIKey},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.URL+"/v0/pods", nil)
			for _, h := range c.header {
				req.Header.Add("Authorization", h)
			}
			resp, err := e.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			res := result{status: resp.StatusCode, header: resp.Header}
			res.body = readAll(t, resp)
			er := res.wantError(t, 401, c.code)
			if strings.Contains(string(res.body), e.admin) {
				t.Fatal("an error body echoes the key")
			}
			if er.Fix == "" {
				t.Fatal("no fix")
			}
		})
	}
	// Lower-case scheme is accepted, as in RFC 9110.
	req, _ := http.NewRequest("GET", e.URL+"/v0/pods", nil)
	req.Header.Set("Authorization", "bearer "+e.admin)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("lower-case bearer: %d", resp.StatusCode)
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	for _, path := range []string{"/", "/v0", "/v0/", "/v0/nope", "/v0/pods/", "/v1/pods", "/v0/pods/" + pod.PodID + "/inboxes",
		"/v0/pods/" + pod.PodID + "/api-keys/x/y", "/v0//pods"} {
		e.do("GET", path, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	}
	cases := []struct{ method, path, allow string }{
		{"PUT", "/v0/pods", "GET, POST"},
		{"PATCH", "/v0/pods/" + pod.PodID, "GET, DELETE"},
		{"GET", "/v0/pods/" + pod.PodID + "/api-keys/" + newID(), "DELETE"},
		{"DELETE", "/v0/api-keys", "GET, POST"},
		{"POST", "/v0/api-keys/" + newID(), "DELETE"},
	}
	for _, c := range cases {
		res := e.do(c.method, c.path, e.admin, nil)
		res.wantError(t, http.StatusMethodNotAllowed, "method_not_allowed")
		if got := res.header.Get("Allow"); got != c.allow {
			t.Fatalf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
	}
	// Without a key, the answer is 401 whatever the path.
	e.do("GET", "/v0/nope", "", nil).wantError(t, 401, client.CodeMissingAuthorization)
}

func TestSecretsAreStoredAsHashesOnly(t *testing.T) {
	s, err := New(Options{Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	k := s.AddKey("", "x", client.Unrestricted(), testNow)
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec := s.st.keys[k.ID]
	if rec.hash != hashSecret(k.Secret) || rec.prefix != k.Secret[:8] {
		t.Fatal("the key is not stored by its SHA-256")
	}
	if !k.UsedAt.Equal(testNow) || k.Prefix != rec.prefix {
		t.Fatalf("AddKey returned %+v", k.APIKey)
	}
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return []byte(b.String())
}

func TestInboxScopedCallerIsRefused(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	k := e.AddKey(pod.PodID, "inbox key", client.Unrestricted(), testNow)
	e.mu.Lock()
	e.st.keys[k.ID].inboxID = "support@acme.agentmail.to"
	e.mu.Unlock()
	e.do("GET", "/v0/pods", k.Secret, nil).wantError(t, 403, client.CodeForbidden)
	e.do("GET", "/v0/pods/"+pod.PodID+"/api-keys", k.Secret, nil).wantError(t, 403, client.CodeForbidden)
	keys := e.listAllKeys("/v0/pods/"+pod.PodID+"/api-keys", e.admin, "", 10)
	if len(keys) != 1 || keys[0].InboxID != "support@acme.agentmail.to" || keys[0].PodID != pod.PodID {
		t.Fatalf("inbox key listed as %+v", keys)
	}
}
