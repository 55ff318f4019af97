package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
)

// wireRecorder keeps every request as it arrived (path, query, headers,
// body) before the sandbox answers it.
type wireRecorder struct {
	next http.Handler
	mu   sync.Mutex
	reqs []string // one dump per request
	n    map[string]int
}

func (r *wireRecorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	var dump strings.Builder
	dump.WriteString(req.Method + " " + req.URL.RawPath + " " + req.URL.Path + "?" + req.URL.RawQuery + "\n")
	for name, values := range req.Header {
		dump.WriteString(name + ": " + strings.Join(values, ", ") + "\n")
	}
	dump.Write(body)
	r.mu.Lock()
	r.reqs = append(r.reqs, dump.String())
	r.n[req.Method+" "+req.URL.Path]++
	r.mu.Unlock()
	r.next.ServeHTTP(w, req)
}

func (r *wireRecorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.reqs...)
}

func (r *wireRecorder) count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[key]
}

// A key pasted in full on stdin is found in its inbox scope, and neither
// the key nor its secret part is in any request amkeys sent (path, query,
// headers, body) nor in the sandbox's log or amkeys' output.
func TestLocateFindsAnInboxKeyAndTheSecretNeverLeaves(t *testing.T) {
	logs := &hygieneLog{}
	sb, err := sandbox.New(sandbox.Options{Logf: logs.logf})
	if err != nil {
		t.Fatal(err)
	}
	rec := &wireRecorder{next: sb, n: map[string]int{}}
	ts := httptest.NewServer(rec)
	t.Cleanup(ts.Close)
	admin, err := client.New(client.Options{BaseURL: ts.URL, APIKey: sb.AdminKey()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pod := sb.AddPod("Acme", "acme")
	sb.AddKey(pod.ID, "decoy", client.Restricted("inbox_read"), time.Time{})
	inbox, err := admin.CreateInbox(ctx, pod.ID, client.NewInbox{Username: "support"})
	if err != nil {
		t.Fatal(err)
	}
	leaked, err := admin.CreateKey(ctx, client.InboxScope(inbox.ID), "support bot", client.Restricted("message_read", "message_send"))
	if err != nil {
		t.Fatal(err)
	}
	secret := leaked.Secret
	auditEnv(t, ts.URL, sb.AdminKey())
	before := len(rec.all())

	var out, errb bytes.Buffer
	code := runLocate(ctx, nil, strings.NewReader("  "+secret+"\n"), &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	var got locateOutput
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	if len(got.Matches) != 1 || !got.Complete || got.Prefix != secret[:8] {
		t.Fatalf("matches %+v", got)
	}
	m := got.Matches[0]
	if m.ID != leaked.ID || m.Scope != "inbox:"+inbox.ID || m.InboxID != inbox.ID || m.PodID != pod.ID ||
		m.PodName != "Acme" || m.Name != "support bot" || m.Unrestricted || m.UsedAt != nil ||
		strings.Join(m.Permissions, ",") != "message_read,message_send" || m.CreatedAt.IsZero() {
		t.Errorf("match %+v", m)
	}
	if rec.count("GET /v0/inboxes/"+inbox.ID+"/api-keys") == 0 || rec.count("GET /v0/pods/"+pod.ID+"/api-keys") == 0 {
		t.Error("the inbox's and the pod's key listings were not searched")
	}

	// Refused as an argument, before any request.
	n := len(rec.all())
	code, _, errs := runCmd(t, "locate", secret)
	if code != exitUsage || !strings.Contains(errs, "looks like an API key") || !strings.Contains(errs, "shell history") {
		t.Errorf("a key as an argument: exit %d, %q", code, errs)
	}
	if len(rec.all()) != n {
		t.Error("a refused argument still sent requests")
	}
	code, prefixOut, _ := runCmd(t, "locate", secret[:8])
	if code != exitOK || !strings.Contains(prefixOut, leaked.ID) {
		t.Errorf("a bare prefix as an argument: exit %d", code)
	}

	sent := rec.all()[before:]
	if len(sent) < 4 {
		t.Fatalf("only %d requests recorded: the search is blind", len(sent))
	}
	if !strings.Contains(strings.Join(sent, ""), "Authorization: Bearer "+sb.AdminKey()) {
		t.Fatal("the recorder does not see headers: the search is blind")
	}
	for _, r := range sent {
		if strings.Contains(r, secret) || strings.Contains(r, secret[8:]) || strings.Contains(r, secret[3:20]) {
			t.Fatalf("a request carried the leaked key:\n%s", r)
		}
	}
	for name, text := range map[string]string{"stdout": out.String(), "stderr": errb.String() + errs,
		"the sandbox log": strings.Join(logs.all(), "\n")} {
		if strings.Contains(text, secret[8:]) {
			t.Errorf("%s holds the leaked key", name)
		}
	}
}

func TestLocateNotFoundAndBadInput(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	var out, errb bytes.Buffer
	// A key shape no credential has (sandbox prefixes are random: "-----"
	// is vanishingly unlikely, and checked).
	code := runLocate(context.Background(), nil, strings.NewReader("am_-----abcdefghijklmnopqrstuvwxyz0123456789ABCDEF"), &out, &errb)
	if code != exitFail || !strings.Contains(out.String(), `"matches": []`) {
		t.Errorf("not found: exit %d\n%s%s", code, out.String(), errb.String())
	}
	for _, in := range []string{"", "hello world", "am_ab", "am_\x1b[2Jx"} {
		out.Reset()
		errb.Reset()
		code := runLocate(context.Background(), nil, strings.NewReader(in), &out, &errb)
		if code != exitUsage || strings.Contains(errb.String(), "\x1b") || (in != "" && strings.Contains(errb.String(), in)) {
			t.Errorf("input %q: exit %d, %q", in, code, errb.String())
		}
	}
}

func TestPastedKeyArguments(t *testing.T) {
	key := "am_" + strings.Repeat("x", 43)
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{key}, true},
		{[]string{"--timeout", "1m", " " + key}, true},
		{[]string{"--api-key", key}, false}, // amkeys' own key, passed that way on purpose
		{[]string{"--key", "k1"}, false},
		{[]string{"am_abcde"}, false}, // a bare prefix is public
	} {
		if got := pastedKey(c.args); got != c.want {
			t.Errorf("pastedKey(%d args, first %.12q): %v", len(c.args), c.args[0], got)
		}
	}
}
