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
