package client

import "time"

// Pod is one customer tenant of an organization.
type Pod struct {
	ID        string    `json:"pod_id"`
	Name      string    `json:"name"`
	ClientID  string    `json:"client_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// APIKey is a key as listed by the API: never with its secret.
// A zero UsedAt means the key has never been used.
type APIKey struct {
	ID          string      `json:"api_key_id"`
	Prefix      string      `json:"prefix"`
	Name        string      `json:"name"`
	PodID       string      `json:"pod_id,omitempty"`
	InboxID     string      `json:"inbox_id,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	UsedAt      time.Time   `json:"used_at"`
	Permissions Permissions `json:"permissions"`
}

// NeverUsed reports whether the server has no record of the key being used.
func (k APIKey) NeverUsed() bool { return k.UsedAt.IsZero() }

// Scope is what the key is bound to, from its inbox_id and pod_id.
func (k APIKey) Scope() Scope {
	switch {
	case k.InboxID != "":
		return InboxScope(k.InboxID)
	case k.PodID != "":
		return PodScope(k.PodID)
	default:
		return OrganizationScope()
	}
}

// CreatedAPIKey is the answer to a create call: the key and, this one time
// only, its secret. Do not log it, keep it or copy it further than needed.
type CreatedAPIKey struct {
	APIKey
	Secret string
}

// PodPage is one page of pods. NextPageToken is empty on the last page.
// Unreadable lists the pods that could not be decoded (their neighbours
// are in Pods); Text is the bytes of text Pods hold, for memory bounds.
type PodPage struct {
	Pods          []Pod
	NextPageToken string
	Unreadable    []ItemError
	Text          int
}

// KeyPage is one page of API keys. NextPageToken is empty on the last page.
// Unreadable lists the keys that could not be decoded (their neighbours
// are in Keys); Text is the bytes of text Keys hold, for memory bounds.
type KeyPage struct {
	Keys          []APIKey
	NextPageToken string
	Unreadable    []ItemError
	Text          int
}
