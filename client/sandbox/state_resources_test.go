package sandbox

import (
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Inboxes, their keys, public-key credentials, the organization and its
// revoke-all receipts survive a restart.
func TestStateKeepsInboxesAndCredentials(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := start(t, Options{StatePath: path})
	admin := e.admin
	pod := e.createPod("p", "p")
	in := e.createInbox(pod.PodID, admin, map[string]any{"username": "kept", "display_name": "Kept",
		"client_id": "kept-inbox", "metadata": map[string]any{"a": "b", "n": 1.5}})
	key := e.inboxKey(in.InboxID, map[string]bool{"inbox_read": true})
	revokedCred := e.register(admin, map[string]any{"public_key": newJWK(t), "scope": scopeJSON{Type: "inbox", ID: in.InboxID}})
	idem := newID()
	res, err := e.tryWithHeader("POST", publicKeysPath+"/agentid-sign-in/revoke-all", admin, nil, "Idempotency-Key", idem)
	if err != nil {
		t.Fatal(err)
	}
	var receipt receiptJSON
	res.want(t, 200).decode(t, &receipt)
	e.clock.Advance(time.Minute)
	liveCred := e.register(admin, map[string]any{"public_key": newJWK(t), "name": "live",
		"scope": scopeJSON{Type: "pod", ID: pod.PodID}, "expires_at": formatTime(testNow.Add(30 * day))})
	var org orgJSON
	e.do("GET", "/v0/organizations", admin, nil).want(t, 200).decode(t, &org)
	before := e.allPublicKeys(admin)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), key.Secret) || strings.Contains(string(data), admin) {
		t.Fatal("the state file holds a secret")
	}

	again := start(t, Options{StatePath: path, AdminKey: admin})
	var gotIn inboxJSON
	again.do("GET", "/v0/inboxes/"+in.InboxID, key.Secret, nil).want(t, 200).decode(t, &gotIn)
	if gotIn.DisplayName != "Kept" || gotIn.ClientID != "kept-inbox" || gotIn.Metadata["n"] != 1.5 || gotIn.CreatedAt != in.CreatedAt {
		t.Fatalf("inbox after reload %+v", gotIn)
	}
	// Still idempotent on its client_id, still holding its pod.
	if again.createInbox(pod.PodID, admin, map[string]any{"client_id": "kept-inbox"}).InboxID != in.InboxID {
		t.Fatal("the client_id was forgotten")
	}
	again.do("DELETE", "/v0/pods/"+pod.PodID, admin, nil).wantError(t, http.StatusConflict, "cannot_delete")
	var org2 orgJSON
	again.do("GET", "/v0/organizations", admin, nil).want(t, 200).decode(t, &org2)
	if org2.OrganizationID != org.OrganizationID || org2.CreatedAt != org.CreatedAt || *org2.InboxCount != 1 {
		t.Fatalf("organization after reload %+v, before %+v", org2, org)
	}
	after := again.allPublicKeys(admin)
	if len(after) != len(before) {
		t.Fatalf("%d credentials after reload, %d before", len(after), len(before))
	}
	for i := range after {
		if after[i] != before[i] {
			t.Fatalf("credential %d after reload %+v, before %+v", i, after[i], before[i])
		}
	}
	if after[0].ID != liveCred.ID || after[0].RevokedAt != "" || after[1].ID != revokedCred.ID || after[1].RevokedAt == "" {
		t.Fatalf("credentials after reload %+v", after)
	}
	// The receipt and the generation were kept.
	var same, next receiptJSON
	res, _ = again.tryWithHeader("POST", publicKeysPath+"/agentid-sign-in/revoke-all", admin, nil, "Idempotency-Key", idem)
	res.want(t, 200).decode(t, &same)
	if *same.Current != *receipt.Current || same.RevokedAt != receipt.RevokedAt {
		t.Fatalf("receipt after reload %+v, before %+v", same, receipt)
	}
	res, _ = again.tryWithHeader("POST", publicKeysPath+"/agentid-sign-in/revoke-all", admin, nil, "Idempotency-Key", newID())
	res.want(t, 200).decode(t, &next)
	if *next.Previous != 1 || *next.Current != 2 {
		t.Fatalf("next receipt %+v", next)
	}
}

// A state file written before inboxes existed holds keys naming inboxes
// that no file entry describes: they become real inboxes of the key's pod.
func TestLegacyStateFileGainsInboxes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	hash := hashSecret("am_legacy_inbox_key_secret")
	content := `{"version":1,"pods":[{"pod_id":"p1","name":"Old pod","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}],
	"keys":[{"api_key_id":"k1","sha256":"` + hex.EncodeToString(hash[:]) + `","prefix":"am_legac","name":"old inbox key","pod_id":"p1",
	"inbox_id":"support@old.agentmail.to","created_at":"2026-01-02T00:00:00Z","permissions":null}]}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	e := start(t, Options{StatePath: path, AdminKey: "am_admin_for_the_legacy_test"})
	var in inboxJSON
	e.do("GET", "/v0/inboxes/support@old.agentmail.to", "am_legacy_inbox_key_secret", nil).want(t, 200).decode(t, &in)
	if in.PodID != "p1" {
		t.Fatalf("synthesised inbox %+v", in)
	}
	var org orgJSON
	e.do("GET", "/v0/organizations", "am_admin_for_the_legacy_test", nil).want(t, 200).decode(t, &org)
	if !uuidFormat.MatchString(org.OrganizationID) {
		t.Fatalf("organization %+v", org)
	}
}

func TestCorruptResourceState(t *testing.T) {
	dir := t.TempDir()
	org := `"organization":{"organization_id":"o","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`
	pods := `"pods":[{"pod_id":"p"}]`
	cases := map[string]string{
		"inbox of no pod":  `{"version":1,` + org + `,"inboxes":[{"inbox_id":"a@b.to","pod_id":"nope"}]}`,
		"inbox twice":      `{"version":1,` + org + `,` + pods + `,"inboxes":[{"inbox_id":"a@b.to","pod_id":"p"},{"inbox_id":"a@b.to","pod_id":"p"}]}`,
		"key of no inbox":  `{"version":1,` + org + `,` + pods + `,"keys":[{"api_key_id":"k","sha256":"` + strings.Repeat("ab", 32) + `","pod_id":"p","inbox_id":"x@y.to"}]}`,
		"off-curve key":    `{"version":1,` + org + `,"public_keys":[{"api_key_id":"c","x":"` + strings.Repeat("A", 43) + `","y":"` + strings.Repeat("A", 43) + `"}]}`,
		"credential scope": `{"version":1,` + org + `,"public_keys":[{"api_key_id":"c","x":"axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY","y":"T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU","pod_id":"gone"}]}`,
		"no org id":        `{"version":1,"organization":{}}`,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := New(Options{StatePath: path}); err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s", err, path)
			}
		})
	}
}
