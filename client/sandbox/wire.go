package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/amkeys/amkeys/client"
)

// Wire shapes, field for field as in the API definitions.

type wirePod struct {
	PodID     string `json:"pod_id"`
	Name      string `json:"name"`
	UpdatedAt string `json:"updated_at"`
	CreatedAt string `json:"created_at"`
	ClientID  string `json:"client_id,omitempty"`
}

type listPodsBody struct {
	Count         int       `json:"count"`
	Limit         int       `json:"limit"`
	NextPageToken string    `json:"next_page_token,omitempty"`
	Pods          []wirePod `json:"pods"`
}

// wireKey is a listed key. It has no field for the secret, so no listing
// can ever carry one.
type wireKey struct {
	APIKeyID    string              `json:"api_key_id"`
	Prefix      string              `json:"prefix"`
	Name        string              `json:"name"`
	PodID       string              `json:"pod_id,omitempty"`
	InboxID     string              `json:"inbox_id,omitempty"`
	UsedAt      string              `json:"used_at,omitempty"`
	Permissions *client.Permissions `json:"permissions,omitempty"`
	CreatedAt   string              `json:"created_at"`
}

// wireCreatedKey answers a create: the secret, once, and no used_at.
type wireCreatedKey struct {
	APIKeyID    string              `json:"api_key_id"`
	APIKey      string              `json:"api_key"`
	Prefix      string              `json:"prefix"`
	Name        string              `json:"name"`
	PodID       string              `json:"pod_id,omitempty"`
	InboxID     string              `json:"inbox_id,omitempty"`
	Permissions *client.Permissions `json:"permissions,omitempty"`
	CreatedAt   string              `json:"created_at"`
}

type listKeysBody struct {
	Count         int       `json:"count"`
	NextPageToken string    `json:"next_page_token,omitempty"`
	APIKeys       []wireKey `json:"api_keys"`
}

type wireInbox struct {
	PodID       string          `json:"pod_id"`
	InboxID     string          `json:"inbox_id"`
	Email       string          `json:"email"`
	DisplayName string          `json:"display_name,omitempty"`
	ClientID    string          `json:"client_id,omitempty"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`
	UpdatedAt   string          `json:"updated_at"`
	CreatedAt   string          `json:"created_at"`
}

type listInboxesBody struct {
	Count         int         `json:"count"`
	Limit         int         `json:"limit"`
	NextPageToken string      `json:"next_page_token,omitempty"`
	Inboxes       []wireInbox `json:"inboxes"`
}

// wireJWK has exactly the four members of a public P-256 JWK.
type wireJWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

type wirePublicKeyMaterial struct {
	JWK         wireJWK `json:"jwk"`
	Fingerprint string  `json:"fingerprint"`
}

// wireScope is {"type":"organization"}, {"type":"pod","id":POD} or
// {"type":"inbox","id":EMAIL}.
type wireScope struct {
	Type string `json:"type"`
	ID   string `json:"id,omitempty"`
}

type wirePublicKey struct {
	APIKeyID  string                `json:"api_key_id"`
	Type      string                `json:"type"`
	Name      string                `json:"name"`
	PublicKey wirePublicKeyMaterial `json:"public_key"`
	Scope     wireScope             `json:"scope"`
	ExpiresAt string                `json:"expires_at,omitempty"`
	RevokedAt string                `json:"revoked_at,omitempty"`
	CreatedAt string                `json:"created_at"`
	UpdatedAt string                `json:"updated_at"`
}

type listPublicKeysBody struct {
	Count         int             `json:"count"`
	NextPageToken string          `json:"next_page_token,omitempty"`
	PublicKeys    []wirePublicKey `json:"public_keys"`
}

type wireReceipt struct {
	PreviousGeneration int    `json:"previous_generation"`
	CurrentGeneration  int    `json:"current_generation"`
	RevokedAt          string `json:"revoked_at"`
}

type wireOrganization struct {
	OrganizationID string `json:"organization_id"`
	InboxCount     int    `json:"inbox_count"`
	DomainCount    int    `json:"domain_count"`
	InboxLimit     int    `json:"inbox_limit"`
	DomainLimit    int    `json:"domain_limit"`
	UpdatedAt      string `json:"updated_at"`
	CreatedAt      string `json:"created_at"`
}

func inboxToWire(in *inboxRecord) wireInbox {
	return wireInbox{
		PodID: in.podID, InboxID: in.id, Email: in.id, DisplayName: in.displayName, ClientID: in.clientID,
		Metadata: in.metadata, CreatedAt: formatTime(in.createdAt), UpdatedAt: formatTime(in.updatedAt),
	}
}

func scopeToWire(sc scope) wireScope {
	switch {
	case sc.isInbox():
		return wireScope{Type: "inbox", ID: sc.inboxID}
	case !sc.isOrg():
		return wireScope{Type: "pod", ID: sc.podID}
	}
	return wireScope{Type: "organization"}
}

func publicKeyToWire(k *publicKeyRecord) wirePublicKey {
	w := wirePublicKey{
		APIKeyID: k.id, Type: publicKeyType, Name: k.name,
		PublicKey: wirePublicKeyMaterial{
			JWK:         wireJWK{Kty: "EC", Crv: "P-256", X: k.x, Y: k.y},
			Fingerprint: k.fingerprint,
		},
		Scope:     scopeToWire(k.scope),
		CreatedAt: formatTime(k.createdAt), UpdatedAt: formatTime(k.updatedAt),
	}
	if !k.expiresAt.IsZero() {
		w.ExpiresAt = formatTime(k.expiresAt)
	}
	if !k.revokedAt.IsZero() {
		w.RevokedAt = formatTime(k.revokedAt)
	}
	return w
}

func receiptToWire(r revokeReceipt) wireReceipt {
	return wireReceipt{PreviousGeneration: r.previous, CurrentGeneration: r.current, RevokedAt: formatTime(r.revokedAt)}
}

func podToWire(p *podRecord) wirePod {
	return wirePod{
		PodID: p.id, Name: p.name, ClientID: p.clientID,
		CreatedAt: formatTime(p.createdAt), UpdatedAt: formatTime(p.updatedAt),
	}
}

// wirePermissions is nil (omitted) for an unrestricted key.
func wirePermissions(p client.Permissions) *client.Permissions {
	if p.IsUnrestricted() {
		return nil
	}
	return &p
}

func keyToWire(k *keyRecord) wireKey {
	w := wireKey{
		APIKeyID: k.id, Prefix: k.prefix, Name: k.name, PodID: k.podID, InboxID: k.inboxID,
		Permissions: wirePermissions(k.perms), CreatedAt: formatTime(k.createdAt),
	}
	if used := k.lastUsed(); !used.IsZero() {
		w.UsedAt = formatTime(used)
	}
	return w
}

func podToClient(p *podRecord) client.Pod {
	return client.Pod{ID: p.id, Name: p.name, ClientID: p.clientID, CreatedAt: p.createdAt, UpdatedAt: p.updatedAt}
}

func keyToClient(k *keyRecord) client.APIKey {
	return client.APIKey{
		ID: k.id, Prefix: k.prefix, Name: k.name, PodID: k.podID, InboxID: k.inboxID,
		CreatedAt: k.createdAt, UsedAt: k.lastUsed(), Permissions: k.perms,
	}
}

// Request bodies.

const (
	maxBodyBytes = 1 << 20
	maxNameLen   = 256
)

// readObject reads a JSON object body; an empty body counts as {}.
func readObject(r *http.Request) (map[string]json.RawMessage, *response) {
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, invalid(field("body", "must not exceed 1 MiB"))
		}
		return nil, invalid(field("body", "could not be read"))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]json.RawMessage{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, invalid(field("body", "must be a JSON object"))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid(field("body", "must hold a single JSON object"))
	}
	return m, nil
}

// optionalName reads a string field of 1..256 characters; absent or null
// gives "", false.
func optionalName(m map[string]json.RawMessage, key string) (string, bool, *client.FieldError) {
	raw, ok := m[key]
	if !ok || string(raw) == "null" {
		return "", false, nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		e := field(key, "must be a string")
		return "", false, &e
	}
	if n := utf8.RuneCountInString(v); n < 1 || n > maxNameLen {
		e := field(key, "must be 1 to 256 characters long")
		return "", false, &e
	}
	return v, true, nil
}
