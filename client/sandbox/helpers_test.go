package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testNow is the frozen start of every test clock.
var testNow = time.Date(2026, 8, 3, 12, 0, 0, 0, time.UTC)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: testNow} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a sandbox on 127.0.0.1 and an HTTP client of its own.
type env struct {
	t *testing.T
	*Running
	client *http.Client
	admin  string
	clock  *clock
}

func start(t *testing.T, opts Options) *env {
	t.Helper()
	c := newClock()
	if opts.Now == nil {
		opts.Now = c.Now
	}
	r, err := Start(opts, "")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	transport := &http.Transport{}
	// The timeout only stops a hung test; it must never end a slow but
	// healthy request on a busy machine.
	e := &env{t: t, Running: r, client: &http.Client{Transport: transport, Timeout: time.Minute},
		admin: r.AdminKey(), clock: c}
	t.Cleanup(func() {
		transport.CloseIdleConnections()
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e
}

type result struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request; body is nil, a string (sent as is) or a value
// encoded as JSON.
func (e *env) do(method, path, key string, body any) result {
	e.t.Helper()
	res, err := e.try(context.Background(), method, path, key, body)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

func (e *env) try(ctx context.Context, method, path, key string, body any) (result, error) {
	return e.send(ctx, method, path, key, body, "", "")
}

// tryWithHeader sends one request with an extra header (none if name is
// "" or value is "") within 30 s.
func (e *env) tryWithHeader(method, path, key string, body any, name, value string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return e.send(ctx, method, path, key, body, name, value)
}

func (e *env) send(ctx context.Context, method, path, key string, body any, name, value string) (result, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if name != "" && value != "" {
		req.Header.Set(name, value)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	return result{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

func (r result) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

func (r result) want(t *testing.T, status int) result {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

type errorReply struct {
	Name    string              `json:"name"`
	Code    string              `json:"code"`
	Message string              `json:"message"`
	Fix     string              `json:"fix"`
	Docs    string              `json:"docs"`
	Errors  []client.FieldError `json:"errors"`
}

// wantError checks status, code and the common error fields.
func (r result) wantError(t *testing.T, status int, code string) errorReply {
	t.Helper()
	r.want(t, status)
	var e errorReply
	r.decode(t, &e)
	if e.Code != code || e.Name == "" || e.Message == "" || e.Docs != docsBase+code {
		t.Fatalf("error body %s, want code %s with name, message and docs", r.body, code)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	return e
}

// wantInvalid checks a 400 validation_error naming path.
func (r result) wantInvalid(t *testing.T, path string) errorReply {
	t.Helper()
	e := r.wantError(t, http.StatusBadRequest, client.CodeValidation)
	if e.Name != "ValidationError" {
		t.Fatalf("name %q", e.Name)
	}
	for _, f := range e.Errors {
		if f.Path == path && f.Message != "" {
			return e
		}
	}
	t.Fatalf("errors %+v lack path %q", e.Errors, path)
	return e
}

type podJSON struct {
	PodID     string `json:"pod_id"`
	Name      string `json:"name"`
	ClientID  string `json:"client_id"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

type podList struct {
	Count         int       `json:"count"`
	Limit         int       `json:"limit"`
	NextPageToken string    `json:"next_page_token"`
	Pods          []podJSON `json:"pods"`
}

type keyList struct {
	Count         int               `json:"count"`
	NextPageToken string            `json:"next_page_token"`
	APIKeys       []json.RawMessage `json:"api_keys"`
}

type keyJSON struct {
	ID          string             `json:"api_key_id"`
	Secret      string             `json:"api_key"`
	Prefix      string             `json:"prefix"`
	Name        string             `json:"name"`
	PodID       string             `json:"pod_id"`
	InboxID     string             `json:"inbox_id"`
	UsedAt      *string            `json:"used_at"`
	CreatedAt   string             `json:"created_at"`
	Permissions client.Permissions `json:"permissions"`
}

// keys decodes a listing, failing if any item carries a secret.
func (l keyList) keys(t *testing.T) []keyJSON {
	t.Helper()
	out := make([]keyJSON, 0, len(l.APIKeys))
	for _, raw := range l.APIKeys {
		var fields map[string]any
		if err := json.Unmarshal(raw, &fields); err != nil {
			t.Fatal(err)
		}
		if _, ok := fields["api_key"]; ok {
			t.Fatalf("a listing carries a secret: %s", raw)
		}
		var k keyJSON
		if err := json.Unmarshal(raw, &k); err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}

func (e *env) createPod(name, clientID string) podJSON {
	e.t.Helper()
	body := map[string]string{}
	if name != "" {
		body["name"] = name
	}
	if clientID != "" {
		body["client_id"] = clientID
	}
	var p podJSON
	e.do("POST", "/v0/pods", e.admin, body).want(e.t, 200).decode(e.t, &p)
	return p
}

func (e *env) createKey(path, key string, body any) keyJSON {
	e.t.Helper()
	var k keyJSON
	e.do("POST", path, key, body).want(e.t, 200).decode(e.t, &k)
	return k
}

// listAllKeys pages through a key listing and returns every key.
func (e *env) listAllKeys(path, key, query string, limit int) []keyJSON {
	e.t.Helper()
	var all []keyJSON
	token := ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			e.t.Fatal("paging does not end")
		}
		url := path + "?limit=" + itoa(limit) + query
		if token != "" {
			url += "&page_token=" + token
		}
		var page keyList
		e.do("GET", url, key, nil).want(e.t, 200).decode(e.t, &page)
		keys := page.keys(e.t)
		if page.Count != len(keys) || len(keys) > limit {
			e.t.Fatalf("count %d for %d keys (limit %d)", page.Count, len(keys), limit)
		}
		all = append(all, keys...)
		if page.NextPageToken == "" {
			return all
		}
		token = page.NextPageToken
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// allPermsBut is a whitelist of every current permission except the given.
func allPermsBut(except ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range client.CurrentPermissionNames() {
		m[n] = true
	}
	for _, n := range except {
		delete(m, n)
	}
	return m
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
