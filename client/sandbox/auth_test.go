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
		"basic":            {[]string{"Basic dXNlcjpwYXNz"}, client.CodeMissingAuthorization},
		"token scheme":     {[]string{"Token " + e.admin}, client.CodeMissingAuthorization},
		"lower-case":       {[]string{"bearer " + e.admin}, client.CodeMissingAuthorization},
		"upper-case":       {[]string{"BEARER " + e.admin}, client.CodeMissingAuthorization},
		"two spaces":       {[]string{"Bearer  " + e.admin}, client.CodeMissingAuthorization},
		"tab inside key":   {[]string{"Bearer " + e.admin[:10] + "\t" + e.admin[10:]}, client.CodeMissingAuthorization},
		"tab separator":    {[]string{"Bearer\t" + e.admin}, client.CodeMissingAuthorization},
		"console JWT":      {[]string{"Bearer " + testJWT}, client.CodeInvalidTokenType},
		"unsigned JWT":     {[]string{"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}, client.CodeInvalidTokenType},
		"two dots, no eyJ": {[]string{"Bearer am_a.b.c"}, client.CodeUnknownAPIKey},
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
}

// testJWT is shaped like a console session token (header {"alg":"HS256",
// "typ":"JWT"}); it is no API key.
const testJWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyXzEyMyIsIm9yZyI6Im9yZ18xIn0.c2lnbmF0dXJlLW5vdC1jaGVja2Vk"

func TestUnknownRoutesAndMethods(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	for _, path := range []string{"/", "/v0", "/v0/", "/v0/nope", "/v0/pods/", "/v1/pods", "/v0/pods/" + pod.PodID + "/mail",
		"/v0/pods/" + pod.PodID + "/api-keys/x/y", "/v0//pods", "/v0/inboxes/a@b.example/api-keys/x/y",
		"/v0/organizations/x", "/v0/api-keys/public-keys/agentid-sign-in", "/v0/api-keys/public-keys/not-a-uuid",
		"/v0/api-keys/public-keys/agentid-sign-in/revoke", "/v0/api-keys/x/y"} {
		// Not found whatever the method: no 405 borrowed from a neighbour.
		for _, method := range []string{"GET", "POST", "PATCH", "DELETE"} {
			e.do(method, path, e.admin, nil).wantError(t, 404, client.CodeNotFound)
		}
	}
	cases := []struct{ method, path, allow string }{
		{"PUT", "/v0/pods", "GET, POST"},
		{"PATCH", "/v0/pods/" + pod.PodID, "GET, DELETE"},
		{"GET", "/v0/pods/" + pod.PodID + "/api-keys/" + newID(), "DELETE"},
		{"DELETE", "/v0/api-keys", "GET, POST"},
		{"POST", "/v0/api-keys/" + newID(), "DELETE"},
		{"PUT", "/v0/pods/" + pod.PodID + "/inboxes", "GET, POST"},
		{"PATCH", "/v0/pods/" + pod.PodID + "/inboxes/a@b.example", "GET, DELETE"},
		{"POST", "/v0/inboxes", "GET"},
		{"PATCH", "/v0/inboxes/a@b.example", "GET, DELETE"},
		{"PUT", "/v0/inboxes/a@b.example/api-keys", "GET, POST"},
		{"GET", "/v0/inboxes/a@b.example/api-keys/" + newID(), "DELETE"},
		{"POST", "/v0/organizations", "GET"},
		{"DELETE", "/v0/api-keys/public-keys", "GET, POST"},
		{"GET", "/v0/api-keys/public-keys/" + newID(), "PATCH, DELETE"},
		{"GET", "/v0/api-keys/public-keys/agentid-sign-in/revoke-all", "POST"},
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
