package createkey_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui"
	"github.com/amkeys/amkeys/ui/clip"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/secret"
	"github.com/amkeys/amkeys/ui/uitest"
)

// app is the whole dashboard on a teatest terminal, and everything it
// printed so far.
type app struct {
	t   *testing.T
	tm  *teatest.TestModel
	out bytes.Buffer
}

func startApp(t *testing.T, url, key string, fake *clip.Fake) *app {
	t.Helper()
	c := uitest.NewCommon(t, newClient(t, url, key))
	c.Settings.BaseURL = url
	c.Clipboard = clip.New(fake, nil, clip.Options{Timeout: uitest.Patience}) // never cleared by time; a patient tool timeout
	ctx, cancel := context.WithCancel(c.Ctx)
	c.Ctx = ctx
	a := &app{t: t, tm: teatest.NewTestModel(t, ui.New(c, cancel), teatest.WithInitialTermSize(120, 35))}
	t.Cleanup(func() { a.tm.Quit() })
	return a
}

// waitFor waits until the output since the last wait holds every string.
func (a *app) waitFor(wants ...string) {
	a.t.Helper()
	teatest.WaitFor(a.t, a.tm.Output(), func(b []byte) bool {
		for _, w := range wants {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		a.out.Write(b)
		return true
	}, teatest.WithDuration(uitest.Patience), teatest.WithCheckInterval(10*time.Millisecond))
}

func (a *app) keys(keys ...string) {
	for _, k := range keys {
		a.tm.Send(uitest.Key(k))
	}
}

func TestFlowCreateRestrictedKeyAndItsSecret(t *testing.T) {
	srv, pod := startSandbox(t)
	admin := newClient(t, srv.URL, srv.AdminKey())
	fake := clip.NewFake()
	a := startApp(t, srv.URL, srv.AdminKey(), fake)

	a.waitFor("Acme Support")
	a.keys("enter")
	a.waitFor("n new key")
	a.keys("n")
	a.waitFor("New API key in pod Acme Support")
	a.tm.Type("flow-key")
	a.keys("tab", "tab", "j", " ")  // inbox_read
	a.keys("j", "j", "j", "j", " ") // the Messages header: the whole group
	for range 11 {
		a.keys("j") // down to draft_read
	}
	a.keys(" ", "ctrl+s")
	a.waitFor("Create this API key?", "restricted: 6 of 36")
	a.keys("y")
	a.waitFor("Key created.", "••••••••")

	// The server's record holds exactly what was ticked.
	page, err := admin.ListKeys(context.Background(), client.PodScope(pod.ID), client.ListOptions{})
	if err != nil || len(page.Keys) != 1 {
		t.Fatalf("server keys: %v, %v", page.Keys, err)
	}
	k := page.Keys[0]
	want := client.Restricted("inbox_read", "message_read", "message_send", "message_update", "message_delete", "draft_read")
	if k.Name != "flow-key" || !k.Permissions.Equal(want) {
		t.Fatalf("server holds %q %v, want flow-key %v", k.Name, k.Permissions, want)
	}
	if !bytes.Contains(a.out.Bytes(), []byte(k.Prefix+"••••••••")) {
		t.Errorf("the masked secret %s•••••••• was not shown", k.Prefix)
	}

	a.keys("c")
	a.waitFor("Copied the key to the clipboard.")
	newSecret := fake.Content()
	if !strings.HasPrefix(newSecret, k.Prefix) || len(newSecret) <= len(k.Prefix) {
		t.Fatalf("clipboard holds %q, want the secret of %s", newSecret, k.Prefix)
	}
	if bytes.Contains(a.out.Bytes(), []byte(newSecret)) {
		t.Fatal("the secret reached the screen before the user revealed it")
	}
	a.keys("v")
	a.waitFor(newSecret)

	// Leaving needs the confirmation; the default answer stays.
	for _, leave := range []string{"esc", "ctrl+c", "q"} {
		a.keys(leave)
		a.waitFor("Have you stored the secret? It cannot be shown again.")
		a.keys("enter")
		a.waitFor("Key created.")
	}
	a.keys("esc")
	a.waitFor("Have you stored the secret?")
	a.out.Reset() // from here on, the secret must never be drawn
	a.keys("y")
	a.waitFor("flow-key", "6 of 36", "never", "1 key")

	a.keys("q")
	a.tm.WaitFinished(t, teatest.WithFinalTimeout(uitest.Patience))
	final, _ := io.ReadAll(a.tm.FinalOutput(t))
	a.out.Write(final)
	if bytes.Contains(a.out.Bytes(), []byte(newSecret)) {
		t.Error("the secret was drawn after the user left its screen")
	}
	if got := fake.Content(); got != "" {
		t.Errorf("quitting left %q on the clipboard", got)
	}
	if path := uitest.FindString(a.tm.FinalModel(t), newSecret); path != "" {
		t.Errorf("the secret is still held at %s", path)
	}
}

var _ tea.Model = (*ui.Model)(nil)

// The search must see a secret in an unexported field, or the check above
// could never fail.
func TestFindSeesAHeldSecret(t *testing.T) {
	c := uitest.NewCommon(t, uitest.NewFakeAPI(acme.ID, 0))
	created := client.CreatedAPIKey{APIKey: client.APIKey{Name: "k", Prefix: "am_x"}, Secret: "am_xHeldSecret123"}
	m := secret.New(c, common.PodKeys(acme), created)
	if uitest.FindString(m, created.Secret) == "" {
		t.Fatal("find missed the secret held by the secret screen")
	}
	m.Update(uitest.Key("esc"))
	m.Update(uitest.Key("y"))
	if p := uitest.FindString(m, created.Secret); p != "" {
		t.Fatalf("the left screen still holds the secret at %s", p)
	}
}
