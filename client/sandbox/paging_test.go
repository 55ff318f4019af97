package sandbox

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
)

func TestLimitValidation(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	for _, path := range []string{"/v0/pods", "/v0/api-keys", "/v0/pods/" + pod.PodID + "/api-keys"} {
		for _, bad := range []string{"0", "101", "-1", "abc", "1.5", "", "1e2"} {
			e.do("GET", path+"?limit="+bad, e.admin, nil).wantInvalid(t, "limit")
		}
		for _, good := range []string{"1", "100"} {
			e.do("GET", path+"?limit="+good, e.admin, nil).want(t, 200)
		}
	}
	e.do("GET", "/v0/pods?ascending=maybe", e.admin, nil).wantInvalid(t, "ascending")
	e.do("GET", "/v0/api-keys?ascending=maybe", e.admin, nil).wantInvalid(t, "ascending")
	var page podList
	e.do("GET", "/v0/pods?limit=100", e.admin, nil).want(t, 200).decode(t, &page)
	if page.Limit != 100 {
		t.Fatalf("limit %d echoed, want 100", page.Limit)
	}
}

func TestPageTokensAreOpaqueAndChecked(t *testing.T) {
	e := start(t, Options{})
	a, b := e.createPod("a", ""), e.createPod("b", "")
	for range 3 {
		e.createKey("/v0/pods/"+a.PodID+"/api-keys", e.admin, map[string]any{})
		e.createKey("/v0/pods/"+b.PodID+"/api-keys", e.admin, map[string]any{})
	}
	var page keyList
	e.do("GET", "/v0/pods/"+a.PodID+"/api-keys?limit=1", e.admin, nil).want(t, 200).decode(t, &page)
	token := page.NextPageToken
	if token == "" {
		t.Fatal("no next_page_token on a partial page")
	}
	e.do("GET", "/v0/pods/"+a.PodID+"/api-keys?limit=1&page_token="+token, e.admin, nil).want(t, 200)

	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatalf("token is not base64url: %v", err)
	}
	raw[len(raw)/2] ^= 1
	tampered := base64.RawURLEncoding.EncodeToString(raw)

	for name, path := range map[string]string{
		"garbage":       "/v0/pods/" + a.PodID + "/api-keys?page_token=garbage",
		"empty":         "/v0/pods/" + a.PodID + "/api-keys?page_token=",
		"tampered":      "/v0/pods/" + a.PodID + "/api-keys?page_token=" + tampered,
		"other pod":     "/v0/pods/" + b.PodID + "/api-keys?page_token=" + token,
		"other listing": "/v0/pods?page_token=" + token,
		"huge":          "/v0/pods?page_token=" + strings.Repeat("A", 5000),
	} {
		t.Run(name, func(t *testing.T) { e.do("GET", path, e.admin, nil).wantInvalid(t, "page_token") })
	}

	var pods podList
	e.do("GET", "/v0/pods?limit=1", e.admin, nil).want(t, 200).decode(t, &pods)
	e.do("GET", "/v0/pods?limit=1&ascending=true&page_token="+pods.NextPageToken, e.admin, nil).wantInvalid(t, "page_token")
}

// Paging walks a cursor, not an offset: keys created or deleted between
// pages neither repeat nor hide the others.
func TestKeyPagingIsStableUnderChanges(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("Acme Support", "acme")
	path := "/v0/pods/" + pod.PodID + "/api-keys"
	var ids []string // oldest first
	for range 260 {
		ids = append(ids, e.AddKey(pod.PodID, "k", client.Unrestricted(), time.Time{}).ID)
	}

	all := e.listAllKeys(path, e.admin, "", 20)
	if got := keyIDs(all); strings.Join(got, ",") != strings.Join(reversed(ids), ",") {
		t.Fatalf("listing gave %d keys out of order; want all 260 newest first", len(got))
	}

	// Now change things between pages.
	seen := map[string]int{}
	deleted := map[string]bool{}
	token := ""
	for page := 0; ; page++ {
		url := path + "?limit=20"
		if token != "" {
			url += "&page_token=" + token
		}
		var p keyList
		e.do("GET", url, e.admin, nil).want(t, 200).decode(t, &p)
		for _, k := range p.keys(t) {
			seen[k.ID]++
		}
		if p.NextPageToken == "" {
			break
		}
		token = p.NextPageToken
		// A new key (newer than everything: not in this walk), and the
		// deletion of the oldest, which this walk has not reached yet.
		e.createKey(path, e.admin, map[string]any{"name": "late"})
		victim := ids[page]
		e.do("DELETE", path+"/"+victim, e.admin, nil).want(t, 204)
		deleted[victim] = true
	}
	for _, id := range ids {
		switch {
		case deleted[id] && seen[id] != 0:
			t.Fatalf("deleted key %s was listed", id)
		case !deleted[id] && seen[id] != 1:
			t.Fatalf("key %s listed %d times", id, seen[id])
		}
	}
}

func TestOrgKeysAscending(t *testing.T) {
	e := start(t, Options{})
	ids := []string{}
	var admin keyList
	e.do("GET", "/v0/api-keys", e.admin, nil).want(t, 200).decode(t, &admin)
	ids = append(ids, admin.keys(t)[0].ID)
	for range 17 {
		ids = append(ids, e.createKey("/v0/api-keys", e.admin, map[string]any{}).ID)
	}
	asc := keyIDs(e.listAllKeys("/v0/api-keys", e.admin, "&ascending=true", 4))
	if strings.Join(asc, ",") != strings.Join(ids, ",") {
		t.Fatalf("ascending %v\nwant %v", asc, ids)
	}
	desc := keyIDs(e.listAllKeys("/v0/api-keys", e.admin, "", 4))
	if strings.Join(desc, ",") != strings.Join(reversed(ids), ",") {
		t.Fatalf("descending %v", desc)
	}
}

func keyIDs(keys []keyJSON) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.ID
	}
	return out
}
