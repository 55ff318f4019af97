package client

import (
	"encoding/json"
	"strings"
	"testing"
)

var pageSeeds = []string{
	`{"count":1,"next_page_token":"t","api_keys":[{"api_key_id":"k","prefix":"am_x","name":"n","created_at":"2024-01-15T09:30:00Z","used_at":"2024-01-15T09:30:00Z","pod_id":"p","permissions":{"inbox_read":true,"thread_read":true,"new_thing":true,"pod_read":false}}]}`,
	`{"count":1,"api_keys":[{"api_key_id":"k","prefix":"am_x","name":"n","created_at":"2024-01-15T09:30:00Z","permissions":null}]}`,
	`{"count":0,"api_keys":[]}`,
	`{"count":1,"limit":10,"pods":[{"pod_id":"p","name":"n","created_at":"2024-01-15T09:30:00Z","updated_at":"2024-01-15T09:30:00Z","client_id":"c"}]}`,
	`{"api_keys":[{"permissions":{"inbox_read":"yes"}}]}`,
	`{"api_keys":[{"created_at":"not a time"}]}`,
	`{"api_keys":[{"api_key_id":"a","used_at":"2026-01-02T03:04:05"},{"api_key_id":"b","used_at":""},{"api_key_id":"c","used_at":1767225600},{"api_key_id":"d","permissions":{"pod_read":"true"}},{"api_key_id":"e","permissions":["pod_read"]},{"api_key_id":"f"}]}`,
	`<html>502</html>`,
	``,
	`null`,
	`{"api_keys":null,"pods":7}`,
}

// FuzzDecodePage feeds arbitrary bytes to the list decoders: they must
// fail cleanly or give a page whose permissions re-encode and decode to
// the same record.
func FuzzDecodePage(f *testing.F) {
	for _, s := range pageSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var keys keyList
		if err := decodeBody(body, &keys, redactor{}); err == nil {
			page := keys.page(PodScope("p"), redactor{})
			for _, k := range page.Keys {
				data, err := json.Marshal(k.Permissions)
				if err != nil {
					t.Fatalf("re-encoding %v: %v", k.Permissions, err)
				}
				var back Permissions
				if err := json.Unmarshal(data, &back); err != nil || !back.Equal(k.Permissions) {
					t.Fatalf("permissions do not round-trip: %s -> %v (%v)", data, back, err)
				}
				_ = k.Permissions.Summary()
			}
			for _, e := range page.Unreadable {
				msg := e.Error()
				if e.Problem == "" || len(e.Value) > itemValueMax+len("…") || strings.Contains(msg, "07:00") {
					t.Fatalf("unclear item error: %q", msg)
				}
			}
		} else if !strings.Contains(err.Error(), "not the expected JSON") {
			t.Fatalf("unclear error: %v", err)
		}
		var pods podList
		if decodeBody(body, &pods, redactor{}) == nil {
			_ = pods.page(redactor{})
		}
	})
}

var errorSeeds = []string{
	`{"name":"NotFoundError","code":"not_found","message":"Pod not found","fix":"Check the id","docs":"https://docs.agentmail.to"}`,
	`{"name":"ValidationError","code":"validation_error","errors":[{"path":["permissions","x"],"message":"unknown"}]}`,
	`{"name":"ValidationError","errors":{"weird":"shape"}}`,
	`{"name":"ValidationError","errors":[{"path":7}]}`,
	`<html><body>Bad gateway</body></html>`,
	`{"message":"\u001b[2Jboom"}`,
	``,
	`{`,
}

// FuzzDecodeError: any body with any status gives an *Error carrying that
// status, and never panics.
func FuzzDecodeError(f *testing.F) {
	for _, s := range errorSeeds {
		f.Add(400, []byte(s))
		f.Add(502, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := decodeError(status, body, redactor{})
		if e == nil || e.Status != status {
			t.Fatalf("decodeError(%d) = %#v", status, e)
		}
		_ = e.Error()
	})
}

var credentialSeeds = []string{
	`{"count":1,"inboxes":[{"inbox_id":"a@b.to","pod_id":"p","email":"a@b.to","display_name":"A","created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}]}`,
	`{"inboxes":[{"inbox_id":7},{"inbox_id":"ok@b.to","created_at":"yesterday"},{"inbox_id":"x@b.to","metadata":[1,2]}]}`,
	`{"count":1,"public_keys":[{"api_key_id":"k","type":"public_key","name":"n","public_key":{"jwk":{"kty":"EC","crv":"P-256","x":"X","y":"Y"},"fingerprint":"F"},"scope":{"type":"inbox","id":"a@b.to"},"expires_at":"2027-01-01T00:00:00Z","revoked_at":null,"created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}]}`,
	`{"public_keys":[{"api_key_id":"k","public_key":"pem"},{"api_key_id":"s","scope":"org"},{"api_key_id":"e","expires_at":1767225600}]}`,
	`{"public_keys":null,"inboxes":"x"}`,
	`[]`,
}

// FuzzDecodeCredentialPages: the inbox and public-key listings decode any
// body to a page or a clean error; a bad item never takes its neighbours
// with it, and its error names a field in words.
func FuzzDecodeCredentialPages(f *testing.F) {
	for _, s := range credentialSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkItems := func(bad []ItemError) {
			for _, e := range bad {
				msg := e.Error()
				if e.Problem == "" || len(e.Value) > itemValueMax+len("…") || strings.Contains(msg, "07:00") {
					t.Fatalf("unclear item error: %q", msg)
				}
			}
		}
		var inboxes inboxList
		if err := decodeBody(body, &inboxes, redactor{}); err == nil {
			page := inboxes.page(PodScope("p"), redactor{})
			checkItems(page.Unreadable)
		} else if !strings.Contains(err.Error(), "not the expected JSON") {
			t.Fatalf("unclear error: %v", err)
		}
		var creds publicKeyList
		if err := decodeBody(body, &creds, redactor{}); err == nil {
			page := creds.page(redactor{})
			checkItems(page.Unreadable)
			for _, c := range page.Credentials {
				_ = c.Scope.Scope().String()
			}
		}
	})
}
