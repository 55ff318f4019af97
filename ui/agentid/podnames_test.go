package agentid_test

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/agentid"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/uitest"
)

// podRows returns, for each shown pod-scoped credential, its pod id by
// its name.
func podRows(list *agentid.Model) map[string]string {
	rows := map[string]string{}
	for r := range list.List().Shown() {
		p := list.List().Item(r)
		if p.Scope.Type == client.ScopePod {
			rows[p.Name] = p.Scope.ID
		}
	}
	return rows
}

// rowLine is the frame's line of the credential named name.
func rowLine(t *testing.T, frame, name string) string {
	t.Helper()
	for _, l := range strings.Split(uitest.Plain(frame), "\n") {
		if strings.Contains(l, name) {
			return l
		}
	}
	t.Fatalf("no row for %q in:\n%s", name, uitest.Plain(frame))
	return ""
}

// The scope column names the pod of a pod-scoped credential, from one
// listing of the pods that later frames reuse; r lists them again.
func TestPodScopedCredentialsShowThePodName(t *testing.T) {
	srv, api := uitest.Sandbox(t, "demo")
	page, err := api.ListPods(context.Background(), client.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, p := range page.Pods {
		names[p.ID] = p.Name
	}
	ownListing := srv.RequestCount("GET", "/v0/pods")
	c := uitest.NewCommon(t, api)
	list := agentid.New(c, api)
	hs := newHost(c, list)
	hs.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	uitest.Run(hs, hs.Init())
	rows := podRows(list)
	if len(rows) < 3 {
		t.Fatalf("the demo shows %d pod-scoped credentials, want at least 3", len(rows))
	}
	for cred, podID := range rows {
		if cred == "" {
			continue // an unnamed credential: no unique row to find
		}
		line := rowLine(t, hs.View(), cred)
		want := "pod " + names[podID]
		if names[podID] == "" || !strings.Contains(line, want) {
			t.Errorf("row %q shows %q, want the pod's name %q", cred, line, names[podID])
		}
		if strings.Contains(line, podID[:8]) {
			t.Errorf("row %q still shows the pod id %s: %q", cred, podID, line)
		}
	}

	// The detail names the pod too, with its id in full beside it.
	rowOf(t, hs, list, "Stark deploy agent")
	press(hs, "enter")
	detail := uitest.Plain(hs.View())
	stark := rows["Stark deploy agent"]
	if !strings.Contains(detail, "scope        pod "+names[stark]) || !strings.Contains(detail, "pod id       "+stark) {
		t.Fatalf("the detail does not show the pod %q and its id %s:\n%s", names[stark], stark, detail)
	}
	press(hs, "esc")

	// Cached: frames and filtering do not list the pods again.
	listings := srv.RequestCount("GET", "/v0/pods")
	if listings != ownListing+1 {
		t.Fatalf("%d pod listings by the screen after loading, want 1", listings-ownListing)
	}
	for range 5 {
		hs.View()
		press(hs, "j")
	}
	press(hs, "/")
	for _, r := range names[stark][:5] {
		press(hs, string(r))
	}
	if n := srv.RequestCount("GET", "/v0/pods"); n != listings {
		t.Fatalf("%d pod listings after frames and a filter, want %d", n, listings)
	}
	// The filter finds a credential by its pod's name.
	shown := false
	for r := range list.List().Shown() {
		shown = shown || list.List().Item(r).Name == "Stark deploy agent"
	}
	if !shown {
		t.Fatalf("filtering by %q does not show the Stark pod's credential", names[stark][:5])
	}
	press(hs, "esc", "r")
	if n := srv.RequestCount("GET", "/v0/pods"); n != listings+1 {
		t.Fatalf("%d pod listings after r, want %d", n, listings+1)
	}
}

// A key that cannot list pods (a pod key without pod_read) still sees its
// credentials, with the pod id as sent and no error.
func TestPodIDWhenPodsCannotBeRead(t *testing.T) {
	srv, admin := uitest.Sandbox(t, "demo")
	pods, err := admin.ListPods(context.Background(), client.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var stark client.Pod
	for _, p := range pods.Pods {
		if strings.HasPrefix(p.Name, "Stark") {
			stark = p
		}
	}
	if stark.ID == "" {
		t.Fatal("the demo has no Stark pod")
	}
	key := srv.AddKey(stark.ID, "agentid reader", client.Restricted("api_key_read"), time.Time{})
	api, err := client.New(client.Options{BaseURL: srv.URL, APIKey: key.Secret, Timeout: uitest.Patience})
	if err != nil {
		t.Fatal(err)
	}
	c := uitest.NewCommon(t, api)
	list := agentid.New(c, api)
	hs := newHost(c, list)
	hs.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	uitest.Run(hs, hs.Init())

	if srv.RequestCount("GET", "/v0/pods") != 2 { // the test's own listing and the screen's
		t.Fatalf("the screen did not try to list the pods")
	}
	line := rowLine(t, hs.View(), "Stark deploy agent")
	if !strings.Contains(line, "pod "+stark.ID[:20]) {
		t.Fatalf("row shows %q, want the pod id %s", line, stark.ID)
	}
	if hs.message != "" {
		t.Fatalf("unreadable pods showed a message: %q", hs.message)
	}
	rowOf(t, hs, list, "Stark deploy agent")
	press(hs, "enter")
	detail := uitest.Plain(hs.View())
	if !strings.Contains(detail, "scope        pod "+stark.ID) || strings.Contains(detail, "pod id") || strings.Contains(detail, stark.Name) {
		t.Fatalf("the detail does not fall back to the pod id %s alone:\n%s", stark.ID, detail)
	}
}

// A hostile pod name reaches the scope column sanitised: the hostile
// seed's corpus pods hold pod-scoped credentials named by the same case.
func TestHostilePodNamesAreSanitised(t *testing.T) {
	_, api := uitest.Sandbox(t, "hostile")
	c := uitest.NewCommon(t, api)
	list := agentid.New(c, api)
	hs := newHost(c, list)
	hs.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	uitest.Run(hs, hs.Init())
	press(hs, "G")
	var pods []client.Pod
	for token := ""; ; {
		page, err := api.ListPods(context.Background(), client.ListOptions{Limit: 100, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pods = append(pods, page.Pods...)
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	hostile := map[string]string{} // pod id: name with a control character
	for _, p := range pods {
		if sanitize.HasControl(p.Name) {
			hostile[p.ID] = p.Name
		}
	}
	seen := 0
	for r := range list.List().Shown() {
		p := list.List().Item(r)
		name, ok := hostile[p.Scope.ID]
		if p.Scope.Type != client.ScopePod || !ok {
			continue
		}
		list.List().Table.SetCursor(r)
		frame := hs.View()
		if bad := frameProblem(frame, 200, 60); bad != "" {
			t.Fatalf("pod %q: %s", name, bad)
		}
		want := "pod " + sanitize.Truncate(name, 10)
		if !strings.Contains(uitest.Plain(frame), strings.TrimSuffix(want, sanitize.Ellipsis)) {
			t.Fatalf("pod %q is not shown sanitised as %q", name, want)
		}
		press(hs, "enter") // the detail, where the name is shown wider
		frame = hs.View()
		if bad := frameProblem(frame, 200, 60); bad != "" {
			t.Fatalf("detail of pod %q: %s", name, bad)
		}
		want = "pod " + sanitize.Truncate(name, 30)
		if !strings.Contains(uitest.Plain(frame), strings.TrimSuffix(want, sanitize.Ellipsis)) || !strings.Contains(uitest.Plain(frame), sanitize.Text(p.Scope.ID)) {
			t.Fatalf("the detail does not show pod %q sanitised as %q with its id:\n%s", name, want, uitest.Plain(frame))
		}
		press(hs, "esc")
		seen++
	}
	if seen < 10 {
		t.Fatalf("%d pod-scoped credentials in hostile pods checked, want at least 10", seen)
	}
}
