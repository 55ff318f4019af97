package ui

// The fault matrix seen from the dashboard: the real program (teatest) with
// a real client talking over loopback to a sandbox behind a switchable
// misbehaviour. For every fault the dashboard keeps answering keys while the
// request is pending, shows a clear error line with a way to retry, recovers
// with r once the fault is lifted, quits at once, and leaks no goroutine.

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

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"go.uber.org/goleak"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/ui/uitest"
)

// faultServer is a sandbox behind a switchable fault. While a fault is set,
// matching requests first wait at the gate (so that a test can act while a
// request is pending), then get the fault instead of the sandbox.
type faultServer struct {
	sb  *sandbox.Server
	srv *httptest.Server

	mu      sync.Mutex
	fault   http.HandlerFunc // nil: behave
	matches func(*http.Request) bool
	gate    chan struct{} // closed: open
	held    []net.Conn    // connections kept silent

	arrived   chan struct{} // a faulty request reached the server
	stop      chan struct{} // ends held connections and slow answers
	closeOnce sync.Once
}

func newFaultServer(t *testing.T) *faultServer {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{Seed: "empty", Now: func() time.Time { return uitest.Clock }})
	if err != nil {
		t.Fatal(err)
	}
	f := &faultServer{sb: sb, gate: make(chan struct{}), arrived: make(chan struct{}, 1), stop: make(chan struct{})}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.close) // in case the test stops early
	return f
}

func (f *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	fault, gate, matches := f.fault, f.gate, f.matches
	f.mu.Unlock()
	if fault == nil || !matches(r) {
		f.sb.ServeHTTP(w, r)
		return
	}
	select {
	case f.arrived <- struct{}{}:
	default:
	}
	select {
	case <-gate:
	case <-r.Context().Done():
		return
	}
	fault(w, r)
}

// setFault makes requests for which matches is true (nil: the pods
// listing) misbehave as fault does.
func (f *faultServer) setFault(fault http.HandlerFunc, matches func(*http.Request) bool) {
	if matches == nil {
		matches = func(r *http.Request) bool { return r.URL.Path == "/v0/pods" }
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault, f.matches = fault, matches
}

func (f *faultServer) openGate() { close(f.gate) }

// lift ends every fault, the sandbox's own included.
func (f *faultServer) lift() {
	f.sb.SetFaults(sandbox.Faults{})
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = nil
}

// close stops everything the server started; call it before goleak.
func (f *faultServer) close() {
	f.closeOnce.Do(func() {
		close(f.stop)
		f.srv.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, c := range f.held {
			c.Close()
		}
	})
}

// silent takes the connection and never writes a byte on it.
func (f *faultServer) silent(w http.ResponseWriter, r *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.held = append(f.held, conn)
}

// slowHeaders answers only once the client has given up.
func (f *faultServer) slowHeaders(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-f.stop:
	}
}

func answer(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func resetMidBody(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"count\":2,\"pods\":[{\"pod_id\":\"")
	_ = buf.Flush()
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
}

func oversized(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	chunk := []byte(strings.Repeat("x", 64<<10))
	for sent := 0; sent <= client.DefaultMaxBody; sent += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

const proxyPage = "<html><head><title>Bad gateway</title></head><body><h1>Proxy error</h1></body></html>"

// uiFault is one row of the matrix.
type uiFault struct {
	name    string
	sandbox sandbox.Faults                      // the sandbox's own faults
	serve   func(*faultServer) http.HandlerFunc // or a purpose-made one
	failPod int                                 // FailPod status on the keys screen
	says    string                              // in the error line
	// timesOut: the server never answers in time, so the client meets it
	// with the short faultTimeout; every other fault gets patientTimeout.
	timesOut bool
}

// Per-attempt timeouts. Only servers that never answer in time meet the
// short one, so a busy machine can neither make an answering server look
// silent (a 4 MiB body is slow under -race) nor a silent one answer.
const (
	faultTimeout   = 250 * time.Millisecond
	patientTimeout = time.Minute
)

func (fc uiFault) timeout() time.Duration {
	if fc.timesOut {
		return faultTimeout
	}
	return patientTimeout
}

// quitBound is the loose form of "q quits within a second": loose enough
// for a busy machine, and still far below the minute a pending request
// would take. Waits on the screen or on an event use uitest.Patience.
const quitBound = 10 * time.Second

func uiFaults() []uiFault {
	return []uiFault{
		{name: "429 storm", sandbox: sandbox.Faults{RateLimitRate: 1, RetryAfterSeconds: 1}, says: "429 Too Many Requests (rate_limit_exceeded)"},
		{name: "500", sandbox: sandbox.Faults{ErrorRate: 1}, says: "500 Internal Server Error (internal_error)"},
		{name: "502", serve: func(*faultServer) http.HandlerFunc {
			return answer(502, "application/json", `{"name":"BadGateway","message":"upstream down"}`)
		}, says: "502 Bad Gateway: upstream down"},
		{name: "503", serve: func(*faultServer) http.HandlerFunc {
			return answer(503, "application/json", `{"name":"Unavailable","message":"maintenance"}`)
		}, says: "503 Service Unavailable: maintenance"},
		{name: "dropped connection", sandbox: sandbox.Faults{DropRate: 1}, says: "GET /v0/pods: "},
		{name: "connection reset mid-body", serve: func(*faultServer) http.HandlerFunc { return resetMidBody }, says: "GET /v0/pods: "},
		{name: "truncated JSON", serve: func(*faultServer) http.HandlerFunc {
			return answer(200, "application/json", `{"count":2,"pods":[{"pod_id":"p1","na`)
		}, says: "not the expected JSON"},
		{name: "HTML page with 200", serve: func(*faultServer) http.HandlerFunc {
			return answer(200, "text/html", proxyPage)
		}, says: "not the expected JSON (<html>"},
		{name: "HTML page with 502", serve: func(*faultServer) http.HandlerFunc {
			return answer(502, "text/html", proxyPage)
		}, says: "502 Bad Gateway: unexpected answer: <html>"},
		{name: "oversized body", serve: func(*faultServer) http.HandlerFunc { return oversized }, says: "exceeds the size limit"},
		{name: "slow headers", serve: func(f *faultServer) http.HandlerFunc { return f.slowHeaders }, says: "no answer within the timeout", timesOut: true},
		{name: "sandbox latency", sandbox: sandbox.Faults{Latency: time.Hour}, says: "no answer within the timeout", timesOut: true},
		{name: "never answers", serve: func(f *faultServer) http.HandlerFunc { return f.silent }, says: "no answer within the timeout", timesOut: true},
		{name: "failed pod", failPod: 503, says: "loading keys: 503 Service Unavailable"},
	}
}

// watchedAPI is the real client, with word of each ListPods return, so a
// test can see that a pending request's goroutine ended. While the fault
// is on, listings go through faulty (whose timeout suits the fault); once
// it is lifted, through the embedded patient client, so that the recovery
// never depends on how fast the machine answers.
type watchedAPI struct {
	*client.Client
	faulty   *client.Client
	lifted   *atomic.Bool
	returned chan error
}

func (w watchedAPI) lister() *client.Client {
	if w.lifted.Load() {
		return w.Client
	}
	return w.faulty
}

func (w watchedAPI) ListPods(ctx context.Context, o client.ListOptions) (client.PodPage, error) {
	page, err := w.lister().ListPods(ctx, o)
	select {
	case w.returned <- err:
	default:
	}
	return page, err
}

func (w watchedAPI) ListKeys(ctx context.Context, scope client.Scope, o client.ListOptions) (client.KeyPage, error) {
	return w.lister().ListKeys(ctx, scope, o)
}

// faultRig is the program under test and what it talks to.
type faultRig struct {
	tm      *teatest.TestModel
	f       *faultServer
	api     watchedAPI
	cancel  context.CancelFunc
	tr      *http.Transport
	waiting chan time.Duration // the client is about to wait before a retry
}

// startFaultRig opens the dashboard on f with a client whose attempts time
// out after timeout while the fault is on (patientTimeout once lifted).
func startFaultRig(t *testing.T, f *faultServer, timeout time.Duration, attempts int) *faultRig {
	t.Helper()
	rig := &faultRig{f: f, tr: &http.Transport{}, waiting: make(chan time.Duration, 8)}
	newClient := func(timeout time.Duration) *client.Client {
		c, err := client.New(client.Options{
			BaseURL:     f.srv.URL,
			APIKey:      f.sb.AdminKey(),
			Timeout:     timeout,
			MaxAttempts: attempts,
			Backoff:     5 * time.Millisecond,
			HTTPClient:  &http.Client{Transport: rig.tr},
			OnRetry: func(wait time.Duration, status int) {
				select {
				case rig.waiting <- wait:
				default:
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	rig.api = watchedAPI{Client: newClient(patientTimeout), faulty: newClient(timeout), lifted: &atomic.Bool{}, returned: make(chan error, 16)}
	common := uitest.NewCommon(t, rig.api)
	ctx, cancel := context.WithCancel(context.Background())
	common.Ctx, rig.cancel = ctx, cancel
	t.Cleanup(cancel)
	rig.tm = teatest.NewTestModel(t, New(common, cancel), teatest.WithInitialTermSize(160, 30))
	return rig
}

// lift ends the fault and lets the patient client take over.
func (r *faultRig) lift() {
	r.f.lift()
	r.api.lifted.Store(true)
}

// teardown quits (if still running), stops the server and closes idle
// connections, so that goleak sees only what leaked.
func (r *faultRig) teardown(t *testing.T) {
	t.Helper()
	r.tm.Send(tea.Quit())
	r.tm.WaitFinished(t, teatest.WithFinalTimeout(quitBound))
	r.cancel()
	r.f.close()
	r.tr.CloseIdleConnections()
}

// faultWait waits until the screen, stripped of styling, has shown every
// one of want since the last wait.
func faultWait(t *testing.T, tm *teatest.TestModel, d time.Duration, want ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(out []byte) bool {
		plain := ansi.Strip(string(out))
		for _, w := range want {
			if !strings.Contains(plain, w) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(d), teatest.WithCheckInterval(10*time.Millisecond))
}

func waitSignal[T any](t *testing.T, ch <-chan T, what string, d time.Duration) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("timed out after %v waiting for %s", d, what)
	}
	var zero T
	return zero
}

// teatest's signal watcher lives as long as the test binary.
var teatestGoroutine = goleak.IgnoreAnyFunction("github.com/charmbracelet/x/exp/teatest.NewTestModel.func2")

func TestFaultMatrixDashboard(t *testing.T) {
	for _, fc := range uiFaults() {
		t.Run(fc.name, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			f := newFaultServer(t)
			f.sb.AddPod("Globex Fault Pod", "globex")
			acme := f.sb.AddPod("Acme Fault Pod", "acme") // newest: the first row
			f.sb.AddKey(acme.ID, "ci-reader", client.Restricted("inbox_read"), time.Time{})

			onKeys := fc.failPod != 0
			if onKeys {
				f.setFault(f.sb.ServeHTTP, func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/v0/pods/") })
			} else if fc.serve != nil {
				f.setFault(fc.serve(f), nil)
			} else {
				f.setFault(f.sb.ServeHTTP, nil)
			}
			f.sb.SetFaults(fc.sandbox)
			rig := startFaultRig(t, f, fc.timeout(), 2)

			if onKeys {
				faultWait(t, rig.tm, uitest.Patience, "Acme Fault Pod", "2 pods")
				f.sb.FailPod(acme.ID, fc.failPod)
				rig.tm.Send(uitest.Key("enter"))
			}
			waitSignal(t, f.arrived, "the request to reach the server", uitest.Patience)

			// Pending: the dashboard still answers keys.
			rig.tm.Send(uitest.Key("?"))
			faultWait(t, rig.tm, uitest.Patience, "Keys on this screen")
			rig.tm.Send(uitest.Key("x")) // any key closes help

			// The fault strikes: a clear error line and a way to retry.
			f.openGate()
			noun := "pods"
			if onKeys {
				noun = "keys"
			}
			faultWait(t, rig.tm, uitest.Patience, "✗ loading "+noun+": ", fc.says, "loading stopped (r to retry)")

			// Lifted, r retries and succeeds.
			rig.lift()
			f.sb.FailPod(acme.ID, 0)
			rig.tm.Send(uitest.Key("r"))
			if onKeys {
				faultWait(t, rig.tm, uitest.Patience, "ci-reader", "1 key")
			} else {
				faultWait(t, rig.tm, uitest.Patience, "Acme Fault Pod", "Globex Fault Pod", "2 pods")
			}

			start := time.Now()
			rig.tm.Send(uitest.Key("q"))
			rig.tm.WaitFinished(t, teatest.WithFinalTimeout(quitBound))
			if el := time.Since(start); el > quitBound {
				t.Errorf("quit took %v", el)
			}
			rig.teardown(t)
			goleak.VerifyNone(t, before, teatestGoroutine)
		})
	}
}

// TestFaultQuitWhilePending quits while a request hangs or while the
// client waits out a long Retry-After: the program must end at once (the
// user expects well under a second; the test's bound is loose for a busy
// machine, and far below the minute the request would otherwise take) and
// so must the request's goroutine.
func TestFaultQuitWhilePending(t *testing.T) {
	cases := []struct {
		name  string
		serve func(*faultServer) http.HandlerFunc
		key   string
		retry bool // pending in a Retry-After wait, not in a request
	}{
		{name: "never answers, q", serve: func(f *faultServer) http.HandlerFunc { return f.silent }, key: "q"},
		{name: "slow headers, ctrl+c", serve: func(f *faultServer) http.HandlerFunc { return f.slowHeaders }, key: "ctrl+c"},
		{name: "Retry-After wait, q", serve: retryAfter30, key: "q", retry: true},
		{name: "Retry-After wait, ctrl+c", serve: retryAfter30, key: "ctrl+c", retry: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			f := newFaultServer(t)
			f.setFault(tc.serve(f), nil)
			f.openGate()
			rig := startFaultRig(t, f, patientTimeout, 3)
			waitSignal(t, f.arrived, "the request to reach the server", uitest.Patience)
			if tc.retry {
				if wait := waitSignal(t, rig.waiting, "the client to wait before a retry", uitest.Patience); wait != 30*time.Second {
					t.Fatalf("the client waits %v, want the server's 30s", wait)
				}
			}
			rig.tm.Send(uitest.Key("?")) // still answering
			faultWait(t, rig.tm, uitest.Patience, "Keys on this screen")

			start := time.Now()
			rig.tm.Send(uitest.Key(tc.key))
			rig.tm.WaitFinished(t, teatest.WithFinalTimeout(quitBound))
			err := waitSignal(t, rig.api.returned, "the pending request to end", quitBound-time.Since(start))
			if el := time.Since(start); el > quitBound {
				t.Errorf("quit and cancel took %v", el)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("the pending request ended with %v, want context.Canceled", err)
			}
			rig.teardown(t)
			goleak.VerifyNone(t, before, teatestGoroutine)
		})
	}
}

func retryAfter30(*faultServer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		answer(429, "application/json", `{"name":"RateLimitError","code":"rate_limited","message":"slow down"}`)(w, r)
	}
}
