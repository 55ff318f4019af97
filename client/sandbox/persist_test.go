package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitUntil polls cond until it holds, failing after a generous bound.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s after 30 s", what)
		}
	}
}

// stateHolds reads the state file and reports whether it lists the pod.
func stateHolds(path, podID string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var f stateFile
	if json.Unmarshal(data, &f) != nil {
		return false
	}
	for _, p := range f.Pods {
		if p.ID == podID {
			return true
		}
	}
	return false
}

// Changes made while a write is under way are written together by one
// more write, and nobody returns before its change is in the file.
func TestOneWriteCoversABurst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, err := New(Options{StatePath: path, Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	write := s.saves.write
	entered, release := make(chan struct{}), make(chan struct{})
	var writes atomic.Int64
	s.saves.write = func() error {
		if writes.Add(1) == 1 {
			close(entered)
			<-release // hold the first write until the burst is waiting
		}
		return write()
	}
	changesBefore := s.saves.changed

	const burst = 50
	var wg sync.WaitGroup
	var notDurable atomic.Int64
	addPod := func(name string) {
		id := s.AddPod(name, "").ID
		if !stateHolds(path, id) {
			notDurable.Add(1)
		}
	}
	wg.Go(func() { addPod("first") })
	<-entered
	for i := range burst {
		wg.Go(func() { addPod(fmt.Sprintf("burst %d", i)) })
	}
	waitUntil(t, "the burst to record its changes", func() bool {
		s.saves.mu.Lock()
		defer s.saves.mu.Unlock()
		return s.saves.changed == changesBefore+1+burst
	})
	close(release)
	wg.Wait()

	if n := notDurable.Load(); n != 0 {
		t.Fatalf("%d callers returned before their pod was in the file", n)
	}
	if n := writes.Load(); n != 2 {
		t.Fatalf("%d writes for 1+%d changes, want 2 (the held one and one for the burst)", n, burst)
	}
}

// A failed write is logged, does not hang its callers, and the next write
// saves everything that is in memory.
func TestFailedWriteIsLoggedAndRetried(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "state.json")
	logs := &lockedBuffer{}
	s, err := New(Options{StatePath: path, Logf: func(format string, args ...any) { fmt.Fprintf(logs, format+"\n", args...) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() { s.AddPod(fmt.Sprintf("lost %d", i), "") })
	}
	wg.Wait()
	if !strings.Contains(logs.String(), "error: sandbox: saving state to "+path) {
		t.Fatalf("the failed save was not logged: %q", logs.String())
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	last := s.AddPod("last", "")
	var f stateFile
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &f); err != nil || len(f.Pods) != 11 || !stateHolds(path, last.ID) {
		t.Fatalf("after the retry the file holds %d pods (%v), want 11", len(f.Pods), err)
	}
}

// childArgsEnv carries the arguments of TestSandboxChild, as JSON.
const childArgsEnv = "AMKEYS_SANDBOX_CHILD_ARGS"

// TestSandboxChild is not a test of its own: TestKill9LosesNothingAcknowledged
// runs the test binary with it to get the sandbox as a process it can kill.
func TestSandboxChild(t *testing.T) {
	raw := os.Getenv(childArgsEnv)
	if raw == "" {
		t.Skip("runs only as the child process of TestKill9LosesNothingAcknowledged")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(Main(context.Background(), args, os.Stdout, os.Stderr)) // runs until killed
}

// Every key creation answered 200 survives kill -9 of the sandbox in the
// middle of concurrent writes, and the state file stays valid.
func TestKill9LosesNothingAcknowledged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	const admin = "am_kill_nine_admin_key"
	args, _ := json.Marshal([]string{"--listen", "127.0.0.1:0", "--seed", "empty", "--state", path, "--admin-key", admin})
	cmd := exec.Command(os.Args[0], "-test.run=^TestSandboxChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(args))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var killOnce sync.Once
	kill := func() {
		killOnce.Do(func() {
			_ = cmd.Process.Kill() // SIGKILL: no chance to flush anything
			_ = cmd.Wait()
		})
	}
	t.Cleanup(kill)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := baseURLLine.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		kill()
		t.Fatalf("the child printed %q (%v); stderr: %s", line, err, stderr.String())
	}
	url := m[1]

	const writers, killAfter = 32, 400
	transport := &http.Transport{MaxIdleConnsPerHost: writers}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	var (
		mu      sync.Mutex
		acked   []string
		reached = make(chan struct{})
		once    sync.Once
		wg      sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				id, ok := createOrgKey(t, client, url, admin, fmt.Sprintf("w%d-%d", w, i))
				if !ok {
					return // the server is gone
				}
				mu.Lock()
				acked = append(acked, id)
				n := len(acked)
				mu.Unlock()
				if n >= killAfter {
					once.Do(func() { close(reached) })
				}
			}
		})
	}
	writersDone := make(chan struct{})
	go func() { wg.Wait(); close(writersDone) }()
	select {
	case <-reached:
	case <-writersDone:
		t.Fatalf("the writers stopped before %d acknowledged writes; stderr: %s", killAfter, stderr.String())
	}
	kill()
	<-writersDone

	data, err := os.ReadFile(path)
	if err != nil || !json.Valid(data) {
		t.Fatalf("the state file after kill -9 is not valid JSON (%v)", err)
	}
	e := start(t, Options{StatePath: path, AdminKey: admin})
	stored := map[string]bool{}
	for _, k := range e.listAllKeys("/v0/api-keys", admin, "", 100) {
		stored[k.ID] = true
	}
	missing := 0
	for _, id := range acked {
		if !stored[id] {
			missing++
		}
	}
	if missing != 0 {
		t.Fatalf("%d of %d acknowledged keys are missing after kill -9", missing, len(acked))
	}
	t.Logf("%d acknowledged keys, all kept; the file holds %d keys", len(acked), len(stored))
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left after the restart: %v", entries)
	}
}

// createOrgKey creates an organization key and returns its id; false when
// the request failed at the transport (the server was killed). Any answer
// but 200 fails the test.
func createOrgKey(t *testing.T, client *http.Client, url, admin, name string) (string, bool) {
	req, _ := http.NewRequest("POST", url+"/v0/api-keys", strings.NewReader(`{"name":"`+name+`"}`))
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := client.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", false // cut off mid-answer: not acknowledged
	}
	var k keyJSON
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &k) != nil || k.ID == "" {
		t.Errorf("creating a key: status %d, body %.200s", resp.StatusCode, body)
		return "", false
	}
	return k.ID, true
}

// newStateFile writes a valid state file at path and returns path.
func newStateFile(t *testing.T, path string) string {
	t.Helper()
	if _, err := New(Options{StatePath: path}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStateFileOpenToOthersIsRefused(t *testing.T) {
	if !privateModes {
		t.Skip("file modes do not govern access on this system")
	}
	dir := t.TempDir()
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o606, 0o610, 0o601} {
		path := newStateFile(t, filepath.Join(dir, fmt.Sprintf("state-%o.json", mode)))
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := New(Options{StatePath: path})
		if err == nil {
			t.Fatalf("mode %04o: accepted", mode)
		}
		for _, want := range []string{path, fmt.Sprintf("mode %04o", mode), "chmod 600 " + path} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("mode %04o: error %q does not say %q", mode, err, want)
			}
		}
	}
	for _, mode := range []os.FileMode{0o600, 0o400} {
		path := newStateFile(t, filepath.Join(dir, fmt.Sprintf("ok-%o.json", mode)))
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, err := New(Options{StatePath: path}); err != nil {
			t.Fatalf("mode %04o refused: %v", mode, err)
		}
	}

	// The fix can be pasted as is, and `amkeys sandbox` exits 1 with it.
	path := newStateFile(t, filepath.Join(dir, "my state.json"))
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"--listen", "127.0.0.1:0", "--state", path}, &stdout, &stderr)
	if want := "chmod 600 '" + path + "'"; code != 1 || stdout.Len() != 0 || !strings.Contains(stderr.String(), want) {
		t.Fatalf("exit %d, stderr %q, want %q", code, stderr.String(), want)
	}
}

func TestStateFileOfAnotherUserIsRefused(t *testing.T) {
	const other = 65534 // nobody
	if os.Geteuid() == other {
		t.Skip("running as the other user")
	}
	path := newStateFile(t, filepath.Join(t.TempDir(), "state.json"))
	if err := os.Chown(path, other, other); err != nil {
		t.Skipf("cannot give the file to another user here: %v", err)
	}
	_, err := New(Options{StatePath: path})
	if err == nil {
		t.Fatal("a state file of another user was accepted")
	}
	for _, want := range []string{path, "belongs to another user (uid 65534)", fmt.Sprintf("chown %d %s", os.Geteuid(), path)} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not say %q", err, want)
		}
	}
}
