package sandbox

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
)

type inboxJSON struct {
	PodID       string         `json:"pod_id"`
	InboxID     string         `json:"inbox_id"`
	Email       string         `json:"email"`
	DisplayName string         `json:"display_name"`
	ClientID    string         `json:"client_id"`
	Metadata    map[string]any `json:"metadata"`
	CreatedAt   string         `json:"created_at"`
	UpdatedAt   string         `json:"updated_at"`
}

type inboxList struct {
	Count         int         `json:"count"`
	Limit         int         `json:"limit"`
	NextPageToken string      `json:"next_page_token"`
	Inboxes       []inboxJSON `json:"inboxes"`
}

func (e *env) createInbox(podID, key string, body any) inboxJSON {
	e.t.Helper()
	var in inboxJSON
	e.do("POST", "/v0/pods/"+podID+"/inboxes", key, body).want(e.t, 200).decode(e.t, &in)
	return in
}

// listAllInboxes pages through an inbox listing and returns the ids.
func (e *env) listAllInboxes(path, key, query string, limit int) []string {
	e.t.Helper()
	var ids []string
	token := ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			e.t.Fatal("paging does not end")
		}
		url := path + "?limit=" + itoa(limit) + query
		if token != "" {
			url += "&page_token=" + token
		}
		var page inboxList
		e.do("GET", url, key, nil).want(e.t, 200).decode(e.t, &page)
		if page.Count != len(page.Inboxes) || page.Count > limit || page.Limit != limit {
			e.t.Fatalf("count %d, limit %d for %d inboxes", page.Count, page.Limit, len(page.Inboxes))
		}
		for _, in := range page.Inboxes {
			ids = append(ids, in.InboxID)
		}
		if page.NextPageToken == "" {
			return ids
		}
		token = page.NextPageToken
	}
}

func TestInboxLifecycle(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("Acme", "acme")
	other := e.createPod("Other", "other")

	res := e.do("POST", "/v0/pods/"+pod.PodID+"/inboxes", e.admin, map[string]any{
		"username": "Support", "domain": "Acme.Example", "display_name": "Acme Support 🚀",
		"client_id": "acme-support", "metadata": map[string]any{"team": "care", "tier": 2, "vip": true},
	}).want(t, 200)
	var fields map[string]json.RawMessage
	res.decode(t, &fields)
	for _, f := range []string{"pod_id", "inbox_id", "email", "display_name", "client_id", "metadata", "created_at", "updated_at"} {
		if _, ok := fields[f]; !ok {
			t.Fatalf("inbox lacks %s: %s", f, res.body)
		}
	}
	var in inboxJSON
	res.decode(t, &in)
	if in.InboxID != "support@acme.example" || in.Email != in.InboxID || in.PodID != pod.PodID ||
		in.DisplayName != "Acme Support 🚀" || in.ClientID != "acme-support" {
		t.Fatalf("created %+v", in)
	}
	if in.Metadata["team"] != "care" || in.Metadata["tier"] != 2.0 || in.Metadata["vip"] != true {
		t.Fatalf("metadata %v", in.Metadata)
	}
	if !timeFormat.MatchString(in.CreatedAt) || in.UpdatedAt != in.CreatedAt {
		t.Fatalf("timestamps %q %q", in.CreatedAt, in.UpdatedAt)
	}

	// Defaults: agentmail.to, a generated username; optional fields omitted.
	bare := e.do("POST", "/v0/pods/"+pod.PodID+"/inboxes", e.admin, nil).want(t, 200)
	var bareIn inboxJSON
	bare.decode(t, &bareIn)
	if !regexp.MustCompile(`^inbox-[0-9a-f]{10}@agentmail\.to$`).MatchString(bareIn.InboxID) {
		t.Fatalf("generated inbox id %q", bareIn.InboxID)
	}
	if strings.Contains(string(bare.body), "display_name") || strings.Contains(string(bare.body), "metadata") ||
		strings.Contains(string(bare.body), "client_id") {
		t.Fatalf("absent fields are not omitted: %s", bare.body)
	}
	named := e.createInbox(pod.PodID, e.admin, map[string]any{"username": "agent"})
	if named.InboxID != "agent@agentmail.to" {
		t.Fatalf("default domain: %q", named.InboxID)
	}

	// client_id is the idempotency handle within the pod.
	again := e.createInbox(pod.PodID, e.admin, map[string]any{"username": "other", "client_id": "acme-support"})
	if again.InboxID != in.InboxID {
		t.Fatalf("the same client_id made %q", again.InboxID)
	}
	elsewhere := e.createInbox(other.PodID, e.admin, map[string]any{"username": "help", "client_id": "acme-support"})
	if elsewhere.PodID != other.PodID || elsewhere.InboxID != "help@agentmail.to" {
		t.Fatalf("client_id in another pod: %+v", elsewhere)
	}
	// An address is taken once, organization-wide.
	e.do("POST", "/v0/pods/"+other.PodID+"/inboxes", e.admin, map[string]any{"username": "agent"}).
		wantError(t, 403, client.CodeResourceTaken)

	// Reads: both forms; the pod form only for the inbox's own pod.
	var got inboxJSON
	e.do("GET", "/v0/inboxes/"+in.InboxID, e.admin, nil).want(t, 200).decode(t, &got)
	if got.InboxID != in.InboxID || got.DisplayName != in.DisplayName || got.CreatedAt != in.CreatedAt {
		t.Fatalf("get %+v", got)
	}
	e.do("GET", "/v0/pods/"+pod.PodID+"/inboxes/"+in.InboxID, e.admin, nil).want(t, 200)
	e.do("GET", "/v0/inboxes/support%40acme.example", e.admin, nil).want(t, 200)
	e.do("GET", "/v0/inboxes/Support@ACME.example", e.admin, nil).want(t, 200)
	e.do("GET", "/v0/pods/"+other.PodID+"/inboxes/"+in.InboxID, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	e.do("GET", "/v0/inboxes/nobody@acme.example", e.admin, nil).wantError(t, 404, client.CodeNotFound)
	e.do("GET", "/v0/pods/"+newID()+"/inboxes", e.admin, nil).wantError(t, 404, client.CodeNotFound)
	e.do("POST", "/v0/pods/"+newID()+"/inboxes", e.admin, nil).wantError(t, 404, client.CodeNotFound)

	// Listings: newest first, ascending on request, the pod's own only.
	all := e.listAllInboxes("/v0/inboxes", e.admin, "", 2)
	if strings.Join(all, ",") != strings.Join([]string{elsewhere.InboxID, named.InboxID, bareIn.InboxID, in.InboxID}, ",") {
		t.Fatalf("all inboxes %v", all)
	}
	asc := e.listAllInboxes("/v0/inboxes", e.admin, "&ascending=true", 3)
	if strings.Join(asc, ",") != strings.Join(reversed(all), ",") {
		t.Fatalf("ascending %v", asc)
	}
	inPod := e.listAllInboxes("/v0/pods/"+pod.PodID+"/inboxes", e.admin, "", 1)
	if strings.Join(inPod, ",") != strings.Join(all[1:], ",") {
		t.Fatalf("pod inboxes %v", inPod)
	}

	// Delete: 204, then 404, through either form.
	e.do("DELETE", "/v0/pods/"+other.PodID+"/inboxes/"+in.InboxID, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	e.do("DELETE", "/v0/pods/"+pod.PodID+"/inboxes/"+in.InboxID, e.admin, nil).want(t, http.StatusNoContent)
	e.do("DELETE", "/v0/inboxes/"+in.InboxID, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	e.do("DELETE", "/v0/inboxes/"+named.InboxID, e.admin, nil).want(t, http.StatusNoContent)
	e.do("GET", "/v0/inboxes/"+named.InboxID, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	// The client_id and the address are free again.
	if fresh := e.createInbox(pod.PodID, e.admin, map[string]any{"username": "support", "domain": "acme.example", "client_id": "acme-support"}); fresh.CreatedAt == in.CreatedAt {
		t.Fatal("a deleted inbox came back")
	}
}

func TestCreateInboxValidation(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	path := "/v0/pods/" + pod.PodID + "/inboxes"
	manyKeys := map[string]any{}
	for i := range 257 {
		manyKeys["k"+itoa(i)] = i
	}
	cases := map[string]struct {
		body any
		path string
	}{
		"malformed":           {`{"username":`, "body"},
		"array":               {`[]`, "body"},
		"username spaces":     {map[string]any{"username": "a b"}, "username"},
		"username escape":     {map[string]any{"username": "x\x1b[2J"}, "username"},
		"username at":         {map[string]any{"username": "a@b"}, "username"},
		"username dot end":    {map[string]any{"username": "a."}, "username"},
		"username long":       {map[string]any{"username": strings.Repeat("a", 65)}, "username"},
		"username empty":      {map[string]any{"username": ""}, "username"},
		"username number":     {map[string]any{"username": 5}, "username"},
		"domain no dot":       {map[string]any{"domain": "localhost"}, "domain"},
		"domain slash":        {map[string]any{"domain": "evil.invalid/x"}, "domain"},
		"display name empty":  {map[string]any{"display_name": ""}, "display_name"},
		"display name long":   {map[string]any{"display_name": strings.Repeat("é", 257)}, "display_name"},
		"client id empty":     {map[string]any{"client_id": ""}, "client_id"},
		"metadata array":      {map[string]any{"metadata": []int{1}}, "metadata"},
		"metadata null value": {map[string]any{"metadata": map[string]any{"a": nil}}, "metadata.a"},
		"metadata object":     {map[string]any{"metadata": map[string]any{"a": map[string]int{}}}, "metadata.a"},
		"metadata long value": {map[string]any{"metadata": map[string]any{"a": strings.Repeat("x", 257)}}, "metadata.a"},
		"metadata long key":   {map[string]any{"metadata": map[string]any{strings.Repeat("k", 257): 1}}, "metadata"},
		"metadata 257 keys":   {map[string]any{"metadata": manyKeys}, "metadata"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e.do("POST", path, e.admin, c.body).wantInvalid(t, c.path)
		})
	}
	if ids := e.listAllInboxes("/v0/inboxes", e.admin, "", 10); len(ids) != 0 {
		t.Fatalf("invalid requests created %v", ids)
	}
}

// inboxKey makes a key of the inbox with the admin key and returns it.
func (e *env) inboxKey(inboxID string, perms any) keyJSON {
	e.t.Helper()
	body := map[string]any{"name": "inbox key"}
	if perms != nil {
		body["permissions"] = perms
	}
	return e.createKey("/v0/inboxes/"+inboxID+"/api-keys", e.admin, body)
}

func TestInboxVisibilityByScope(t *testing.T) {
	e := start(t, Options{})
	a, b := e.createPod("a", "a"), e.createPod("b", "b")
	a1 := e.createInbox(a.PodID, e.admin, map[string]any{"username": "a1"})
	a2 := e.createInbox(a.PodID, e.admin, map[string]any{"username": "a2"})
	b1 := e.createInbox(b.PodID, e.admin, map[string]any{"username": "b1"})
	podKey := e.AddKey(a.PodID, "pod a", client.Unrestricted(), time.Time{}).Secret
	inboxKey := e.inboxKey(a1.InboxID, nil).Secret

	if ids := e.listAllInboxes("/v0/inboxes", e.admin, "", 10); len(ids) != 3 {
		t.Fatalf("the organization sees %v", ids)
	}
	if ids := e.listAllInboxes("/v0/inboxes", podKey, "", 10); strings.Join(ids, ",") != a2.InboxID+","+a1.InboxID {
		t.Fatalf("a pod key sees %v", ids)
	}
	if ids := e.listAllInboxes("/v0/inboxes", inboxKey, "", 10); strings.Join(ids, ",") != a1.InboxID {
		t.Fatalf("an inbox key sees %v", ids)
	}
	e.do("GET", "/v0/inboxes/"+a2.InboxID, podKey, nil).want(t, 200)
	e.do("GET", "/v0/pods/"+a.PodID+"/inboxes", podKey, nil).want(t, 200)
	e.do("GET", "/v0/inboxes/"+a1.InboxID, inboxKey, nil).want(t, 200)
	e.do("GET", "/v0/pods/"+a.PodID+"/inboxes/"+a1.InboxID, inboxKey, nil).want(t, 200)

	// Outside the scope is indistinguishable from absent...
	for _, c := range []struct{ key, method, path string }{
		{podKey, "GET", "/v0/inboxes/" + b1.InboxID},
		{podKey, "DELETE", "/v0/inboxes/" + b1.InboxID},
		{podKey, "GET", "/v0/pods/" + b.PodID + "/inboxes"},
		{podKey, "POST", "/v0/pods/" + b.PodID + "/inboxes"},
		{inboxKey, "GET", "/v0/inboxes/" + a2.InboxID},
		{inboxKey, "DELETE", "/v0/inboxes/" + a2.InboxID},
		{inboxKey, "GET", "/v0/inboxes/" + b1.InboxID},
		{inboxKey, "GET", "/v0/inboxes/" + a2.InboxID + "/api-keys"},
	} {
		e.do(c.method, c.path, c.key, nil).wantError(t, 404, client.CodeNotFound)
	}
	// ...while the inbox key's ancestors (its pod, the organization) are
	// forbidden outright.
	for _, c := range []struct{ method, path string }{
		{"GET", "/v0/pods"},
		{"POST", "/v0/pods"},
		{"GET", "/v0/pods/" + a.PodID},
		{"DELETE", "/v0/pods/" + a.PodID},
		{"GET", "/v0/pods/" + a.PodID + "/inboxes"},
		{"POST", "/v0/pods/" + a.PodID + "/inboxes"},
		{"GET", "/v0/pods/" + a.PodID + "/api-keys"},
		{"POST", "/v0/pods/" + a.PodID + "/api-keys"},
		{"GET", "/v0/organizations"},
	} {
		e.do(c.method, c.path, inboxKey, "{}").wantError(t, 403, client.CodeForbidden)
	}
	// An inbox key may delete its own inbox, and with it itself.
	e.do("DELETE", "/v0/inboxes/"+a1.InboxID, inboxKey, nil).want(t, http.StatusNoContent)
	e.do("GET", "/v0/inboxes", inboxKey, nil).wantError(t, 401, client.CodeUnknownAPIKey)
}

func TestInboxKeys(t *testing.T) {
	e := start(t, Options{})
	a, b := e.createPod("a", "a"), e.createPod("b", "b")
	a1 := e.createInbox(a.PodID, e.admin, map[string]any{"username": "a1"})
	a2 := e.createInbox(a.PodID, e.admin, map[string]any{"username": "a2"})
	b1 := e.createInbox(b.PodID, e.admin, map[string]any{"username": "b1"})
	path := "/v0/inboxes/" + a1.InboxID + "/api-keys"

	// Create: the secret once, the inbox and its pod on the key.
	res := e.do("POST", path, e.admin, map[string]any{"name": "triage bot", "permissions": map[string]bool{
		"inbox_read": true, "message_read": true, "api_key_read": true, "api_key_create": true, "api_key_delete": true}}).want(t, 200)
	var k keyJSON
	res.decode(t, &k)
	if !secretFormat.MatchString(k.Secret) || k.Prefix != k.Secret[:8] || k.InboxID != a1.InboxID || k.PodID != a.PodID {
		t.Fatalf("inbox key %+v", k)
	}
	listed := e.listAllKeys(path, e.admin, "", 10)
	if len(listed) != 1 || listed[0].ID != k.ID || listed[0].InboxID != a1.InboxID || listed[0].PodID != a.PodID {
		t.Fatalf("inbox listing %+v", listed)
	}
	// The pod's listing holds its inboxes' keys; the organization's does not.
	podKeys := e.listAllKeys("/v0/pods/"+a.PodID+"/api-keys", e.admin, "", 10)
	if len(podKeys) != 1 || podKeys[0].ID != k.ID {
		t.Fatalf("pod listing %+v", podKeys)
	}
	for _, o := range e.listAllKeys("/v0/api-keys", e.admin, "", 100) {
		if o.ID == k.ID {
			t.Fatal("the organization listing holds an inbox key")
		}
	}
	if n := len(e.listAllKeys("/v0/inboxes/"+a2.InboxID+"/api-keys", e.admin, "", 10)); n != 0 {
		t.Fatalf("a sibling inbox lists %d keys", n)
	}

	// The inbox key manages its own inbox's keys, within its permissions.
	s := k.Secret
	own := keyIDs(e.listAllKeys("/v0/api-keys", s, "", 10))
	if strings.Join(own, ",") != k.ID {
		t.Fatalf("/v0/api-keys for an inbox key: %v", own)
	}
	child := e.createKey(path, s, map[string]any{"permissions": map[string]bool{"message_read": true}})
	if child.InboxID != a1.InboxID {
		t.Fatalf("child %+v", child)
	}
	viaScope := e.createKey("/v0/api-keys", s, map[string]any{"permissions": map[string]bool{"inbox_read": true}})
	if viaScope.InboxID != a1.InboxID || viaScope.PodID != a.PodID {
		t.Fatalf("a key made through /v0/api-keys by an inbox key: %+v", viaScope)
	}
	e.do("POST", path, s, map[string]any{"permissions": map[string]bool{"message_send": true}}).
		wantError(t, 403, client.CodePermissionEscalation)
	e.do("POST", path, s, "{}").wantError(t, 403, client.CodeUnrestrictedKeyRequired)
	e.do("POST", "/v0/inboxes/"+a2.InboxID+"/api-keys", s, "{}").wantError(t, 404, client.CodeNotFound)
	e.do("DELETE", "/v0/inboxes/"+a2.InboxID+"/api-keys/"+child.ID, s, nil).wantError(t, 404, client.CodeNotFound)
	e.do("DELETE", path+"/"+child.ID, s, nil).want(t, http.StatusNoContent)
	e.do("DELETE", path+"/"+child.ID, s, nil).wantError(t, 404, client.CodeNotFound)
	e.do("DELETE", "/v0/api-keys/"+viaScope.ID, s, nil).want(t, http.StatusNoContent)

	// A pod key manages its inboxes' keys, not another pod's.
	podKey := e.AddKey(a.PodID, "pod a", client.Unrestricted(), time.Time{}).Secret
	made := e.createKey("/v0/inboxes/"+a2.InboxID+"/api-keys", podKey, map[string]any{})
	e.do("GET", "/v0/inboxes/"+b1.InboxID+"/api-keys", podKey, nil).wantError(t, 404, client.CodeNotFound)
	e.do("POST", "/v0/inboxes/"+b1.InboxID+"/api-keys", podKey, "{}").wantError(t, 404, client.CodeNotFound)
	// A key deleted through the wrong inbox stays.
	e.do("DELETE", path+"/"+made.ID, podKey, nil).wantError(t, 404, client.CodeNotFound)
	e.do("DELETE", "/v0/pods/"+b.PodID+"/api-keys/"+made.ID, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	// The pod listing's keys can be deleted through it, inbox keys included.
	e.do("DELETE", "/v0/pods/"+a.PodID+"/api-keys/"+made.ID, podKey, nil).want(t, http.StatusNoContent)

	// Deleting the inbox deletes its keys: they no longer authenticate.
	e.do("DELETE", "/v0/inboxes/"+a1.InboxID, e.admin, nil).want(t, http.StatusNoContent)
	e.do("GET", "/v0/inboxes", s, nil).wantError(t, 401, client.CodeUnknownAPIKey)
	for _, left := range e.listAllKeys("/v0/pods/"+a.PodID+"/api-keys", e.admin, "", 10) {
		if left.InboxID == a1.InboxID {
			t.Fatalf("key %s of a deleted inbox is still listed", left.ID)
		}
	}
	e.do("GET", path, e.admin, nil).wantError(t, 404, client.CodeNotFound)
}

func TestPodWithInboxesCannotBeDeleted(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("busy", "busy")
	in := e.createInbox(pod.PodID, e.admin, map[string]any{"username": "still-here"})
	er := e.do("DELETE", "/v0/pods/"+pod.PodID, e.admin, nil).wantError(t, http.StatusConflict, client.CodeCannotDelete)
	if er.Name != "ConflictError" || er.Fix == "" {
		t.Fatalf("refusal %+v", er)
	}
	e.do("GET", "/v0/pods/"+pod.PodID, e.admin, nil).want(t, 200)
	e.do("GET", "/v0/inboxes/"+in.InboxID, e.admin, nil).want(t, 200)
	e.do("DELETE", "/v0/inboxes/"+in.InboxID, e.admin, nil).want(t, http.StatusNoContent)
	e.do("DELETE", "/v0/pods/"+pod.PodID, e.admin, nil).want(t, http.StatusNoContent)
}

// The inbox endpoints demand their permissions, as the pod ones do.
func TestInboxMissingPermission(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	in := e.createInbox(pod.PodID, e.admin, map[string]any{"username": "x"})
	target := e.inboxKey(in.InboxID, nil)
	cases := []struct{ perm, method, path string }{
		{"inbox_read", "GET", "/v0/inboxes"},
		{"inbox_read", "GET", "/v0/inboxes/" + in.InboxID},
		{"inbox_read", "GET", "/v0/pods/" + pod.PodID + "/inboxes"},
		{"inbox_read", "GET", "/v0/pods/" + pod.PodID + "/inboxes/" + in.InboxID},
		{"inbox_create", "POST", "/v0/pods/" + pod.PodID + "/inboxes"},
		{"inbox_delete", "DELETE", "/v0/inboxes/" + in.InboxID},
		{"inbox_delete", "DELETE", "/v0/pods/" + pod.PodID + "/inboxes/" + in.InboxID},
		{"api_key_read", "GET", "/v0/inboxes/" + in.InboxID + "/api-keys"},
		{"api_key_create", "POST", "/v0/inboxes/" + in.InboxID + "/api-keys"},
		{"api_key_delete", "DELETE", "/v0/inboxes/" + in.InboxID + "/api-keys/" + target.ID},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			k := e.createKey("/v0/api-keys", e.admin, map[string]any{"permissions": allPermsBut(c.perm)})
			er := e.do(c.method, c.path, k.Secret, `{"permissions":{}}`).wantError(t, 403, client.CodeMissingPermission)
			if er.Message != "Forbidden" || !strings.Contains(er.Fix, c.perm) {
				t.Fatalf("message %q / fix %q", er.Message, er.Fix)
			}
		})
	}
	e.do("GET", "/v0/inboxes/"+in.InboxID, e.admin, nil).want(t, 200)
	if n := len(e.listAllKeys("/v0/inboxes/"+in.InboxID+"/api-keys", e.admin, "", 10)); n != 1 {
		t.Fatalf("a refused request changed the inbox's keys: %d", n)
	}
}

type orgJSON struct {
	OrganizationID string `json:"organization_id"`
	InboxCount     *int   `json:"inbox_count"`
	DomainCount    *int   `json:"domain_count"`
	InboxLimit     *int   `json:"inbox_limit"`
	DomainLimit    *int   `json:"domain_limit"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
}

func TestOrganization(t *testing.T) {
	e := start(t, Options{})
	get := func(key string) orgJSON {
		t.Helper()
		var o orgJSON
		e.do("GET", "/v0/organizations", key, nil).want(t, 200).decode(t, &o)
		return o
	}
	o := get(e.admin)
	if !uuidFormat.MatchString(o.OrganizationID) || o.InboxCount == nil || *o.InboxCount != 0 || o.DomainCount == nil ||
		o.InboxLimit == nil || *o.InboxLimit < 1 || o.DomainLimit == nil || !timeFormat.MatchString(o.CreatedAt) || !timeFormat.MatchString(o.UpdatedAt) {
		t.Fatalf("organization %+v", o)
	}
	pod := e.createPod("p", "")
	in := e.createInbox(pod.PodID, e.admin, map[string]any{"username": "one"})
	e.createInbox(pod.PodID, e.admin, map[string]any{"username": "two"})
	// No permission names the organization: a key without any may read it.
	none := e.createKey("/v0/api-keys", e.admin, map[string]any{"permissions": map[string]bool{}})
	if got := get(none.Secret); *got.InboxCount != 2 || got.OrganizationID != o.OrganizationID {
		t.Fatalf("after two inboxes: %+v", got)
	}
	podKey := e.AddKey(pod.PodID, "pod", client.Unrestricted(), time.Time{}).Secret
	e.do("GET", "/v0/organizations", podKey, nil).wantError(t, 403, client.CodeForbidden)
	e.do("GET", "/v0/organizations", e.inboxKey(in.InboxID, nil).Secret, nil).wantError(t, 403, client.CodeForbidden)
}

// The inbox limit is enforced, as GET /v0/organizations reports it.
func TestInboxLimit(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	e.mu.Lock()
	e.st.org.inboxLimit = 2
	e.mu.Unlock()
	e.createInbox(pod.PodID, e.admin, nil)
	e.createInbox(pod.PodID, e.admin, map[string]any{"client_id": "second"})
	e.do("POST", "/v0/pods/"+pod.PodID+"/inboxes", e.admin, nil).wantError(t, 403, client.CodeLimitExceeded)
	// An idempotent repeat is no new inbox, so the limit does not bite.
	e.createInbox(pod.PodID, e.admin, map[string]any{"client_id": "second"})
}
