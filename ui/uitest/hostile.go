package uitest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// HostileServer is a fake AgentMail API on loopback whose every string is
// one untrusted text chosen by the test: the ids, names and client ids of
// its two pods, the id, prefix, name and a permission name of each key, a
// created key's secret, and the name, code, message, fix and field paths of
// its errors. The sandbox generates ids itself; this covers them.
//
// It serves two pods: the first (id Text) has one key and answers creates
// and deletes as set by Refuse; the second (id Text+BrokenSuffix) refuses
// to list its keys, so that a failure shows the hostile text too. The
// organization has one key.
type HostileServer struct {
	URL string

	mu     sync.Mutex
	text   string
	refuse bool
	hits   int
}

// BrokenSuffix ends the id of the pod whose keys cannot be listed.
const BrokenSuffix = "\u009b2J-broken"

// OrgKeySuffix and CreatedKeySuffix end the ids of the organization's key
// and of a created key, so that each key has its own id.
const (
	OrgKeySuffix     = "\u202e-org"
	CreatedKeySuffix = "\x1b[0m-new"
)

// NewHostileServer starts the server with text; it stops with the test.
func NewHostileServer(t testing.TB, text string) *HostileServer {
	t.Helper()
	h := &HostileServer{text: text}
	srv := httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return h
}

// SetText changes the hostile text of every later answer.
func (h *HostileServer) SetText(s string) {
	h.mu.Lock()
	h.text = s
	h.mu.Unlock()
}

// Refuse makes creates answer a hostile 403 (true) or succeed (false).
// Deletes always fail with a hostile error.
func (h *HostileServer) Refuse(on bool) {
	h.mu.Lock()
	h.refuse = on
	h.mu.Unlock()
}

// Requests counts the requests served.
func (h *HostileServer) Requests() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits
}

// Wire returns s as a client sees it after JSON: invalid UTF-8 replaced.
func Wire(s string) string {
	b, _ := json.Marshal(s)
	var out string
	_ = json.Unmarshal(b, &out)
	return out
}

func (h *HostileServer) serve(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	t, refuse := h.text, h.refuse
	h.hits++
	h.mu.Unlock()

	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	created := Clock.AddDate(0, -2, 0).Format(time.RFC3339)
	pod := func(id string) map[string]any {
		return map[string]any{"pod_id": id, "name": t, "client_id": t, "created_at": created, "updated_at": created}
	}
	key := func(id, podID string) map[string]any {
		k := map[string]any{"api_key_id": id, "prefix": t, "name": t, "created_at": created,
			"used_at":     Clock.AddDate(0, 0, -3).Format(time.RFC3339),
			"permissions": map[string]bool{"inbox_read": true, t: true}}
		if podID != "" {
			k["pod_id"] = podID
		}
		return k
	}
	fail := func(status int) {
		reply(w, status, map[string]any{"name": t, "code": t, "message": t, "fix": t,
			"errors": []map[string]any{{"path": []string{"permissions", t}, "message": t}, {"path": "name", "message": t}}})
	}
	wt := Wire(t)
	switch {
	case r.Method == http.MethodGet && len(parts) == 2 && parts[1] == "pods":
		reply(w, 200, map[string]any{"count": 2, "pods": []any{pod(t), pod(t + BrokenSuffix)}})
	case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "pods":
		fail(http.StatusForbidden)
	case r.Method == http.MethodGet && len(parts) == 2 && parts[1] == "api-keys":
		reply(w, 200, map[string]any{"count": 1, "api_keys": []any{key(t+OrgKeySuffix, "")}})
	case len(parts) == 4 && parts[1] == "pods" && parts[3] == "api-keys" && parts[2] == wt:
		switch {
		case r.Method == http.MethodGet:
			reply(w, 200, map[string]any{"count": 1, "api_keys": []any{key(t, t)}})
		case r.Method == http.MethodPost && refuse:
			fail(http.StatusForbidden)
		case r.Method == http.MethodPost:
			k := key(t+CreatedKeySuffix, t)
			delete(k, "used_at")
			k["api_key"] = t
			reply(w, 200, k)
		default:
			fail(http.StatusMethodNotAllowed)
		}
	case r.Method == http.MethodDelete && len(parts) >= 3 && parts[1] == "pods":
		fail(http.StatusConflict)
	default: // the broken pod, and anything else
		fail(http.StatusForbidden)
	}
}

func reply(w http.ResponseWriter, status int, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
