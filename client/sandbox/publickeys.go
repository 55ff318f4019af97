package sandbox

import (
	"bytes"
	"crypto/ecdh"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
)

// AgentID public-key credentials (/v0/api-keys/public-keys). They share
// nothing with bearer keys but the permissions that guard them: a bearer
// listing never shows them, they never authenticate a REST call, and they
// have no secret at all.

const publicKeyType = "public_key"

// GET /v0/api-keys/public-keys: the credentials within the caller's scope,
// newest first unless ascending=true.
func (s *Server) listPublicKeys(c *call) *response {
	if denied := c.require("api_key_read"); denied != nil {
		return denied
	}
	cs := c.caller.scope()
	list := "public-keys:" + cs.podID + "/" + cs.inboxID
	pg, bad := pageOf(s, c, list, true, func() (*sortedList[*publicKeyRecord], *response) {
		if cs.isOrg() {
			return &s.st.publicKeyOrder, nil
		}
		within := &sortedList[*publicKeyRecord]{}
		for _, k := range s.st.publicKeyOrder.items {
			if cs.covers(k.scope) {
				within.items = append(within.items, k)
			}
		}
		return within, nil
	}, publicKeyToWire)
	if bad != nil {
		return bad
	}
	return okJSON(listPublicKeysBody{Count: len(pg.items), NextPageToken: pg.token, PublicKeys: pg.items})
}

// POST /v0/api-keys/public-keys {public_key, name?, scope?, expires_at?}
func (s *Server) registerPublicKey(c *call) *response {
	if denied := c.require("api_key_create"); denied != nil {
		return denied
	}
	m, bad := readObject(c.r)
	if bad != nil {
		return bad
	}
	req, errs := parsePublicKeyRequest(m)
	now := wireTime(s.now())
	// Bearer keys have no expiry in this API, so an omitted expiry is none
	// and an explicit one cannot outlive the caller; it must be in the future.
	if !req.expiresAt.IsZero() && !req.expiresAt.After(now) {
		errs = append(errs, field("expires_at", "must be in the future"))
	}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	s.mu.Lock()
	sc, denied := s.publicKeyScope(c, req)
	if denied != nil {
		s.mu.Unlock()
		return denied
	}
	k := &publicKeyRecord{
		id: newID(), name: req.name, x: req.x, y: req.y, fingerprint: jwkThumbprint(req.x, req.y),
		scope: sc, generation: s.st.org.generation, expiresAt: req.expiresAt,
		createdAt: s.st.nextCreatedAt(now),
	}
	k.updatedAt = k.createdAt
	if k.name == "" {
		k.name = "AgentID key " + k.fingerprint[:8]
	}
	s.st.addPublicKey(k)
	body := publicKeyToWire(k)
	s.mu.Unlock()
	return s.durable(okJSON(body))
}

// publicKeyScope resolves the requested scope: omitted is the caller's own;
// an explicit one must be the caller's or a live pod or inbox within it.
// Hold s.mu.
func (s *Server) publicKeyScope(c *call, req publicKeyRequest) (scope, *response) {
	cs := c.caller.scope()
	if req.scopeType == "" {
		return cs, nil
	}
	var target scope
	live := true
	switch req.scopeType {
	case "pod":
		target = scope{podID: req.scopeID}
		live = s.st.pods[req.scopeID] != nil
	case "inbox":
		if in := s.st.inbox(req.scopeID); in != nil {
			target = in.scope()
		} else {
			live = false
		}
	}
	if !live || !cs.covers(target) {
		return scope{}, forbidden(client.CodeForbidden,
			"The scope must be your API key's own scope or a live pod or inbox within it.",
			"Omit scope to use your key's own scope, or name a pod or inbox your key can manage.")
	}
	return target, nil
}

// PATCH /v0/api-keys/public-keys/{api_key_id} {name}: the name is all that
// can change.
func (s *Server) renamePublicKey(c *call) *response {
	if denied := c.require("api_key_update"); denied != nil {
		return denied
	}
	m, bad := readObject(c.r)
	if bad != nil {
		return bad
	}
	var errs []client.FieldError
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k != "name" {
			errs = append(errs, field(k, fmt.Sprintf("member %q cannot be changed: only name can", k)))
		}
	}
	name, hasName, nameErr := optionalName(m, "name")
	errs = append(errs, fieldErrors(nameErr)...)
	if !hasName && nameErr == nil {
		errs = append(errs, field("name", "is required"))
	}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	s.mu.Lock()
	k, denied := s.visiblePublicKey(c)
	if denied != nil {
		s.mu.Unlock()
		return denied
	}
	k.name = name
	k.updatedAt = laterOf(k.createdAt, wireTime(s.now()))
	body := publicKeyToWire(k)
	s.mu.Unlock()
	return s.durable(okJSON(body))
}

// DELETE /v0/api-keys/public-keys/{api_key_id}: a hard delete, so a repeat
// is 404.
func (s *Server) revokePublicKey(c *call) *response {
	if denied := c.require("api_key_delete"); denied != nil {
		return denied
	}
	return s.deleteWith(func() (func(), *response) {
		k, denied := s.visiblePublicKey(c)
		if denied != nil {
			return nil, denied
		}
		return func() { s.st.removePublicKey(k) }, nil
	})
}

// visiblePublicKey is the credential the path names, if it is within the
// caller's scope. Hold s.mu.
func (s *Server) visiblePublicKey(c *call) (*publicKeyRecord, *response) {
	k := s.st.publicKeys[strings.ToLower(c.keyID)]
	if k == nil || !c.caller.scope().covers(k.scope) {
		return nil, notFound("public-key credential")
	}
	return k, nil
}

// POST /v0/api-keys/public-keys/agentid-sign-in/revoke-all, no body,
// header Idempotency-Key: <uuid>. It advances the organization's
// generation, revoking every credential of an older one; the same key
// answers the first receipt again.
func (s *Server) revokeAllPublicKeys(c *call) *response {
	if denied := c.require("api_key_delete"); denied != nil {
		return denied
	}
	if !c.orgScoped() {
		return forbidden(client.CodeForbidden,
			"Only an organization API key can revoke every AgentID sign-in key.",
			"Use an organization API key with api_key_delete.")
	}
	keys := c.r.Header.Values("Idempotency-Key")
	if len(keys) != 1 || !uuidPattern.MatchString(keys[0]) {
		return invalid(field("Idempotency-Key", "header is required and must be one UUID, new for each revoke-all"))
	}
	if bad := requireEmptyBody(c.r); bad != nil {
		return bad
	}
	id := strings.ToLower(keys[0])
	s.mu.Lock()
	o := &s.st.org
	if r, ok := o.receipts[id]; ok {
		s.mu.Unlock()
		return s.durable(okJSON(receiptToWire(r)))
	}
	now := wireTime(s.now())
	r := revokeReceipt{previous: o.generation, current: o.generation + 1, revokedAt: now}
	o.generation = r.current
	o.receipts[id] = r
	for _, k := range s.st.publicKeyOrder.items {
		if k.generation < o.generation && k.revokedAt.IsZero() {
			k.revokedAt = now
			k.updatedAt = laterOf(k.createdAt, now)
		}
	}
	s.mu.Unlock()
	return s.durable(okJSON(receiptToWire(r)))
}

func requireEmptyBody(r *http.Request) *response {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil || len(bytes.TrimSpace(data)) > 0 {
		return invalid(field("body", "must be empty: this endpoint takes no request body"))
	}
	return nil
}

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

type publicKeyRequest struct {
	x, y      string
	name      string
	scopeType string // "" when omitted
	scopeID   string
	expiresAt time.Time // zero when omitted
}

// publicKeyRequestMembers are the properties a registration may carry; the
// server owns type, api_key_id and the rest.
var publicKeyRequestMembers = []string{"expires_at", "name", "public_key", "scope"}

func parsePublicKeyRequest(m map[string]json.RawMessage) (publicKeyRequest, []client.FieldError) {
	var req publicKeyRequest
	var errs []client.FieldError
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(publicKeyRequestMembers, k) {
			errs = append(errs, field(k, fmt.Sprintf("member %q is not allowed: send public_key, and optionally name, scope and expires_at", k)))
		}
	}
	var jwkErrs []client.FieldError
	req.x, req.y, jwkErrs = parseJWK(m["public_key"])
	errs = append(errs, jwkErrs...)
	name, _, nameErr := optionalName(m, "name")
	req.name = name
	errs = append(errs, fieldErrors(nameErr)...)
	var scopeErrs []client.FieldError
	req.scopeType, req.scopeID, scopeErrs = parseScope(m["scope"])
	errs = append(errs, scopeErrs...)
	if raw, ok := m["expires_at"]; ok && string(raw) != "null" {
		var v string
		var t time.Time
		err := json.Unmarshal(raw, &v)
		if err == nil {
			t, err = time.Parse(time.RFC3339Nano, v)
		}
		if err != nil {
			errs = append(errs, field("expires_at", "must be an RFC 3339 date-time such as 2026-12-31T23:59:59Z"))
		} else {
			req.expiresAt = wireTime(t)
		}
	}
	return req, errs
}

// parseScope reads {"type":"organization"}, {"type":"pod","id":POD} or
// {"type":"inbox","id":EMAIL}; absent or null gives "".
func parseScope(raw json.RawMessage) (kind, id string, errs []client.FieldError) {
	if raw == nil || string(raw) == "null" {
		return "", "", nil
	}
	members, dupes, ok := jsonMembers(raw)
	if !ok {
		return "", "", []client.FieldError{field("scope", `must be an object such as {"type":"pod","id":"..."}`)}
	}
	errs = append(errs, duplicateErrors("scope", dupes)...)
	if err := json.Unmarshal(members["type"], &kind); err != nil {
		kind = ""
	}
	wantID := kind == "pod" || kind == "inbox"
	switch kind {
	case "organization", "pod", "inbox":
	default:
		return "", "", append(errs, field("scope.type", "must be organization, pod or inbox"))
	}
	for _, k := range slices.Sorted(maps.Keys(members)) {
		if k != "type" && (k != "id" || !wantID) {
			errs = append(errs, field("scope."+k, fmt.Sprintf("member %q is not allowed in a %s scope", k, kind)))
		}
	}
	if wantID {
		if err := json.Unmarshal(members["id"], &id); err != nil || id == "" {
			errs = append(errs, field("scope.id", "is required and must be a string"))
		} else if kind == "pod" && !uuidPattern.MatchString(id) {
			errs = append(errs, field("scope.id", "must be a pod id (a UUID)"))
		} else if kind == "inbox" && !looksLikeEmail(id) {
			errs = append(errs, field("scope.id", "must be an inbox id (its email address, at most 254 characters)"))
		}
		if kind == "pod" {
			id = strings.ToLower(id)
		}
	}
	return kind, id, errs
}

func looksLikeEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.Contains(domain, "@") && len(s) <= 254
}

// JWK validation: exactly kty "EC", crv "P-256" and 32-byte coordinates
// x, y in 43 characters of unpadded base64url that make a point on P-256.

var coordinatePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

var jwkMembers = []string{"crv", "kty", "x", "y"}

// parseJWK validates a public P-256 JWK and returns its coordinates.
func parseJWK(raw json.RawMessage) (x, y string, errs []client.FieldError) {
	const p = "public_key"
	if raw == nil || string(raw) == "null" {
		return "", "", []client.FieldError{field(p, "is required: a public P-256 JWK {kty, crv, x, y}")}
	}
	members, dupes, ok := jsonMembers(raw)
	if !ok {
		return "", "", []client.FieldError{field(p, "must be a JSON object (a public JWK with kty, crv, x and y)")}
	}
	errs = append(errs, duplicateErrors(p, dupes)...)
	for _, name := range slices.Sorted(maps.Keys(members)) {
		switch {
		case slices.Contains(jwkMembers, name):
		case name == "d":
			errs = append(errs, field(p+".d", `member "d" is private key material and is refused: keep the private key, send only kty, crv, x and y`))
		default:
			errs = append(errs, field(p+"."+name, fmt.Sprintf("member %q is not allowed: a public JWK has exactly kty, crv, x and y", name)))
		}
	}
	for _, lit := range []struct{ name, want string }{{"kty", "EC"}, {"crv", "P-256"}} {
		var v string
		if err := json.Unmarshal(members[lit.name], &v); err != nil || v != lit.want {
			errs = append(errs, field(p+"."+lit.name, fmt.Sprintf("must be %q", lit.want)))
		}
	}
	xb, xErr := coordinate(members, "x")
	yb, yErr := coordinate(members, "y")
	errs = append(errs, fieldErrors(xErr, yErr)...)
	if xErr != nil || yErr != nil {
		return "", "", errs
	}
	point := append(append([]byte{4}, xb...), yb...)
	if _, err := ecdh.P256().NewPublicKey(point); err != nil {
		errs = append(errs, field(p, "x and y are not a point on the P-256 curve"))
	}
	if len(errs) > 0 {
		return "", "", errs
	}
	return base64.RawURLEncoding.EncodeToString(xb), base64.RawURLEncoding.EncodeToString(yb), nil
}

func coordinate(members map[string]json.RawMessage, name string) ([]byte, *client.FieldError) {
	path := "public_key." + name
	fail := func(msg string) ([]byte, *client.FieldError) {
		e := field(path, msg)
		return nil, &e
	}
	raw, ok := members[name]
	if !ok {
		return fail("is required: 43 characters of unpadded base64url (32 bytes)")
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return fail("must be a string of unpadded base64url")
	}
	switch {
	case strings.Contains(v, "="):
		return fail("must be unpadded base64url (no '=')")
	case len(v) != 43:
		return fail(fmt.Sprintf("must be 43 characters of base64url (32 bytes), not %d", len(v)))
	case !coordinatePattern.MatchString(v):
		return fail("must use only the base64url characters A-Z, a-z, 0-9, '-' and '_'")
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(v)
	if err != nil || len(b) != 32 {
		return fail("is not canonical base64url of 32 bytes")
	}
	return b, nil
}

// jwkThumbprint is the RFC 7638 SHA-256 thumbprint of an EC public JWK: the
// required members in lexicographic order, no whitespace, in unpadded
// base64url.
func jwkThumbprint(x, y string) string {
	sum := sha256.Sum256([]byte(`{"crv":"P-256","kty":"EC","x":"` + x + `","y":"` + y + `"}`))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// jsonMembers decodes a JSON object and reports member names that appear
// more than once (a plain map decode would silently keep the last).
func jsonMembers(raw json.RawMessage) (map[string]json.RawMessage, []string, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, false
	}
	members := map[string]json.RawMessage{}
	var dupes []string
	for dec.More() {
		t, err := dec.Token()
		name, isString := t.(string)
		if err != nil || !isString {
			return nil, nil, false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, false
		}
		if _, seen := members[name]; seen && !slices.Contains(dupes, name) {
			dupes = append(dupes, name)
		}
		members[name] = v
	}
	return members, dupes, true
}

func duplicateErrors(prefix string, dupes []string) []client.FieldError {
	var errs []client.FieldError
	for _, d := range dupes {
		errs = append(errs, field(prefix+"."+d, fmt.Sprintf("member %q appears more than once", d)))
	}
	return errs
}
