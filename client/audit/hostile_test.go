package audit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
)

// keysServer answers the pod listing with the given pods (one page), the
// organization keys with none, and each pod's keys through keys(pod,
// token), which returns the JSON body.
func keysServer(t *testing.T, pods []string, keys func(pod, token string) string) *audit.PacedClient {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/v0/pods":
			var items []string
			for _, p := range pods {
				items = append(items, fmt.Sprintf(`{"pod_id":%q,"name":"pod %s"}`, p, p))
			}
			fmt.Fprintf(w, `{"pods":[%s]}`, strings.Join(items, ","))
		case r.URL.Path == "/v0/api-keys":
			fmt.Fprint(w, `{"api_keys":[]}`)
		case r.URL.Path == "/v0/api-keys/public-keys":
			fmt.Fprint(w, `{"public_keys":[]}`)
		case strings.HasSuffix(r.URL.Path, "/inboxes"):
			fmt.Fprint(w, `{"inboxes":[]}`)
		default:
			pod := strings.Split(r.URL.Path, "/")[3]
			fmt.Fprint(w, keys(pod, r.URL.Query().Get("page_token")))
		}
	}))
	t.Cleanup(ts.Close)
	api, err := audit.NewClient(client.Options{BaseURL: ts.URL, APIKey: "am_test", Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.CloseIdleConnections)
	return api
}

func keyJSON(id string) string {
	return fmt.Sprintf(`{"api_key_id":%q,"name":"key %s","prefix":"am_x","created_at":"2026-01-02T03:04:05Z"}`, id, id)
}

func page(next string, ids ...string) string {
	items := make([]string, len(ids))
	for i, id := range ids {
		items[i] = keyJSON(id)
	}
	return fmt.Sprintf(`{"next_page_token":%q,"api_keys":[%s]}`, next, strings.Join(items, ","))
}

func keyIDs(res *audit.Result) map[string]int {
	ids := map[string]int{}
	for _, k := range res.Keys {
		ids[k.ID]++
	}
	return ids
}

// Finding 13: a server that repeats a page. The loop guard stops it, and
// the keys fetched before are kept, once each, with the pod marked
// incomplete and why.
func TestRepeatedPagesKeepWhatWasFetchedOnce(t *testing.T) {
	api := keysServer(t, []string{"same-token", "new-tokens", "fine"}, func(pod, token string) string {
		switch pod {
		case "same-token": // the second page names itself as next
			if token == "" {
				return page("a", "s1", "s2")
			}
			return page("a", "s3")
		case "new-tokens": // the same two keys under ever new tokens
			return page(token+"x", "n1", "n2")
		}
		return page("", "f1")
	})
	res := audit.Run(context.Background(), api, audit.Options{})
	ids := keyIDs(res)
	for _, id := range []string{"s1", "s2", "s3", "n1", "n2", "f1"} {
		if ids[id] != 1 {
			t.Errorf("key %s listed %d times, want once", id, ids[id])
		}
	}
	if res.Complete() || len(res.Failed) != 2 {
		t.Fatalf("complete=%v failed=%v", res.Complete(), res.Failed)
	}
	for _, f := range res.Failed {
		if !client.IsPagingStop(f.Err) || f.Kept == 0 {
			t.Errorf("pod %s: err %v, kept %d", f.Pod.ID, f.Err, f.Kept)
		}
	}
	for _, p := range res.Pods {
		if (p.ID == "fine") != p.Scanned {
			t.Errorf("pod %s scanned=%v", p.ID, p.Scanned)
		}
	}
}

// Finding 12: a malformed key is reported with its pod; its neighbours
// are in the result, which is incomplete.
func TestUnreadableKeyIsReportedWithItsPod(t *testing.T) {
	api := keysServer(t, []string{"p1"}, func(pod, token string) string {
		return `{"api_keys":[` + keyJSON("ok-1") + `,{"api_key_id":"bad","created_at":"2026-01-02 03:04"},` + keyJSON("ok-2") + `]}`
	})
	res := audit.Run(context.Background(), api, audit.Options{})
	if ids := keyIDs(res); ids["ok-1"] != 1 || ids["ok-2"] != 1 || len(ids) != 2 {
		t.Fatalf("keys %v", ids)
	}
	if res.Complete() || len(res.Unreadable) != 1 {
		t.Fatalf("complete=%v unreadable=%v", res.Complete(), res.Unreadable)
	}
	u := res.Unreadable[0]
	if u.Pod.ID != "p1" || u.Pod.Name != "pod p1" || u.ID != "bad" || u.Field != "created_at" {
		t.Errorf("unreadable %+v", u)
	}
}

// Finding 10: the scan as a whole holds a bounded number of items.
func TestScanStopsPastItsItemBound(t *testing.T) {
	pods := make([]string, 20)
	for i := range pods {
		pods[i] = fmt.Sprint("p", i)
	}
	api := keysServer(t, pods, func(pod, token string) string {
		ids := make([]string, 10)
		for i := range ids {
			ids[i] = fmt.Sprintf("%s-%s-%d", pod, token, i)
		}
		return page(token+"n", ids...) // ten new keys a page, forever
	})
	done := make(chan *audit.Result)
	go func() {
		done <- audit.Run(context.Background(), api, audit.Options{Limits: client.PageGuard{MaxItems: 500}})
	}()
	select {
	case res := <-done:
		if !errors.Is(res.Stopped, client.ErrListTooLarge) || len(res.Keys) > 500+8*10 || len(res.Keys) == 0 {
			t.Fatalf("stopped %v with %d keys", res.Stopped, len(res.Keys))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the scan did not stop at its item bound")
	}
}

// rateLimited answers every request 429 with a Retry-After.
func rateLimited(t *testing.T, retryAfter string) *audit.PacedClient {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", retryAfter)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"name":"RateLimitError","code":"rate_limit_exceeded","message":"slow down"}`)
	}))
	t.Cleanup(ts.Close)
	api, err := audit.NewClient(client.Options{BaseURL: ts.URL, APIKey: "am_test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.CloseIdleConnections)
	return api
}

// Finding 11: a Retry-After in 2099 made one request wait minutes. The
// caller's deadline ends the scan, and says so.
func TestDeadlineEndsARateLimitedScan(t *testing.T) {
	api := rateLimited(t, "Fri, 01 Jan 2099 00:00:00 GMT")
	deadline := errors.New("the --timeout passed")
	ctx, cancel := context.WithTimeoutCause(context.Background(), 300*time.Millisecond, deadline)
	defer cancel()
	start := time.Now()
	res := audit.Run(ctx, api, audit.Options{})
	if took := time.Since(start); took > 20*time.Second {
		t.Fatalf("took %v after a 300 ms deadline", took)
	}
	if !errors.Is(res.Stopped, deadline) || res.Complete() {
		t.Errorf("stopped %v complete %v", res.Stopped, res.Complete())
	}
}

// Finding 11: the time spent paused by 429s is bounded as a whole.
func TestRateLimitWaitBudgetEndsTheScan(t *testing.T) {
	api := rateLimited(t, "1")
	done := make(chan *audit.Result)
	go func() { done <- audit.Run(context.Background(), api, audit.Options{MaxWait: 1500 * time.Millisecond}) }()
	select {
	case res := <-done:
		if !errors.Is(res.Stopped, audit.ErrWaitBudget) || res.Complete() {
			t.Errorf("stopped %v", res.Stopped)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the wait budget did not end the scan")
	}
}
