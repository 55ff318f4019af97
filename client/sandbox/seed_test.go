package sandbox

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/sanitize"
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

// allInboxes pages through GET /v0/inboxes.
func (e *env) allInboxes(key string) []inboxJSON {
	e.t.Helper()
	var all []inboxJSON
	token := ""
	for {
		var page inboxList
		e.do("GET", "/v0/inboxes?limit=100"+tokenQuery(token), key, nil).want(e.t, 200).decode(e.t, &page)
		all = append(all, page.Inboxes...)
		if page.NextPageToken == "" {
			return all
		}
		token = page.NextPageToken
	}
}

// allPublicKeys pages through GET /v0/api-keys/public-keys.
func (e *env) allPublicKeys(key string) []publicKeyJSON {
	e.t.Helper()
	var all []publicKeyJSON
	token := ""
	for {
		var page publicKeyList
		e.do("GET", publicKeysPath+"?limit=100"+tokenQuery(token), key, nil).want(e.t, 200).decode(e.t, &page)
		all = append(all, page.PublicKeys...)
		if page.NextPageToken == "" {
			return all
		}
		token = page.NextPageToken
	}
}

func tokenQuery(token string) string {
	if token == "" {
		return ""
	}
	return "&page_token=" + token
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
				var in inboxJSON // an inbox key's inbox is a real inbox of its pod
				e.do("GET", "/v0/inboxes/"+url.PathEscape(k.InboxID), e.admin, nil).want(t, 200).decode(t, &in)
				if in.PodID != p.PodID {
					t.Fatalf("key %s: inbox %s is in pod %s, not %s", k.ID, k.InboxID, in.PodID, p.PodID)
				}
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

func TestDemoSeedInboxesAndCredentials(t *testing.T) {
	e := start(t, Options{Seed: "demo"})
	withInboxes, without := 0, 0
	for _, p := range e.allPods(e.admin) {
		ids := e.listAllInboxes("/v0/pods/"+p.PodID+"/inboxes", e.admin, "", 100)
		switch n := len(ids); {
		case n == 0:
			without++
		case n >= 2 && n <= 4:
			withInboxes++
		default:
			t.Fatalf("pod %q has %d inboxes", p.Name, n)
		}
	}
	if withInboxes < 25 || without == 0 {
		t.Fatalf("%d pods with inboxes, %d without", withInboxes, without)
	}
	var org orgJSON
	e.do("GET", "/v0/organizations", e.admin, nil).want(t, 200).decode(t, &org)
	if n := len(e.listAllInboxes("/v0/inboxes", e.admin, "", 100)); *org.InboxCount != n || n < 50 {
		t.Fatalf("inbox_count %d for %d inboxes", *org.InboxCount, n)
	}

	var page publicKeyList
	e.do("GET", publicKeysPath+"?limit=100", e.admin, nil).want(t, 200).decode(t, &page)
	scopes := map[string]int{}
	var soon, expired, revoked, defaultName int
	for _, k := range page.PublicKeys {
		scopes[k.Scope.Type]++
		if k.PublicKey.Fingerprint != thumbprint(t, k.PublicKey.JWK) {
			t.Fatalf("credential %q: fingerprint %q", k.Name, k.PublicKey.Fingerprint)
		}
		if k.ExpiresAt != "" {
			exp, _ := time.Parse(time.RFC3339, k.ExpiresAt)
			switch {
			case exp.Before(testNow):
				expired++
			case exp.Before(testNow.Add(7 * day)):
				soon++
			}
		}
		if k.RevokedAt != "" {
			revoked++
		}
		if k.Name == "AgentID key "+k.PublicKey.Fingerprint[:8] {
			defaultName++
		}
		if k.Scope.Type == "inbox" {
			e.do("GET", "/v0/inboxes/"+url.PathEscape(k.Scope.ID), e.admin, nil).want(t, 200)
		}
	}
	if len(page.PublicKeys) < 8 || scopes["organization"] == 0 || scopes["pod"] == 0 || scopes["inbox"] == 0 ||
		soon != 1 || expired != 1 || revoked != 2 || defaultName == 0 {
		t.Fatalf("%d credentials, scopes %v, expiring %d, expired %d, revoked %d, default names %d",
			len(page.PublicKeys), scopes, soon, expired, revoked, defaultName)
	}
	// The revocations came from an earlier revoke-all: the generation is
	// past 0 already.
	var r receiptJSON
	res, err := e.tryWithHeader("POST", publicKeysPath+"/agentid-sign-in/revoke-all", e.admin, nil, "Idempotency-Key", newID())
	if err != nil {
		t.Fatal(err)
	}
	res.want(t, 200).decode(t, &r)
	if *r.Previous < 1 {
		t.Fatalf("receipt %+v: the seed's generation is 0", r)
	}
}

func TestDemoSeedInboxesAreDeterministic(t *testing.T) {
	a := start(t, Options{Seed: "demo"})
	b := start(t, Options{Seed: "demo"})
	var orgA, orgB orgJSON
	a.do("GET", "/v0/organizations", a.admin, nil).want(t, 200).decode(t, &orgA)
	b.do("GET", "/v0/organizations", b.admin, nil).want(t, 200).decode(t, &orgB)
	if orgA.OrganizationID != orgB.OrganizationID {
		t.Fatal("the organization id differs")
	}
	inboxesA := a.listAllInboxes("/v0/inboxes", a.admin, "", 100)
	if strings.Join(inboxesA, ",") != strings.Join(b.listAllInboxes("/v0/inboxes", b.admin, "", 100), ",") {
		t.Fatal("the inboxes differ")
	}
	var pa, pb publicKeyList
	a.do("GET", publicKeysPath+"?limit=100", a.admin, nil).want(t, 200).decode(t, &pa)
	b.do("GET", publicKeysPath+"?limit=100", b.admin, nil).want(t, 200).decode(t, &pb)
	if len(pa.PublicKeys) != len(pb.PublicKeys) {
		t.Fatal("the credentials differ")
	}
	for i := range pa.PublicKeys {
		if pa.PublicKeys[i] != pb.PublicKeys[i] {
			t.Fatalf("credential %d differs: %+v vs %+v", i, pa.PublicKeys[i], pb.PublicKeys[i])
		}
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
	var evilInbox inboxJSON
	e.do("GET", "/v0/inboxes/"+url.PathEscape("x\x1b[2J@evil.invalid"), e.admin, nil).want(t, 200).decode(t, &evilInbox)
	if evilInbox.PodID != pods[len(pods)-1].PodID || !strings.Contains(evilInbox.DisplayName, "\x1b[31m") {
		t.Fatalf("the hostile key's inbox: %+v", evilInbox)
	}

	// Inbox display names, client ids and credential names carry the
	// corpus, byte for byte.
	texts := map[string]bool{}
	for _, hc := range sanitize.Corpus() {
		texts[hc.Text] = true
	}
	var hostileNames, hostileClientIDs, hostileLocals int
	for _, in := range e.allInboxes(e.admin) {
		if texts[in.DisplayName] && in.DisplayName != "prod-key-01" {
			hostileNames++
		}
		if texts[in.ClientID] && in.ClientID != "prod-key-01" {
			hostileClientIDs++
		}
		if strings.ContainsAny(in.InboxID, "\x1b\u202e") {
			hostileLocals++
			e.do("GET", "/v0/inboxes/"+url.PathEscape(in.InboxID), e.admin, nil).want(t, 200)
		}
	}
	hostileCreds := 0
	for _, k := range e.allPublicKeys(e.admin) {
		if texts[k.Name] && k.Name != "prod-key-01" {
			hostileCreds++
		}
	}
	if hostileNames < 20 || hostileClientIDs < 20 || hostileLocals < 3 || hostileCreds < 20 {
		t.Fatalf("hostile inboxes: %d names, %d client ids, %d local parts; %d credential names",
			hostileNames, hostileClientIDs, hostileLocals, hostileCreds)
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
