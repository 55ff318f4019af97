package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// A revoke-all whose answer is lost is retried with the same
// Idempotency-Key, so that the server can answer with its first receipt;
// nothing else about a POST changes: a plain create is still never resent.
func TestRevokeAllRetriesWithTheSameIdempotencyKey(t *testing.T) {
	var (
		mu   sync.Mutex
		keys []string
	)
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v0/api-keys/public-keys/agentid-sign-in/revoke-all" {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
		if body, _ := io.ReadAll(r.Body); len(body) != 0 {
			t.Errorf("revoke-all sent a body: %q", body)
		}
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		n := len(keys)
		mu.Unlock()
		if n == 1 { // the first answer is lost: the connection drops
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			_ = conn.Close()
			return
		}
		writeJSON(w, 200, `{"previous_generation":2,"current_generation":3,"revoked_at":"2026-12-01T10:00:00Z"}`)
	}, nil)
	key := NewIdempotencyKey()
	got, err := c.RevokeAllPublicKeys(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	if got.PreviousGeneration != 2 || got.CurrentGeneration != 3 || !got.RevokedAt.Equal(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("receipt = %+v", got)
	}
	if len(keys) != 2 || keys[0] != key || keys[1] != key {
		t.Errorf("Idempotency-Key per attempt = %q, want %q twice", keys, key)
	}
}

func TestRevokeAllRefusesAMissingOrMalformedKey(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request sent: %s %s", r.Method, r.URL.Path)
	}, nil)
	for _, k := range []string{"", "not-a-uuid", "123e4567-e89b-12d3-a456-42661417400"} {
		if _, err := c.RevokeAllPublicKeys(context.Background(), k); !errors.Is(err, ErrIdempotencyKey) {
			t.Errorf("RevokeAllPublicKeys(%q) = %v", k, err)
		}
	}
}

func TestNewIdempotencyKeyIsAVersion4UUID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		k := NewIdempotencyKey()
		if !uuidPattern.MatchString(k) || k[14] != '4' || !strings.ContainsRune("89ab", rune(k[19])) {
			t.Fatalf("%q is not a version 4 UUID", k)
		}
		if seen[k] {
			t.Fatalf("%q repeated", k)
		}
		seen[k] = true
	}
}

// Registration sends exactly the public members, the scope in its wire
// form and the expiry in UTC; list, rename and revoke reach their paths.
func TestPublicKeyEndpoints(t *testing.T) {
	var got []string
	var registered map[string]json.RawMessage
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.RequestURI())
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, `{"count":1,"public_keys":[{"api_key_id":"k1","type":"public_key","name":"ci","public_key":{"jwk":{"kty":"EC","crv":"P-256","x":"X","y":"Y"},"fingerprint":"F"},"scope":{"type":"pod","id":"p1"},"expires_at":"2027-01-01T00:00:00Z","created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}]}`)
		case http.MethodPost:
			body, _ := io.ReadAll(r.Body)
			if err := json.Unmarshal(body, &registered); err != nil {
				t.Error(err)
			}
			writeJSON(w, 200, `{"api_key_id":"k2","type":"public_key","name":"n","public_key":{"jwk":{"kty":"EC","crv":"P-256","x":"X","y":"Y"},"fingerprint":"F"},"scope":{"type":"inbox","id":"a@b.to"},"created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}`)
		case http.MethodPatch:
			body, _ := io.ReadAll(r.Body)
			if string(body) != `{"name":"renamed"}` {
				t.Errorf("rename body %s", body)
			}
			writeJSON(w, 200, `{"api_key_id":"k1","type":"public_key","name":"renamed","public_key":{"jwk":{"kty":"EC","crv":"P-256","x":"X","y":"Y"},"fingerprint":"F"},"scope":{"type":"organization"},"created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-02T00:00:00Z"}`)
		case http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		}
	}, nil)
	ctx := context.Background()
	page, err := c.ListPublicKeys(ctx, ListOptions{Limit: 5, Ascending: true})
	if err != nil || len(page.Credentials) != 1 {
		t.Fatalf("list: %+v, %v", page, err)
	}
	cred := page.Credentials[0]
	if cred.Scope.Scope() != PodScope("p1") || cred.Revoked() || cred.Expired(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) || !cred.Expired(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("credential = %+v", cred)
	}
	inbox := InboxScope("a@b.to")
	nyc := time.FixedZone("EST", -5*3600)
	reg, err := c.RegisterPublicKey(ctx, NewPublicKey{JWK: JWK{Kty: "EC", Crv: "P-256", X: "X", Y: "Y"}, Name: "n", Scope: &inbox, ExpiresAt: time.Date(2027, 1, 1, 7, 0, 0, 0, nyc)})
	if err != nil || reg.ID != "k2" {
		t.Fatalf("register: %+v, %v", reg, err)
	}
	var jwk map[string]any
	_ = json.Unmarshal(registered["public_key"], &jwk)
	if len(jwk) != 4 || string(registered["scope"]) != `{"type":"inbox","id":"a@b.to"}` || string(registered["expires_at"]) != `"2027-01-01T12:00:00Z"` {
		t.Errorf("registration sent %v", registered)
	}
	if _, err := c.RenamePublicKey(ctx, "k1", "renamed"); err != nil {
		t.Fatal(err)
	}
	if err := c.RevokePublicKey(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"GET /v0/api-keys/public-keys?ascending=true&limit=5",
		"POST /v0/api-keys/public-keys",
		"PATCH /v0/api-keys/public-keys/k1",
		"DELETE /v0/api-keys/public-keys/k1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestInboxEndpointsReachTheirPaths(t *testing.T) {
	var got []string
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.EscapedPath())
		switch {
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(r.URL.Path, "/inboxes"):
			writeJSON(w, 200, `{"count":1,"inboxes":[{"inbox_id":"a@b.to","pod_id":"p1","email":"a@b.to","created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}]}`)
		case strings.HasSuffix(r.URL.Path, "/api-keys"):
			writeJSON(w, 200, `{"count":0,"api_keys":[]}`)
		case r.URL.Path == "/v0/organizations":
			writeJSON(w, 200, `{"organization_id":"org_1","inbox_count":3,"domain_count":0,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`)
		default:
			writeJSON(w, 200, `{"inbox_id":"a@b.to","pod_id":"p1","email":"a@b.to","created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}`)
		}
	}, nil)
	ctx := context.Background()
	page, err := c.ListInboxes(ctx, PodScope("p1"), ListOptions{})
	if err != nil || len(page.Inboxes) != 1 || page.Inboxes[0].ID != "a@b.to" {
		t.Fatalf("pod inboxes: %+v, %v", page, err)
	}
	if _, err := c.ListInboxes(ctx, OrganizationScope(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListInboxes(ctx, InboxScope("a@b.to"), ListOptions{}); err == nil {
		t.Error("listed the inboxes of an inbox")
	}
	if _, err := c.GetInbox(ctx, "a@b.to"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateInbox(ctx, "p1", NewInbox{Username: "a", Domain: "b.to"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListKeys(ctx, InboxScope("a@b.to"), ListOptions{Ascending: true}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteKey(ctx, InboxScope("a@b.to"), "k1"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteInbox(ctx, "a@b.to"); err != nil {
		t.Fatal(err)
	}
	org, err := c.GetOrganization(ctx)
	if err != nil || org.ID != "org_1" || org.InboxCount != 3 {
		t.Fatalf("organization: %+v, %v", org, err)
	}
	want := []string{
		"GET /v0/pods/p1/inboxes", "GET /v0/inboxes", "GET /v0/inboxes/a@b.to", "POST /v0/pods/p1/inboxes",
		"GET /v0/inboxes/a@b.to/api-keys", "DELETE /v0/inboxes/a@b.to/api-keys/k1", "DELETE /v0/inboxes/a@b.to",
		"GET /v0/organizations",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// One malformed credential does not lose its page: it becomes an
// unreadable item naming the field, and its neighbours are kept.
func TestPublicKeyListKeepsTheNeighboursOfABadItem(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"count":2,"public_keys":[
			{"api_key_id":"good","type":"public_key","name":"ok","public_key":{"jwk":{"kty":"EC","crv":"P-256","x":"X","y":"Y"},"fingerprint":"F"},"scope":{"type":"organization"},"created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"},
			{"api_key_id":"bad","type":"public_key","name":"x","public_key":"nope","scope":{"type":"organization"},"created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}]}`)
	}, nil)
	page, err := c.ListPublicKeys(context.Background(), ListOptions{})
	if err != nil || len(page.Credentials) != 1 || page.Credentials[0].ID != "good" {
		t.Fatalf("page = %+v, %v", page, err)
	}
	if len(page.Unreadable) != 1 || page.Unreadable[0].ID != "bad" || page.Unreadable[0].Field != "public_key" {
		t.Fatalf("unreadable = %+v", page.Unreadable)
	}
}
