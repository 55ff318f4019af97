package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// ListOptions select one page of a listing.
type ListOptions struct {
	Limit     int    // 0 = the server's default
	PageToken string // "" = the first page
	Ascending bool   // oldest first (pods and organization keys only)
}

func (o ListOptions) values(withAscending bool) url.Values {
	v := url.Values{}
	if o.Limit > 0 {
		v.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.PageToken != "" {
		v.Set("page_token", o.PageToken)
	}
	if withAscending && o.Ascending {
		v.Set("ascending", "true")
	}
	return v
}

// The list bodies hold their items raw: each is decoded on its own, so
// that one malformed item does not lose its page (see decodeItems).
type podList struct {
	Count         int             `json:"count"`
	NextPageToken string          `json:"next_page_token"`
	Pods          json.RawMessage `json:"pods"`
}

type keyList struct {
	Count         int             `json:"count"`
	NextPageToken string          `json:"next_page_token"`
	Keys          json.RawMessage `json:"api_keys"`
}

// createdKeyWire is the create answer: the key's fields plus the secret.
type createdKeyWire struct {
	APIKey
	Secret string `json:"api_key"`
}

type createKeyBody struct {
	Name        string       `json:"name,omitempty"`
	Permissions *Permissions `json:"permissions,omitempty"`
}

// ListPods returns one page of the organization's pods, newest first unless
// Ascending.
func (c *Client) ListPods(ctx context.Context, o ListOptions) (PodPage, error) {
	var out podList
	if err := c.do(ctx, request{method: http.MethodGet, path: "/v0/pods", query: o.values(true)}, &out); err != nil {
		return PodPage{}, err
	}
	return out.page(c.red), nil
}

func (l podList) page(red redactor) PodPage {
	page := PodPage{NextPageToken: l.NextPageToken}
	page.Pods, page.Unreadable = decodeItems[Pod](l.Pods, "pod", "pod_id", Scope{}, red, checkPodFields)
	for i := range page.Pods {
		page.Text += page.Pods[i].textSize()
	}
	return page
}

// GetPod returns one pod.
func (c *Client) GetPod(ctx context.Context, podID string) (Pod, error) {
	path, err := podPath(podID)
	if err != nil {
		return Pod{}, err
	}
	var out Pod
	err = c.do(ctx, request{method: http.MethodGet, path: path}, &out)
	return out, err
}

// CreatePod creates a pod. The client id is the API's idempotency handle.
func (c *Client) CreatePod(ctx context.Context, name, clientID string) (Pod, error) {
	body, _ := json.Marshal(struct {
		Name     string `json:"name,omitempty"`
		ClientID string `json:"client_id,omitempty"`
	}{name, clientID})
	var out Pod
	err := c.do(ctx, request{method: http.MethodPost, path: "/v0/pods", body: body}, &out)
	return out, err
}

// DeletePod deletes a pod and, with it, its keys.
func (c *Client) DeletePod(ctx context.Context, podID string) error {
	path, err := podPath(podID)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodDelete, path: path}, nil)
}

// ListKeys returns one page of the keys of a scope, newest first.
func (c *Client) ListKeys(ctx context.Context, scope Scope, o ListOptions) (KeyPage, error) {
	path, err := scope.keysPath()
	if err != nil {
		return KeyPage{}, err
	}
	var out keyList
	if err := c.do(ctx, request{method: http.MethodGet, path: path, query: o.values(scope.acceptsAscending())}, &out); err != nil {
		return KeyPage{}, err
	}
	return out.page(scope, c.red), nil
}

func (l keyList) page(scope Scope, red redactor) KeyPage {
	page := KeyPage{NextPageToken: l.NextPageToken}
	page.Keys, page.Unreadable = decodeItems[APIKey](l.Keys, "key", "api_key_id", scope, red, checkKeyFields)
	for i := range page.Keys {
		page.Text += page.Keys[i].textSize()
	}
	return page
}

// CreateKey creates a key in a scope. An
// unrestricted perms sends no permissions object, which the API reads as
// full access within the scope. The result holds the secret: this is the
// only time it exists outside the server.
//
// A failure whose outcome is unknown wraps ErrOutcomeUnknown; never retry
// it blindly, list the keys and look instead.
//
// An answer whose secret is not shaped like a key (see ValidSecret) returns
// the created key AND an *InvalidSecretError wrapping ErrInvalidSecret: the
// key exists, but its "secret" must not be shown plainly or copied.
func (c *Client) CreateKey(ctx context.Context, scope Scope, name string, perms Permissions) (CreatedAPIKey, error) {
	path, err := scope.keysPath()
	if err != nil {
		return CreatedAPIKey{}, err
	}
	b := createKeyBody{Name: name}
	if !perms.IsUnrestricted() {
		b.Permissions = &perms
	}
	body, err := json.Marshal(b)
	if err != nil {
		return CreatedAPIKey{}, err
	}
	var out createdKeyWire
	if err := c.do(ctx, request{method: http.MethodPost, path: path, body: body}, &out); err != nil {
		return CreatedAPIKey{}, err
	}
	created := CreatedAPIKey(out)
	if err := ValidSecret(created.Secret); err != nil {
		return created, &InvalidSecretError{Key: created, Reason: err}
	}
	return created, nil
}

// DeleteKey deletes a key of a scope.
func (c *Client) DeleteKey(ctx context.Context, scope Scope, keyID string) error {
	path, err := scope.keysPath()
	if err != nil {
		return err
	}
	key, err := segment(keyID)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodDelete, path: path + "/" + key}, nil)
}

// ErrInvalidID refuses an id that would change a request's path.
var ErrInvalidID = errors.New("invalid id: empty, \".\" or \"..\"")

// segment escapes an id for a request path. Ids come from the server; an
// empty, "." or ".." id (only a broken or hostile server sends one) would
// turn /v0/pods/../api-keys/X into a request on another resource.
func segment(id string) (string, error) {
	if id == "" || id == "." || id == ".." {
		return "", ErrInvalidID
	}
	return url.PathEscape(id), nil
}

func podPath(podID string) (string, error) {
	seg, err := segment(podID)
	return "/v0/pods/" + seg, err
}
