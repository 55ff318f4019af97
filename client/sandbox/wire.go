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
