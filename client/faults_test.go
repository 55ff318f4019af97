package client_test

// The fault matrix: every way a server or the network can misbehave that
// amkeys is known to meet, against the real client over loopback HTTP.
// Each case states how many times the request may reach the server (GET is
// retried on transport failures, 429 and 502-504; POST never is) and what
// the error must say. No error may carry the API key.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
)

const faultKey = "am_faultMatrixKey_3f9c1d2e7b"

// Two per-attempt timeouts, so that no case depends on the machine's speed.
// faultTimeout is short and only meets servers that never answer within
// the test (slow headers, silence, a latency of minutes): whatever the
// load, they time out, and in a fraction of a second. patientTimeout is for
// every server that does answer (a 4 MiB body included): it must never be
// what ends a request, even on a machine loaded ten times over.
const (
	faultTimeout   = 150 * time.Millisecond
	patientTimeout = time.Minute
)

// neverInTime is how long the "slow" servers hold their answer: far longer
// than faultTimeout, so the client's timeout always strikes first.
const neverInTime = 10 * time.Minute

// waitLog records the client's waits between attempts instead of sleeping.
type waitLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (l *waitLog) sleep(ctx context.Context, d time.Duration) error {
	l.mu.Lock()
	l.waits = append(l.waits, d)
	l.mu.Unlock()
	return ctx.Err()
}

func (l *waitLog) all() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Duration(nil), l.waits...)
}

// faultClient is a client of baseURL with the test key, the given
// per-attempt timeout and recorded (not slept) waits.
func faultClient(t *testing.T, baseURL string, timeout time.Duration) (*client.Client, *waitLog) {
	t.Helper()
	log := &waitLog{}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := client.New(client.Options{
		BaseURL:    baseURL,
		APIKey:     faultKey,
		Timeout:    timeout,
		Backoff:    time.Millisecond,
		Sleep:      log.sleep,
		HTTPClient: &http.Client{Transport: tr},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, log
}

// checkFaultError asserts that err exists, says each of want, and holds
// neither the key nor the Authorization header.
func checkFaultError(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not say %q", msg, w)
		}
	}
	for _, secret := range []string{faultKey, faultKey[8:], "Bearer"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q leaks %q", msg, secret)
		}
	}
}

// faultHandler is a purpose-made misbehaving server.
type faultHandler struct {
	name string
	// serve misbehaves; the test server counts requests around it.
	serve http.HandlerFunc
	// getTries is how many times a GET must reach the server (3 = retried
	// to the limit, 1 = not retried).
	getTries int
	// getSays and postSays are fragments the errors must contain.
	getSays, postSays []string
	// postUnknown: the POST may have taken effect, so its error must wrap
	// ErrOutcomeUnknown; otherwise it must not.
	postUnknown bool
	// timesOut: the server never answers in time, so the case runs with
	// the short faultTimeout; every other case gets patientTimeout.
	timesOut bool
}

// timeout is the per-attempt timeout the case runs with.
func (fc faultHandler) timeout() time.Duration {
	if fc.timesOut {
		return faultTimeout
	}
	return patientTimeout
}

func jsonAnswer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func htmlAnswer(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><title>%d</title></head><body><h1>Proxy error</h1>"+
			"<p>The upstream server did not answer.</p></body></html>\n", status)
	}
}

// resetMidBody promises 4 KiB, sends half of it and closes the connection.
func resetMidBody(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	half := `{"count":1,"pods":[{"pod_id":"` + strings.Repeat("p", 2000)
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n%s", half)
	_ = buf.Flush()
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // a real reset (RST), not a polite close
	}
}

// slowHeaders answers only long after the client's timeout (in practice
// never: the client hangs up first).
func slowHeaders(w http.ResponseWriter, r *http.Request) {
	// Reading the body lets net/http notice when the client hangs up.
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-time.After(neverInTime):
		jsonAnswer(200, `{"count":0,"pods":[]}`)(w, r)
	case <-r.Context().Done():
	}
}

func faultHandlers() []faultHandler {
	const apiError = `{"name":"%s","code":"%s","message":"%s"}`
	return []faultHandler{
		{
			name: "429 storm",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "2")
				jsonAnswer(429, fmt.Sprintf(apiError, "RateLimitError", "rate_limited", "Too many requests"))(w, r)
			},
			getTries: 3,
			getSays:  []string{"429 Too Many Requests", "rate_limited", "Too many requests"},
			postSays: []string{"429 Too Many Requests", "rate_limited"},
		},
		{
			name:        "500",
			serve:       jsonAnswer(500, fmt.Sprintf(apiError, "InternalServerError", "internal_error", "boom")),
			getTries:    1,
			getSays:     []string{"500 Internal Server Error", "boom"},
			postSays:    []string{"500 Internal Server Error", "outcome unknown"},
			postUnknown: true,
		},
		{
			name:        "502",
			serve:       jsonAnswer(502, fmt.Sprintf(apiError, "BadGateway", "bad_gateway", "upstream down")),
			getTries:    3,
			getSays:     []string{"502 Bad Gateway", "upstream down"},
			postSays:    []string{"502 Bad Gateway", "outcome unknown"},
			postUnknown: true,
		},
		{
			name:        "503",
			serve:       jsonAnswer(503, fmt.Sprintf(apiError, "ServiceUnavailable", "unavailable", "maintenance")),
			getTries:    3,
			getSays:     []string{"503 Service Unavailable", "maintenance"},
			postSays:    []string{"503 Service Unavailable", "outcome unknown"},
			postUnknown: true,
		},
		{
			name:        "connection reset mid-body",
			serve:       resetMidBody,
			getTries:    3,
			getSays:     []string{"GET /v0/pods"},
			postSays:    []string{"POST /v0/pods/pod1/api-keys", "outcome unknown"},
			postUnknown: true,
		},
		{
			name:        "truncated JSON",
			serve:       jsonAnswer(200, `{"count":1,"pods":[{"pod_id":"p1","name":"Acme`),
			getTries:    1,
			getSays:     []string{"not the expected JSON"},
			postSays:    []string{"not the expected JSON", "outcome unknown"},
			postUnknown: true,
		},
		{
			name:        "HTML page with 200",
			serve:       htmlAnswer(200),
			getTries:    1,
			getSays:     []string{"not the expected JSON", "<!DOCTYPE html>"},
			postSays:    []string{"not the expected JSON", "outcome unknown"},
			postUnknown: true,
		},
		{
			name:        "HTML page with 502",
			serve:       htmlAnswer(502),
			getTries:    3,
			getSays:     []string{"502 Bad Gateway", "unexpected answer", "Proxy error"},
			postSays:    []string{"502 Bad Gateway", "outcome unknown"},
			postUnknown: true,
		},
		{
			name: "oversized body",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				chunk := []byte(strings.Repeat("x", 64<<10))
				_, _ = w.Write([]byte(`{"count":1,"pods":[{"name":"`))
				for sent := 0; sent <= client.DefaultMaxBody; sent += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return // the client stopped reading: fine
					}
				}
			},
			getTries:    1,
			getSays:     []string{"exceeds the size limit", "4 MiB"},
			postSays:    []string{"exceeds the size limit", "outcome unknown"},
			postUnknown: true,
		},
		{
			name:        "slow headers",
			serve:       slowHeaders,
			getTries:    3,
			getSays:     []string{"GET /v0/pods", "no answer within the timeout"},
			postSays:    []string{"POST /v0/pods/pod1/api-keys", "no answer within the timeout", "outcome unknown"},
			postUnknown: true,
			timesOut:    true,
		},
	}
}

// startFaultHandler serves h on loopback and counts the requests it gets.
func startFaultHandler(t *testing.T, h http.HandlerFunc) (string, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

func TestFaultMatrixGET(t *testing.T) {
	for _, fc := range faultHandlers() {
		t.Run(fc.name, func(t *testing.T) {
			url, hits := startFaultHandler(t, fc.serve)
			c, waits := faultClient(t, url, fc.timeout())
			_, err := c.ListPods(context.Background(), client.ListOptions{})
			checkFaultError(t, err, fc.getSays...)
			if got := int(hits.Load()); got != fc.getTries {
				t.Errorf("GET reached the server %d times, want %d", got, fc.getTries)
			}
			// The waits were recorded, not slept: no case waits for real.
			if got := len(waits.all()); got != fc.getTries-1 {
				t.Errorf("waited %d times before retrying, want %d", got, fc.getTries-1)
			}
		})
	}
}

func TestFaultMatrixPOSTIsNeverRetried(t *testing.T) {
	for _, fc := range faultHandlers() {
		t.Run(fc.name, func(t *testing.T) {
			url, hits := startFaultHandler(t, fc.serve)
			c, waits := faultClient(t, url, fc.timeout())
			_, err := c.CreateKey(context.Background(), client.PodScope("pod1"), "ci", client.Restricted("inbox_read"))
			checkFaultError(t, err, fc.postSays...)
			if op := "POST /v0/pods/pod1/api-keys"; strings.Count(err.Error(), op) > 1 {
				t.Errorf("error %q repeats %q", err, op)
			}
			if got := hits.Load(); got != 1 {
				t.Errorf("POST reached the server %d times, want exactly 1", got)
			}
			if len(waits.all()) != 0 {
				t.Errorf("the client waited to retry a POST: %v", waits.all())
			}
			if unknown := errors.Is(err, client.ErrOutcomeUnknown); unknown != fc.postUnknown {
				t.Errorf("errors.Is(err, ErrOutcomeUnknown) = %v, want %v (err: %v)", unknown, fc.postUnknown, err)
			}
		})
	}
}

func TestFaultRetryAfterIsWhatTheStormAsked(t *testing.T) {
	url, _ := startFaultHandler(t, faultHandlers()[0].serve) // 429 storm, Retry-After: 2
	c, waits := faultClient(t, url, patientTimeout)
	_, err := c.ListPods(context.Background(), client.ListOptions{})
	checkFaultError(t, err, "429")
	for _, w := range waits.all() {
		if w != 2*time.Second {
			t.Errorf("waited %v, want the server's Retry-After of 2s", w)
		}
	}
}

// silentListener accepts TCP connections and never writes a byte.
func silentListener(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int32
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), &accepted
}

func TestFaultServerNeverAnswers(t *testing.T) {
	url, accepted := silentListener(t)
	c, _ := faultClient(t, url, faultTimeout)
	start := time.Now()
	_, err := c.ListPods(context.Background(), client.ListOptions{})
	checkFaultError(t, err, "GET /v0/pods", "no answer within the timeout")
	if got := accepted.Load(); got != 3 {
		t.Errorf("GET connected %d times, want 3", got)
	}
	// A loose bound, so that a busy machine cannot fail it: it only shows
	// that the configured timeout, not the 15 s default, ended the attempts.
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("GET took %v with a %v timeout per attempt", el, faultTimeout)
	}

	url, accepted = silentListener(t)
	c, _ = faultClient(t, url, faultTimeout)
	_, err = c.CreateKey(context.Background(), client.PodScope("pod1"), "ci", client.Unrestricted())
	checkFaultError(t, err, "no answer within the timeout")
	if !errors.Is(err, client.ErrOutcomeUnknown) {
		t.Errorf("err = %v, want ErrOutcomeUnknown: the request was sent", err)
	}
	if got := accepted.Load(); got != 1 {
		t.Errorf("POST connected %d times, want 1", got)
	}
}

func TestFaultServerNeverAnswersCancel(t *testing.T) {
	url, accepted := silentListener(t)
	c, err := client.New(client.Options{BaseURL: url, APIKey: faultKey, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.ListPods(ctx, client.ListOptions{})
		done <- err
	}()
	// Cancel once the request is on the wire, not before.
	waitFor(t, "the client to connect", func() bool { return accepted.Load() > 0 })
	cancel()
	// The user expects this at once; the bound is loose for a busy machine
	// and still far below the one-minute timeout that would end it otherwise.
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		checkFaultError(t, err, "GET /v0/pods")
	case <-time.After(10 * time.Second):
		t.Fatal("cancelling did not end a request to a silent server within 10s")
	}
}

// waitFor polls cond until it holds; the bound only stops a broken test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// faultSandbox runs an empty sandbox with the test's admin key, one pod,
// and the given faults.
func faultSandbox(t *testing.T, f sandbox.Faults) (*sandbox.Running, client.Pod) {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Options{Seed: "empty", AdminKey: faultKey, Faults: f}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, srv.AddPod("Acme", "acme")
}

func TestFaultSandboxRateLimit(t *testing.T) {
	srv, pod := faultSandbox(t, sandbox.Faults{RateLimitRate: 1, RetryAfterSeconds: 3})
	c, waits := faultClient(t, srv.URL, patientTimeout)
	_, err := c.ListPods(context.Background(), client.ListOptions{})
	checkFaultError(t, err, "429", "rate_limit_exceeded")
	if client.Code(err) != client.CodeRateLimited {
		t.Errorf("code %q", client.Code(err))
	}
	if n := srv.RequestCount("GET", "/v0/pods"); n != 3 {
		t.Errorf("GET reached the sandbox %d times, want 3", n)
	}
	if w := waits.all(); len(w) != 2 || w[0] != 3*time.Second || w[1] != 3*time.Second {
		t.Errorf("waits %v, want [3s 3s] from Retry-After", w)
	}

	_, err = c.CreateKey(context.Background(), client.PodScope(pod.ID), "ci", client.Unrestricted())
	checkFaultError(t, err, "429")
	if errors.Is(err, client.ErrOutcomeUnknown) {
		t.Error("a 429 comes before the work: the outcome is known")
	}
	if n := srv.RequestCount("POST", ""); n != 1 {
		t.Errorf("POST reached the sandbox %d times, want 1", n)
	}
	srv.SetFaults(sandbox.Faults{})
	page, err := c.ListKeys(context.Background(), client.PodScope(pod.ID), client.ListOptions{})
	if err != nil || len(page.Keys) != 0 {
		t.Fatalf("after the storm: %d keys, err %v; want none created", len(page.Keys), err)
	}
}

// A partial storm: with half the requests rate limited, every GET either
// succeeds within its retries or fails with the 429 after exactly three
// attempts; the dice are seeded, so the run is the same every time.
func TestFaultSandboxPartialStorm(t *testing.T) {
	srv, _ := faultSandbox(t, sandbox.Faults{RateLimitRate: 0.5, Seed: 7})
	c, _ := faultClient(t, srv.URL, patientTimeout)
	ok, failed := 0, 0
	for i := 0; i < 40; i++ {
		before := srv.RequestCount("GET", "/v0/pods")
		_, err := c.ListPods(context.Background(), client.ListOptions{})
		tries := srv.RequestCount("GET", "/v0/pods") - before
		if err != nil {
			checkFaultError(t, err, "429")
			if tries != 3 {
				t.Fatalf("call %d failed after %d tries, want 3", i, tries)
			}
			failed++
			continue
		}
		ok++
	}
	if ok < 30 || failed == 0 {
		t.Errorf("%d ok, %d failed: retries should carry most calls through half a storm", ok, failed)
	}
}

func TestFaultSandboxErrors(t *testing.T) {
	srv, pod := faultSandbox(t, sandbox.Faults{ErrorRate: 1})
	c, _ := faultClient(t, srv.URL, patientTimeout)
	_, err := c.ListPods(context.Background(), client.ListOptions{})
	checkFaultError(t, err, "500", "internal_error", "injected by the sandbox")
	if n := srv.RequestCount("GET", "/v0/pods"); n != 1 {
		t.Errorf("a 500 was retried: %d GETs", n)
	}
	_, err = c.CreateKey(context.Background(), client.PodScope(pod.ID), "ci", client.Unrestricted())
	checkFaultError(t, err, "500")
	if !errors.Is(err, client.ErrOutcomeUnknown) {
		t.Errorf("a POST answered 500 must be an unknown outcome: %v", err)
	}
	if n := srv.RequestCount("POST", ""); n != 1 {
		t.Errorf("POST reached the sandbox %d times", n)
	}
}

// With AfterEffect the key is created and then the answer is lost: the
// client must say it does not know, and indeed the key exists.
func TestFaultSandboxLostAnswerAfterEffect(t *testing.T) {
	for _, f := range []sandbox.Faults{{ErrorRate: 1, AfterEffect: true}, {DropRate: 1, AfterEffect: true}} {
		srv, pod := faultSandbox(t, f)
		c, _ := faultClient(t, srv.URL, patientTimeout)
		_, err := c.CreateKey(context.Background(), client.PodScope(pod.ID), "lost", client.Unrestricted())
		checkFaultError(t, err, "outcome unknown")
		if !errors.Is(err, client.ErrOutcomeUnknown) {
			t.Fatalf("%+v: err = %v, want ErrOutcomeUnknown", f, err)
		}
		srv.SetFaults(sandbox.Faults{})
		page, err := c.ListKeys(context.Background(), client.PodScope(pod.ID), client.ListOptions{})
		if err != nil || len(page.Keys) != 1 || page.Keys[0].Name != "lost" {
			t.Fatalf("%+v: after the lost answer: %+v, %v; want the key to exist", f, page.Keys, err)
		}
	}
}

func TestFaultSandboxDrop(t *testing.T) {
	srv, pod := faultSandbox(t, sandbox.Faults{DropRate: 1})
	c, _ := faultClient(t, srv.URL, patientTimeout)
	_, err := c.ListPods(context.Background(), client.ListOptions{})
	checkFaultError(t, err, "GET /v0/pods")
	var te *client.TransportError
	if !errors.As(err, &te) {
		t.Errorf("err = %T %v, want a TransportError", err, err)
	}
	if n := srv.RequestCount("GET", "/v0/pods"); n != 3 {
		t.Errorf("GET reached the sandbox %d times, want 3", n)
	}
	_, err = c.CreateKey(context.Background(), client.PodScope(pod.ID), "ci", client.Unrestricted())
	checkFaultError(t, err, "outcome unknown")
	if n := srv.RequestCount("POST", ""); n != 1 {
		t.Errorf("POST reached the sandbox %d times, want 1", n)
	}
	srv.SetFaults(sandbox.Faults{})
	if page, err := c.ListKeys(context.Background(), client.PodScope(pod.ID), client.ListOptions{}); err != nil || len(page.Keys) != 0 {
		t.Fatalf("a dropped POST (before effect) created %d keys, err %v", len(page.Keys), err)
	}
}

func TestFaultSandboxLatency(t *testing.T) {
	srv, _ := faultSandbox(t, sandbox.Faults{Latency: 20 * time.Millisecond})
	c, _ := faultClient(t, srv.URL, patientTimeout)
	if _, err := c.ListPods(context.Background(), client.ListOptions{}); err != nil {
		t.Fatalf("latency under the timeout: %v", err)
	}
	// Over the timeout: a latency of minutes, which the sandbox gives up
	// as soon as the client hangs up.
	srv.SetFaults(sandbox.Faults{Latency: neverInTime})
	c, _ = faultClient(t, srv.URL, faultTimeout)
	before := srv.RequestCount("GET", "/v0/pods")
	_, err := c.ListPods(context.Background(), client.ListOptions{})
	checkFaultError(t, err, "no answer within the timeout")
	if n := srv.RequestCount("GET", "/v0/pods") - before; n != 3 {
		t.Errorf("GET reached the sandbox %d times, want 3", n)
	}
}

func TestFaultSandboxFailPod(t *testing.T) {
	srv, pod := faultSandbox(t, sandbox.Faults{})
	other := srv.AddPod("Other", "other")
	c, _ := faultClient(t, srv.URL, patientTimeout)
	ctx := context.Background()

	srv.FailPod(pod.ID, 503)
	_, err := c.ListKeys(ctx, client.PodScope(pod.ID), client.ListOptions{})
	checkFaultError(t, err, "503 Service Unavailable")
	if n := srv.RequestCount("GET", "/v0/pods/"+pod.ID); n != 3 {
		t.Errorf("GET reached the failed pod %d times, want 3", n)
	}
	if _, err := c.ListKeys(ctx, client.PodScope(other.ID), client.ListOptions{}); err != nil {
		t.Errorf("another pod failed too: %v", err)
	}
	_, err = c.CreateKey(ctx, client.PodScope(pod.ID), "ci", client.Unrestricted())
	if !errors.Is(err, client.ErrOutcomeUnknown) {
		t.Errorf("POST answered 503: %v, want ErrOutcomeUnknown", err)
	}

	srv.FailPod(pod.ID, 404)
	before := srv.RequestCount("GET", "/v0/pods/"+pod.ID)
	_, err = c.ListKeys(ctx, client.PodScope(pod.ID), client.ListOptions{})
	if !client.IsNotFound(err) {
		t.Errorf("err = %v, want a 404", err)
	}
	if n := srv.RequestCount("GET", "/v0/pods/"+pod.ID) - before; n != 1 {
		t.Errorf("a 404 was retried: %d GETs", n)
	}

	srv.FailPod(pod.ID, 0)
	if _, err := c.ListKeys(ctx, client.PodScope(pod.ID), client.ListOptions{}); err != nil {
		t.Fatalf("after clearing FailPod: %v", err)
	}
}
