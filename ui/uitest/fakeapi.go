package uitest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/amkeys/amkeys/client"
)

// FakeAPI is an in-memory API for benchmarks, pure Update tests and flows
// that the sandbox cannot serve yet (inboxes). Pages travel through JSON
// like real answers, so decoded keys allocate as they would from the
// network. Creates and deletes follow the API's rules that the UI relies
// on: a pod with inboxes cannot be deleted (409 cannot_delete), deleting an
// inbox deletes its keys, and a created key's secret is returned once.
// Tests of behaviour against the server use the sandbox where it can.
//
// Set the fields before the UI runs; afterwards read through the methods,
// which lock (commands run on their own goroutines).
type FakeAPI struct {
	Pods []client.Pod
	// Keys by scope id (pod id, inbox id, "" = organization), newest
	// first. Without a "" entry the organization's keys answer 404, as
	// the audit's tests expect of a key that may not list them.
	Keys    map[string][]client.APIKey
	Inboxes map[string][]client.Inbox // by pod id, newest first
	// Org is the organization; nil answers 403, as for a key that may not
	// read it.
	Org *client.Organization

	mu      sync.Mutex
	created int // keys and inboxes made, for ids and secrets
}

// NewFakeAPI makes one pod with n generated keys.
func NewFakeAPI(podID string, n int) *FakeAPI {
	pod := client.Pod{ID: podID, Name: "Acme Support", ClientID: "acme-support", CreatedAt: Clock.AddDate(-1, 0, 0), UpdatedAt: Clock.AddDate(0, -1, 0)}
	return &FakeAPI{Pods: []client.Pod{pod}, Keys: map[string][]client.APIKey{podID: GenerateKeys(podID, n)}}
}

var words = []string{"support", "billing", "agent", "inbox", "sync", "reader", "sender", "webhook", "ops", "ci", "backfill", "triage", "export", "bot", "prod", "staging"}

// GenerateKeys makes n realistic keys, newest first, deterministically.
func GenerateKeys(podID string, n int) []client.APIKey {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	out := make([]client.APIKey, n)
	for i := range out {
		created := Clock.Add(-time.Duration(i+1) * 17 * time.Minute)
		k := client.APIKey{
			ID:        fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Uint64()&(1<<48-1)),
			Prefix:    "am_" + strconv.FormatUint(r.Uint64()%(36*36*36*36*36), 36),
			Name:      words[r.IntN(len(words))] + "-" + words[r.IntN(len(words))] + "-" + strconv.Itoa(i),
			PodID:     podID,
			CreatedAt: created,
		}
		switch r.IntN(5) {
		case 0: // never used
		case 1:
			k.UsedAt = Clock.Add(-time.Duration(r.IntN(200)) * 24 * time.Hour)
		default:
			k.UsedAt = Clock.Add(-time.Duration(r.IntN(72)) * time.Hour)
		}
		if r.IntN(4) != 0 {
			k.Permissions = client.Restricted("inbox_read", "message_read", client.CurrentPermissionNames()[r.IntN(36)])
		}
		out[i] = k
	}
	return out
}

func page[T any](all []T, o client.ListOptions) ([]T, string, error) {
	start := 0
	if o.PageToken != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(o.PageToken, "o:"))
		if err != nil || n < 0 || n > len(all) {
			return nil, "", &client.Error{Status: 400, Name: "ValidationError", ErrCode: client.CodeValidation, Message: "invalid page token"}
		}
		start = n
	}
	limit := o.Limit
	if limit <= 0 {
		limit = 10
	}
	end := min(start+limit, len(all))
	next := ""
	if end < len(all) {
		next = "o:" + strconv.Itoa(end)
	}
	return all[start:end], next, nil
}

// roundTrip sends v through JSON, as the network would.
func roundTrip[T any](v []T) ([]T, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out []T
	return out, json.Unmarshal(data, &out)
}

// ListPods pages through the pods.
func (f *FakeAPI) ListPods(ctx context.Context, o client.ListOptions) (client.PodPage, error) {
	f.mu.Lock()
	items, next, err := page(f.Pods, o)
	f.mu.Unlock()
	if err != nil {
		return client.PodPage{}, err
	}
	items, err = roundTrip(items)
	return client.PodPage{Pods: items, NextPageToken: next}, err
}

// ListKeys pages through a scope's keys (keyed by its id; "" = organization).
func (f *FakeAPI) ListKeys(ctx context.Context, scope client.Scope, o client.ListOptions) (client.KeyPage, error) {
	f.mu.Lock()
	all, ok := f.Keys[scope.ID]
	if !ok && f.scopeExistsLocked(scope) {
		ok = true // no keys yet
	}
	if !ok {
		f.mu.Unlock()
		return client.KeyPage{}, notFound(scope.Kind.String() + " not found")
	}
	items, next, err := page(all, o)
	f.mu.Unlock()
	if err != nil {
		return client.KeyPage{}, err
	}
	items, err = roundTrip(items)
	return client.KeyPage{Keys: items, NextPageToken: next}, err
}

// KeysOf returns a copy of a scope's keys, newest first.
func (f *FakeAPI) KeysOf(scope client.Scope) []client.APIKey {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.Keys[scope.ID])
}

// InboxesOf returns a copy of a pod's inboxes, newest first.
func (f *FakeAPI) InboxesOf(podID string) []client.Inbox {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.Inboxes[podID])
}

// AddInbox puts an inbox first in a pod's list, as the newest.
func (f *FakeAPI) AddInbox(podID, email, displayName string) client.Inbox {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addInboxLocked(podID, email, displayName)
}

func (f *FakeAPI) addInboxLocked(podID, email, displayName string) client.Inbox {
	if f.Inboxes == nil {
		f.Inboxes = map[string][]client.Inbox{}
	}
	f.created++
	at := Clock.Add(-time.Duration(100-f.created) * time.Hour)
	in := client.Inbox{ID: email, PodID: podID, Email: email, DisplayName: displayName, CreatedAt: at, UpdatedAt: at}
	f.Inboxes[podID] = append([]client.Inbox{in}, f.Inboxes[podID]...)
	return in
}

func (f *FakeAPI) inboxLocked(id string) *client.Inbox {
	for podID := range f.Inboxes {
		for i := range f.Inboxes[podID] {
			if f.Inboxes[podID][i].ID == id {
				return &f.Inboxes[podID][i]
			}
		}
	}
	return nil
}

func (f *FakeAPI) scopeExistsLocked(s client.Scope) bool {
	switch s.Kind {
	case client.ScopePod:
		return f.podLocked(s.ID) != nil
	case client.ScopeInbox:
		return f.inboxLocked(s.ID) != nil
	}
	return false
}

func (f *FakeAPI) podLocked(id string) *client.Pod {
	for i := range f.Pods {
		if f.Pods[i].ID == id {
			return &f.Pods[i]
		}
	}
	return nil
}

// ListInboxes pages through a pod's inboxes, or for the organization
// every inbox, pod by pod.
func (f *FakeAPI) ListInboxes(ctx context.Context, scope client.Scope, o client.ListOptions) (client.InboxPage, error) {
	f.mu.Lock()
	var all []client.Inbox
	switch {
	case scope.IsOrganization():
		for _, p := range f.Pods {
			all = append(all, f.Inboxes[p.ID]...)
		}
	case scope.Kind == client.ScopePod:
		if f.podLocked(scope.ID) == nil {
			f.mu.Unlock()
			return client.InboxPage{}, notFound("pod not found")
		}
		all = f.Inboxes[scope.ID]
	default:
		f.mu.Unlock()
		return client.InboxPage{}, errors.New("an inbox has no inboxes")
	}
	if o.Ascending {
		all = slices.Clone(all)
		slices.Reverse(all)
	}
	items, next, err := page(all, o)
	f.mu.Unlock()
	if err != nil {
		return client.InboxPage{}, err
	}
	items, err = roundTrip(items)
	return client.InboxPage{Inboxes: items, NextPageToken: next}, err
}

// CreateInbox makes username@domain (agentmail.to by default) in a pod.
func (f *FakeAPI) CreateInbox(ctx context.Context, podID string, in client.NewInbox) (client.Inbox, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.podLocked(podID) == nil {
		return client.Inbox{}, notFound("pod not found")
	}
	user, domain := in.Username, in.Domain
	if user == "" {
		user = "inbox-" + strconv.Itoa(f.created+1)
	}
	if domain == "" {
		domain = "agentmail.to"
	}
	email := user + "@" + domain
	if f.inboxLocked(email) != nil {
		return client.Inbox{}, &client.Error{Status: 409, Name: "AlreadyExistsError", ErrCode: client.CodeAlreadyExists,
			Message: "Inbox already exists", Fix: "Choose another username."}
	}
	return f.addInboxLocked(podID, email, in.DisplayName), nil
}

// DeleteInbox deletes an inbox and its keys.
func (f *FakeAPI) DeleteInbox(ctx context.Context, inboxID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	in := f.inboxLocked(inboxID)
	if in == nil {
		return notFound("inbox not found")
	}
	podID := in.PodID
	f.Inboxes[podID] = slices.DeleteFunc(f.Inboxes[podID], func(x client.Inbox) bool { return x.ID == inboxID })
	delete(f.Keys, inboxID)
	return nil
}

// GetOrganization returns Org, or 403 when it is nil.
func (f *FakeAPI) GetOrganization(context.Context) (client.Organization, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Org == nil {
		return client.Organization{}, &client.Error{Status: 403, Name: "ForbiddenError", ErrCode: client.CodeMissingPermission,
			Message: "Forbidden", Fix: "Use a key that may read the organization."}
	}
	return *f.Org, nil
}

var errFakeReadOnly = errors.New("the fake API does not change anything")

// CreatePod is not supported by the fake.
func (f *FakeAPI) CreatePod(context.Context, string, string) (client.Pod, error) {
	return client.Pod{}, errFakeReadOnly
}

// DeletePod deletes a pod and its keys; a pod with inboxes is refused, as
// the API does.
func (f *FakeAPI) DeletePod(ctx context.Context, podID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.podLocked(podID) == nil {
		return notFound("pod not found")
	}
	if n := len(f.Inboxes[podID]); n > 0 {
		return &client.Error{Status: 409, Name: "CannotDeleteError", ErrCode: client.CodeCannotDelete,
			Message: "Pod has " + strconv.Itoa(n) + " inboxes", Fix: "Delete the pod's inboxes and domains first."}
	}
	f.Pods = slices.DeleteFunc(f.Pods, func(p client.Pod) bool { return p.ID == podID })
	delete(f.Keys, podID)
	return nil
}

// CreateKey makes a key in a scope and returns its secret once.
func (f *FakeAPI) CreateKey(ctx context.Context, scope client.Scope, name string, perms client.Permissions) (client.CreatedAPIKey, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := client.APIKey{Name: name, Permissions: perms, CreatedAt: Clock}
	switch scope.Kind {
	case client.ScopePod:
		if f.podLocked(scope.ID) == nil {
			return client.CreatedAPIKey{}, notFound("pod not found")
		}
		k.PodID = scope.ID
	case client.ScopeInbox:
		in := f.inboxLocked(scope.ID)
		if in == nil {
			return client.CreatedAPIKey{}, notFound("inbox not found")
		}
		k.InboxID, k.PodID = in.ID, in.PodID
	}
	f.created++
	r := rand.New(rand.NewPCG(7, uint64(f.created)))
	var raw [32]byte
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	secret := "am_" + base64.RawURLEncoding.EncodeToString(raw[:])
	k.ID = fmt.Sprintf("fake-key-%04d", f.created)
	k.Prefix = secret[:8]
	if f.Keys == nil {
		f.Keys = map[string][]client.APIKey{}
	}
	f.Keys[scope.ID] = append([]client.APIKey{k}, f.Keys[scope.ID]...)
	return client.CreatedAPIKey{APIKey: k, Secret: secret}, nil
}

// DeleteKey deletes a key of a scope.
func (f *FakeAPI) DeleteKey(ctx context.Context, scope client.Scope, keyID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Keys == nil {
		return notFound("api key not found")
	}
	before := len(f.Keys[scope.ID])
	f.Keys[scope.ID] = slices.DeleteFunc(f.Keys[scope.ID], func(k client.APIKey) bool { return k.ID == keyID })
	if len(f.Keys[scope.ID]) == before {
		return notFound("api key not found")
	}
	return nil
}

func notFound(msg string) error {
	return &client.Error{Status: 404, Name: "NotFoundError", ErrCode: client.CodeNotFound, Message: msg}
}
