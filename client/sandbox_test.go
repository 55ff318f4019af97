package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
)

// startSandbox runs an empty sandbox on loopback and a client with its admin key.
func startSandbox(t *testing.T, opts sandbox.Options) (*sandbox.Running, *client.Client) {
	t.Helper()
	if opts.Seed == "" {
		opts.Seed = "empty"
	}
	srv, err := sandbox.Start(opts, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, newClient(t, srv, srv.AdminKey())
}

func newClient(t *testing.T, srv *sandbox.Running, key string) *client.Client {
	t.Helper()
	// A patient per-attempt timeout: a busy machine must not turn a slow
	// answer into a timeout.
	c, err := client.New(client.Options{BaseURL: srv.URL, APIKey: key, Backoff: 10 * time.Millisecond, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, err error, status int, code string) *client.Error {
	t.Helper()
	e, ok := client.AsError(err)
	if !ok {
		t.Fatalf("err = %v, want API error %d %s", err, status, code)
	}
	if e.Status != status || e.Code() != code || client.Code(err) != code {
		t.Fatalf("err = %d %q (%v), want %d %q", e.Status, e.Code(), err, status, code)
	}
	if e.Name == "" || e.Message == "" {
		t.Fatalf("error lacks name or message: %#v", e)
	}
	return e
}

func TestPodLifecycle(t *testing.T) {
	_, c := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	a, err := c.CreatePod(ctx, "Acme", "acme")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == "" || a.Name != "Acme" || a.ClientID != "acme" || a.CreatedAt.IsZero() || a.CreatedAt.Location() != time.UTC {
		t.Fatalf("created pod = %+v", a)
	}
	b, err := c.CreatePod(ctx, "Globex", "globex")
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreatePod(ctx, "Acme", "acme")
	if err != nil || again.ID != a.ID {
		t.Fatalf("client_id is the idempotency handle: got %+v, %v", again, err)
	}
	got, err := c.GetPod(ctx, a.ID)
	if err != nil || got.ID != a.ID {
		t.Fatalf("GetPod = %+v, %v", got, err)
	}
	page, err := c.ListPods(ctx, client.ListOptions{})
	if err != nil || len(page.Pods) != 2 || page.Pods[0].ID != b.ID {
		t.Fatalf("ListPods newest first = %+v, %v", page, err)
	}
	page, err = c.ListPods(ctx, client.ListOptions{Ascending: true})
	if err != nil || page.Pods[0].ID != a.ID {
		t.Fatalf("ListPods ascending = %+v, %v", page, err)
	}
	if err := c.DeletePod(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPod(ctx, a.ID)
	if !client.IsNotFound(err) {
		t.Fatalf("GetPod after delete: %v", err)
	}
	wantCode(t, c.DeletePod(ctx, a.ID), 404, client.CodeNotFound)
}

func TestKeyLifecycleAndErrors(t *testing.T) {
	srv, admin := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	pod, err := admin.CreatePod(ctx, "Acme", "acme")
	if err != nil {
		t.Fatal(err)
	}
	created, err := admin.CreateKey(ctx, client.PodScope(pod.ID), "ci", client.Restricted("pod_read"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(created.Secret, "am_") || created.Prefix == "" || !strings.HasPrefix(created.Secret, created.Prefix) {
		t.Fatalf("secret %q / prefix %q", "<hidden>", created.Prefix)
	}
	if created.PodID != pod.ID || created.Permissions.IsUnrestricted() || !created.Permissions.Has("pod_read") || created.Permissions.GrantedCount() != 1 {
		t.Fatalf("created = %+v", created.APIKey)
	}
	listed := findKey(t, admin, pod.ID, created.ID)
	if !listed.NeverUsed() {
		t.Fatal("a new key has used_at before making any request")
	}
	// The new key reads its pod, which marks it used...
	ci := newClient(t, srv, created.Secret)
	if _, err := ci.GetPod(ctx, pod.ID); err != nil {
		t.Fatalf("pod_read key cannot read its pod: %v", err)
	}
	if findKey(t, admin, pod.ID, created.ID).NeverUsed() {
		t.Fatal("used_at not set after the key made a request")
	}
	// ...but cannot create keys.
	_, err = ci.CreateKey(ctx, client.PodScope(pod.ID), "child", client.Restricted("pod_read"))
	e := wantCode(t, err, 403, client.CodeMissingPermission)
	if !strings.Contains(e.Fix, "api_key_create") {
		t.Fatalf("fix does not name the permission: %q", e.Fix)
	}
	// A restricted key that may create keys cannot grant more than it has,
	// nor an unrestricted child.
	creator, err := admin.CreateKey(ctx, client.PodScope(pod.ID), "creator", client.Restricted("api_key_create", "pod_read"))
	if err != nil {
		t.Fatal(err)
	}
	cc := newClient(t, srv, creator.Secret)
	_, err = cc.CreateKey(ctx, client.PodScope(pod.ID), "too much", client.Restricted("pod_read", "domain_delete"))
	wantCode(t, err, 403, client.CodePermissionEscalation)
	_, err = cc.CreateKey(ctx, client.PodScope(pod.ID), "unrestricted", client.Unrestricted())
	wantCode(t, err, 403, client.CodeUnrestrictedKeyRequired)
	// A pod key sees only its pod.
	other, _ := admin.CreatePod(ctx, "Globex", "globex")
	_, err = ci.GetPod(ctx, other.ID)
	wantCode(t, err, 404, client.CodeNotFound)
	// Unknown key, missing key.
	_, err = newClient(t, srv, "am_unknownunknownunknownunknown").ListPods(ctx, client.ListOptions{})
	wantCode(t, err, 401, client.CodeUnknownAPIKey)
	_, err = newClient(t, srv, "").ListPods(ctx, client.ListOptions{})
	wantCode(t, err, 401, client.CodeMissingAuthorization)
	// Bad page token and bad limit.
	_, err = admin.ListKeys(ctx, client.PodScope(pod.ID), client.ListOptions{PageToken: "garbage"})
	wantCode(t, err, 400, client.CodeValidation)
	_, err = admin.ListPods(ctx, client.ListOptions{Limit: 100000})
	e = wantCode(t, err, 400, client.CodeValidation)
	if len(e.Fields) == 0 || e.Fields[0].Path == "" {
		t.Fatalf("validation error without field paths: %#v", e)
	}
	// Delete twice.
	if err := admin.DeleteKey(ctx, client.PodScope(pod.ID), created.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, admin.DeleteKey(ctx, client.PodScope(pod.ID), created.ID), 404, client.CodeNotFound)
	// The deleted key no longer authenticates.
	_, err = ci.GetPod(ctx, pod.ID)
	wantCode(t, err, 401, client.CodeUnknownAPIKey)
}

func TestOrganizationKeys(t *testing.T) {
	_, admin := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	k, err := admin.CreateKey(ctx, client.OrganizationScope(), "org reader", client.Restricted("pod_read", "api_key_read"))
	if err != nil {
		t.Fatal(err)
	}
	if k.PodID != "" || !k.Scope().IsOrganization() {
		t.Fatalf("org key = %+v", k.APIKey)
	}
	var names []string
	if err := admin.EachKey(ctx, client.OrganizationScope(), client.ListOptions{}, func(p client.KeyPage) error {
		for _, k := range p.Keys {
			names = append(names, k.Name)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !contains(names, "org reader") || !contains(names, "sandbox admin") {
		t.Fatalf("org keys = %v", names)
	}
	if err := admin.DeleteKey(ctx, client.OrganizationScope(), k.ID); err != nil {
		t.Fatal(err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func findKey(t *testing.T, c *client.Client, podID, keyID string) client.APIKey {
	t.Helper()
	var found *client.APIKey
	err := c.EachKey(context.Background(), client.PodScope(podID), client.ListOptions{}, func(p client.KeyPage) error {
		for i := range p.Keys {
			if p.Keys[i].ID == keyID {
				found = &p.Keys[i]
			}
		}
		return nil
	})
	if err != nil || found == nil {
		t.Fatalf("key %s not listed (err %v)", keyID, err)
	}
	return *found
}

func TestPagingYieldsEachKeyOnce(t *testing.T) {
	srv, admin := startSandbox(t, sandbox.Options{})
	pod := srv.AddPod("Big", "big")
	want := map[string]bool{}
	for i := 0; i < 257; i++ {
		k := srv.AddKey(pod.ID, "k", client.Restricted("pod_read"), time.Time{})
		want[k.ID] = true
	}
	seen := map[string]int{}
	pages := 0
	var prev time.Time
	err := admin.EachKey(context.Background(), client.PodScope(pod.ID), client.ListOptions{Limit: 20}, func(p client.KeyPage) error {
		pages++
		if len(p.Keys) > 20 {
			t.Fatalf("page of %d keys with limit 20", len(p.Keys))
		}
		for _, k := range p.Keys {
			seen[k.ID]++
			if !prev.IsZero() && k.CreatedAt.After(prev) {
				t.Fatal("keys not newest first")
			}
			prev = k.CreatedAt
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(want) || pages != 13 {
		t.Fatalf("saw %d distinct keys in %d pages, want %d in 13", len(seen), pages, len(want))
	}
	for id, n := range seen {
		if n != 1 || !want[id] {
			t.Fatalf("key %s seen %d times", id, n)
		}
	}
}

func TestRateLimitedGetIsRetriedAfterRetryAfter(t *testing.T) {
	srv, admin := startSandbox(t, sandbox.Options{})
	srv.SetFaults(sandbox.Faults{RateLimitRate: 1, RetryAfterSeconds: 1})
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := admin.ListPods(context.Background(), client.ListOptions{})
		done <- err
	}()
	// Lift the storm once the first 429 has been answered.
	// The count and the fault's decision are taken together, so the first
	// request has had its 429 once it is counted.
	deadline := time.Now().Add(30 * time.Second)
	for srv.RequestCount(http.MethodGet, "/v0/pods") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first request never reached the sandbox")
		}
		time.Sleep(time.Millisecond)
	}
	srv.SetFaults(sandbox.Faults{})
	if err := <-done; err != nil {
		t.Fatalf("ListPods after a 429: %v", err)
	}
	if el := time.Since(start); el < time.Second {
		t.Fatalf("retried after %v, before Retry-After: 1", el)
	}
	if n := srv.RequestCount(http.MethodGet, "/v0/pods"); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestCreateWithUnknownOutcomeReachesServerOnce(t *testing.T) {
	for _, f := range []sandbox.Faults{{ErrorRate: 1}, {DropRate: 1}} {
		srv, admin := startSandbox(t, sandbox.Options{})
		pod := srv.AddPod("Acme", "acme")
		srv.SetFaults(f)
		_, err := admin.CreateKey(context.Background(), client.PodScope(pod.ID), "ci", client.Restricted("pod_read"))
		if !errors.Is(err, client.ErrOutcomeUnknown) {
			t.Fatalf("faults %+v: err = %v, want ErrOutcomeUnknown", f, err)
		}
		if n := srv.RequestCount(http.MethodPost, "/v0/pods/"); n != 1 {
			t.Fatalf("faults %+v: POST reached the server %d times", f, n)
		}
	}
}

func TestUnknownPermissionNamesAreKept(t *testing.T) {
	srv, admin := startSandbox(t, sandbox.Options{})
	pod := srv.AddPod("Acme", "acme")
	// thread_read is an older name the catalogue still knows; the sandbox
	// stores what it is given.
	srv.AddKey(pod.ID, "legacy", client.Restricted("thread_read", "inbox_read", "future_permission"), time.Time{})
	page, err := admin.ListKeys(context.Background(), client.PodScope(pod.ID), client.ListOptions{})
	if err != nil || len(page.Keys) != 1 {
		t.Fatalf("%+v %v", page, err)
	}
	p := page.Keys[0].Permissions
	if !p.Has("thread_read") || !p.Has("inbox_read") || !p.Has("future_permission") || p.Has("message_read") {
		t.Fatalf("permissions = %v", p)
	}
	if got := p.Other(); len(got) != 1 || got[0] != "future_permission" {
		t.Fatalf("Other = %v", got)
	}
}
