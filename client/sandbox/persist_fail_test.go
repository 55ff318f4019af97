package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/amkeys/amkeys/client"
)

// diskFullHook wraps writeFileAtomic: while full is set, every write fails
// as a full file system would, and the state file is left as it was.
func diskFullHook(full *atomic.Bool) func(string, []byte) error {
	return func(path string, data []byte) error {
		if full.Load() {
			return fmt.Errorf("write %s: %w", path, syscall.ENOSPC)
		}
		return writeFileAtomic(path, data)
	}
}

// readStateFile decodes the state file as it is on disk.
func readStateFile(t *testing.T, path string) stateFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f stateFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("state file: %v", err)
	}
	return f
}

func podNames(f stateFile) []string {
	var names []string
	for _, p := range f.Pods {
		names = append(names, p.Name)
	}
	return names
}

// A change whose write fails is answered 500 (outcome unknown), never 200;
// until the disk works again every further change is refused with 503 and
// changes nothing, while reads go on; then the next change saves it all.
func TestFailedWriteIsNeverAcknowledged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	var full atomic.Bool
	logs := &lockedBuffer{}
	e := start(t, Options{StatePath: path, writeFile: diskFullHook(&full),
		Logf: func(format string, args ...any) { fmt.Fprintf(logs, format+"\n", args...) }})
	t.Cleanup(func() { full.Store(false) }) // before Close flushes
	kept := e.createPod("kept", "")
	keysPath := "/v0/pods/" + kept.PodID + "/api-keys"
	doomed := e.createKey(keysPath, e.admin, map[string]any{"name": "doomed"})

	full.Store(true)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res := e.do("POST", keysPath, e.admin, map[string]any{"name": "unsaved"})
	failed := res.wantError(t, http.StatusInternalServerError, client.CodeInternal)
	if failed.Name != "InternalServerError" || failed.Fix == "" {
		t.Fatalf("the failed save's error %s lacks the vendor's name or a fix", res.body)
	}
	if strings.Contains(string(res.body), "am_") || strings.Contains(string(res.body), path) {
		t.Fatalf("the failed save's error carries a secret or the state path: %s", res.body)
	}
	if !strings.Contains(logs.String(), "error: sandbox: saving state to "+path) {
		t.Fatalf("the failed save was not logged: %q", logs.String())
	}

	// Every kind of change is refused, and refused before it is made.
	for _, r := range []struct{ method, path string }{
		{"POST", "/v0/pods"},
		{"POST", keysPath},
		{"DELETE", keysPath + "/" + doomed.ID},
		{"DELETE", "/v0/pods/" + kept.PodID},
	} {
		res := e.do(r.method, r.path, e.admin, map[string]any{"name": "refused"})
		res.wantError(t, http.StatusServiceUnavailable, codeServiceUnavailable)
		if got := res.header.Get("Retry-After"); got != fmt.Sprint(changesRetryAfter) {
			t.Fatalf("%s %s: Retry-After %q", r.method, r.path, got)
		}
	}
	// Reads are still served, and show that the refused changes changed nothing.
	var pods podList
	e.do("GET", "/v0/pods", e.admin, nil).want(t, 200).decode(t, &pods)
	if len(pods.Pods) != 1 || pods.Pods[0].Name != "kept" {
		t.Fatalf("pods during the failure: %+v, want only kept", pods.Pods)
	}
	var names []string
	for _, k := range e.listAllKeys(keysPath, e.admin, "", 100) {
		names = append(names, k.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"doomed", "unsaved"}) {
		t.Fatalf("keys during the failure: %v, want doomed and unsaved", names)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("the state file changed while writes failed")
	}

	// The disk works again: the next change is accepted and saves what
	// memory holds, the unsaved key included.
	full.Store(false)
	e.createPod("after", "")
	f := readStateFile(t, path)
	if got := podNames(f); !slices.Equal(got, []string{"kept", "after"}) {
		t.Fatalf("pods in the file after recovery: %v", got)
	}
	var keyNames []string
	for _, k := range f.Keys {
		keyNames = append(keyNames, k.Name)
	}
	if !slices.Contains(keyNames, "unsaved") || !slices.Contains(keyNames, "doomed") {
		t.Fatalf("keys in the file after recovery: %v", keyNames)
	}
}

// A known client_id replays its pod only once that pod is on disk: the
// replay may come while the first write is still under way, and that write
// may fail.
func TestReplayWaitsForTheDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	var full, hold atomic.Bool
	entered, release := make(chan struct{}), make(chan struct{})
	failing := diskFullHook(&full)
	hook := func(path string, data []byte) error {
		if hold.CompareAndSwap(true, false) {
			close(entered)
			<-release
		}
		return failing(path, data)
	}
	e := start(t, Options{StatePath: path, writeFile: hook})
	t.Cleanup(func() { full.Store(false) }) // before Close flushes
	changes := func() uint64 {
		e.saves.mu.Lock()
		defer e.saves.mu.Unlock()
		return e.saves.changed
	}
	full.Store(true)
	hold.Store(true)
	first, replay := make(chan result, 1), make(chan result, 1)
	body := map[string]string{"client_id": "c-1"}
	go func() { first <- e.do("POST", "/v0/pods", e.admin, body) }()
	<-entered // the pod is in memory, its write held
	before := changes()
	go func() { replay <- e.do("POST", "/v0/pods", e.admin, body) }()
	waitUntil(t, "the replay to wait for the disk", func() bool { return changes() > before || len(replay) > 0 })
	close(release)
	if len(replay) > 0 && changes() == before {
		t.Fatalf("the replay was answered while its pod's first write was under way: %d %s",
			(<-replay).status, (<-first).body)
	}
	(<-first).wantError(t, http.StatusInternalServerError, client.CodeInternal)
	(<-replay).wantError(t, http.StatusInternalServerError, client.CodeInternal)

	full.Store(false)
	p := e.createPod("", "c-1")
	if !stateHolds(path, p.PodID) {
		t.Fatalf("pod %s replayed with 200 but is not in the state file", p.PodID)
	}
}
