package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// mainRun is `amkeys sandbox` running in a goroutine.
type mainRun struct {
	lines  []string // the first two stdout lines
	stderr *lockedBuffer
	stop   func() int
}

func runMain(t *testing.T, args ...string) *mainRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		code := Main(ctx, args, pw, stderr)
		pw.Close()
		done <- code
	}()
	sc := bufio.NewScanner(pr)
	var lines []string
	for len(lines) < 2 && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	drained := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, pr); close(drained) }()
	code, stopped := 0, false
	stop := func() int {
		if !stopped {
			cancel()
			code, stopped = <-done, true
			<-drained
		}
		return code
	}
	t.Cleanup(func() { stop() })
	if len(lines) < 2 {
		t.Fatalf("Main printed %q, exit %d, stderr %s", lines, stop(), stderr.String())
	}
	return &mainRun{lines: lines, stderr: stderr, stop: stop}
}

var baseURLLine = regexp.MustCompile(`^AGENTMAIL_BASE_URL=(http://127\.0\.0\.1:\d+)$`)

func get(t *testing.T, url, key string) int {
	t.Helper()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := (&http.Client{Transport: transport}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestMainPrintsBaseURLAndKey(t *testing.T) {
	const key = "am_main_test_admin_key_0123456789"
	m := runMain(t, "--listen", "127.0.0.1:0", "--admin-key", key)
	match := baseURLLine.FindStringSubmatch(m.lines[0])
	if match == nil || m.lines[1] != "AGENTMAIL_API_KEY="+key {
		t.Fatalf("stdout lines %q", m.lines)
	}
	if got := get(t, match[1]+"/v0/pods", key); got != 200 {
		t.Fatalf("GET /v0/pods with the printed key: %d", got)
	}
	if code := m.stop(); code != 0 {
		t.Fatalf("exit %d after cancel", code)
	}
	logs := m.stderr.String()
	if !strings.Contains(logs, "GET /v0/pods 200 am_main_") {
		t.Fatalf("request not logged with the key prefix: %s", logs)
	}
	if strings.Contains(logs, key) {
		t.Fatal("the log holds the admin key")
	}
}

func TestMainGeneratesKeyAndRemembersState(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	m := runMain(t, "--listen", "127.0.0.1:0", "--seed", "empty", "--state", state)
	key, ok := strings.CutPrefix(m.lines[1], "AGENTMAIL_API_KEY=")
	if !ok || !secretFormat.MatchString(key) {
		t.Fatalf("key line %q", m.lines[1])
	}
	url := baseURLLine.FindStringSubmatch(m.lines[0])[1]
	if got := get(t, url+"/v0/pods", key); got != 200 {
		t.Fatalf("generated key: %d", got)
	}
	m.stop()
	if strings.Contains(m.stderr.String(), key) {
		t.Fatal("the log holds the admin key")
	}

	m2 := runMain(t, "--listen", "127.0.0.1:0", "--state", state)
	if want := "# AGENTMAIL_API_KEY: use the admin key printed when " + state + " was created"; m2.lines[1] != want {
		t.Fatalf("second run printed %q, want %q", m2.lines[1], want)
	}
	if !strings.Contains(m2.stderr.String(), "admin key printed when it was created") {
		t.Fatalf("stderr does not explain the missing key: %s", m2.stderr.String())
	}
	url = baseURLLine.FindStringSubmatch(m2.lines[0])[1]
	if got := get(t, url+"/v0/pods", key); got != 200 {
		t.Fatalf("the first run's key after a restart: %d", got)
	}
}

func TestMainRefusesRemoteListen(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "sandbox.example.invalid:0", "192.0.2.1:8025"} {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), []string{"--listen", addr}, &stdout, &stderr)
		if code != 2 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "--allow-remote") {
			t.Fatalf("--listen %s: exit %d, stdout %q, stderr %q", addr, code, stdout.String(), stderr.String())
		}
	}
	for addr, want := range map[string]bool{"127.0.0.1:1": true, "[::1]:1": true, "localhost:1": true, "127.9.9.9:1": true,
		"0.0.0.0:1": false, ":1": false, "[::]:1": false, "example.invalid:1": false} {
		if got, err := isLoopback(addr); err != nil || got != want {
			t.Fatalf("isLoopback(%q) = %v, %v", addr, got, err)
		}
	}
}

func TestMainBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--nope"}, {"--seed", "bogus"}, {"--error-rate", "2"}, {"--drop-rate", "-0.1"}, {"--rate-limit", "x"},
		{"--latency", "-1s"}, {"--latency", "soon"}, {"--admin-key", "sk_live_0123456789"}, {"extra"},
		{"--listen", "no-port"},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), args, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), "Usage: amkeys sandbox") || stdout.Len() != 0 {
			t.Fatalf("%q: exit %d, stderr %q", args, code, stderr.String())
		}
	}
	for _, h := range []string{"-h", "--help"} {
		var stdout, stderr bytes.Buffer
		if code := Main(context.Background(), []string{h}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "--allow-remote") {
			t.Fatalf("%s: exit %d, stdout %q", h, code, stdout.String())
		}
	}
}

func TestMainCorruptStateExitsOne(t *testing.T) {
	state := filepath.Join(t.TempDir(), "broken.json")
	if err := writeFileAtomic(state, []byte("{")); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"--listen", "127.0.0.1:0", "--state", state}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), state) || stdout.Len() != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}
