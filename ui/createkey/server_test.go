package createkey_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/createkey"
	"github.com/amkeys/amkeys/ui/uitest"
)

// startSandbox serves an empty organization with one pod on loopback.
func startSandbox(t *testing.T) (*sandbox.Running, client.Pod) {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Options{Seed: "empty"}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, srv.AddPod("Acme Support", "acme")
}

func newClient(t *testing.T, url, key string) *client.Client {
	t.Helper()
	api, err := client.New(client.Options{BaseURL: url, APIKey: key, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// formOn makes the form talking to the server at url with key.
func formOn(t *testing.T, url, key string, pod client.Pod) (*createkey.Model, *common.Common) {
	t.Helper()
	c := uitest.NewCommon(t, newClient(t, url, key))
	m := createkey.New(c, common.PodKeys(pod), nil)
	m.SetSize(100, 30)
	return m, c
}

// run feeds cmd's messages back into m until none are left and returns
// every message seen.
func run(t *testing.T, m common.Screen, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var seen []tea.Msg
	queue := uitest.Collect(cmd, uitest.Patience)
	for len(queue) > 0 {
		msg := queue[0]
		queue = queue[1:]
		seen = append(seen, msg)
		_, next := m.Update(msg)
		queue = append(queue, uitest.Collect(next, uitest.Patience)...)
	}
	return seen
}

// fill names the key and ticks message_send and inbox_read, ready to submit.
func fill(m *createkey.Model, name string) {
	typeText(m, name)
	press(m, "tab", "tab", "j", " ")            // inbox_read
	press(m, "j", "j", "j", "j", "j", "j", " ") // message_send
}

func TestEscalationShowsTheServersFixAndKeepsTheForm(t *testing.T) {
	srv, pod := startSandbox(t)
	limited := srv.AddKey("", "limited admin", client.Restricted("api_key_create", "api_key_read", "inbox_read"), time.Time{})
	m, _ := formOn(t, srv.URL, limited.Secret, pod)
	fill(m, "sender")
	press(m, "ctrl+s")
	run(t, m, press(m, "y"))
	v := view(m)
	// Issue 11, item 14: the refused names, and one key to untick them.
	for _, want := range []string{"Refused: message_send", "U unticks them"} {
		if !strings.Contains(v, want) {
			t.Errorf("form lacks %q:\n%s", want, v)
		}
	}
	if m.Name() != "sender" || !m.Permissions().Equal(client.Restricted("inbox_read", "message_send")) {
		t.Errorf("the entered values were lost: %q %v", m.Name(), m.Permissions())
	}
	press(m, "U")
	if !m.Permissions().Equal(client.Restricted("inbox_read")) || strings.Contains(view(m), "Refused:") {
		t.Errorf("U left %v ticked:\n%s", m.Permissions(), view(m))
	}
	press(m, "shift+tab", "up", " ", "ctrl+s", "y")
	run(t, m, press(m, "y"))
	if v := view(m); !strings.Contains(v, "unrestricted_key_required") || !strings.Contains(v, "Fix:") {
		t.Errorf("unrestricted by a restricted caller:\n%s", v)
	}
}

// A server's validation error names fields; its text is untrusted.
func TestValidationErrorShowsFieldsSanitised(t *testing.T) {
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"name":"ValidationError","code":"validation_error","message":"bad \u001b[2Jrequest",` +
			`"fix":"Use a shorter name","errors":[{"path":"name","message":"must not contain \u001b]52;c;eA==\u0007 that"}]}`))
	}))
	t.Cleanup(hostile.Close)
	m, _ := formOn(t, hostile.URL, "am_testkey", acme)
	fill(m, "sender")
	press(m, "ctrl+s")
	run(t, m, press(m, "y"))
	v := m.View()
	if strings.ContainsAny(v, "\x1b\x07") {
		t.Fatalf("server text reached the terminal raw: %q", v)
	}
	for _, want := range []string{"validation_error", "name: must not contain", "Fix: Use a shorter name", "The server says: must not contain"} {
		if !strings.Contains(uitest.Plain(v), want) {
			t.Errorf("form lacks %q:\n%s", want, uitest.Plain(v))
		}
	}
	if m.Name() != "sender" {
		t.Errorf("name lost: %q", m.Name())
	}
}

func TestUnknownOutcomeIsCheckedNeverResent(t *testing.T) {
	for _, tc := range []struct {
		name        string
		afterEffect bool
		want        []string
	}{
		{"created", true, []string{"A key named ghost now exists", "cannot be recovered: delete that key and create a new one"}},
		{"not created", false, []string{"No new key named ghost exists", "it was not created"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, pod := startSandbox(t)
			admin := newClient(t, srv.URL, srv.AdminKey())
			m, _ := formOn(t, srv.URL, srv.AdminKey(), pod)
			fill(m, "ghost")
			press(m, "ctrl+s")
			submit := press(m, "y")
			srv.SetFaults(sandbox.Faults{DropRate: 1, AfterEffect: tc.afterEffect})
			answer := uitest.Collect(submit, uitest.Patience)
			srv.SetFaults(sandbox.Faults{})
			if !m.GuardQuit() {
				t.Error("leaving was allowed while the create was in flight")
			}
			seen := run(t, m, func() tea.Msg { return answer[0] })
			v := view(m)
			for _, want := range tc.want {
				if !strings.Contains(v, want) {
					t.Errorf("form lacks %q:\n%s", want, v)
				}
			}
			if n := srv.RequestCount(http.MethodPost, "/v0/pods/"+pod.ID+"/api-keys"); n != 1 {
				t.Errorf("%d POSTs; the create must never be resent", n)
			}
			page, err := admin.ListKeys(context.Background(), client.PodScope(pod.ID), client.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.afterEffect != (len(page.Keys) == 1) {
				t.Fatalf("server holds %d keys", len(page.Keys))
			}
			stale := false
			for _, msg := range seen {
				_, ok := msg.(createkey.StaleMsg)
				stale = stale || ok
			}
			if stale != tc.afterEffect {
				t.Errorf("keys list told to reload: %v, want %v", stale, tc.afterEffect)
			}
		})
	}
}

func TestGoldenForm(t *testing.T) {
	m := newForm(t, nil, 100, 24)
	uitest.Golden(t, "form-empty", m.View())
	typeText(m, "support-reader")
	press(m, "tab", "tab", "j", " ", "j", "j", "j", "j", " ")
	for range 8 {
		press(m, "j")
	}
	uitest.Golden(t, "form-ticked-scrolled", m.View())
	press(m, "ctrl+s")
	uitest.Golden(t, "form-summary", m.View())
	press(m, "esc", "shift+tab", "up", " ", "ctrl+s", "y")
	uitest.Golden(t, "form-unrestricted-confirm", m.View())
}

func TestGoldenFormWithServerRefusal(t *testing.T) {
	srv, pod := startSandbox(t)
	limited := srv.AddKey("", "limited admin", client.Restricted("api_key_create", "inbox_read"), time.Time{})
	m, _ := formOn(t, srv.URL, limited.Secret, pod)
	m.SetSize(100, 24)
	fill(m, "sender")
	press(m, "ctrl+s")
	run(t, m, press(m, "y"))
	uitest.Golden(t, "form-refused", m.View())
}

// Finding 4: a create answered with an escape sequence as the secret still
// made a key; the form moves on to the secret screen, which says the
// secret is invalid and shows no escape sequence.
func TestCreatedKeyWithAnInvalidSecretIsShownInert(t *testing.T) {
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"api_key_id":"k9","prefix":"am_Zz","name":"sender","created_at":"2026-01-02T03:04:05Z",` +
			`"api_key":"\u001b]52;c;ZXZpbA==\u0007\u001b[2J"}`))
	}))
	t.Cleanup(hostile.Close)
	m, c := formOn(t, hostile.URL, "am_testkey", acme)
	fill(m, "sender")
	press(m, "ctrl+s")
	var screen common.Screen
	created := false
	for _, msg := range run(t, m, press(m, "y")) {
		if msg, ok := msg.(createkey.CreatedMsg); ok {
			created = msg.Key.ID == "k9"
		}
	}
	if nav := c.TakeNav(); len(nav) == 1 && nav[0].Kind == common.NavReplace {
		screen = nav[0].Screen
	}
	if screen == nil || !created {
		t.Fatalf("no secret screen (%v) or no CreatedMsg (%v) for a key that exists", screen, created)
	}
	screen.SetSize(100, 25)
	screen.Update(uitest.Key("v"))
	v := screen.View()
	if strings.Contains(v, "\x07") || strings.Contains(v, "\x1b]") || strings.Contains(v, "\x1b[2J") {
		t.Fatalf("the invalid secret reached the terminal raw: %q", v)
	}
	if p := uitest.Plain(v); !strings.Contains(p, "invalid key") || !strings.Contains(p, "␛]52") {
		t.Errorf("the screen does not show the secret as invalid, inert text:\n%s", p)
	}
}
