package sandbox

import (
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// cutOffBound is how long a test waits for the server to close a
// connection it should close after a fraction of a second: generous, so
// that a busy machine cannot make the test fail.
const cutOffBound = 30 * time.Second

// A client holding a connection open, by trickling its request or by
// idling, is disconnected after the configured timeout.
func TestSlowClientsAreCutOff(t *testing.T) {
	const short = 300 * time.Millisecond
	cases := []struct {
		name     string
		timeouts Timeouts
		request  string // sent at once
		trickle  bool   // then one byte every 50 ms until the server hangs up
	}{
		{"headers trickled", Timeouts{ReadHeader: short}, "GET /v0/pods HTTP/1.1\r\nHost: sandbox\r\n", true},
		{"body trickled", Timeouts{Read: short},
			"POST /v0/api-keys HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer {admin}\r\n" +
				"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", true},
		{"idle after a request", Timeouts{Idle: short},
			"GET /v0/pods HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer {admin}\r\n\r\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := start(t, Options{Timeouts: c.timeouts})
			conn, err := net.Dial("tcp", strings.TrimPrefix(e.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, strings.ReplaceAll(c.request, "{admin}", e.admin)); err != nil {
				t.Fatal(err)
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			defer wg.Wait()
			defer close(stop)
			if c.trickle {
				wg.Go(func() { trickle(conn, stop) })
			}
			began := time.Now()
			_ = conn.SetReadDeadline(began.Add(cutOffBound))
			reply, err := io.ReadAll(conn) // returns when the server hangs up
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the server still held the connection after %v (timeouts %+v)", cutOffBound, c.timeouts)
			}
			t.Logf("closed after %v; reply %.60q", time.Since(began).Round(time.Millisecond), reply)
		})
	}
}

// trickle sends one byte every 50 ms until stopped or refused.
func trickle(conn net.Conn, stop <-chan struct{}) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if _, err := conn.Write([]byte("a")); err != nil {
				return
			}
		}
	}
}

// Injected latency longer than the read and write timeouts still gets its
// answer: the timeouts bound the client, not the sandbox's own sleep.
func TestLatencyOutlastsTimeouts(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Timeouts: Timeouts{Read: 2 * time.Second, Write: 2 * time.Second},
		Faults: Faults{Latency: 3 * time.Second}})
	e.do("GET", "/v0/pods", e.admin, nil).want(t, 200)
	e.do("POST", "/v0/api-keys", e.admin, map[string]any{"name": "slow"}).want(t, 200)
}

func TestTimeoutOptions(t *testing.T) {
	if got := (Timeouts{Read: time.Second}).withDefaults(); got != (Timeouts{ReadHeader: 10 * time.Second,
		Read: time.Second, Write: 60 * time.Second, Idle: 120 * time.Second}) {
		t.Fatalf("withDefaults: %+v", got)
	}
	_, err := New(Options{Timeouts: Timeouts{Idle: -time.Second}})
	if err == nil || !strings.Contains(err.Error(), "Timeouts.Idle") {
		t.Fatalf("a negative timeout: %v", err)
	}
}
