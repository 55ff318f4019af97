package sandbox

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
)

var (
	timeFormat = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	uuidFormat = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

func TestPodLifecycle(t *testing.T) {
	e := start(t, Options{Seed: "empty"})

	p := e.createPod("Acme Support", "acme-support")
	if !uuidFormat.MatchString(p.PodID) || p.Name != "Acme Support" || p.ClientID != "acme-support" {
		t.Fatalf("created pod %+v", p)
	}
	if !timeFormat.MatchString(p.CreatedAt) || p.UpdatedAt != p.CreatedAt {
		t.Fatalf("timestamps %q %q, want RFC 3339 UTC with Z", p.CreatedAt, p.UpdatedAt)
	}
	if want := formatTime(testNow); p.CreatedAt != want {
		t.Fatalf("created_at %s, want the clock's %s", p.CreatedAt, want)
	}

	var got podJSON
	e.do("GET", "/v0/pods/"+p.PodID, e.admin, nil).want(t, 200).decode(t, &got)
	if got != p {
		t.Fatalf("get %+v, want %+v", got, p)
	}

	// client_id is the idempotency handle: the same pod comes back.
	again := e.createPod("Another name", "acme-support")
	if again != p {
		t.Fatalf("second create with the same client_id gave %+v, want %+v", again, p)
	}
	var list podList
	e.do("GET", "/v0/pods", e.admin, nil).want(t, 200).decode(t, &list)
	if list.Count != 1 || len(list.Pods) != 1 {
		t.Fatalf("after an idempotent create, %d pods", list.Count)
	}

	res := e.do("DELETE", "/v0/pods/"+p.PodID, e.admin, nil).want(t, http.StatusNoContent)
	if len(res.body) != 0 {
		t.Fatalf("DELETE answered a body: %q", res.body)
	}
	e.do("GET", "/v0/pods/"+p.PodID, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	e.do("DELETE", "/v0/pods/"+p.PodID, e.admin, nil).wantError(t, 404, client.CodeNotFound)

	// The client_id is free again.
	if fresh := e.createPod("Acme Support", "acme-support"); fresh.PodID == p.PodID {
		t.Fatal("a deleted pod came back")
	}
}

func TestCreatePodDefaultsAndValidation(t *testing.T) {
	e := start(t, Options{})
	if p := e.createPod("", "only-client-id"); p.Name != "only-client-id" {
		t.Fatalf("name %q, want the client_id", p.Name)
	}
	var bare podJSON
	e.do("POST", "/v0/pods", e.admin, "").want(t, 200).decode(t, &bare)
	if bare.Name != bare.PodID || bare.ClientID != "" {
		t.Fatalf("pod without name or client_id: %+v", bare)
	}
	if p := e.createPod(strings.Repeat("東", 256), ""); len([]rune(p.Name)) != 256 {
		t.Fatal("a 256-character name was not kept")
	}

	e.do("POST", "/v0/pods", e.admin, `{"name":`).wantInvalid(t, "body")
	e.do("POST", "/v0/pods", e.admin, `[1]`).wantInvalid(t, "body")
	e.do("POST", "/v0/pods", e.admin, `{} {}`).wantInvalid(t, "body")
	e.do("POST", "/v0/pods", e.admin, map[string]any{"name": ""}).wantInvalid(t, "name")
	e.do("POST", "/v0/pods", e.admin, map[string]any{"name": strings.Repeat("x", 257)}).wantInvalid(t, "name")
	e.do("POST", "/v0/pods", e.admin, map[string]any{"name": 5}).wantInvalid(t, "name")
	e.do("POST", "/v0/pods", e.admin, map[string]any{"client_id": ""}).wantInvalid(t, "client_id")
	e.do("POST", "/v0/pods", e.admin, strings.Repeat(" ", maxBodyBytes+1)).wantInvalid(t, "body")
}

func TestListPodsOrderAndPaging(t *testing.T) {
	e := start(t, Options{})
	var created []string
	for i := range 23 {
		created = append(created, e.createPod("pod "+itoa(i), "").PodID)
		e.clock.Advance(time.Second)
	}
	for _, ascending := range []bool{false, true} {
		var seen []string
		token := ""
		for {
			url := "/v0/pods?limit=5"
			if ascending {
				url += "&ascending=true"
			}
			if token != "" {
				url += "&page_token=" + token
			}
			var page podList
			e.do("GET", url, e.admin, nil).want(t, 200).decode(t, &page)
			if page.Limit != 5 || page.Count != len(page.Pods) || page.Count > 5 {
				t.Fatalf("page limit %d count %d len %d", page.Limit, page.Count, len(page.Pods))
			}
			for _, p := range page.Pods {
				seen = append(seen, p.PodID)
			}
			if page.NextPageToken == "" {
				break
			}
			token = page.NextPageToken
		}
		want := created
		if !ascending {
			want = reversed(created)
		}
		if strings.Join(seen, ",") != strings.Join(want, ",") {
			t.Fatalf("ascending=%v: order\n%v\nwant\n%v", ascending, seen, want)
		}
	}
	var def podList
	e.do("GET", "/v0/pods", e.admin, nil).want(t, 200).decode(t, &def)
	if def.Limit != DefaultLimit || def.Count != DefaultLimit || def.NextPageToken == "" {
		t.Fatalf("default page: limit %d count %d", def.Limit, def.Count)
	}
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}
