package audit_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/sandbox"
)

var testNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// world is a sandbox filled through its fixtures, with what was planted.
type world struct {
	srv  *sandbox.Running
	api  *audit.PacedClient
	pods []client.Pod
	want map[string]keyFact // by key id, pod and organization keys
}

// keyFact is what the audit must report about a planted key.
type keyFact struct {
	podID, podName, name string
	usedAt               time.Time
	unrestricted         bool
}

// newWorld plants pods with varied key counts (one past a full page of
// 100), some pods without keys, and two organization keys.
func newWorld(t testing.TB, pods int, faults sandbox.Faults) *world {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Options{Now: func() time.Time { return testNow }, Faults: faults}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	api, err := audit.NewClient(client.Options{BaseURL: srv.URL, APIKey: srv.AdminKey(), Backoff: 10 * time.Millisecond, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.CloseIdleConnections) // before Close: it runs first
	w := &world{srv: srv, api: api, want: map[string]keyFact{}}
	plant := func(p client.Pod, name string, perms client.Permissions, used time.Time) {
		k := srv.AddKey(p.ID, name, perms, used)
		if k.ID == "" {
			t.Fatalf("AddKey in %q failed", p.ID)
		}
		w.want[k.ID] = keyFact{podID: p.ID, podName: p.Name, name: name, usedAt: k.UsedAt, unrestricted: perms.IsUnrestricted()}
	}
	for i := range pods {
		p := srv.AddPod(fmt.Sprintf("pod %02d", i), fmt.Sprintf("pod-%02d", i))
		w.pods = append(w.pods, p)
		n := i % 4 // 0..3 keys; pod 0, 4, 8... hold none
		if i == 1 {
			n = 101 // two pages
		}
		for j := range n {
			used := time.Time{}
			if j%3 != 0 {
				used = testNow.Add(-time.Duration(i*j+1) * 7 * time.Hour)
			}
			perms := client.Restricted("inbox_read")
			if j%2 == 0 {
				perms = client.Unrestricted()
			}
			plant(p, fmt.Sprintf("key %d.%d", i, j), perms, used)
		}
	}
	plant(client.Pod{}, "org ci", client.Restricted("pod_read"), testNow.Add(-200*24*time.Hour))
	return w
}

// check compares a result with what was planted: every key once, in its
// pod, with its name and last use; the admin key is the only extra.
func (w *world) check(t testing.TB, res *audit.Result) {
	t.Helper()
	got := map[string]audit.Key{}
	for _, k := range res.Keys {
		if _, dup := got[k.ID]; dup {
			t.Errorf("key %s listed twice", k.ID)
		}
		got[k.ID] = k
	}
	extra := 0
	for id, k := range got {
		want, ok := w.want[id]
		if !ok {
			if k.Name != "sandbox admin" || k.PodID != "" {
				t.Errorf("unexpected key %q in pod %q", k.Name, k.PodID)
			}
			extra++
			continue
		}
		if k.PodID != want.podID || k.PodName != want.podName || k.Name != want.name ||
			!k.UsedAt.Equal(want.usedAt) || k.Permissions.IsUnrestricted() != want.unrestricted {
			t.Errorf("key %s: got pod %q/%q name %q used %v, want %q/%q %q %v", id, k.PodID, k.PodName, k.Name, k.UsedAt,
				want.podID, want.podName, want.name, want.usedAt)
		}
	}
	for id, want := range w.want {
		if _, ok := got[id]; !ok {
			t.Errorf("key %q of pod %q missing", want.name, want.podName)
		}
	}
	if extra != 1 {
		t.Errorf("want exactly the admin key as extra, got %d extras", extra)
	}
	if len(res.Pods) != len(w.pods) {
		t.Errorf("got %d pods, want %d", len(res.Pods), len(w.pods))
	}
	if !slices.IsSortedFunc(res.Keys, func(a, b audit.Key) int { return stalenessRank(a) - stalenessRank(b) }) {
		t.Error("keys are not stalest first")
	}
}

// stalenessRank is never used first, then by last use; coarse to the hour
// is enough to check the order.
func stalenessRank(k audit.Key) int {
	if k.NeverUsed() {
		return -1 << 40
	}
	return int(k.UsedAt.Unix() / 3600)
}

func podNames(fs []audit.Failure) string {
	names := map[string]bool{}
	for _, f := range fs {
		names[f.Pod.Name] = true
	}
	return strings.Join(slices.Sorted(maps.Keys(names)), ",")
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
