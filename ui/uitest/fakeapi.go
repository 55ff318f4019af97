package uitest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
)

// FakeAPI is an in-memory API for benchmarks and pure Update tests. Pages
// travel through JSON like real answers, so decoded keys allocate as they
// would from the network. Tests of behaviour against the server use the
// sandbox instead.
type FakeAPI struct {
	Pods []client.Pod
	Keys map[string][]client.APIKey // by pod id, newest first
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
	items, next, err := page(f.Pods, o)
	if err != nil {
		return client.PodPage{}, err
	}
	items, err = roundTrip(items)
	return client.PodPage{Pods: items, NextPageToken: next}, err
}

// ListKeys pages through a scope's keys (keyed by its id; "" = organization).
func (f *FakeAPI) ListKeys(ctx context.Context, scope client.Scope, o client.ListOptions) (client.KeyPage, error) {
	all, ok := f.Keys[scope.ID]
	if !ok {
		return client.KeyPage{}, &client.Error{Status: 404, Name: "NotFoundError", ErrCode: client.CodeNotFound, Message: "pod not found"}
	}
	items, next, err := page(all, o)
	if err != nil {
		return client.KeyPage{}, err
	}
	items, err = roundTrip(items)
	return client.KeyPage{Keys: items, NextPageToken: next}, err
}

var errFakeReadOnly = errors.New("the fake API does not change anything")

// CreatePod is not supported by the fake.
func (f *FakeAPI) CreatePod(context.Context, string, string) (client.Pod, error) {
	return client.Pod{}, errFakeReadOnly
}

// DeletePod is not supported by the fake.
func (f *FakeAPI) DeletePod(context.Context, string) error { return errFakeReadOnly }

// CreateKey is not supported by the fake.
func (f *FakeAPI) CreateKey(context.Context, client.Scope, string, client.Permissions) (client.CreatedAPIKey, error) {
	return client.CreatedAPIKey{}, errFakeReadOnly
}

// DeleteKey is not supported by the fake.
func (f *FakeAPI) DeleteKey(context.Context, client.Scope, string) error { return errFakeReadOnly }
