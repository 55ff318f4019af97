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

var secretFormat = regexp.MustCompile(`^am_[A-Za-z0-9_-]{43}$`)

func TestCreateKeyShapeAndSecret(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("Acme", "acme")
	path := "/v0/pods/" + pod.PodID + "/api-keys"

	res := e.do("POST", path, e.admin, map[string]any{
		"name": "Café bot 🤖", "permissions": map[string]bool{"pod_read": true, "message_send": true, "inbox_read": false},
	}).want(t, 200)
	var fields map[string]json.RawMessage
	res.decode(t, &fields)
	if _, ok := fields["used_at"]; ok {
		t.Fatal("a create response carries used_at")
	}
	var k keyJSON
	res.decode(t, &k)
	if !secretFormat.MatchString(k.Secret) {
		t.Fatalf("secret %q is not am_ + 43 base64url characters", k.Secret)
	}
	if k.Prefix != k.Secret[:8] || !strings.HasPrefix(k.Prefix, "am_") {
		t.Fatalf("prefix %q is not the first 8 characters of the secret", k.Prefix)
	}
	if !uuidFormat.MatchString(k.ID) || k.PodID != pod.PodID || k.Name != "Café bot 🤖" || !timeFormat.MatchString(k.CreatedAt) {
		t.Fatalf("created key %+v", k)
	}
	if k.Permissions.IsUnrestricted() || k.Permissions.String() != "[inbox_read,message_send,pod_read]" &&
		k.Permissions.String() != "[message_send,pod_read]" {
		t.Fatalf("permissions %v", k.Permissions)
	}
	if k.Permissions.Has("inbox_read") {
		t.Fatal("a false entry was granted")
	}
	if strings.Contains(string(res.body), `"inbox_read"`) {
		t.Fatalf("a false permission is echoed: %s", res.body)
	}

	// An unrestricted key has no permissions object; a name defaults.
	unres := e.do("POST", path, e.admin, `{"permissions": null}`).want(t, 200)
	var raw map[string]any
	unres.decode(t, &raw)
	if _, ok := raw["permissions"]; ok {
		t.Fatalf("unrestricted key has permissions: %s", unres.body)
	}
	if name, _ := raw["name"].(string); name != "API key "+raw["prefix"].(string) {
		t.Fatalf("default name %q", name)
	}

	// Listing: never a secret, never used yet, same fields.
	list := e.listAllKeys(path, e.admin, "", 100)
	if len(list) != 2 || list[1].ID != k.ID {
		t.Fatalf("listing %+v", list)
	}
	got := list[1]
	if got.UsedAt != nil || got.Secret != "" || got.Prefix != k.Prefix || got.Name != k.Name || !got.Permissions.Equal(k.Permissions) {
		t.Fatalf("listed %+v, created %+v", got, k)
	}
}

func TestUsedAtAppearsAfterUse(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	path := "/v0/pods/" + pod.PodID + "/api-keys"
	k := e.createKey(path, e.admin, map[string]any{"name": "reader", "permissions": map[string]bool{"api_key_read": true}})
	if got := e.listAllKeys(path, e.admin, "", 10)[0]; got.UsedAt != nil {
		t.Fatalf("used_at %q before any use", *got.UsedAt)
	}

	e.clock.Advance(time.Hour)
	// Even a refused request counts as a use.
	e.do("GET", "/v0/pods", k.Secret, nil).wantError(t, 403, client.CodeMissingPermission)
	got := e.listAllKeys(path, e.admin, "", 10)[0]
	if got.UsedAt == nil || *got.UsedAt != formatTime(testNow.Add(time.Hour)) {
		t.Fatalf("used_at %v, want %s", got.UsedAt, formatTime(testNow.Add(time.Hour)))
	}
	e.clock.Advance(time.Minute)
	e.do("GET", "/v0/pods/"+newID(), k.Secret, nil).wantError(t, 403, client.CodeMissingPermission)
	e.do("GET", path, k.Secret, nil).want(t, 200)
	got = e.listAllKeys(path, e.admin, "", 10)[0]
	if *got.UsedAt != formatTime(testNow.Add(time.Hour+time.Minute)) {
		t.Fatalf("used_at %s not moved to the latest use", *got.UsedAt)
	}
}

func TestDeleteKey(t *testing.T) {
	e := start(t, Options{})
	a, b := e.createPod("a", ""), e.createPod("b", "")
	k := e.createKey("/v0/pods/"+a.PodID+"/api-keys", e.admin, map[string]any{})
	e.do("GET", "/v0/pods", k.Secret, nil).want(t, 200)

	e.do("DELETE", "/v0/pods/"+b.PodID+"/api-keys/"+k.ID, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	e.do("DELETE", "/v0/api-keys/"+k.ID, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	res := e.do("DELETE", "/v0/pods/"+a.PodID+"/api-keys/"+k.ID, e.admin, nil).want(t, http.StatusNoContent)
	if len(res.body) != 0 {
		t.Fatalf("body %q", res.body)
	}
	e.do("DELETE", "/v0/pods/"+a.PodID+"/api-keys/"+k.ID, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	e.do("DELETE", "/v0/pods/"+newID()+"/api-keys/"+k.ID, e.admin, nil).wantError(t, 404, client.CodeNotFound)
	e.do("GET", "/v0/pods", k.Secret, nil).wantError(t, 401, client.CodeUnknownAPIKey)

	org := e.createKey("/v0/api-keys", e.admin, map[string]any{"name": "org"})
	if org.PodID != "" {
		t.Fatalf("org key has pod_id %q", org.PodID)
	}
	e.do("DELETE", "/v0/api-keys/"+org.ID, e.admin, nil).want(t, 204)
	e.do("DELETE", "/v0/api-keys/"+org.ID, e.admin, nil).wantError(t, 404, client.CodeNotFound)
}

func TestDeletePodDeletesItsKeys(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	k := e.createKey("/v0/pods/"+pod.PodID+"/api-keys", e.admin, map[string]any{})
	e.do("DELETE", "/v0/pods/"+pod.PodID, e.admin, nil).want(t, 204)
	e.do("GET", "/v0/pods", k.Secret, nil).wantError(t, 401, client.CodeUnknownAPIKey)
	e.do("GET", "/v0/pods/"+pod.PodID+"/api-keys", e.admin, nil).wantError(t, 404, client.CodeNotFound)
	e.do("POST", "/v0/pods/"+pod.PodID+"/api-keys", e.admin, "{}").wantError(t, 404, client.CodeNotFound)
}

func TestCreateKeyValidation(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	path := "/v0/pods/" + pod.PodID + "/api-keys"
	cases := map[string]struct {
		body any
		path string
	}{
		"malformed":         {`{"name": "x"`, "body"},
		"not an object":     {`"x"`, "body"},
		"empty name":        {map[string]any{"name": ""}, "name"},
		"long name":         {map[string]any{"name": strings.Repeat("é", 257)}, "name"},
		"not a boolean":     {map[string]any{"permissions": map[string]any{"pod_read": "yes"}}, "permissions.pod_read"},
		"permissions array": {map[string]any{"permissions": []string{"pod_read"}}, "permissions"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e.do("POST", path, e.admin, c.body).wantInvalid(t, c.path)
			e.do("POST", "/v0/api-keys", e.admin, c.body).wantInvalid(t, c.path)
		})
	}
	if n := len(e.listAllKeys(path, e.admin, "", 10)); n != 0 {
		t.Fatalf("invalid requests created %d keys", n)
	}
	e.createKey(path, e.admin, map[string]any{"name": strings.Repeat("鍵", 256)})
}

// Unknown names, and names the API dropped, are left out silently: the
// vendor's CLI still sends thread_read.
func TestCreateKeyDropsUnknownPermissions(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	for _, path := range []string{"/v0/pods/" + pod.PodID + "/api-keys", "/v0/api-keys"} {
		k := e.createKey(path, e.admin, map[string]any{"permissions": map[string]any{
			"pod_read": true, "thread_read": true, "thread_delete": true, "bogus_read": true, "calendar_write": "not even a boolean",
		}})
		if k.Permissions.String() != "[pod_read]" {
			t.Fatalf("%s: permissions %v, want only pod_read", path, k.Permissions)
		}
		var listed keyList
		e.do("GET", path, e.admin, nil).want(t, 200).decode(t, &listed)
		for _, got := range listed.keys(t) {
			if got.ID == k.ID && got.Permissions.String() != "[pod_read]" {
				t.Fatalf("listed with %v", got.Permissions)
			}
		}
	}
	// Only unknown names: a key with no permissions, not an unrestricted one.
	k := e.createKey("/v0/api-keys", e.admin, map[string]any{"permissions": map[string]bool{"thread_read": true}})
	if k.Permissions.IsUnrestricted() || k.Permissions.String() != "[]" {
		t.Fatalf("permissions %v, want an empty whitelist", k.Permissions)
	}
	// A restricted caller asking for an unknown name is no escalation.
	creator := e.createKey("/v0/api-keys", e.admin, map[string]any{"permissions": map[string]bool{"api_key_create": true, "pod_read": true}})
	e.createKey(podKeysPath(pod), creator.Secret, map[string]any{"permissions": map[string]bool{"pod_read": true, "thread_read": true}})
}

func podKeysPath(pod podJSON) string { return "/v0/pods/" + pod.PodID + "/api-keys" }

func TestEscalation(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	path := "/v0/pods/" + pod.PodID + "/api-keys"
	creator := e.createKey("/v0/api-keys", e.admin, map[string]any{
		"permissions": map[string]bool{"api_key_create": true, "api_key_read": true, "pod_read": true}})

	esc := e.do("POST", path, creator.Secret, map[string]any{
		"permissions": map[string]bool{"api_key_read": true, "pod_delete": true, "webhook_create": true}}).
		wantError(t, 403, client.CodePermissionEscalation)
	if !strings.Contains(esc.Fix, "pod_delete") || !strings.Contains(esc.Fix, "webhook_create") || strings.Contains(esc.Fix, "api_key_read") {
		t.Fatalf("fix %q should name exactly the missing permissions", esc.Fix)
	}
	e.do("POST", path, creator.Secret, "{}").wantError(t, 403, client.CodeUnrestrictedKeyRequired)
	e.do("POST", path, creator.Secret, `{"permissions": null}`).wantError(t, 403, client.CodeUnrestrictedKeyRequired)

	child := e.createKey(path, creator.Secret, map[string]any{"permissions": map[string]bool{"pod_read": true, "api_key_read": true}})
	if child.Permissions.String() != "[api_key_read,pod_read]" {
		t.Fatalf("child permissions %v", child.Permissions)
	}
	e.createKey(path, creator.Secret, map[string]any{"permissions": map[string]bool{}})
	if n := len(e.listAllKeys(path, e.admin, "", 10)); n != 2 {
		t.Fatalf("%d keys in the pod, want the 2 allowed ones", n)
	}
}

// Every endpoint demands its own permission, named in message and fix.
func TestMissingPermission(t *testing.T) {
	e := start(t, Options{})
	pod := e.createPod("p", "")
	target := e.createKey("/v0/pods/"+pod.PodID+"/api-keys", e.admin, map[string]any{})
	cases := []struct{ perm, method, path string }{
		{"pod_read", "GET", "/v0/pods"},
		{"pod_read", "GET", "/v0/pods/" + pod.PodID},
		{"pod_create", "POST", "/v0/pods"},
		{"pod_delete", "DELETE", "/v0/pods/" + pod.PodID},
		{"api_key_read", "GET", "/v0/pods/" + pod.PodID + "/api-keys"},
		{"api_key_read", "GET", "/v0/api-keys"},
		{"api_key_create", "POST", "/v0/pods/" + pod.PodID + "/api-keys"},
		{"api_key_create", "POST", "/v0/api-keys"},
		{"api_key_delete", "DELETE", "/v0/pods/" + pod.PodID + "/api-keys/" + target.ID},
		{"api_key_delete", "DELETE", "/v0/api-keys/" + target.ID},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			k := e.createKey("/v0/api-keys", e.admin, map[string]any{"permissions": allPermsBut(c.perm)})
			er := e.do(c.method, c.path, k.Secret, `{"permissions":{}}`).wantError(t, 403, client.CodeMissingPermission)
			if er.Message != "Forbidden" || !strings.Contains(er.Fix, c.perm) {
				t.Fatalf("message %q / fix %q: want Forbidden, and the fix naming %s", er.Message, er.Fix, c.perm)
			}
		})
	}
	// Nothing was deleted along the way.
	e.do("GET", "/v0/pods/"+pod.PodID, e.admin, nil).want(t, 200)
	if len(e.listAllKeys("/v0/pods/"+pod.PodID+"/api-keys", e.admin, "", 10)) != 1 {
		t.Fatal("a refused request changed the pod's keys")
	}
}

func TestPodKeyScope(t *testing.T) {
	e := start(t, Options{})
	a, b := e.createPod("a", "a"), e.createPod("b", "b")
	podKey := e.AddKey(a.PodID, "pod admin", client.Unrestricted(), time.Time{})
	inB := e.AddKey(b.PodID, "in b", client.Unrestricted(), time.Time{})
	var orgList keyList
	e.do("GET", "/v0/api-keys", e.admin, nil).want(t, 200).decode(t, &orgList)
	orgKeyID := orgList.keys(t)[0].ID
	s := podKey.Secret

	var pods podList
	e.do("GET", "/v0/pods", s, nil).want(t, 200).decode(t, &pods)
	if pods.Count != 1 || pods.Pods[0].PodID != a.PodID {
		t.Fatalf("a pod key lists %+v, want only its pod", pods.Pods)
	}
	e.do("GET", "/v0/pods/"+a.PodID, s, nil).want(t, 200)
	for _, c := range []struct{ method, path string }{
		{"GET", "/v0/pods/" + b.PodID},
		{"GET", "/v0/pods/" + b.PodID + "/api-keys"},
		{"POST", "/v0/pods/" + b.PodID + "/api-keys"},
		{"DELETE", "/v0/pods/" + b.PodID + "/api-keys/" + inB.ID},
		{"DELETE", "/v0/pods/" + b.PodID},
		{"DELETE", "/v0/api-keys/" + orgKeyID},
		{"DELETE", "/v0/api-keys/" + inB.ID},
	} {
		e.do(c.method, c.path, s, "{}").wantError(t, 404, client.CodeNotFound)
	}
	e.do("POST", "/v0/pods", s, `{"name":"x"}`).wantError(t, 403, client.CodeForbidden)

	// /v0/api-keys is the pod's own keys for a pod key.
	made := e.createKey("/v0/api-keys", s, map[string]any{"name": "made by pod key"})
	if made.PodID != a.PodID {
		t.Fatalf("key made through /v0/api-keys by a pod key has pod_id %q", made.PodID)
	}
	ids := keyIDs(e.listAllKeys("/v0/api-keys", s, "", 10))
	if strings.Join(ids, ",") != made.ID+","+podKey.ID {
		t.Fatalf("pod key sees %v", ids)
	}
	// The organization view of /v0/api-keys holds no pod keys.
	for _, k := range e.listAllKeys("/v0/api-keys", e.admin, "", 100) {
		if k.PodID != "" {
			t.Fatalf("org listing holds pod key %+v", k)
		}
	}
	e.do("DELETE", "/v0/api-keys/"+made.ID, s, nil).want(t, 204)
	e.do("DELETE", "/v0/pods/"+a.PodID, s, nil).want(t, 204) // its own pod, itself included
	e.do("GET", "/v0/pods", s, nil).wantError(t, 401, client.CodeUnknownAPIKey)
}
