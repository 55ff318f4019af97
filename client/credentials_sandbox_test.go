package client_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/jwk"
	"github.com/amkeys/amkeys/client/sandbox"
)

// Inboxes and inbox keys through the client, against the sandbox: an inbox
// key is created in the inbox's scope, its secret works, it lists its own
// inbox's keys, and a pod with an inbox cannot be deleted.
func TestInboxKeysThroughTheClient(t *testing.T) {
	srv, admin := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	pod, err := admin.CreatePod(ctx, "Acme", "")
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := admin.CreateInbox(ctx, pod.ID, client.NewInbox{Username: "support", DisplayName: "Support"})
	if err != nil {
		t.Fatal(err)
	}
	if inbox.ID != "support@agentmail.to" || inbox.PodID != pod.ID || inbox.Email != inbox.ID {
		t.Fatalf("inbox = %+v", inbox)
	}
	page, err := admin.ListInboxes(ctx, client.PodScope(pod.ID), client.ListOptions{})
	if err != nil || len(page.Inboxes) != 1 || page.Inboxes[0].ID != inbox.ID {
		t.Fatalf("pod inboxes = %+v, %v", page, err)
	}
	scope := client.InboxScope(inbox.ID)
	created, err := admin.CreateKey(ctx, scope, "inbox bot", client.Restricted("api_key_read", "inbox_read"))
	if err != nil {
		t.Fatal(err)
	}
	if created.Scope() != scope || created.PodID != pod.ID {
		t.Fatalf("created key scope = %v (pod %q)", created.Scope(), created.PodID)
	}
	bot := newClient(t, srv, created.Secret)
	keys, err := bot.ListKeys(ctx, scope, client.ListOptions{})
	if err != nil || len(keys.Keys) != 1 || keys.Keys[0].ID != created.ID {
		t.Fatalf("inbox key lists its inbox: %+v, %v", keys, err)
	}
	if _, err := bot.ListPods(ctx, client.ListOptions{}); !client.IsForbidden(err) {
		t.Errorf("inbox key listed pods: %v", err)
	}
	if _, err := bot.GetOrganization(ctx); !client.IsForbidden(err) {
		t.Errorf("inbox key read the organization: %v", err)
	}
	org, err := admin.GetOrganization(ctx)
	if err != nil || org.ID == "" || org.InboxCount != 1 {
		t.Errorf("organization = %+v, %v", org, err)
	}
	wantCode(t, admin.DeletePod(ctx, pod.ID), 409, client.CodeCannotDelete)
	if err := admin.DeleteKey(ctx, scope, created.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, admin.DeleteKey(ctx, scope, created.ID), 404, client.CodeNotFound)
	if err := admin.DeleteInbox(ctx, inbox.ID); err != nil {
		t.Fatal(err)
	}
	if err := admin.DeletePod(ctx, pod.ID); err != nil {
		t.Fatalf("empty pod delete: %v", err)
	}
}

// Public-key credentials through the client: register a generated key
// (fingerprint = our own RFC 7638 thumbprint), rename, list (never mixed
// with bearer keys), revoke, and revoke-all with one UUID twice and a new
// one.
func TestPublicKeyCredentialsThroughTheClient(t *testing.T) {
	_, admin := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pub, err := jwk.FromPublic(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pod, err := admin.CreatePod(ctx, "Acme", "")
	if err != nil {
		t.Fatal(err)
	}
	podScope := client.PodScope(pod.ID)
	expires := time.Now().Add(90 * 24 * time.Hour).Truncate(time.Second)
	cred, err := admin.RegisterPublicKey(ctx, client.NewPublicKey{JWK: pub, Scope: &podScope, ExpiresAt: expires})
	if err != nil {
		t.Fatal(err)
	}
	fp := jwk.Thumbprint(pub)
	if cred.PublicKey.Fingerprint != fp || cred.PublicKey.JWK != pub || cred.Name != "AgentID key "+fp[:8] ||
		cred.Scope.Scope() != podScope || !cred.ExpiresAt.Equal(expires) || cred.Revoked() || cred.Type != "public_key" {
		t.Fatalf("registered %+v (fingerprint want %s)", cred, fp)
	}
	again, err := admin.RegisterPublicKey(ctx, client.NewPublicKey{JWK: pub, Name: "second"})
	if err != nil || again.ID == cred.ID || !again.Scope.Scope().IsOrganization() {
		t.Fatalf("second registration = %+v, %v", again, err)
	}
	renamed, err := admin.RenamePublicKey(ctx, cred.ID, "ci signer")
	if err != nil || renamed.Name != "ci signer" || renamed.PublicKey.Fingerprint != fp {
		t.Fatalf("rename = %+v, %v", renamed, err)
	}
	var listed []client.PublicKeyCredential
	if err := admin.EachPublicKey(ctx, client.ListOptions{Limit: 1}, func(p client.PublicKeyPage) error {
		listed = append(listed, p.Credentials...)
		return nil
	}); err != nil || len(listed) != 2 {
		t.Fatalf("listed %d credentials, %v", len(listed), err)
	}
	bearer, err := admin.ListKeys(ctx, client.OrganizationScope(), client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range bearer.Keys {
		if k.ID == cred.ID || k.ID == again.ID {
			t.Errorf("bearer listing holds public-key credential %s", k.ID)
		}
	}
	if err := admin.RevokePublicKey(ctx, again.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, admin.RevokePublicKey(ctx, again.ID), 404, client.CodeNotFound)

	uuid := client.NewIdempotencyKey()
	first, err := admin.RevokeAllPublicKeys(ctx, uuid)
	if err != nil {
		t.Fatal(err)
	}
	repeat, err := admin.RevokeAllPublicKeys(ctx, uuid)
	if err != nil || repeat != first || first.CurrentGeneration != first.PreviousGeneration+1 {
		t.Fatalf("receipts %+v then %+v, %v", first, repeat, err)
	}
	next, err := admin.RevokeAllPublicKeys(ctx, client.NewIdempotencyKey())
	if err != nil || next.CurrentGeneration != first.CurrentGeneration+1 {
		t.Fatalf("a new UUID gave %+v, %v", next, err)
	}
	page, err := admin.ListPublicKeys(ctx, client.ListOptions{})
	if err != nil || len(page.Credentials) != 1 || !page.Credentials[0].Revoked() {
		t.Fatalf("after revoke-all: %+v, %v", page, err)
	}
	if _, err := admin.RevokeAllPublicKeys(ctx, "nope"); !errors.Is(err, client.ErrIdempotencyKey) {
		t.Errorf("malformed idempotency key: %v", err)
	}
}
