package audit_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/sandbox"
)

// The demo's pods list their inboxes' keys too: each inbox key is found
// once, attributed to its inbox and pod; every public key is found with
// its scope, expiry and revocation, and judged.
func TestDemoInboxKeysAndCredentials(t *testing.T) {
	srv, err := sandbox.Start(sandbox.Options{Seed: "demo", Now: func() time.Time { return testNow }}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	api, err := audit.NewClient(client.Options{BaseURL: srv.URL, APIKey: srv.AdminKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer api.CloseIdleConnections()
	res := audit.Run(context.Background(), api, audit.Options{})
	if !res.Complete() || !res.Credentials || !res.OrgKeys {
		t.Fatalf("complete=%v credentials=%v failed=%v notes=%q", res.Complete(), res.Credentials, res.Failed, res.Notes)
	}
	// What the plain client sees, inbox by inbox.
	inboxPod := map[string]string{}
	inboxKeys := map[string]string{}
	err = api.EachInbox(context.Background(), client.OrganizationScope(), client.ListOptions{Limit: 100}, func(p client.InboxPage) error {
		for _, in := range p.Inboxes {
			inboxPod[in.ID] = in.PodID
			page, err := api.ListKeys(context.Background(), client.InboxScope(in.ID), client.ListOptions{Limit: 100})
			if err != nil {
				return err
			}
			for _, k := range page.Keys {
				inboxKeys[k.ID] = in.ID
			}
		}
		return nil
	})
	if err != nil || len(inboxKeys) == 0 {
		t.Fatalf("%d inbox keys, %v", len(inboxKeys), err)
	}
	seen := map[string]int{}
	p := audit.Policy{Now: testNow, StaleDays: 90}
	findings := map[audit.Finding]int{}
	for _, k := range res.Keys {
		seen[k.Kind.String()+k.ID]++
		if inbox, ok := inboxKeys[k.ID]; ok && k.IsBearer() {
			if s := k.Scope(); s.Kind != client.ScopeInbox || s.ID != inbox || k.PodID != inboxPod[inbox] || k.PodName == "" {
				t.Errorf("inbox key %s: scope %v, pod %q %q", k.ID, s, k.PodID, k.PodName)
			}
		}
		if k.Kind == audit.PublicKey {
			if k.Scope().Kind == client.ScopeInbox && k.PodID != inboxPod[k.InboxID] {
				t.Errorf("public key %q of inbox %s attributed to pod %q", k.Name, k.InboxID, k.PodID)
			}
			for _, f := range audit.AllFindings {
				if p.Findings(&k).Has(f) {
					findings[f]++
				}
			}
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s listed %d times", id, n)
		}
	}
	s := audit.Summarize(res, p)
	if s.PublicKeys != 10 || s.Expired != 1 || s.Expiring != 1 || s.Revoked != 2 || s.KeyScopes.Inbox != len(inboxKeys) ||
		s.Inboxes != len(inboxPod) || findings[audit.FindExpired] != 1 || findings[audit.FindNeverUsed] != 0 {
		t.Errorf("summary %+v, public key findings %v", s, findings)
	}
	// Public keys come after bearer keys, the revoked first.
	last := res.Keys[len(res.Keys)-10:]
	if last[0].Kind != audit.PublicKey || last[0].RevokedAt.IsZero() || res.Keys[len(res.Keys)-11].Kind != audit.Bearer {
		t.Errorf("order: %+v", last[0])
	}
}

// listers lets a test break the inbox and credential listings of fakeAPI.
type listers struct {
	*fakeAPI
	inboxes   map[string][]client.Inbox
	inboxErr  error
	credsErr  error
	inboxKeys map[string]error // by inbox id
}

func (l *listers) ListInboxes(_ context.Context, scope client.Scope, _ client.ListOptions) (client.InboxPage, error) {
	if l.inboxErr != nil {
		return client.InboxPage{}, l.inboxErr
	}
	return client.InboxPage{Inboxes: l.inboxes[scope.ID]}, nil
}

func (l *listers) ListPublicKeys(context.Context, client.ListOptions) (client.PublicKeyPage, error) {
	if l.credsErr != nil {
		return client.PublicKeyPage{}, l.credsErr
	}
	return client.PublicKeyPage{Credentials: []client.PublicKeyCredential{{ID: "pk-1", Name: "signer",
		Scope: client.CredentialScope{Type: client.ScopeInbox, ID: "a@x.invalid"}}}}, nil
}

func (l *listers) ListKeys(ctx context.Context, scope client.Scope, o client.ListOptions) (client.KeyPage, error) {
	if scope.Kind == client.ScopeInbox {
		if err := l.inboxKeys[scope.ID]; err != nil {
			return client.KeyPage{}, err
		}
		return client.KeyPage{Keys: []client.APIKey{{ID: "ik-" + scope.ID, Name: "inbox key"}}}, nil
	}
	return l.fakeAPI.ListKeys(ctx, scope, o)
}

func newListers() *listers {
	return &listers{fakeAPI: newFakeAPI(2, 1), inboxKeys: map[string]error{},
		inboxes: map[string][]client.Inbox{"pod-0": {{ID: "a@x.invalid", PodID: "pod-0"}, {ID: "b@x.invalid", PodID: "pod-0"}}}}
}

func TestInboxKeysAreAttributedToTheirInbox(t *testing.T) {
	res := audit.Run(context.Background(), newListers(), audit.Options{})
	if !res.Complete() || len(res.Keys) != 2+2+1+1 || res.Inboxes() != 2 {
		t.Fatalf("complete=%v keys=%d inboxes=%d failed=%v", res.Complete(), len(res.Keys), res.Inboxes(), res.Failed)
	}
	for _, k := range res.Keys {
		if strings.HasPrefix(k.ID, "ik-") && (k.Scope() != client.InboxScope(strings.TrimPrefix(k.ID, "ik-")) || k.PodID != "pod-0" || k.PodName != "Pod 0") {
			t.Errorf("inbox key %s: scope %v pod %q %q", k.ID, k.Scope(), k.PodID, k.PodName)
		}
		if k.Kind == audit.PublicKey && (k.PodID != "pod-0" || k.PodName != "Pod 0") {
			t.Errorf("the public key of inbox a@ is not in its pod: %q", k.PodID)
		}
	}
}

// Listings the caller may not make are notes: the audit is complete.
func TestForbiddenInboxesAndCredentialsAreNotes(t *testing.T) {
	l := newListers()
	l.inboxErr, l.credsErr = apiError(http.StatusForbidden), apiError(http.StatusForbidden)
	res := audit.Run(context.Background(), l, audit.Options{})
	notes := strings.Join(res.Notes, "\n")
	if !res.Complete() || res.Credentials || len(res.Keys) != 3 || len(res.Notes) != 2 ||
		!strings.Contains(notes, "public-key credentials not listed (not permitted)") || !strings.Contains(notes, "inboxes not listed (not permitted)") {
		t.Fatalf("complete=%v keys=%d notes=%q", res.Complete(), len(res.Keys), res.Notes)
	}
}

// An inbox whose keys fail fails its pod (which contributes nothing);
// the credentials failing are retried alone.
func TestInboxAndCredentialFailuresAreRetried(t *testing.T) {
	l := newListers()
	l.inboxKeys["b@x.invalid"] = apiError(http.StatusInternalServerError)
	l.credsErr = apiError(http.StatusBadGateway)
	res := audit.Run(context.Background(), l, audit.Options{})
	if res.Complete() || len(res.Failed) != 2 || !res.CanRetry() {
		t.Fatalf("failed=%v", res.Failed)
	}
	for _, f := range res.Failed {
		switch {
		case f.Credentials:
		case f.Pod.ID != "pod-0" || f.Inbox != "b@x.invalid" || !strings.Contains(f.Err.Error(), "inbox b@x.invalid"):
			t.Errorf("failure %+v", f)
		}
	}
	for _, k := range res.Keys {
		if k.PodID == "pod-0" {
			t.Errorf("the failed pod contributed %s", k.ID)
		}
	}
	delete(l.inboxKeys, "b@x.invalid")
	l.credsErr = nil
	s := audit.Retry(context.Background(), l, res, audit.Options{})
	<-s.Done()
	if got := s.Result(); !got.Complete() || len(got.Keys) != 6 || !got.Credentials {
		t.Fatalf("after retry: complete=%v keys=%d failed=%v", got.Complete(), len(got.Keys), got.Failed)
	}
}
