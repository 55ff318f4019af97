package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const testKey = "am_transporttestkey0123456789"

// newTestClient points a client at a purpose-made handler on loopback.
func newTestClient(t *testing.T, h http.HandlerFunc, mod func(*Options)) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	o := Options{BaseURL: srv.URL, APIKey: testKey, Backoff: time.Millisecond}
	if mod != nil {
		mod(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func TestRetryAfterIsHonoured(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"name":"RateLimitError","code":"rate_limited","message":"slow down"}`)
			return
		}
		writeJSON(w, 200, `{"count":0,"pods":[]}`)
	}, nil)
	start := time.Now()
	if _, err := c.ListPods(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Fatalf("retried after %v, want >= 1s", el)
	}
	if calls.Load() != 2 {
		t.Fatalf("calls = %d, want 2", calls.Load())
	}
}

func TestRetryAfterIsCapped(t *testing.T) {
	var waits []time.Duration
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "86400")
		writeJSON(w, 429, `{"name":"RateLimitError","code":"rate_limited","message":"slow down"}`)
	}, func(o *Options) {
		o.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	})
	_, err := c.ListPods(context.Background(), ListOptions{})
	if e, ok := AsError(err); !ok || e.Status != 429 {
		t.Fatalf("err = %v, want the 429 after the last attempt", err)
	}
	if len(waits) != DefaultMaxAttempts-1 {
		t.Fatalf("waited %d times, want %d", len(waits), DefaultMaxAttempts-1)
	}
	for _, w := range waits {
		if w != MaxRetryAfter {
			t.Fatalf("wait %v, want the cap %v", w, MaxRetryAfter)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"1", time.Second, true},
		{"0", 0, true},
		{"86400", MaxRetryAfter, true},
		{now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second, true},
		{now.Add(time.Hour).Format(http.TimeFormat), MaxRetryAfter, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v,%v want %v,%v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRetriesOnlyListedStatuses(t *testing.T) {
	for status, wantCalls := range map[int]int32{500: 1, 502: 3, 503: 3, 504: 3, 429: 3, 404: 1, 400: 1} {
		var calls atomic.Int32
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			writeJSON(w, status, `{"name":"E","message":"m"}`)
		}, nil)
		_, err := c.ListPods(context.Background(), ListOptions{})
		if e, ok := AsError(err); !ok || e.Status != status {
			t.Fatalf("status %d: err = %v", status, err)
		}
		if calls.Load() != wantCalls {
			t.Errorf("status %d: %d calls, want %d", status, calls.Load(), wantCalls)
		}
	}
}

func TestPostIsNeverRetriedAndReportsUnknownOutcome(t *testing.T) {
	for _, mode := range []string{"500", "503", "drop"} {
		var calls atomic.Int32
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			switch mode {
			case "drop":
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
			case "500":
				writeJSON(w, 500, `{"name":"InternalError","message":"boom"}`)
			default:
				writeJSON(w, 503, `{"name":"Unavailable","message":"later"}`)
			}
		}, nil)
		_, err := c.CreateKey(context.Background(), PodScope("pod1"), "ci", Restricted("pod_read"))
		if !errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("%s: err = %v, want ErrOutcomeUnknown", mode, err)
		}
		if calls.Load() != 1 {
			t.Fatalf("%s: POST reached the server %d times, want 1", mode, calls.Load())
		}
	}
}

func TestPostTimeoutIsUnknownOutcome(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, func(o *Options) { o.Timeout = 100 * time.Millisecond })
	_, err := c.CreateKey(context.Background(), PodScope("pod1"), "ci", Unrestricted())
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
}

func TestPostToClosedPortIsAKnownFailure(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := New(Options{BaseURL: "http://" + addr, APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateKey(context.Background(), PodScope("pod1"), "ci", Unrestricted())
	if err == nil || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v: a refused connection never reached the server", err)
	}
}

func TestOversizedBodyFailsCleanly(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"count":1,"pods":[{"name":"` + strings.Repeat("x", 2<<20) + `"}]}`))
	}, func(o *Options) { o.MaxBody = 1 << 20 })
	_, err := c.ListPods(context.Background(), ListOptions{})
	if !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
}

func TestRedirectToAnotherHostDropsAuthorization(t *testing.T) {
	var gotAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth.Store(r.Header.Get("Authorization"))
		writeJSON(w, 200, `{"count":0,"pods":[]}`)
	}))
	defer other.Close()
	// Same loopback address but another port: another origin.
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/v0/pods", http.StatusFound)
	}, nil)
	if _, err := c.ListPods(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if v, _ := gotAuth.Load().(string); v != "" {
		t.Fatalf("redirect target received Authorization %q", v)
	}
}

func TestSameHostRedirectKeepsAuthorization(t *testing.T) {
	var gotAuth atomic.Value
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v0/pods" {
			http.Redirect(w, r, "/v0/pods2", http.StatusFound)
			return
		}
		gotAuth.Store(r.Header.Get("Authorization"))
		writeJSON(w, 200, `{"count":0,"pods":[]}`)
	}, nil)
	if _, err := c.ListPods(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if v, _ := gotAuth.Load().(string); v != "Bearer "+testKey {
		t.Fatalf("same-origin redirect lost Authorization: %q", v)
	}
}

func TestPlainHTTPToRemoteHostIsRefused(t *testing.T) {
	_, err := New(Options{BaseURL: "http://api.agentmail.invalid", APIKey: testKey})
	if !errors.Is(err, ErrInsecureTransport) {
		t.Fatalf("err = %v, want ErrInsecureTransport", err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Fatal("error contains the key")
	}
	if _, err := New(Options{BaseURL: "http://api.agentmail.invalid", APIKey: testKey, AllowInsecureHTTP: true}); err != nil {
		t.Fatalf("explicit opt-in refused: %v", err)
	}
	for _, u := range []string{"http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "https://api.agentmail.invalid"} {
		if _, err := New(Options{BaseURL: u, APIKey: testKey}); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	for _, u := range []string{"ftp://x.invalid", "api.agentmail.to", "https://user:pw@x.invalid", "://"} {
		if _, err := New(Options{BaseURL: u, APIKey: testKey}); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
}

func TestUserAgentAndHeaders(t *testing.T) {
	var ua, auth atomic.Value
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.Header.Get("User-Agent"))
		auth.Store(r.Header.Get("Authorization"))
		writeJSON(w, 200, `{"count":0,"pods":[]}`)
	}, nil)
	if _, err := c.ListPods(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if ua.Load() != "amkeys/"+Version {
		t.Errorf("User-Agent = %v", ua.Load())
	}
	if auth.Load() != "Bearer "+testKey {
		t.Errorf("Authorization = %v", auth.Load())
	}
}

func TestReadOnlyRefusesChanges(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 200, `{}`)
	}, func(o *Options) { o.ReadOnly = true })
	ctx := context.Background()
	if _, err := c.CreateKey(ctx, PodScope("p"), "n", Unrestricted()); !errors.Is(err, ErrReadOnly) {
		t.Errorf("CreateKey: %v", err)
	}
	if err := c.DeleteKey(ctx, PodScope("p"), "k"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("DeleteKey: %v", err)
	}
	if _, err := c.CreatePod(ctx, "n", "c"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("CreatePod: %v", err)
	}
	if err := c.DeletePod(ctx, "p"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("DeletePod: %v", err)
	}
	if calls.Load() != 0 {
		t.Fatalf("read-only client sent %d requests", calls.Load())
	}
}

func TestPaginationGuardStopsRepeatedToken(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"count":1,"next_page_token":"same","api_keys":[{"api_key_id":"k","prefix":"am_x","name":"n","created_at":"2026-01-01T00:00:00Z"}]}`)
	}, nil)
	pages := 0
	err := c.EachKey(context.Background(), PodScope("p"), ListOptions{}, func(KeyPage) error { pages++; return nil })
	if !errors.Is(err, ErrPagination) {
		t.Fatalf("err = %v, want ErrPagination", err)
	}
	if pages > 3 {
		t.Fatalf("followed %d pages of a looping server", pages)
	}
}

func TestPaginationGuardStopsRunawayPages(t *testing.T) {
	g := PageGuard{Max: 10}
	var err error
	for i := 0; i < 20 && err == nil; i++ {
		err = g.Next(string(rune('a' + i)))
	}
	if !errors.Is(err, ErrPagination) {
		t.Fatalf("err = %v after 20 distinct pages with Max 10", err)
	}
}

func TestNonJSONAnswersGiveClearErrors(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
	}, nil)
	_, err := c.ListPods(context.Background(), ListOptions{})
	e, ok := AsError(err)
	if !ok || e.Status != 502 || !strings.Contains(e.Message, "Bad Gateway") {
		t.Fatalf("err = %#v", err)
	}
	c2, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"count":1,"pods":[{"pod_id":`)
	}, nil)
	if _, err := c2.ListPods(context.Background(), ListOptions{}); err == nil || !strings.Contains(err.Error(), "not the expected JSON") {
		t.Fatalf("truncated JSON: err = %v", err)
	}
}

func TestContextDeadlineCoversRetries(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		writeJSON(w, 503, `{"name":"Unavailable","message":"later"}`)
	}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListPods(ctx, ListOptions{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	// Loose, for a busy machine: the point is that the 30 s Retry-After
	// wait was cut short by the deadline.
	if el := time.Since(start); el > 20*time.Second {
		t.Fatalf("took %v despite a 200ms deadline", el)
	}
}

func TestErrorsNeverContainTheKey(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}, nil)
	ctx := context.Background()
	_, err1 := c.ListPods(ctx, ListOptions{})
	_, err2 := c.CreateKey(ctx, PodScope("p"), "n", Unrestricted())
	for _, err := range []error{err1, err2} {
		if err == nil || strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), "Bearer") {
			t.Fatalf("err = %v", err)
		}
	}
}
