package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/amkeys/amkeys/client"
)

const hardeningKey = "am_RoundTwoHardeningKey_0123456789abcdef"

// jsonEscaped spells s entirely as \uXXXX escapes, as a proxy that escapes
// every character would.
func jsonEscaped(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// Finding 5: a body echoing the key escaped or in another case was printed
// in clear. Every string of the error is redacted after decoding.
func TestKeyIsRedactedAfterDecodingInEveryErrorField(t *testing.T) {
	spellings := []string{
		jsonEscaped(hardeningKey),
		strings.ToUpper(hardeningKey),
		jsonEscaped(strings.ToLower(hardeningKey)),
		jsonEscaped(hardeningKey[8:]), // the secret tail alone
	}
	for i, k := range spellings {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.URL.Path == "/v0/pods" && r.URL.Query().Get("raw") == "" {
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"name":"N %[1]s","code":"c%[1]s","message":"unknown key %[1]s","fix":"check %[1]s","docs":"https://x.invalid/%[1]s","errors":[{"path":"%[1]s","message":"m %[1]s"}]}`, k)
				return
			}
			w.WriteHeader(http.StatusBadGateway) // not the API's error JSON: shown as a raw snippet
			fmt.Fprintf(w, `{"upstream":"%s"}`, k)
		}))
		c, err := client.New(client.Options{BaseURL: srv.URL, APIKey: hardeningKey, MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err1 := c.ListPods(context.Background(), client.ListOptions{})
		_, err2 := c.GetPod(context.Background(), "p")
		srv.Close()
		for _, err := range []error{err1, err2} {
			if err == nil {
				t.Fatalf("spelling %d: no error", i)
			}
			msg := fmt.Sprintf("%v %+v", err, err)
			if e, ok := client.AsError(err); ok {
				msg += fmt.Sprintf(" %+v", *e)
			}
			low := strings.ToLower(msg)
			if strings.Contains(low, strings.ToLower(hardeningKey[8:])) {
				t.Errorf("spelling %d: the error carries the key: %s", i, msg)
			}
			if !strings.Contains(msg, "[redacted]") {
				t.Errorf("spelling %d: nothing redacted, the server's text did not come through: %s", i, msg)
			}
		}
	}
}

// Finding 4: a create answer whose secret is an escape sequence is not a
// key: CreateKey says so with the created key, never as a plain success.
func TestCreateKeyRefusesASecretThatIsNotAKey(t *testing.T) {
	evil := "\x1b]52;c;ZXZpbA==\x07\x1b[2J"
	for _, tc := range []struct {
		secret string
		valid  bool
	}{
		{evil, false},
		{"am_" + strings.Repeat("A", 40), true},
		{"am_abc-DEF_123456789", true},
		{"am_short", false},
		{"xx_" + strings.Repeat("A", 40), false},
		{"am_" + strings.Repeat("A", 40) + " ", false},
		{"am_" + strings.Repeat("A", 600), false},
		{"am_" + strings.Repeat("é", 20), false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			secret, _ := json.Marshal(tc.secret)
			fmt.Fprintf(w, `{"api_key_id":"k1","prefix":"am_AAAAA","name":"n","created_at":"2026-01-02T03:04:05Z","api_key":%s}`, secret)
		}))
		c, _ := client.New(client.Options{BaseURL: srv.URL, APIKey: hardeningKey})
		k, err := c.CreateKey(context.Background(), client.PodScope("p"), "n", client.Unrestricted())
		srv.Close()
		if k.ID != "k1" {
			t.Errorf("%q: the created key was not returned: %+v", tc.secret, k.APIKey)
		}
		if tc.valid {
			if err != nil {
				t.Errorf("%q: valid secret refused: %v", tc.secret, err)
			}
			continue
		}
		var inv *client.InvalidSecretError
		if !errors.Is(err, client.ErrInvalidSecret) || !errors.As(err, &inv) || inv.Key.ID != "k1" {
			t.Errorf("%q: want an InvalidSecretError, got %v", tc.secret, err)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\x1b\x07") {
			t.Errorf("the error quotes the secret: %q", err.Error())
		}
	}
}

// Finding 12: one malformed key lost its whole page. Each bad key is now
// an ItemError naming the scope, the key, the field and the value, and its
// neighbours are kept.
func TestMalformedKeysLoseOnlyThemselves(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"count":7,"api_keys":[
			{"api_key_id":"good-1","prefix":"am_g1","name":"first","created_at":"2026-01-02T03:04:05Z"},
			{"api_key_id":"naive","created_at":"2026-01-02T03:04:05"},
			{"api_key_id":"empty-used","created_at":"2026-01-02T03:04:05Z","used_at":""},
			{"api_key_id":"epoch","created_at":1767225600},
			{"api_key_id":"string-bool","created_at":"2026-01-02T03:04:05Z","permissions":{"pod_read":"true"}},
			{"api_key_id":"perm-list","created_at":"2026-01-02T03:04:05Z","permissions":["pod_read"]},
			{"api_key_id":"good-2","prefix":"am_g2","name":"second","created_at":"2026-01-02T03:04:05Z","used_at":null}
		]}`)
	}))
	defer srv.Close()
	c, _ := client.New(client.Options{BaseURL: srv.URL, APIKey: hardeningKey})
	page, err := c.ListKeys(context.Background(), client.PodScope("pod-7"), client.ListOptions{})
	if err != nil {
		t.Fatalf("the page failed as a whole: %v", err)
	}
	if len(page.Keys) != 2 || page.Keys[0].ID != "good-1" || page.Keys[1].ID != "good-2" {
		t.Fatalf("neighbours lost: %+v", page.Keys)
	}
	want := map[string][2]string{ // key id: field, a word of the value
		"naive":       {"created_at", "2026-01-02T03:04:05"},
		"empty-used":  {"used_at", `""`},
		"epoch":       {"created_at", "1767225600"},
		"string-bool": {"permissions", "pod_read"},
		"perm-list":   {"permissions", "pod_read"},
	}
	if len(page.Unreadable) != len(want) {
		t.Fatalf("%d unreadable keys, want %d: %v", len(page.Unreadable), len(want), page.Unreadable)
	}
	for _, e := range page.Unreadable {
		w, ok := want[e.ID]
		msg := e.Error()
		if !ok || e.Field != w[0] || !strings.Contains(e.Value, w[1]) || !strings.Contains(msg, "pod:pod-7") {
			t.Errorf("item error %+v: want field %q and value with %q, in pod:pod-7", e, w[0], w[1])
		}
		for _, layout := range []string{"Z07:00", "2006-01-02", "Go struct", "time.Time"} {
			if strings.Contains(msg, layout) {
				t.Errorf("error text shows Go internals %q: %s", layout, msg)
			}
		}
	}
}

// pagingServer answers every key listing with a page made by page(n), n
// counting requests from 1.
func pagingServer(t *testing.T, page func(n int) string) (*client.Client, *int) {
	t.Helper()
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, page(n))
	}))
	t.Cleanup(srv.Close)
	c, _ := client.New(client.Options{BaseURL: srv.URL, APIKey: hardeningKey})
	return c, &n
}

// Finding 10: page tokens over 4 KiB, empty pages forever: each walk stops
// with a clear error.
func TestPagingBoundsStopHostileServers(t *testing.T) {
	key := `{"api_key_id":"k%d","name":"n","created_at":"2026-01-02T03:04:05Z"}`
	for _, tc := range []struct {
		name  string
		page  func(n int) string
		want  error
		calls int // at most
	}{
		{"huge token", func(n int) string {
			return fmt.Sprintf(`{"next_page_token":"%s","api_keys":[`+key+`]}`, strings.Repeat("t", 5000), n)
		}, client.ErrPageToken, 1},
		{"empty pages forever", func(n int) string {
			return fmt.Sprintf(`{"next_page_token":"t%d","api_keys":[]}`, n)
		}, client.ErrPagination, client.MaxEmptyPages},
	} {
		c, calls := pagingServer(t, tc.page)
		err := c.EachKey(context.Background(), client.PodScope("p"), client.ListOptions{}, func(client.KeyPage) error { return nil })
		if !errors.Is(err, tc.want) || !client.IsPagingStop(err) || *calls > tc.calls {
			t.Errorf("%s: err %v after %d requests; want %v within %d", tc.name, err, *calls, tc.want, tc.calls)
		}
	}
}

func TestPageGuardBoundsItemsAndText(t *testing.T) {
	g := client.PageGuard{MaxItems: 10}
	var err error
	for i := 0; i < 20 && err == nil; i++ {
		err = g.Page(1, 10, fmt.Sprint("t", i))
	}
	if !errors.Is(err, client.ErrListTooLarge) || g.Items() != 11 {
		t.Errorf("items: %v after %d", err, g.Items())
	}
	g = client.PageGuard{MaxText: 1000}
	err = nil
	for i := 0; i < 20 && err == nil; i++ {
		err = g.Page(1, 300, fmt.Sprint("t", i))
	}
	if !errors.Is(err, client.ErrListTooLarge) || g.Items() != 4 {
		t.Errorf("text: %v after %d items", err, g.Items())
	}
	// A page of only items already seen counts as empty.
	g = client.PageGuard{}
	err = nil
	pages := 0
	for ; pages < 10 && err == nil; pages++ {
		err = g.Page(0, 0, fmt.Sprint("t", pages))
	}
	if !errors.Is(err, client.ErrPagination) || pages != client.MaxEmptyPages {
		t.Errorf("empty: %v after %d pages", err, pages)
	}
}
