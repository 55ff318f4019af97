package confirm_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/ui"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/uitest"
)

// org is a sandbox with one pod and an admin client for checking its state.
type org struct {
	srv   *sandbox.Running
	pod   client.Pod
	admin *client.Client
}

func startOrg(t *testing.T) org {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Options{Seed: "empty"}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return org{srv: srv, pod: srv.AddPod("Acme Support", "acme"), admin: newClient(t, srv.URL, srv.AdminKey(), false)}
}

func newClient(t *testing.T, url, key string, readOnly bool) *client.Client {
	t.Helper()
	api, err := client.New(client.Options{BaseURL: url, APIKey: key, ReadOnly: readOnly, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func (o org) keyNames(t *testing.T) map[string]bool {
	t.Helper()
	page, err := o.admin.ListKeys(context.Background(), client.PodScope(o.pod.ID), client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, k := range page.Keys {
		names[k.Name] = true
	}
	return names
}

// startApp runs the dashboard on a teatest terminal; configure may change
// the settings first.
func startApp(t *testing.T, o org, configure func(*common.Common)) *teatest.TestModel {
	t.Helper()
	c := uitest.NewCommon(t, newClient(t, o.srv.URL, o.srv.AdminKey(), false))
	if configure != nil {
		configure(c)
	}
	tm := teatest.NewTestModel(t, ui.New(c, nil), teatest.WithInitialTermSize(120, 35))
	t.Cleanup(func() { tm.Quit() })
	return tm
}

func waitFor(t *testing.T, tm *teatest.TestModel, wants ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range wants {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(uitest.Patience), teatest.WithCheckInterval(10*time.Millisecond))
}

func keys(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(uitest.Key(k))
	}
}

func TestFlowDeleteKeys(t *testing.T) {
	o := startOrg(t)
	perms := client.Restricted("inbox_read")
	o.srv.AddKey(o.pod.ID, "idle-bot", perms, time.Time{})
	o.srv.AddKey(o.pod.ID, "gone-bot", perms, time.Time{})
	o.srv.AddKey(o.pod.ID, "busy-bot", perms, uitest.Clock.Add(-2*time.Hour)) // newest: first row
	tm := startApp(t, o, nil)
	waitFor(t, tm, "Acme Support")
	keys(tm, "enter")
	waitFor(t, tm, "idle-bot", "3 keys")

	// A key never used: the dialog, default Cancel, y deletes.
	keys(tm, "j", "j", "d")
	waitFor(t, tm, "Delete this API key?", "idle-bot", "last used    never", "[> Cancel <]")
	keys(tm, "y")
	waitFor(t, tm, "Deleted key idle-bot", "2 keys")
	if o.keyNames(t)["idle-bot"] {
		t.Fatal("idle-bot is still on the server")
	}

	// Gone already (deleted elsewhere): the row goes too.
	page, _ := o.admin.ListKeys(context.Background(), client.PodScope(o.pod.ID), client.ListOptions{})
	for _, k := range page.Keys {
		if k.Name == "gone-bot" {
			if err := o.admin.DeleteKey(context.Background(), client.PodScope(o.pod.ID), k.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	keys(tm, "d")
	waitFor(t, tm, "gone-bot")
	keys(tm, "y")
	waitFor(t, tm, "Key gone-bot was already gone; removed it from the list", "1 key")

	// Used two hours ago: y is only a letter, the name must be typed.
	keys(tm, "d")
	waitFor(t, tm, "This key was used 2 hours ago", "Type the key's name or its prefix to confirm:")
	keys(tm, "y", "enter")
	waitFor(t, tm, "does not match yet")
	if !o.keyNames(t)["busy-bot"] {
		t.Fatal("busy-bot was deleted without its name typed")
	}
	keys(tm, "backspace")
	tm.Type("busy-bot")
	waitFor(t, tm, "matches: enter to delete")
	keys(tm, "enter")
	waitFor(t, tm, "Deleted key busy-bot", "0 keys")
	if len(o.keyNames(t)) != 0 {
		t.Fatalf("server still holds %v", o.keyNames(t))
	}
}

func TestFlowOwnKeyNeedsTheTypedName(t *testing.T) {
	o := startOrg(t)
	own := o.srv.AddKey(o.pod.ID, "amkeys itself", client.Unrestricted(), time.Time{})
	tm := startApp(t, o, func(c *common.Common) { c.Settings.OwnKeyPrefix = own.Prefix })
	waitFor(t, tm, "Acme Support")
	keys(tm, "enter")
	waitFor(t, tm, "amkeys itself")
	keys(tm, "d")
	waitFor(t, tm, "This is the key amkeys itself runs with", "Type the key's name or its prefix to confirm:")
	keys(tm, "esc")
	waitFor(t, tm, "1 key")
}

func TestFlowReadOnlyHidesCreateAndDelete(t *testing.T) {
	o := startOrg(t)
	o.srv.AddKey(o.pod.ID, "some-bot", client.Restricted("inbox_read"), time.Time{})
	tm := startApp(t, o, func(c *common.Common) {
		c.Settings.ReadOnly = true
		c.API = newClient(t, o.srv.URL, o.srv.AdminKey(), true)
	})
	var pods, keysScreen, help []byte
	grab := func(into *[]byte, wants ...string) {
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			for _, w := range wants {
				if !bytes.Contains(b, []byte(w)) {
					return false
				}
			}
			*into = append([]byte(nil), b...)
			return true
		}, teatest.WithDuration(uitest.Patience))
	}
	grab(&pods, "Acme Support", "[read-only]", "r refresh")
	keys(tm, "n", "d", "enter") // n and d do nothing here
	grab(&keysScreen, "some-bot", "r refresh")
	keys(tm, "n", "d", "?")
	grab(&help, "Keys on this screen")
	for name, frame := range map[string][]byte{"pods": pods, "keys": keysScreen, "help": help} {
		for _, banned := range []string{"new pod", "new key", "delete", "New API key"} {
			if bytes.Contains(frame, []byte(banned)) {
				t.Errorf("read-only %s screen shows %q", name, banned)
			}
		}
	}
	if !o.keyNames(t)["some-bot"] {
		t.Fatal("a read-only session deleted a key")
	}
}

// Pods: n creates one through the form, d deletes it after its name.
func TestFlowCreateAndDeletePod(t *testing.T) {
	o := startOrg(t)
	tm := startApp(t, o, nil)
	waitFor(t, tm, "Acme Support", "1 pod")
	keys(tm, "n")
	waitFor(t, tm, "New pod")
	tm.Type("Globex")
	keys(tm, "tab")
	tm.Type("globex")
	keys(tm, "enter")
	waitFor(t, tm, "Created pod Globex", "2 pods")
	keys(tm, "d")
	waitFor(t, tm, "Delete this pod and all of its API keys?", "Every API key of this pod is deleted with it", "Type the pod's name")
	keys(tm, "y", "enter")
	waitFor(t, tm, "does not match yet")
	keys(tm, "backspace")
	tm.Type("Globex")
	keys(tm, "enter")
	waitFor(t, tm, "Deleted pod Globex and its keys", "1 pod")
	pods, err := o.admin.ListPods(context.Background(), client.ListOptions{})
	if err != nil || len(pods.Pods) != 1 || pods.Pods[0].Name != "Acme Support" {
		t.Fatalf("server pods %v, %v", pods.Pods, err)
	}
}
