package client

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"
)

// JWK is a public P-256 key as AgentMail accepts it: exactly these four
// members. Private members have no field here, so none can be sent.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// PublicKeyMaterial is the registered key and its RFC 7638 thumbprint.
type PublicKeyMaterial struct {
	JWK         JWK    `json:"jwk"`
	Fingerprint string `json:"fingerprint"`
}

// CredentialScope is a public-key credential's scope on the wire:
// {"type":"organization"}, {"type":"pod","id":...} or {"type":"inbox","id":...}.
type CredentialScope struct {
	Type ScopeKind `json:"type"`
	ID   string    `json:"id,omitempty"`
}

// Scope converts the wire form to the client's Scope.
func (s CredentialScope) Scope() Scope { return Scope{Kind: s.Type, ID: s.ID} }

// WireScope converts a Scope to the form a registration sends.
func WireScope(s Scope) CredentialScope {
	if s.IsOrganization() {
		return CredentialScope{Type: ScopeOrganization}
	}
	return CredentialScope{Type: s.Kind, ID: s.ID}
}

// PublicKeyCredential is an AgentID sign-in credential: a public key that
// approves sign-ins. It is never a bearer secret and carries none.
type PublicKeyCredential struct {
	ID        string            `json:"api_key_id"`
	Type      string            `json:"type"`
	Name      string            `json:"name"`
	PublicKey PublicKeyMaterial `json:"public_key"`
	Scope     CredentialScope   `json:"scope"`
	ExpiresAt time.Time         `json:"expires_at"`
	RevokedAt time.Time         `json:"revoked_at"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// Expired reports whether the credential's expiry has passed at now.
func (p PublicKeyCredential) Expired(now time.Time) bool {
	return !p.ExpiresAt.IsZero() && !now.Before(p.ExpiresAt)
}

// Revoked reports whether an organization-wide revoke-all invalidated it.
func (p PublicKeyCredential) Revoked() bool { return !p.RevokedAt.IsZero() }

// PublicKeyPage is one page of public-key credentials.
type PublicKeyPage struct {
	Credentials   []PublicKeyCredential
	NextPageToken string
	Unreadable    []ItemError // items that did not decode; their neighbours did
	Text          int         // bytes of server text kept, for the listing's budget
}

type publicKeyList struct {
	Count         int             `json:"count"`
	NextPageToken string          `json:"next_page_token"`
	PublicKeys    json.RawMessage `json:"public_keys"`
}

func (l publicKeyList) page(red redactor) PublicKeyPage {
	page := PublicKeyPage{NextPageToken: l.NextPageToken}
	page.Credentials, page.Unreadable = decodeItems[PublicKeyCredential](l.PublicKeys, "public key", "api_key_id", OrganizationScope(), red, checkPublicKeyFields)
	for i := range page.Credentials {
		p := &page.Credentials[i]
		page.Text += len(p.ID) + len(p.Type) + len(p.Name) + len(p.PublicKey.Fingerprint) + len(p.PublicKey.JWK.X) +
			len(p.PublicKey.JWK.Y) + len(p.PublicKey.JWK.Kty) + len(p.PublicKey.JWK.Crv) + len(p.Scope.ID) + len(p.Scope.Type)
	}
	return page
}

// checkPublicKeyFields finds the field of a credential that does not decode.
func checkPublicKeyFields(f map[string]json.RawMessage) (string, string) {
	for _, name := range []string{"api_key_id", "type", "name"} {
		if p := checkString(f[name]); p != "" {
			return name, p
		}
	}
	for _, name := range []string{"created_at", "updated_at", "expires_at", "revoked_at"} {
		if p := checkTime(f[name]); p != "" {
			return name, p
		}
	}
	var material PublicKeyMaterial
	if raw := f["public_key"]; raw != nil && json.Unmarshal(raw, &material) != nil {
		return "public_key", "is " + jsonKind(raw) + " (want {jwk: {kty, crv, x, y}, fingerprint})"
	}
	var scope CredentialScope
	if raw := f["scope"]; raw != nil && json.Unmarshal(raw, &scope) != nil {
		return "scope", "is " + jsonKind(raw) + " (want {type, id})"
	}
	return "", ""
}

// NewPublicKey is a registration: the public JWK and, optionally, a name,
// a scope (nil = the caller's own) and an expiry (zero = the caller's).
type NewPublicKey struct {
	JWK       JWK
	Name      string
	Scope     *Scope
	ExpiresAt time.Time
}

type registerBody struct {
	PublicKey JWK              `json:"public_key"`
	Name      string           `json:"name,omitempty"`
	Scope     *CredentialScope `json:"scope,omitempty"`
	ExpiresAt *time.Time       `json:"expires_at,omitempty"`
}

// RevokeAllReceipt is the permanent receipt of an organization-wide
// revoke-all: every credential of a generation before Current is revoked.
type RevokeAllReceipt struct {
	PreviousGeneration int       `json:"previous_generation"`
	CurrentGeneration  int       `json:"current_generation"`
	RevokedAt          time.Time `json:"revoked_at"`
}

const publicKeysPath = "/v0/api-keys/public-keys"

// ListPublicKeys returns one page of the public-key credentials visible to
// the key, newest first unless Ascending. Bearer keys are never in it.
func (c *Client) ListPublicKeys(ctx context.Context, o ListOptions) (PublicKeyPage, error) {
	var out publicKeyList
	if err := c.do(ctx, request{method: http.MethodGet, path: publicKeysPath, query: o.values(true)}, &out); err != nil {
		return PublicKeyPage{}, err
	}
	return out.page(c.red), nil
}

// EachPublicKey walks every page of public-key credentials.
func (c *Client) EachPublicKey(ctx context.Context, o ListOptions, fn func(PublicKeyPage) error) error {
	return walkPages(o, func(o ListOptions) (int, int, string, error) {
		page, err := c.ListPublicKeys(ctx, o)
		if err != nil {
			return 0, 0, "", err
		}
		return len(page.Credentials) + len(page.Unreadable), page.Text, page.NextPageToken, fn(page)
	})
}

// RegisterPublicKey registers a public key. Like a key create it is never
// retried: a lost answer wraps ErrOutcomeUnknown, and the caller lists to
// find out (the same JWK registered twice would get a second id).
func (c *Client) RegisterPublicKey(ctx context.Context, n NewPublicKey) (PublicKeyCredential, error) {
	b := registerBody{PublicKey: n.JWK, Name: n.Name}
	if n.Scope != nil {
		s := WireScope(*n.Scope)
		b.Scope = &s
	}
	if !n.ExpiresAt.IsZero() {
		t := n.ExpiresAt.UTC()
		b.ExpiresAt = &t
	}
	body, err := json.Marshal(b)
	if err != nil {
		return PublicKeyCredential{}, err
	}
	var out PublicKeyCredential
	err = c.do(ctx, request{method: http.MethodPost, path: publicKeysPath, body: body}, &out)
	return out, err
}

// RenamePublicKey changes a credential's name, the only mutable field.
func (c *Client) RenamePublicKey(ctx context.Context, id, name string) (PublicKeyCredential, error) {
	seg, err := segment(id)
	if err != nil {
		return PublicKeyCredential{}, err
	}
	body, err := json.Marshal(struct {
		Name string `json:"name"`
	}{name})
	if err != nil {
		return PublicKeyCredential{}, err
	}
	var out PublicKeyCredential
	err = c.do(ctx, request{method: http.MethodPatch, path: publicKeysPath + "/" + seg, body: body}, &out)
	return out, err
}

// RevokePublicKey permanently revokes one credential (204; a repeat is 404).
func (c *Client) RevokePublicKey(ctx context.Context, id string) error {
	seg, err := segment(id)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodDelete, path: publicKeysPath + "/" + seg}, nil)
}

// ErrIdempotencyKey refuses a revoke-all without a UUID to identify it.
var ErrIdempotencyKey = errors.New("revoke-all needs a UUID idempotency key")

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// NewIdempotencyKey returns a random (version 4) UUID. Make one per user
// action and reuse it for every retry of that action.
func NewIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// RevokeAllPublicKeys revokes every AgentID sign-in credential of the
// organization by advancing its generation. It is the one write that is
// retried when its answer is lost: the Idempotency-Key makes a repeat
// return the first receipt instead of advancing again. Pass the same key
// to retry the same user action.
func (c *Client) RevokeAllPublicKeys(ctx context.Context, idempotencyKey string) (RevokeAllReceipt, error) {
	if !uuidPattern.MatchString(idempotencyKey) {
		return RevokeAllReceipt{}, ErrIdempotencyKey
	}
	var out RevokeAllReceipt
	err := c.do(ctx, request{method: http.MethodPost, path: publicKeysPath + "/agentid-sign-in/revoke-all", idempotencyKey: idempotencyKey}, &out)
	return out, err
}
