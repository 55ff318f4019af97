package sandbox

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
)

func TestStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := start(t, Options{Seed: "demo", StatePath: path})
	admin := e.admin
	pod := e.createPod("Kept pod", "kept")
	k := e.createKey("/v0/pods/"+pod.PodID+"/api-keys", admin, map[string]any{
		"name": "kept key", "permissions": map[string]bool{"pod_read": true}})
	e.clock.Advance(time.Minute)
	e.do("GET", "/v0/pods/"+pod.PodID, k.Secret, nil).want(t, 200) // used_at to persist
	var pods podList
	e.do("GET", "/v0/pods?limit=100", admin, nil).want(t, 200).decode(t, &pods)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	for _, secret := range []string{admin, k.Secret, k.Secret[8:]} {
		if strings.Contains(string(data), secret) {
			t.Fatal("the state file holds a secret")
		}
	}
	if !json.Valid(data) {
		t.Fatal("the state file is not JSON")
	}

	again := start(t, Options{Seed: "empty", StatePath: path})
	if again.AdminKey() != "" {
		t.Fatal("a loaded server claims to know the admin secret")
	}
	var pods2 podList
	again.do("GET", "/v0/pods?limit=100", admin, nil).want(t, 200).decode(t, &pods2)
	if len(pods2.Pods) != len(pods.Pods) || pods2.Pods[0] != pods.Pods[0] {
		t.Fatalf("pods after reload differ: %d vs %d", len(pods2.Pods), len(pods.Pods))
	}
	keys := again.listAllKeys("/v0/pods/"+pod.PodID+"/api-keys", admin, "", 10)
	if len(keys) != 1 || keys[0].ID != k.ID || keys[0].Name != "kept key" || keys[0].Permissions.String() != "[pod_read]" {
		t.Fatalf("keys after reload %+v", keys)
	}
	if keys[0].UsedAt == nil || *keys[0].UsedAt != formatTime(testNow.Add(time.Minute)) {
		t.Fatalf("used_at after reload %v", keys[0].UsedAt)
	}
	again.do("GET", "/v0/pods/"+pod.PodID, k.Secret, nil).want(t, 200) // its hash was kept
	// Legacy and unknown permission names of the demo survive too.
	var legacy bool
	for _, ok := range again.listAllKeys("/v0/api-keys", admin, "", 100) {
		legacy = legacy || ok.Permissions.Has("thread_read") && !ok.Permissions.IsUnrestricted()
	}
	if !legacy {
		t.Fatal("the legacy permission name was lost")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestStateWithAdminKeyFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := start(t, Options{StatePath: path})
	_ = first.Close()
	const given = "am_given_admin_key_for_tests"
	again := start(t, Options{StatePath: path, AdminKey: given})
	if again.AdminKey() != given {
		t.Fatal("AdminKey() is not the given key")
	}
	again.do("GET", "/v0/pods", given, nil).want(t, 200)
	again.do("GET", "/v0/pods", first.admin, nil).want(t, 200)
}

func TestCorruptStateFile(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"garbage":     "not json at all",
		"empty":       "",
		"version":     `{"version": 99}`,
		"dangling":    `{"version":1,"keys":[{"api_key_id":"k","sha256":"` + strings.Repeat("ab", 32) + `","pod_id":"nope"}]}`,
		"bad hash":    `{"version":1,"keys":[{"api_key_id":"k","sha256":"xyz"}]}`,
		"twice a pod": `{"version":1,"pods":[{"pod_id":"p"},{"pod_id":"p"}]}`,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := New(Options{StatePath: path})
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s", err, path)
			}
		})
	}
	if _, err := New(Options{StatePath: filepath.Join(dir, "missing-dir", "state.json")}); err == nil {
		t.Fatal("New succeeded although the state file cannot be written")
	}
}

// Readers of the state file never see half of it while writes go on.
func TestStateWritesAreAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := start(t, Options{StatePath: path})
	e.AddPods(60, 5) // a file big enough to be written in several steps
	var stop atomic.Bool
	var wg sync.WaitGroup
	var reads, bad atomic.Int64
	wg.Go(func() {
		for !stop.Load() {
			data, err := os.ReadFile(path)
			reads.Add(1)
			if err != nil || !json.Valid(data) {
				bad.Add(1)
			}
		}
	})
	pod := e.createPod("p", "")
	for range 15 {
		e.createKey("/v0/pods/"+pod.PodID+"/api-keys", e.admin, map[string]any{})
	}
	stop.Store(true)
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d of %d reads saw a broken file", bad.Load(), reads.Load())
	}
	var f stateFile
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Pods) != 61 || len(f.Keys) != 1+300+15 {
		t.Fatalf("state holds %d pods and %d keys", len(f.Pods), len(f.Keys))
	}
}

// AddPods' speed is BenchmarkAddPods' business; a timed test would fail on
// a busy machine.
func TestAddPods(t *testing.T) {
	s, err := New(Options{Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	s.AddPods(1000, 5)
	s.AddPods(2, 0) // again: client ids stay unique
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.st.pods) != 1002 || len(s.st.keys) != 5001 {
		t.Fatalf("%d pods, %d keys", len(s.st.pods), len(s.st.keys))
	}
	perPod := map[int]int{}
	for _, p := range s.st.podOrder.items {
		perPod[p.keys.len()]++
	}
	if perPod[5] != 1000 || perPod[0] != 2 {
		t.Fatalf("pods by key count: %v", perPod)
	}
	if len(s.st.podsByClientID) != 1002 {
		t.Fatalf("%d client ids", len(s.st.podsByClientID))
	}
}

// BenchmarkAddPods fills a sandbox with 1,000 pods of 5 keys, the size of
// the benchmarks that use it (it should take well under a second).
func BenchmarkAddPods(b *testing.B) {
	for b.Loop() {
		s, err := New(Options{Now: newClock().Now})
		if err != nil {
			b.Fatal(err)
		}
		s.AddPods(1000, 5)
	}
}

func TestAddKeyToUnknownPod(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if k := s.AddKey("no-such-pod", "x", client.Unrestricted(), time.Time{}); k.Secret != "" || k.ID != "" {
		t.Fatalf("AddKey to a missing pod returned %+v", k.APIKey)
	}
}
