package sandbox

import (
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/amkeys/amkeys/client"
)

// allPods pages through GET /v0/pods.
func (e *env) allPods(key string) []podJSON {
	e.t.Helper()
	var all []podJSON
	token := ""
	for {
		url := "/v0/pods?limit=100"
		if token != "" {
			url += "&page_token=" + token
		}
		var page podList
		e.do("GET", url, key, nil).want(e.t, 200).decode(e.t, &page)
		all = append(all, page.Pods...)
		if page.NextPageToken == "" {
			return all
		}
		token = page.NextPageToken
	}
}

func TestDemoSeedIsDeterministic(t *testing.T) {
	a := start(t, Options{Seed: "demo"})
	b := start(t, Options{Seed: "demo"})
	podsA, podsB := a.allPods(a.admin), b.allPods(b.admin)
	if len(podsA) != len(podsB) {
		t.Fatalf("%d vs %d pods", len(podsA), len(podsB))
	}
	for i := range podsA {
		if podsA[i] != podsB[i] {
			t.Fatalf("pod %d differs: %+v vs %+v", i, podsA[i], podsB[i])
		}
	}
	keysA := a.listAllKeys("/v0/pods/"+podsA[0].PodID+"/api-keys", a.admin, "", 100)
	keysB := b.listAllKeys("/v0/pods/"+podsB[0].PodID+"/api-keys", b.admin, "", 100)
	if strings.Join(keyIDs(keysA), ",") != strings.Join(keyIDs(keysB), ",") {
		t.Fatal("the same pod holds different keys")
	}
	for i := range keysA {
		if keysA[i].Prefix != keysB[i].Prefix || keysA[i].Name != keysB[i].Name || !keysA[i].Permissions.Equal(keysB[i].Permissions) {
			t.Fatalf("key %d differs", i)
		}
	}
}

func TestDemoSeedContents(t *testing.T) {
	e := start(t, Options{Seed: "demo"})
	now := testNow
	pods := e.allPods(e.admin)
	if len(pods) < 25 {
		t.Fatalf("%d demo pods", len(pods))
	}
	names := map[string]bool{}
	var stats struct {
		biggest, empty, inbox, unrestricted, restricted, never, lastHour, today, week, month, old int
	}
	for _, p := range pods {
		names[p.Name] = true
		if p.ClientID == "" {
			t.Fatalf("demo pod %q has no client_id", p.Name)
		}
		keys := e.listAllKeys("/v0/pods/"+p.PodID+"/api-keys", e.admin, "", 100)
		stats.biggest = max(stats.biggest, len(keys))
		if len(keys) == 0 {
			stats.empty++
		}
		for _, k := range keys {
			if k.PodID != p.PodID || !strings.HasPrefix(k.Prefix, "am_") || len(k.Prefix) != 8 {
				t.Fatalf("key %+v", k)
			}
			if k.CreatedAt < p.CreatedAt {
				t.Fatalf("key %s created before its pod", k.ID)
			}
			if k.InboxID != "" {
				stats.inbox++
			}
			if k.Permissions.IsUnrestricted() {
				stats.unrestricted++
			} else {
				stats.restricted++
			}
			if k.UsedAt == nil {
				stats.never++
				continue
			}
			if *k.UsedAt < k.CreatedAt {
				t.Fatalf("key %s used before it was created", k.ID)
			}
			used, _ := time.Parse(time.RFC3339, *k.UsedAt)
			switch age := now.Sub(used); {
			case age < time.Hour:
				stats.lastHour++
			case age < day:
				stats.today++
			case age < 7*day:
				stats.week++
			case age < 30*day:
				stats.month++
			case age > 90*day:
				stats.old++
			}
		}
	}
	for _, n := range []string{"Acme Support", "Müller & Söhne GmbH", "東京 Logistics", "Café Olé 🚀"} {
		if !names[n] {
			t.Fatalf("no pod named %q", n)
		}
	}
	if stats.biggest < 250 || stats.empty == 0 || stats.inbox == 0 || stats.unrestricted == 0 || stats.restricted == 0 ||
		stats.never == 0 || stats.lastHour == 0 || stats.today == 0 || stats.week == 0 || stats.month == 0 || stats.old == 0 {
		t.Fatalf("demo spread lacks something: %+v", stats)
	}
	org := e.listAllKeys("/v0/api-keys", e.admin, "", 100)
	if len(org) < 3 {
		t.Fatalf("%d organization keys", len(org))
	}
	var adminSeen bool
	for _, k := range org {
		adminSeen = adminSeen || k.Name == adminKeyName && k.Permissions.IsUnrestricted() && k.Prefix == e.admin[:8]
	}
	if !adminSeen {
		t.Fatal("no unrestricted \"sandbox admin\" key")
	}
}

func TestHostileSeedSurvivesJSON(t *testing.T) {
	e := start(t, Options{Seed: "hostile"})
	pods := e.allPods(e.admin)
	var sawESC, sawOSC52, sawLong, sawC1, sawRLO bool
	for _, p := range pods {
		sawESC = sawESC || strings.Contains(p.Name, "\x1b[2J")
		sawOSC52 = sawOSC52 || strings.Contains(p.Name, "\x1b]52;c;aGk=\x07")
		sawLong = sawLong || utf8.RuneCountInString(p.Name) == 10_000
		sawC1 = sawC1 || strings.ContainsRune(p.Name, 0x9b)
		sawRLO = sawRLO || strings.ContainsRune(p.Name, 0x202e)
	}
	if !sawESC || !sawOSC52 || !sawLong || !sawC1 || !sawRLO {
		t.Fatalf("hostile names lost in transit: esc %v osc52 %v long %v c1 %v rlo %v", sawESC, sawOSC52, sawLong, sawC1, sawRLO)
	}
	var evil bool
	for _, p := range pods {
		for _, k := range e.listAllKeys("/v0/pods/"+p.PodID+"/api-keys", e.admin, "", 100) {
			evil = evil || strings.Contains(k.InboxID, "\x1b") && strings.Contains(k.Prefix, "\x1b") &&
				k.Permissions.Has("\x1b[2Jevil_read")
		}
	}
	if !evil {
		t.Fatal("the key with a hostile inbox, prefix and permission name is missing")
	}

	// AddPod/AddKey take any corpus, and the admin key always exists.
	p := e.AddPod("\x1b]8;;https://evil.invalid\x07x\x1b]8;;\x07", "osc8\x1b")
	k := e.AddKey(p.ID, "\u009b2J", client.Restricted("pod_read"), time.Time{})
	var got podJSON
	e.do("GET", "/v0/pods/"+p.ID, k.Secret, nil).want(t, 200).decode(t, &got)
	if got.Name != p.Name || got.ClientID != "osc8\x1b" {
		t.Fatalf("got %q", got.Name)
	}
}

// The log names method, path, status and prefix; never a secret, never a
// raw control character.
func TestLogLines(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	e := start(t, Options{Logf: func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, strings.TrimSpace(sprintf(format, args...)))
	}})
	e.do("GET", "/v0/pods", e.admin, nil).want(t, 200)
	e.do("GET", "/v0/pods/%1B%5D52;c;aGk=%07", e.admin, nil).want(t, 404)
	e.do("GET", "/v0/pods", "am_wrong_key_123", nil).want(t, 401)
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(lines, "\n")
	if !strings.Contains(all, "GET /v0/pods 200 "+e.admin[:8]) || !strings.Contains(all, "GET /v0/pods 401 -") {
		t.Fatalf("log lines:\n%s", all)
	}
	if strings.Contains(all, e.admin) || strings.Contains(all, "am_wrong") || strings.ContainsAny(all, "\x1b\x07") {
		t.Fatalf("log holds a secret or a control character:\n%q", all)
	}
}

// Many readers and writers at once: run with -race.
func TestConcurrentTraffic(t *testing.T) {
	e := start(t, Options{})
	e.AddPods(40, 5)
	pods := e.allPods(e.admin)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < len(pods); i += 8 {
				path := "/v0/pods/" + pods[i].PodID + "/api-keys"
				res, err := e.try(t.Context(), "GET", path+"?limit=3", e.admin, nil)
				if err != nil || res.status != 200 {
					t.Errorf("list: %v %d", err, res.status)
					return
				}
				res, err = e.try(t.Context(), "POST", path, e.admin, `{"permissions":{"pod_read":true}}`)
				if err != nil || res.status != 200 {
					t.Errorf("create: %v %d", err, res.status)
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, p := range pods {
		total += len(e.listAllKeys("/v0/pods/"+p.PodID+"/api-keys", e.admin, "", 100))
	}
	if total != 40*6 {
		t.Fatalf("%d keys after the traffic, want %d", total, 40*6)
	}
}
