package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// auditDoc is the part of the JSON report these tests read.
type auditDoc struct {
	Complete  bool    `json:"complete"`
	ListError *string `json:"pod_list_error"`
	ListHint  string  `json:"pod_list_hint"`
	Stopped   *string `json:"stopped"`
	Keys      []struct {
		KeyID string `json:"key_id"`
	}
	Unreadable []struct {
		PodID                   string `json:"pod_id"`
		PodName                 string `json:"pod_name"`
		ID, Field, Value, Error string
	} `json:"unreadable"`
}

func parseDoc(t *testing.T, out string) auditDoc {
	t.Helper()
	var doc auditDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document (%v): %q", err, out)
	}
	return doc
}

// Finding 11: with Retry-After set to a date in 2099 one pod took 487 s.
// --timeout bounds the whole run: the report is still written, and the
// exit code is 3. The deadline, not the test, ends it.
func TestAuditTimeoutEndsAFarRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "Thu, 01 Jan 2099 00:00:00 GMT")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"name":"RateLimitError","code":"rate_limit_exceeded","message":"slow down"}`)
	}))
	defer srv.Close()
	auditEnv(t, srv.URL, "am_test_key_0000000000")
	start := time.Now()
	code, out, errs := runCmd(t, "audit", "--timeout", "1s", "--format", "json")
	if took := time.Since(start); took > 30*time.Second {
		t.Fatalf("took %v with --timeout 1s", took)
	}
	doc := parseDoc(t, out)
	if code != exitIncomplete || doc.Complete || doc.Stopped == nil || !strings.Contains(*doc.Stopped, "--timeout") ||
		!strings.Contains(errs, "--timeout of 1s") {
		t.Errorf("exit %d, stopped %v, stderr %q", code, doc.Stopped, errs)
	}
}

// Finding 14: a gateway's bare 403 on the first request. JSON is still one
// valid document with the error and a hint; table and CSV print what they
// can, and stderr has the error with the hint.
func TestAuditFirstRequestRefusedStillWritesEveryFormat(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"message":"Forbidden"}`)
	}))
	defer srv.Close()
	auditEnv(t, srv.URL, "am_test_key_0000000000")
	for _, f := range []string{"json", "table", "csv"} {
		code, out, errs := runCmd(t, "audit", "--format", f)
		if code != exitIncomplete || !strings.Contains(errs, "403") || !strings.Contains(errs, "check the API key and the base URL") {
			t.Errorf("%s: exit %d, stderr %q", f, code, errs)
		}
		switch f {
		case "json":
			doc := parseDoc(t, out)
			if doc.Complete || doc.ListError == nil || !strings.Contains(doc.ListHint, "base URL") || doc.Keys == nil {
				t.Errorf("json: %q", out)
			}
		case "table":
			if !strings.Contains(out, "INCOMPLETE: the pod listing stopped") || !strings.Contains(out, "hint:") {
				t.Errorf("table: %q", out)
			}
		case "csv":
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(rows) != 1 || rows[0][0] != "pod_id" {
				t.Errorf("csv: %q (%v)", out, err)
			}
		}
	}
}

// Finding 12: a malformed key is reported with its pod, id, field and
// value; its neighbours are in the report; exit 3.
func TestAuditReportsUnreadableKeys(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v0/pods":
			fmt.Fprint(w, `{"pods":[{"pod_id":"p1","name":"Acme","created_at":"2026-01-02T03:04:05Z"}]}`)
		case "/v0/api-keys":
			fmt.Fprint(w, `{"api_keys":[]}`)
		default:
			fmt.Fprint(w, `{"api_keys":[
				{"api_key_id":"good","name":"ok","prefix":"am_ok","created_at":"2026-01-02T03:04:05Z"},
				{"api_key_id":"bad","name":"b","created_at":"2026-01-02T03:04:05Z","used_at":"2026-01-02T03:04:05"}]}`)
		}
	}))
	defer srv.Close()
	auditEnv(t, srv.URL, "am_test_key_0000000000")
	code, out, errs := runCmd(t, "audit", "--format", "json")
	doc := parseDoc(t, out)
	if code != exitIncomplete || len(doc.Keys) != 1 || doc.Keys[0].KeyID != "good" || len(doc.Unreadable) != 1 {
		t.Fatalf("exit %d, doc %+v", code, doc)
	}
	u := doc.Unreadable[0]
	if u.PodID != "p1" || u.PodName != "Acme" || u.ID != "bad" || u.Field != "used_at" || !strings.Contains(u.Value, "2026-01-02T03:04:05") {
		t.Errorf("unreadable %+v", u)
	}
	for _, s := range []string{errs, u.Error} {
		if !strings.Contains(s, "used_at") || strings.Contains(s, "Z07:00") {
			t.Errorf("unclear error: %q", s)
		}
	}
	if _, out, _ := runCmd(t, "audit"); !strings.Contains(out, "1 listed items could not be read") || !strings.Contains(out, "Acme (p1)") {
		t.Errorf("table: %s", out)
	}
}
