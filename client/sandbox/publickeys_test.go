package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
)

type jwkJSON struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

type scopeJSON struct {
	Type string `json:"type"`
	ID   string `json:"id,omitempty"`
}

type publicKeyJSON struct {
	ID        string `json:"api_key_id"`
	Type      string `json:"type"`
	Name      string `json:"name"`
	PublicKey struct {
		JWK         jwkJSON `json:"jwk"`
		Fingerprint string  `json:"fingerprint"`
	} `json:"public_key"`
	Scope     scopeJSON `json:"scope"`
	ExpiresAt string    `json:"expires_at"`
	RevokedAt string    `json:"revoked_at"`
	CreatedAt string    `json:"created_at"`
	UpdatedAt string    `json:"updated_at"`
}

type publicKeyList struct {
	Count         int             `json:"count"`
	NextPageToken string          `json:"next_page_token"`
	PublicKeys    []publicKeyJSON `json:"public_keys"`
}

type receiptJSON struct {
	Previous  *int   `json:"previous_generation"`
	Current   *int   `json:"current_generation"`
	RevokedAt string `json:"revoked_at"`
}

const publicKeysPath = "/v0/api-keys/public-keys"

// newKeyPair makes a fresh P-256 key and its public JWK.
func newKeyPair(t *testing.T) (*ecdsa.PrivateKey, jwkJSON) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := priv.PublicKey.Bytes() // 0x04 || x || y
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return priv, jwkJSON{Kty: "EC", Crv: "P-256", X: enc(raw[1:33]), Y: enc(raw[33:])}
}

func newJWK(t *testing.T) jwkJSON {
	_, j := newKeyPair(t)
	return j
}

// thumbprint computes the RFC 7638 thumbprint the test's own way: the
// required members through encoding/json's sorted map keys.
func thumbprint(t *testing.T, j jwkJSON) string {
	t.Helper()
	canonical, err := json.Marshal(map[string]string{"kty": j.Kty, "crv": j.Crv, "x": j.X, "y": j.Y})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(canonical)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (e *env) register(key string, body map[string]any) publicKeyJSON {
	e.t.Helper()
	var k publicKeyJSON
	e.do("POST", publicKeysPath, key, body).want(e.t, 200).decode(e.t, &k)
	return k
}

func (e *env) listPublicKeyIDs(key, query string, limit int) []string {
	e.t.Helper()
	var ids []string
	token := ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			e.t.Fatal("paging does not end")
		}
		url := publicKeysPath + "?limit=" + itoa(limit) + query
		if token != "" {
			url += "&page_token=" + token
		}
		var page publicKeyList
		e.do("GET", url, key, nil).want(e.t, 200).decode(e.t, &page)
		if page.Count != len(page.PublicKeys) || page.Count > limit {
			e.t.Fatalf("count %d for %d credentials", page.Count, len(page.PublicKeys))
		}
		for _, k := range page.PublicKeys {
			if k.Type != "public_key" {
				e.t.Fatalf("a public-key listing holds %+v", k)
			}
			ids = append(ids, k.ID)
		}
		if page.NextPageToken == "" {
			return ids
		}
		token = page.NextPageToken
	}
}

func TestRegisterPublicKey(t *testing.T) {
	e := start(t, Options{})
	jwk := newJWK(t)
	res := e.do("POST", publicKeysPath, e.admin, map[string]any{"public_key": jwk}).want(t, 200)
	var fields map[string]json.RawMessage
	res.decode(t, &fields)
	for _, absent := range []string{"api_key", "prefix", "permissions", "expires_at", "revoked_at"} {
		if _, ok := fields[absent]; ok {
			t.Fatalf("a registration answers %s: %s", absent, res.body)
		}
	}
	var k publicKeyJSON
	res.decode(t, &k)
	fp := thumbprint(t, jwk)
	if !uuidFormat.MatchString(k.ID) || k.Type != "public_key" || k.PublicKey.JWK != jwk || k.PublicKey.Fingerprint != fp ||
		len(fp) != 43 || k.Name != "AgentID key "+fp[:8] || k.Scope != (scopeJSON{Type: "organization"}) {
		t.Fatalf("registered %s", res.body)
	}
	if k.CreatedAt != formatTime(testNow) || k.UpdatedAt != k.CreatedAt {
		t.Fatalf("timestamps %q %q", k.CreatedAt, k.UpdatedAt)
	}
	// The JWK in the answer has exactly four members.
	var material struct {
		JWK map[string]any `json:"jwk"`
	}
	if err := json.Unmarshal(fields["public_key"], &material); err != nil || len(material.JWK) != 4 {
		t.Fatalf("public_key %s", fields["public_key"])
	}

	// The same JWK again: a second credential, never a replacement.
	again := e.register(e.admin, map[string]any{"public_key": jwk, "name": "second copy"})
	if again.ID == k.ID || again.PublicKey.Fingerprint != fp || again.Name != "second copy" {
		t.Fatalf("re-registration %+v", again)
	}
	ids := e.listPublicKeyIDs(e.admin, "", 10)
	if strings.Join(ids, ",") != again.ID+","+k.ID {
		t.Fatalf("listing %v", ids)
	}

	// Names: 1 to 256 characters.
	e.register(e.admin, map[string]any{"public_key": jwk, "name": strings.Repeat("鍵", 256)})
	e.do("POST", publicKeysPath, e.admin, map[string]any{"public_key": jwk, "name": ""}).wantInvalid(t, "name")
	e.do("POST", publicKeysPath, e.admin, map[string]any{"public_key": jwk, "name": strings.Repeat("x", 257)}).wantInvalid(t, "name")
	// Server-owned properties cannot be sent.
	for _, member := range []string{"type", "api_key_id", "permissions", "generation"} {
		er := e.do("POST", publicKeysPath, e.admin, map[string]any{"public_key": jwk, member: "x"}).wantInvalid(t, member)
		if !strings.Contains(er.Message, member) {
			t.Fatalf("message %q does not name %s", er.Message, member)
		}
	}
}

// A fixed vector: the public key of the private key 1, that is the P-256
// generator G (FIPS 186-4 D.1.2.3: Gx = 6b17d1f2...d898c296, Gy =
// 4fe342e2...37bf51f5), its coordinates and thumbprint computed once,
// independently, with Python's int.to_bytes, base64 and hashlib over
// {"crv":"P-256","kty":"EC","x":...,"y":...}.
func TestFingerprintFixedVector(t *testing.T) {
	e := start(t, Options{})
	jwk := jwkJSON{Kty: "EC", Crv: "P-256",
		X: "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY", Y: "T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU"}
	const want = "xx0BcA-wMohw8atYDJOe6peGModklG2wRHBlXHMvl0M"
	k := e.register(e.admin, map[string]any{"public_key": jwk})
	if k.PublicKey.Fingerprint != want || thumbprint(t, jwk) != want || k.Name != "AgentID key xx0BcA-w" {
		t.Fatalf("fingerprint %q (test's own %q), name %q; want %q", k.PublicKey.Fingerprint, thumbprint(t, jwk), k.Name, want)
	}
	// Member order in the request does not change the thumbprint.
	raw := `{"public_key":{"y":"` + jwk.Y + `","x":"` + jwk.X + `","crv":"P-256","kty":"EC"}}`
	var again publicKeyJSON
	e.do("POST", publicKeysPath, e.admin, raw).want(t, 200).decode(t, &again)
	if again.PublicKey.Fingerprint != want {
		t.Fatalf("reordered members gave %q", again.PublicKey.Fingerprint)
	}
}

func TestJWKRefusals(t *testing.T) {
	e := start(t, Options{})
	good := newJWK(t)
	other := newJWK(t)
	jwk := func(change func(m map[string]any)) map[string]any {
		m := map[string]any{"kty": good.Kty, "crv": good.Crv, "x": good.X, "y": good.Y}
		change(m)
		return map[string]any{"public_key": m}
	}
	// The y coordinate with one of the 2 unused low bits of its last
	// character set: 43 base64url characters, not canonical 32 bytes.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	lastBits := good.Y[:42] + string(alphabet[strings.IndexByte(alphabet, good.Y[42])+1])
	cases := map[string]struct {
		body   any
		path   string
		naming string // the message must name this
	}{
		"private d":          {jwk(func(m map[string]any) { m["d"] = good.X }), "public_key.d", `"d"`},
		"kid":                {jwk(func(m map[string]any) { m["kid"] = "mine" }), "public_key.kid", `"kid"`},
		"use":                {jwk(func(m map[string]any) { m["use"] = "sig" }), "public_key.use", `"use"`},
		"alg":                {jwk(func(m map[string]any) { m["alg"] = "ES256" }), "public_key.alg", `"alg"`},
		"RSA":                {jwk(func(m map[string]any) { m["kty"] = "RSA" }), "public_key.kty", "EC"},
		"kty lower case":     {jwk(func(m map[string]any) { m["kty"] = "ec" }), "public_key.kty", "EC"},
		"no kty":             {jwk(func(m map[string]any) { delete(m, "kty") }), "public_key.kty", "EC"},
		"P-384":              {jwk(func(m map[string]any) { m["crv"] = "P-384" }), "public_key.crv", "P-256"},
		"crv number":         {jwk(func(m map[string]any) { m["crv"] = 256 }), "public_key.crv", "P-256"},
		"no x":               {jwk(func(m map[string]any) { delete(m, "x") }), "public_key.x", "public_key.x"},
		"x not a string":     {jwk(func(m map[string]any) { m["x"] = 5 }), "public_key.x", "public_key.x"},
		"x plus and slash":   {jwk(func(m map[string]any) { m["x"] = "+/" + good.X[2:] }), "public_key.x", "base64url"},
		"x padded":           {jwk(func(m map[string]any) { m["x"] = good.X + "=" }), "public_key.x", "unpadded"},
		"x std padded 44":    {jwk(func(m map[string]any) { m["x"] = base64.StdEncoding.EncodeToString(make([]byte, 32)) }), "public_key.x", "unpadded"},
		"x too short":        {jwk(func(m map[string]any) { m["x"] = good.X[:42] }), "public_key.x", "43"},
		"x too long":         {jwk(func(m map[string]any) { m["x"] = good.X + "A" }), "public_key.x", "43"},
		"x 31 bytes":         {jwk(func(m map[string]any) { m["x"] = base64.RawURLEncoding.EncodeToString(make([]byte, 31)) }), "public_key.x", "43"},
		"y non-canonical":    {jwk(func(m map[string]any) { m["y"] = lastBits }), "public_key.y", "canonical"},
		"off the curve":      {jwk(func(m map[string]any) { m["y"] = other.Y }), "public_key", "P-256"},
		"x beyond the field": {jwk(func(m map[string]any) { m["x"] = strings.Repeat("_", 42) + "w" }), "public_key", "P-256"},
		"zeros":              {jwk(func(m map[string]any) { m["x"], m["y"] = strings.Repeat("A", 43), strings.Repeat("A", 43) }), "public_key", "P-256"},
		"not an object":      {map[string]any{"public_key": "eyJrdHkiOiJFQyJ9"}, "public_key", "public_key"},
		"array":              {map[string]any{"public_key": []any{good}}, "public_key", "public_key"},
		"missing":            {map[string]any{"name": "no key"}, "public_key", "public_key"},
		"null":               {map[string]any{"public_key": nil}, "public_key", "public_key"},
		"duplicate x":        {`{"public_key":{"kty":"EC","crv":"P-256","x":"` + other.X + `","x":"` + good.X + `","y":"` + good.Y + `"}}`, "public_key.x", `"x"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			er := e.do("POST", publicKeysPath, e.admin, c.body).wantInvalid(t, c.path)
			if !strings.Contains(er.Message, c.naming) && !strings.Contains(fieldMessage(er, c.path), c.naming) {
				t.Fatalf("neither message %q nor errors %+v name %s", er.Message, er.Errors, c.naming)
			}
		})
	}
	// Extra members are named in the message itself.
	er := e.do("POST", publicKeysPath, e.admin, jwk(func(m map[string]any) { m["d"] = good.X })).wantInvalid(t, "public_key.d")
	if !strings.Contains(er.Message, "public_key.d") {
		t.Fatalf("message %q", er.Message)
	}
	if ids := e.listPublicKeyIDs(e.admin, "", 10); len(ids) != 0 {
		t.Fatalf("refused registrations stored %v", ids)
	}
	e.register(e.admin, jwk(func(map[string]any) {})) // the unchanged JWK is fine
}

func fieldMessage(er errorReply, path string) string {
	for _, f := range er.Errors {
		if f.Path == path {
			return f.Message
		}
	}
	return ""
}

// scopes is a small organization: pods a and b, inboxes a1, a2 in a and
// b1 in b, with an unrestricted key for pod a and for inbox a1.
type scopes struct {
	a, b               podJSON
	a1, a2, b1         inboxJSON
	podKey, inboxKey   string
	org, podA, inboxA1 scopeJSON
}

func newScopes(e *env) scopes {
	var s scopes
	s.a, s.b = e.createPod("a", "a"), e.createPod("b", "b")
	s.a1 = e.createInbox(s.a.PodID, e.admin, map[string]any{"username": "a1"})
	s.a2 = e.createInbox(s.a.PodID, e.admin, map[string]any{"username": "a2"})
	s.b1 = e.createInbox(s.b.PodID, e.admin, map[string]any{"username": "b1"})
	s.podKey = e.AddKey(s.a.PodID, "pod a", client.Unrestricted(), time.Time{}).Secret
	s.inboxKey = e.inboxKey(s.a1.InboxID, nil).Secret
	s.org = scopeJSON{Type: "organization"}
	s.podA = scopeJSON{Type: "pod", ID: s.a.PodID}
	s.inboxA1 = scopeJSON{Type: "inbox", ID: s.a1.InboxID}
	return s
}

func TestPublicKeyScopeRules(t *testing.T) {
	e := start(t, Options{})
	s := newScopes(e)
	podB := scopeJSON{Type: "pod", ID: s.b.PodID}
	inboxA2 := scopeJSON{Type: "inbox", ID: s.a2.InboxID}
	inboxB1 := scopeJSON{Type: "inbox", ID: s.b1.InboxID}
	deadPod := scopeJSON{Type: "pod", ID: newID()}
	deadInbox := scopeJSON{Type: "inbox", ID: "gone@agentmail.to"}

	cases := []struct {
		caller string
		scope  *scopeJSON // nil: omitted
		want   scopeJSON  // zero: refused
	}{
		{e.admin, nil, s.org},
		{e.admin, &s.org, s.org},
		{e.admin, &podB, podB},
		{e.admin, &inboxB1, inboxB1},
		{e.admin, &deadPod, scopeJSON{}},
		{e.admin, &deadInbox, scopeJSON{}},
		{s.podKey, nil, s.podA},
		{s.podKey, &s.podA, s.podA},
		{s.podKey, &inboxA2, inboxA2},
		{s.podKey, &s.org, scopeJSON{}},   // ancestor
		{s.podKey, &podB, scopeJSON{}},    // sibling
		{s.podKey, &inboxB1, scopeJSON{}}, // a sibling's descendant
		{s.inboxKey, nil, s.inboxA1},
		{s.inboxKey, &s.inboxA1, s.inboxA1},
		{s.inboxKey, &s.podA, scopeJSON{}},  // ancestor
		{s.inboxKey, &s.org, scopeJSON{}},   // ancestor
		{s.inboxKey, &inboxA2, scopeJSON{}}, // sibling
	}
	for i, c := range cases {
		body := map[string]any{"public_key": newJWK(t)}
		if c.scope != nil {
			body["scope"] = c.scope
		}
		res := e.do("POST", publicKeysPath, c.caller, body)
		if c.want == (scopeJSON{}) {
			res.wantError(t, 403, client.CodeForbidden)
			continue
		}
		var k publicKeyJSON
		res.want(t, 200).decode(t, &k)
		if k.Scope != c.want {
			t.Fatalf("case %d: scope %+v, want %+v", i, k.Scope, c.want)
		}
	}

	// Malformed scopes are validation errors.
	for _, c := range []struct {
		scope any
		path  string
	}{
		{"organization", "scope"},
		{map[string]any{"type": "team"}, "scope.type"},
		{map[string]any{}, "scope.type"},
		{map[string]any{"type": "organization", "id": "x"}, "scope.id"},
		{map[string]any{"type": "pod"}, "scope.id"},
		{map[string]any{"type": "pod", "id": "not-a-uuid"}, "scope.id"},
		{map[string]any{"type": "inbox", "id": "no-at-sign"}, "scope.id"},
		{map[string]any{"type": "inbox", "id": strings.Repeat("a", 250) + "@b.to"}, "scope.id"},
		{map[string]any{"type": "pod", "id": s.a.PodID, "name": "x"}, "scope.name"},
	} {
		e.do("POST", publicKeysPath, e.admin, map[string]any{"public_key": newJWK(t), "scope": c.scope}).wantInvalid(t, c.path)
	}
}

func TestPublicKeyExpiry(t *testing.T) {
	e := start(t, Options{})
	jwk := newJWK(t)
	for _, bad := range []any{
		formatTime(testNow.Add(-time.Second)), formatTime(testNow), "tomorrow", "2026-08-04", 1786000000,
	} {
		e.do("POST", publicKeysPath, e.admin, map[string]any{"public_key": jwk, "expires_at": bad}).wantInvalid(t, "expires_at")
	}
	k := e.register(e.admin, map[string]any{"public_key": jwk, "expires_at": "2026-08-10T14:00:00.123456+02:00"})
	if k.ExpiresAt != "2026-08-10T12:00:00.123Z" {
		t.Fatalf("expires_at %q, want it in UTC with milliseconds", k.ExpiresAt)
	}
	// Omitted: the caller's expiry, and bearer keys here have none.
	if k := e.register(e.admin, map[string]any{"public_key": jwk}); k.ExpiresAt != "" {
		t.Fatalf("inherited expiry %q", k.ExpiresAt)
	}
}

func TestPublicKeyPermissions(t *testing.T) {
	e := start(t, Options{})
	target := e.register(e.admin, map[string]any{"public_key": newJWK(t)})
	cases := []struct{ perm, method, path string }{
		{"api_key_read", "GET", publicKeysPath},
		{"api_key_create", "POST", publicKeysPath},
		{"api_key_update", "PATCH", publicKeysPath + "/" + target.ID},
		{"api_key_delete", "DELETE", publicKeysPath + "/" + target.ID},
		{"api_key_delete", "POST", publicKeysPath + "/agentid-sign-in/revoke-all"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			k := e.createKey("/v0/api-keys", e.admin, map[string]any{"permissions": allPermsBut(c.perm)})
			er := e.do(c.method, c.path, k.Secret, map[string]any{"public_key": newJWK(t), "name": "x"}).
				wantError(t, 403, client.CodeMissingPermission)
			if er.Message != "Forbidden" || !strings.Contains(er.Fix, c.perm) {
				t.Fatalf("message %q / fix %q", er.Message, er.Fix)
			}
		})
	}
	var got publicKeyList
	e.do("GET", publicKeysPath, e.admin, nil).want(t, 200).decode(t, &got)
	if got.Count != 1 || got.PublicKeys[0].Name != target.Name || got.PublicKeys[0].RevokedAt != "" {
		t.Fatalf("refused requests changed the credentials: %+v", got)
	}
}

func TestRenameAndRevokePublicKey(t *testing.T) {
	e := start(t, Options{})
	s := newScopes(e)
	k := e.register(e.admin, map[string]any{"public_key": newJWK(t), "name": "before"})
	path := publicKeysPath + "/" + k.ID

	e.clock.Advance(time.Minute)
	var renamed publicKeyJSON
	e.do("PATCH", path, e.admin, map[string]any{"name": "after ✓"}).want(t, 200).decode(t, &renamed)
	if renamed.Name != "after ✓" || renamed.UpdatedAt != formatTime(testNow.Add(time.Minute)) || renamed.CreatedAt != k.CreatedAt {
		t.Fatalf("renamed %+v", renamed)
	}
	renamed.Name, renamed.UpdatedAt = k.Name, k.UpdatedAt
	if renamed != k {
		t.Fatalf("a rename changed more than the name: %+v vs %+v", renamed, k)
	}
	// Only the name can change, and it must be there.
	for _, c := range []struct {
		body any
		path string
	}{
		{map[string]any{"name": "x", "scope": map[string]string{"type": "organization"}}, "scope"},
		{map[string]any{"name": "x", "expires_at": formatTime(testNow.Add(day))}, "expires_at"},
		{map[string]any{"public_key": newJWK(t)}, "public_key"},
		{map[string]any{}, "name"},
		{map[string]any{"name": ""}, "name"},
		{map[string]any{"name": strings.Repeat("x", 257)}, "name"},
	} {
		e.do("PATCH", path, e.admin, c.body).wantInvalid(t, c.path)
	}
	e.do("PATCH", publicKeysPath+"/"+newID(), e.admin, map[string]any{"name": "x"}).wantError(t, 404, client.CodeNotFound)
	// Upper-case UUIDs name the same credential.
	e.do("PATCH", publicKeysPath+"/"+strings.ToUpper(k.ID), e.admin, map[string]any{"name": "upper"}).want(t, 200)

	// Outside the caller's scope is not found, for rename and revoke alike.
	inPod := e.register(s.podKey, map[string]any{"public_key": newJWK(t)})
	e.do("PATCH", path, s.podKey, map[string]any{"name": "x"}).wantError(t, 404, client.CodeNotFound)
	e.do("DELETE", path, s.podKey, nil).wantError(t, 404, client.CodeNotFound)
	e.do("DELETE", publicKeysPath+"/"+inPod.ID, s.inboxKey, nil).wantError(t, 404, client.CodeNotFound)
	e.do("PATCH", publicKeysPath+"/"+inPod.ID, s.podKey, map[string]any{"name": "mine"}).want(t, 200)

	// Revoke: 204 without a body, then 404.
	res := e.do("DELETE", path, e.admin, nil).want(t, http.StatusNoContent)
	if len(res.body) != 0 {
		t.Fatalf("body %q", res.body)
	}
	e.do("DELETE", path, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	e.do("PATCH", path, e.admin, map[string]any{"name": "x"}).wantError(t, 404, client.CodeNotFound)
	if ids := e.listPublicKeyIDs(e.admin, "", 10); strings.Join(ids, ",") != inPod.ID {
		t.Fatalf("after the revoke: %v", ids)
	}
	e.do("DELETE", publicKeysPath+"/"+inPod.ID, s.podKey, nil).want(t, http.StatusNoContent)
}

func TestPublicKeyListingByScope(t *testing.T) {
	e := start(t, Options{})
	s := newScopes(e)
	orgCred := e.register(e.admin, map[string]any{"public_key": newJWK(t)})
	podBCred := e.register(e.admin, map[string]any{"public_key": newJWK(t), "scope": scopeJSON{Type: "pod", ID: s.b.PodID}})
	podACred := e.register(s.podKey, map[string]any{"public_key": newJWK(t)})
	a2Cred := e.register(s.podKey, map[string]any{"public_key": newJWK(t), "scope": scopeJSON{Type: "inbox", ID: s.a2.InboxID}})
	a1Cred := e.register(s.inboxKey, map[string]any{"public_key": newJWK(t)})

	all := e.listPublicKeyIDs(e.admin, "", 2)
	want := []string{a1Cred.ID, a2Cred.ID, podACred.ID, podBCred.ID, orgCred.ID}
	if strings.Join(all, ",") != strings.Join(want, ",") {
		t.Fatalf("organization listing %v, want %v", all, want)
	}
	if asc := e.listPublicKeyIDs(e.admin, "&ascending=true", 3); strings.Join(asc, ",") != strings.Join(reversed(want), ",") {
		t.Fatalf("ascending %v", asc)
	}
	if got := e.listPublicKeyIDs(s.podKey, "", 1); strings.Join(got, ",") != a1Cred.ID+","+a2Cred.ID+","+podACred.ID {
		t.Fatalf("pod listing %v", got)
	}
	if got := e.listPublicKeyIDs(s.inboxKey, "", 10); strings.Join(got, ",") != a1Cred.ID {
		t.Fatalf("inbox listing %v", got)
	}
	// A token from the organization's listing does not work in a pod's.
	var page publicKeyList
	e.do("GET", publicKeysPath+"?limit=1", e.admin, nil).want(t, 200).decode(t, &page)
	e.do("GET", publicKeysPath+"?limit=1&page_token="+page.NextPageToken, s.podKey, nil).wantInvalid(t, "page_token")

	// Deleting an inbox deletes the credentials scoped to it.
	e.do("DELETE", "/v0/inboxes/"+s.a2.InboxID, e.admin, nil).want(t, http.StatusNoContent)
	for _, id := range e.listPublicKeyIDs(e.admin, "", 10) {
		if id == a2Cred.ID {
			t.Fatal("a credential outlived its inbox")
		}
	}
}

// Bearer listings never hold public-key credentials and the reverse; a
// credential never authenticates a REST call.
func TestPublicKeysAndBearerKeysAreDisjoint(t *testing.T) {
	e := start(t, Options{})
	s := newScopes(e)
	priv, jwk := newKeyPair(t)
	cred := e.register(e.admin, map[string]any{"public_key": jwk})
	podCred := e.register(s.podKey, map[string]any{"public_key": newJWK(t)})
	inboxCred := e.register(s.inboxKey, map[string]any{"public_key": newJWK(t)})
	creds := map[string]bool{cred.ID: true, podCred.ID: true, inboxCred.ID: true}

	bearer := map[string]bool{}
	for _, list := range []struct{ path, key string }{
		{"/v0/api-keys", e.admin}, {"/v0/api-keys", s.podKey}, {"/v0/api-keys", s.inboxKey},
		{"/v0/pods/" + s.a.PodID + "/api-keys", e.admin}, {"/v0/inboxes/" + s.a1.InboxID + "/api-keys", e.admin},
	} {
		var page keyList
		e.do("GET", list.path+"?limit=100", list.key, nil).want(t, 200).decode(t, &page)
		for _, raw := range page.APIKeys {
			var k map[string]any
			_ = json.Unmarshal(raw, &k)
			id, _ := k["api_key_id"].(string)
			if creds[id] || k["type"] != nil || k["public_key"] != nil {
				t.Fatalf("%s lists a public-key credential: %s", list.path, raw)
			}
			bearer[id] = true
		}
	}
	if len(bearer) < 3 {
		t.Fatalf("only %d bearer keys seen", len(bearer))
	}
	for _, id := range e.listPublicKeyIDs(e.admin, "", 100) {
		if bearer[id] {
			t.Fatalf("the public-key listing holds bearer key %s", id)
		}
	}
	// Nothing about a credential works as a bearer token.
	jws := signES256(t, priv, cred.ID)
	for token, code := range map[string]string{
		cred.ID:                    client.CodeUnknownAPIKey,
		cred.PublicKey.Fingerprint: client.CodeUnknownAPIKey,
		jwk.X:                      client.CodeUnknownAPIKey,
		jws:                        client.CodeInvalidTokenType,
	} {
		e.do("GET", publicKeysPath, token, nil).wantError(t, 401, code)
	}
}

// signES256 makes a compact JWS with kid, as an AgentID sign-in would.
func signES256(t *testing.T, priv *ecdsa.PrivateKey, kid string) string {
	t.Helper()
	enc := base64.RawURLEncoding.EncodeToString
	input := enc([]byte(`{"alg":"ES256","kid":"`+kid+`","typ":"JWT"}`)) + "." + enc([]byte(`{"sub":"agentid-sign-in"}`))
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, priv, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	if !ecdsa.Verify(&priv.PublicKey, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		t.Fatal("the test's own signature does not verify")
	}
	return input + "." + enc(sig)
}

func TestRevokeAll(t *testing.T) {
	e := start(t, Options{})
	s := newScopes(e)
	path := publicKeysPath + "/agentid-sign-in/revoke-all"
	revoke := func(key, idem string, body any) result {
		t.Helper()
		res, err := e.tryWithHeader("POST", path, key, body, "Idempotency-Key", idem)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	old := e.register(e.admin, map[string]any{"public_key": newJWK(t)})
	oldPod := e.register(s.podKey, map[string]any{"public_key": newJWK(t)})

	// The Idempotency-Key must be one UUID; no body is accepted; only an
	// organization key may do it.
	revoke(e.admin, "", nil).wantInvalid(t, "Idempotency-Key")
	revoke(e.admin, "not-a-uuid", nil).wantInvalid(t, "Idempotency-Key")
	revoke(e.admin, newID()+"x", nil).wantInvalid(t, "Idempotency-Key")
	revoke(e.admin, newID(), `{}`).wantInvalid(t, "body")
	revoke(s.podKey, newID(), nil).wantError(t, 403, client.CodeForbidden)
	revoke(s.inboxKey, newID(), nil).wantError(t, 403, client.CodeForbidden)
	if ids := e.listPublicKeyIDs(e.admin, "", 10); len(ids) != 2 {
		t.Fatalf("refusals changed the credentials: %v", ids)
	}

	first := newID()
	e.clock.Advance(time.Minute)
	firstAt := formatTime(testNow.Add(time.Minute))
	var r1 receiptJSON
	revoke(e.admin, first, nil).want(t, 200).decode(t, &r1)
	if r1.Previous == nil || *r1.Previous != 0 || r1.Current == nil || *r1.Current != 1 || r1.RevokedAt != firstAt {
		t.Fatalf("first receipt %+v", r1)
	}
	fresh := e.register(e.admin, map[string]any{"public_key": newJWK(t)})

	// The same UUID, later and in upper case: the original receipt, nothing
	// advanced, the new credential untouched.
	e.clock.Advance(time.Minute)
	var again receiptJSON
	revoke(e.admin, strings.ToUpper(first), nil).want(t, 200).decode(t, &again)
	if *again.Previous != 0 || *again.Current != 1 || again.RevokedAt != firstAt {
		t.Fatalf("repeat receipt %+v", again)
	}
	byID := func() map[string]publicKeyJSON {
		var page publicKeyList
		e.do("GET", publicKeysPath+"?limit=100", e.admin, nil).want(t, 200).decode(t, &page)
		m := map[string]publicKeyJSON{}
		for _, k := range page.PublicKeys {
			m[k.ID] = k
		}
		return m
	}
	got := byID()
	if got[old.ID].RevokedAt != firstAt || got[oldPod.ID].RevokedAt != firstAt || got[fresh.ID].RevokedAt != "" {
		t.Fatalf("after the first revoke-all: old %q, old pod %q, fresh %q", got[old.ID].RevokedAt, got[oldPod.ID].RevokedAt, got[fresh.ID].RevokedAt)
	}
	// A pod key sees the revocation of its own credential too.
	var podView publicKeyList
	e.do("GET", publicKeysPath, s.podKey, nil).want(t, 200).decode(t, &podView)
	if podView.Count != 1 || podView.PublicKeys[0].RevokedAt != firstAt {
		t.Fatalf("pod view %+v", podView.PublicKeys)
	}

	// A new UUID advances again and revokes the credential made between.
	secondAt := formatTime(testNow.Add(2 * time.Minute))
	var r2 receiptJSON
	revoke(e.admin, newID(), nil).want(t, 200).decode(t, &r2)
	if *r2.Previous != 1 || *r2.Current != 2 || r2.RevokedAt != secondAt {
		t.Fatalf("second receipt %+v", r2)
	}
	got = byID()
	if got[old.ID].RevokedAt != firstAt || got[fresh.ID].RevokedAt != secondAt {
		t.Fatalf("after the second revoke-all: old %q fresh %q", got[old.ID].RevokedAt, got[fresh.ID].RevokedAt)
	}
	// Revoked credentials can still be renamed and deleted.
	e.do("PATCH", publicKeysPath+"/"+old.ID, e.admin, map[string]any{"name": "retired"}).want(t, 200)
	e.do("DELETE", publicKeysPath+"/"+old.ID, e.admin, nil).want(t, http.StatusNoContent)
}
