package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// Inbox is one email address of a pod. Its id is the address itself.
type Inbox struct {
	ID          string         `json:"inbox_id"`
	PodID       string         `json:"pod_id"`
	Email       string         `json:"email"`
	DisplayName string         `json:"display_name,omitempty"`
	ClientID    string         `json:"client_id,omitempty"`
	Metadata    map[string]any `json:"metadata,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// InboxPage is one page of inboxes. NextPageToken is empty on the last page.
type InboxPage struct {
	Inboxes       []Inbox
	NextPageToken string
	Unreadable    []ItemError // items that did not decode; their neighbours did
	Text          int         // bytes of server text kept, for the listing's budget
}

type inboxList struct {
	Count         int             `json:"count"`
	NextPageToken string          `json:"next_page_token"`
	Inboxes       json.RawMessage `json:"inboxes"`
}

func (l inboxList) page(scope Scope, red redactor) InboxPage {
	page := InboxPage{NextPageToken: l.NextPageToken}
	page.Inboxes, page.Unreadable = decodeItems[Inbox](l.Inboxes, "inbox", "inbox_id", scope, red, checkInboxFields)
	for i := range page.Inboxes {
		in := &page.Inboxes[i]
		page.Text += len(in.ID) + len(in.PodID) + len(in.Email) + len(in.DisplayName) + len(in.ClientID)
	}
	return page
}

// checkInboxFields finds the field of an inbox object that does not decode.
func checkInboxFields(f map[string]json.RawMessage) (string, string) {
	for _, name := range []string{"inbox_id", "pod_id", "email", "display_name", "client_id"} {
		if p := checkString(f[name]); p != "" {
			return name, p
		}
	}
	for _, name := range []string{"created_at", "updated_at"} {
		if p := checkTime(f[name]); p != "" {
			return name, p
		}
	}
	return "", ""
}

// NewInbox is what a create sends; every field is optional. Domain
// defaults to agentmail.to on the server; ClientID is the idempotency
// handle, as for pods.
type NewInbox struct {
	Username    string `json:"username,omitempty"`
	Domain      string `json:"domain,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
	ClientID    string `json:"client_id,omitempty"`
}

// ListInboxes returns one page of the inboxes of a scope: a pod's
// (/v0/pods/{id}/inboxes) or, for the organization, every inbox the key
// can see (/v0/inboxes). Newest first unless Ascending.
func (c *Client) ListInboxes(ctx context.Context, scope Scope, o ListOptions) (InboxPage, error) {
	path := "/v0/inboxes"
	switch scope.Kind {
	case ScopePod:
		pod, err := podPath(scope.ID)
		if err != nil {
			return InboxPage{}, err
		}
		path = pod + "/inboxes"
	case ScopeInbox:
		return InboxPage{}, errInboxOfInbox
	}
	var out inboxList
	if err := c.do(ctx, request{method: http.MethodGet, path: path, query: o.values(true)}, &out); err != nil {
		return InboxPage{}, err
	}
	return out.page(scope, c.red), nil
}

// EachInbox walks every page of a scope's inboxes.
func (c *Client) EachInbox(ctx context.Context, scope Scope, o ListOptions, fn func(InboxPage) error) error {
	return walkPages(o, func(o ListOptions) (int, int, string, error) {
		page, err := c.ListInboxes(ctx, scope, o)
		if err != nil {
			return 0, 0, "", err
		}
		return len(page.Inboxes) + len(page.Unreadable), page.Text, page.NextPageToken, fn(page)
	})
}

// GetInbox returns one inbox by its id (its email address).
func (c *Client) GetInbox(ctx context.Context, inboxID string) (Inbox, error) {
	path, err := inboxPath(inboxID)
	if err != nil {
		return Inbox{}, err
	}
	var out Inbox
	err = c.do(ctx, request{method: http.MethodGet, path: path}, &out)
	return out, err
}

// CreateInbox creates an inbox in a pod. Like every create, a failure
// whose outcome is unknown wraps ErrOutcomeUnknown; with a ClientID the
// server recognises a repeat.
func (c *Client) CreateInbox(ctx context.Context, podID string, in NewInbox) (Inbox, error) {
	pod, err := podPath(podID)
	if err != nil {
		return Inbox{}, err
	}
	body, err := json.Marshal(in)
	if err != nil {
		return Inbox{}, err
	}
	var out Inbox
	err = c.do(ctx, request{method: http.MethodPost, path: pod + "/inboxes", body: body}, &out)
	return out, err
}

// DeleteInbox deletes an inbox and, with it, its keys.
func (c *Client) DeleteInbox(ctx context.Context, inboxID string) error {
	path, err := inboxPath(inboxID)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodDelete, path: path}, nil)
}

// errInboxOfInbox: an inbox has no inboxes of its own.
var errInboxOfInbox = errors.New("an inbox scope has no inboxes to list")
