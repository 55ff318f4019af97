package ui

// The leak lookup (L) against the sandbox over HTTP: a pasted key is found
// in its inbox scope, the key never leaves amkeys (every request recorded
// on the wire), the frames never show more than its prefix, d deletes on
// the server, a fresh audit is searched without a request, and a hostile
// pod name is sanitised.

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/leak"
	"github.com/amkeys/amkeys/ui/uitest"
)

// wire keeps every request as it arrived (path, query, headers, body).
type wire struct {
	next http.Handler
	mu   sync.Mutex
	reqs []string
}

func (w *wire) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	var dump strings.Builder
	dump.WriteString(req.Method + " " + req.URL.RawPath + " " + req.URL.Path + "?" + req.URL.RawQuery + "\n")
	for name, values := range req.Header {
		dump.WriteString(name + ": " + strings.Join(values, ", ") + "\n")
	}
	dump.Write(body)
	w.mu.Lock()
	w.reqs = append(w.reqs, dump.String())
	w.mu.Unlock()
	w.next.ServeHTTP(rw, req)
}

func (w *wire) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.reqs...)
}

// leakSandbox is a sandbox behind a recorder, with one pod (named podName),
// a pod key (named podKey), an inbox and an inbox key whose creation
// answer (with its secret) is returned.
func leakSandbox(t *testing.T, podName, podKey string) (*common.Common, *wire, *client.Client, client.Inbox, client.CreatedAPIKey) {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{Now: func() time.Time { return uitest.Clock }})
	if err != nil {
		t.Fatal(err)
	}
	rec := &wire{next: sb}
	ts := httptest.NewServer(rec)
	t.Cleanup(ts.Close)
	api, err := client.New(client.Options{BaseURL: ts.URL, APIKey: sb.AdminKey(), Backoff: 10 * time.Millisecond, Timeout: uitest.Patience})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pod := sb.AddPod(podName, "acme")
	sb.AddKey(pod.ID, podKey, client.Restricted("inbox_read"), time.Time{})
	inbox, err := api.CreateInbox(ctx, pod.ID, client.NewInbox{Username: "support"})
	if err != nil {
		t.Fatal(err)
	}
	leaked, err := api.CreateKey(ctx, client.InboxScope(inbox.ID), "support bot", client.Restricted("message_read", "message_send"))
	if err != nil {
		t.Fatal(err)
	}
	c := uitest.NewCommon(t, api)
	c.Settings.OwnKeyPrefix = api.KeyPrefix()
	return c, rec, api, inbox, leaked
}

func TestLeakLookupFindsAPastedKeyWhichNeverLeaves(t *testing.T) {
	c, rec, api, inbox, leaked := leakSandbox(t, "Acme", "decoy")
	secret := leaked.Secret
	m := newLeakApp(c, 120, 35)
	var frames strings.Builder
	draw := func() string { f := m.View(); frames.WriteString(f); return uitest.Plain(f) }
	if !strings.Contains(draw(), "Acme") {
		t.Fatal("the pods are not shown")
	}
	before := len(rec.all())

	press(m, "L")
	if !strings.Contains(draw(), "Find where a leaked API key belongs") {
		t.Fatal("L did not open the lookup")
	}
	// A bracketed paste, as a terminal delivers it.
	uitest.Settle(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" " + secret + "\n"), Paste: true})
	if f := draw(); !strings.Contains(f, "key: "+secret[:8]+"•••") {
		t.Fatalf("the field does not show the prefix, masked:\n%s", f)
	}
	press(m, "enter")
	f := draw()
	if !strings.Contains(f, "support bot") || !strings.Contains(f, "1 credential has the prefix "+secret[:8]) ||
		!strings.Contains(f, "inbox "+inbox.Email) {
		t.Fatalf("the key is not found in its inbox:\n%s", f)
	}

	sent := rec.all()[before:]
	if len(sent) < 4 {
		t.Fatalf("only %d requests recorded: the search is blind", len(sent))
	}
	wantListing := "/v0/inboxes/" + inbox.ID + "/api-keys"
	if !strings.Contains(strings.Join(sent, ""), wantListing) {
		t.Fatalf("the inbox's keys were never listed (%s)", wantListing)
	}
	if !strings.Contains(strings.Join(sent, ""), "Authorization: Bearer ") {
		t.Fatal("the recorder does not see headers: the check is blind")
	}
	for _, r := range sent {
		if strings.Contains(r, secret) || strings.Contains(r, secret[8:]) || strings.Contains(r, secret[3:20]) {
			t.Fatalf("a request carried the leaked key:\n%s", r)
		}
	}

	// d deletes it on the server, with the usual dialog.
	press(m, "d")
	if f := draw(); !strings.Contains(f, "Delete this API key?") {
		t.Fatalf("no delete dialog:\n%s", f)
	}
	pressKeepingNotices(m, "y")
	if f := draw(); !strings.Contains(f, "Deleted key support bot") {
		t.Fatalf("the delete is not reported:\n%s", f)
	}
	page, err := api.ListKeys(context.Background(), client.InboxScope(inbox.ID), client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range page.Keys {
		if k.ID == leaked.ID {
			t.Fatal("the key is still on the server after d")
		}
	}
	all := frames.String()
	for _, part := range []string{secret[8:], secret[8:16], secret[len(secret)-8:]} {
		if strings.Contains(all, part) {
			t.Fatal("a frame showed more of the key than its prefix")
		}
	}
	if !strings.Contains(all, secret[:8]) {
		t.Fatal("the prefix was never drawn: the check above is blind")
	}
}

// newLeakApp opens the dashboard on c at w x h.
func newLeakApp(c *common.Common, w, h int) *Model {
	m := New(c, nil)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	uitest.Run(m, m.Init())
	return m
}

func TestLeakLookupByPrefixNotFoundAndBadInput(t *testing.T) {
	c, _, _, inbox, leaked := leakSandbox(t, "Acme", "decoy")
	m := newLeakApp(c, 80, 24)
	press(m, "L")
	lk, ok := m.Top().(*leak.Model)
	if !ok {
		t.Fatalf("L opened %T", m.Top())
	}
	typeText(m, "hello")
	press(m, "enter")
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "want an API key or its prefix") {
		t.Fatalf("bad input gives no message:\n%s", frame)
	}
	// The text stays for the user to fix (masked: it does not start as a
	// key does), and goes with backspace.
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "key: •••••▏") {
		t.Fatalf("bad input was not kept in the field:\n%s", frame)
	}
	press(m, "backspace", "backspace", "backspace", "backspace", "backspace")
	typeText(m, leaked.Secret[:6])
	press(m, "enter")
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "key: "+leaked.Secret[:6]+"▏") ||
		!strings.Contains(frame, "at least 5 more characters") {
		t.Fatalf("a short prefix was not kept with its message:\n%s", frame)
	}
	typeText(m, leaked.Secret[6:8])
	press(m, "enter")
	frame := uitest.Plain(m.View())
	if !strings.Contains(frame, "support bot") || !strings.Contains(frame, "inbox "+inbox.Email[:10]) {
		t.Fatalf("a prefix alone did not find the key:\n%s", frame)
	}
	if lk.Status() != "1 match for "+leaked.Secret[:8] {
		t.Errorf("status %q", lk.Status())
	}
	press(m, "L")
	typeText(m, "am_zzzzz")
	press(m, "enter")
	frame = uitest.Plain(m.View())
	if !strings.Contains(frame, "No credential with prefix am_zzzzz in this organization: it may be deleted") {
		t.Fatalf("not found is not said:\n%s", frame)
	}
	press(m, "esc")
	if _, ok := m.Top().(*leak.Model); ok {
		t.Fatal("esc did not leave the lookup")
	}
}

// A fresh audit is searched without a request; an old one is not.
func TestLeakLookupReusesAFreshAudit(t *testing.T) {
	c, rec, _, _, leaked := leakSandbox(t, "Acme", "decoy")
	now := uitest.Clock
	c.Now = func() time.Time { return now }
	m := newLeakApp(c, 120, 35)
	press(m, "a") // the audit, from the pods tab
	if m.lastAudit.Result == nil || !m.lastAudit.Result.Complete() {
		t.Fatal("the root did not keep the audit's result")
	}
	press(m, "esc", "L")
	before := len(rec.all())
	typeText(m, leaked.Secret[:8])
	press(m, "enter")
	frame := uitest.Plain(m.View())
	if !strings.Contains(frame, "support bot") || !strings.Contains(frame, "searched the audit of") {
		t.Fatalf("the fresh audit was not searched:\n%s", frame)
	}
	// The match is re-read in its scope's listing, and nothing else is sent.
	sent := rec.all()[before:]
	if len(sent) == 0 {
		t.Fatal("the audit's match was shown without re-reading its scope")
	}
	for _, r := range sent {
		if !strings.HasPrefix(r, "GET ") || !strings.Contains(r, "/v0/inboxes/") || !strings.Contains(r, "/api-keys?") {
			t.Fatalf("a lookup in a fresh audit sent more than its scope's listing:\n%s", r)
		}
		if strings.Contains(r, leaked.Secret[8:]) {
			t.Fatal("a request carried the leaked key")
		}
	}

	// Deleted through the lookup: the audit, still fresh, no longer has it.
	press(m, "d", "y")
	press(m, "L")
	typeText(m, leaked.Secret[:8])
	press(m, "enter")
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "No credential with prefix") {
		t.Fatalf("a deleted key is still found in the audit:\n%s", frame)
	}

	now = now.Add(leak.FreshFor + time.Second)
	press(m, "L")
	before = len(rec.all())
	typeText(m, leaked.Secret[:8])
	press(m, "enter")
	if n := len(rec.all()) - before; n < 3 {
		t.Fatalf("an old audit was reused (%d requests)", n)
	}
}

func TestLeakLookupSanitisesServerText(t *testing.T) {
	hostile := "Evil\x1b]52;c;aGk=\x07\x1b[2J\u202epod"
	c, _, api, _, _ := leakSandbox(t, hostile, hostile+" key")
	var target client.APIKey
	pods, err := api.ListPods(context.Background(), client.ListOptions{})
	if err != nil || len(pods.Pods) == 0 {
		t.Fatal(err)
	}
	page, err := api.ListKeys(context.Background(), client.PodScope(pods.Pods[0].ID), client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range page.Keys {
		if strings.HasPrefix(k.Name, "Evil") {
			target = k
		}
	}
	if target.ID == "" {
		t.Fatal("the hostile key is not listed")
	}
	m := newLeakApp(c, 120, 35)
	press(m, "L")
	typeText(m, target.Prefix)
	press(m, "enter")
	view := m.View()
	for _, bad := range []string{"\x1b]52", "\x1b[2J", "\u202e", "\x07"} {
		if strings.Contains(view, bad) {
			t.Fatalf("a hostile name reached the frame: %q", bad)
		}
	}
	if plain := uitest.Plain(view); !strings.Contains(plain, "pod Evil") || !strings.Contains(plain, "1 credential has the prefix") {
		t.Fatalf("the hostile pod key is not drawn:\n%s", plain)
	}
}
