package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Ids come from the server and may hold any character: each must reach the
// server as exactly one path segment that decodes back to the id, escaped
// once (a second escaping once turned "a b" into "a%2520b").
func TestIDsAreEscapedOnceAsOneSegment(t *testing.T) {
	var (
		mu   sync.Mutex
		segs []string
	)
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		var got []string
		for _, p := range strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/") {
			u, err := url.PathUnescape(p)
			if err != nil {
				u = "undecodable:" + p
			}
			got = append(got, u)
		}
		mu.Lock()
		segs = got
		mu.Unlock()
		if r.Method == http.MethodGet {
			writeJSON(w, 200, `{"count":0,"api_keys":[]}`)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}, nil)
	last := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return segs
	}
	ctx := context.Background()
	for _, id := range []string{"a b", "x/y", "100%", "q?x#y", "\x1b[2J", "東京", "%2F", "a+b", "@x:y;z"} {
		if _, err := c.ListKeys(ctx, PodScope(id), ListOptions{}); err != nil {
			t.Fatalf("ListKeys(%q): %v", id, err)
		}
		if got, want := last(), []string{"v0", "pods", id, "api-keys"}; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("ListKeys(%q) reached %q, want %q", id, got, want)
		}
		if err := c.DeleteKey(ctx, PodScope(id), id); err != nil {
			t.Fatalf("DeleteKey(%q): %v", id, err)
		}
		if got, want := last(), []string{"v0", "pods", id, "api-keys", id}; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("DeleteKey(%q) reached %q, want %q", id, got, want)
		}
		if err := c.DeletePod(ctx, id); err != nil {
			t.Fatalf("DeletePod(%q): %v", id, err)
		}
		if got, want := last(), []string{"v0", "pods", id}; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("DeletePod(%q) reached %q, want %q", id, got, want)
		}
	}
}

// A base URL with a path prefix (a proxy) keeps it, escaped as given.
func TestBasePathPrefixIsKept(t *testing.T) {
	var got string
	_, srv := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		writeJSON(w, 200, `{"count":0,"pods":[]}`)
	}, nil)
	c, err := New(Options{BaseURL: srv.URL + "/agent%20mail/", APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListKeys(context.Background(), PodScope("p q"), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if got != "/agent%20mail/v0/pods/p%20q/api-keys" {
		t.Errorf("path %q", got)
	}
}

// TestIDsThatWouldChangeThePathAreRefused: a hostile server naming a pod
// ".." must not turn a delete of its key into a delete elsewhere.
func TestIDsThatWouldChangeThePathAreRefused(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(204)
	}))
	defer srv.Close()
	c, err := New(Options{BaseURL: srv.URL, APIKey: "am_pathtestkey000"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, id := range []string{".", ".."} {
		if err := c.DeleteKey(ctx, PodScope(id), "k"); !errors.Is(err, ErrInvalidID) {
			t.Errorf("DeleteKey(%q, k) = %v", id, err)
		}
		if err := c.DeletePod(ctx, id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("DeletePod(%q) = %v", id, err)
		}
		if _, err := c.ListKeys(ctx, PodScope(id), ListOptions{}); !errors.Is(err, ErrInvalidID) {
			t.Errorf("ListKeys(%q) = %v", id, err)
		}
	}
	for _, id := range []string{"", ".", ".."} {
		if err := c.DeleteKey(ctx, PodScope("pod"), id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("DeleteKey(pod, %q) = %v", id, err)
		}
		if _, err := c.GetPod(ctx, id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("GetPod(%q) = %v", id, err)
		}
	}
	if calls.Load() != 0 {
		t.Fatalf("%d requests reached the server", calls.Load())
	}
}
