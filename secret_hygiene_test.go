package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/ui"
	"github.com/amkeys/amkeys/ui/clip"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/styles"
	"github.com/amkeys/amkeys/ui/uitest"
)

// Secret hygiene: a key is created through the dashboard, its secret is
// copied and revealed, the user leaves its screen, browses on, hits an
// error and amkeys panics. Then every artefact is searched for the new
// secret and for the admin key amkeys ran with: the frames drawn after the
// secret screen was left (and, for the admin key, every frame), every
// error the API calls returned, the sandbox's log lines, its state file,
// the files under HOME (amkeys never writes its config), the headless
// audit, prune and locate outputs (stdout, stderr, an -o file, the
// plan), the printed panic, the clipboard after the panic, and every
// string the final model holds.
// amkeys itself has no debug log, so there is none to search.

// hygieneLog collects the sandbox's log lines.
type hygieneLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *hygieneLog) logf(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func (l *hygieneLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// recordingAPI is the dashboard's API with every error kept, and the
// secret of each created key, which the test needs to search for.
type recordingAPI struct {
	common.API
	mu      sync.Mutex
	errs    []string
	secrets []string
}

func (r *recordingAPI) note(err error, secret string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errs = append(r.errs, err.Error())
	}
	if secret != "" {
		r.secrets = append(r.secrets, secret)
	}
}

func (r *recordingAPI) ListPods(ctx context.Context, o client.ListOptions) (client.PodPage, error) {
	p, err := r.API.ListPods(ctx, o)
	r.note(err, "")
	return p, err
}

func (r *recordingAPI) ListKeys(ctx context.Context, scope client.Scope, o client.ListOptions) (client.KeyPage, error) {
	p, err := r.API.ListKeys(ctx, scope, o)
	r.note(err, "")
	return p, err
}

func (r *recordingAPI) CreateKey(ctx context.Context, scope client.Scope, name string, perms client.Permissions) (client.CreatedAPIKey, error) {
	k, err := r.API.CreateKey(ctx, scope, name, perms)
	r.note(err, k.Secret)
	return k, err
}

func (r *recordingAPI) DeleteKey(ctx context.Context, scope client.Scope, keyID string) error {
	err := r.API.DeleteKey(ctx, scope, keyID)
	r.note(err, "")
	return err
}

func (r *recordingAPI) CreatePod(ctx context.Context, name, clientID string) (client.Pod, error) {
	p, err := r.API.CreatePod(ctx, name, clientID)
	r.note(err, "")
	return p, err
}

func (r *recordingAPI) DeletePod(ctx context.Context, podID string) error {
	err := r.API.DeletePod(ctx, podID)
	r.note(err, "")
	return err
}

// lockedBuffer is the program's terminal.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// panicNowMsg makes panicOnRequest panic, printing the model the way a
// careless debug panic would.
type panicNowMsg struct{}

type panicOnRequest struct{ tea.Model }

func (m panicOnRequest) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(panicNowMsg); ok {
		panic(fmt.Sprintf("hygiene test panic; the model: %+v %#v", m.Model, m.Model))
	}
	inner, cmd := m.Model.Update(msg)
	m.Model = inner
	return m, cmd
}

// captureStdio sends os.Stdout and os.Stderr to a buffer until the
// returned function restores them and returns what was written: Bubble Tea
// prints a recovered panic there.
func captureStdio(t *testing.T) func() string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	var buf bytes.Buffer
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(&buf, r)
		close(copied)
	}()
	var once sync.Once
	restore := func() string {
		once.Do(func() {
			os.Stdout, os.Stderr = oldOut, oldErr
			w.Close()
			<-copied
			r.Close()
		})
		return buf.String()
	}
	t.Cleanup(func() { restore() })
	return restore
}

// leaks lists which of the secrets (by label) text holds: the whole
// secret, or its part after the public 8-character prefix.
func leaks(text string, secrets map[string]string) []string {
	var found []string
	for label, s := range secrets {
		if strings.Contains(text, s) || (len(s) > 12 && strings.Contains(text, s[8:])) {
			found = append(found, label)
		}
	}
	return found
}

func TestSecretHygiene(t *testing.T) {
	dir := t.TempDir()
	statePath := filepath.Join(dir, "sandbox-state.json")
	logs := &hygieneLog{}
	srv, err := sandbox.Start(sandbox.Options{Seed: "empty", StatePath: statePath, Logf: logs.logf}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	admin := srv.AdminKey()
	acme := srv.AddPod("Acme", "acme")
	srv.AddKey(acme.ID, "existing", client.Restricted("inbox_read"), time.Now().Add(-48*time.Hour))

	// Settings as main resolves them: from the environment, HOME empty.
	auditEnv(t, srv.URL, admin)
	home := os.Getenv("HOME")
	homeBefore := snapshot(t, home)
	fs := flag.NewFlagSet("amkeys", flag.ContinueOnError)
	settings, err := config.Resolver{Flags: config.RegisterFlags(fs)}.Resolve(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%v %+v %#v", settings, settings, settings); strings.Contains(got, admin) {
		t.Fatal("printing the settings shows the admin key")
	}
	paced, err := newClient(settings, false)
	if err != nil {
		t.Fatal(err)
	}
	defer paced.CloseIdleConnections()
	api := &recordingAPI{API: paced}
	fake := clip.NewFake()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &common.Common{
		Ctx: ctx, API: api, Styles: styles.New(false), Now: time.Now,
		Settings: common.Settings{Profile: settings.Profile, BaseURL: paced.BaseURL(), PageSize: settings.PageSize,
			StaleDays: settings.StaleDays, ClipboardClear: time.Minute, OwnKeyPrefix: paced.KeyPrefix()},
		// A patient tool timeout: the fake answers at once, and a busy
		// machine must not turn a copy or the clear into a timeout.
		Clipboard: clip.New(fake, io.Discard, clip.Options{ClearAfter: time.Minute, Timeout: uitest.Patience}),
	}
	root := ui.New(c, cancel)
	term := &lockedBuffer{}
	prog := tea.NewProgram(panicOnRequest{root}, tea.WithInput(nil), tea.WithOutput(term),
		tea.WithoutSignalHandler(), tea.WithContext(ctx))
	stdio := captureStdio(t)
	done := make(chan error, 1)
	go func() {
		_, err := prog.Run()
		done <- err
	}()
	prog.Send(tea.WindowSizeMsg{Width: 120, Height: 35})
	waitTerm := func(want string) {
		t.Helper()
		deadline := time.Now().Add(uitest.Patience)
		for !strings.Contains(term.String(), want) {
			if time.Now().After(deadline) {
				stdio()
				t.Fatalf("the terminal did not show %q; it shows:\n%s", want, tail(term.String(), 3000))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	keys := func(ks ...string) {
		for _, k := range ks {
			prog.Send(uitest.Key(k))
		}
	}

	// Create a key, copy it, reveal it: the secret is on screen, as asked.
	waitTerm("1 pod")
	keys("enter")
	waitTerm("existing")
	keys("n")
	waitTerm("New API key in pod Acme")
	prog.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("hygiene-key")})
	keys("tab", "tab", "j", " ", "ctrl+s")
	waitTerm("Create this API key?")
	keys("y")
	waitTerm("Key created.")
	keys("c")
	waitTerm("Copied the key to the clipboard")
	api.mu.Lock()
	if len(api.secrets) != 1 {
		t.Fatalf("%d keys created", len(api.secrets))
	}
	secret := api.secrets[0]
	api.secrets = nil // the test's own copy is not the model's
	api.mu.Unlock()
	keys("v")
	waitTerm(secret[8:20]) // the search below would see it on screen

	// Leave; from here on the secret must never be drawn again.
	keys("esc")
	waitTerm("Have you stored the secret?")
	left := len(term.String())
	keys("y")
	waitTerm("2 keys")
	keys("enter") // the new key's details
	waitTerm("the rest of the secret is never shown again")
	keys("?")
	waitTerm("Keys on this screen")
	keys("esc", "esc", "d")
	waitTerm("Delete this API key?")
	keys("n", "esc", "a")
	waitTerm("stalest first")
	keys("esc")
	srv.FailPod(acme.ID, http.StatusForbidden)
	keys("enter")
	waitTerm("403")
	time.Sleep(50 * time.Millisecond) // one more frame
	prog.Send(panicNowMsg{})
	select {
	case err := <-done:
		if !errors.Is(err, tea.ErrProgramPanic) {
			t.Errorf("the program ended with %v, want a recovered panic", err)
		}
	case <-time.After(uitest.Patience):
		t.Fatal("the program did not end after the panic")
	}
	panicOut := stdio()
	if !strings.Contains(panicOut, "Caught panic") || !strings.Contains(panicOut, "goroutine ") {
		t.Fatalf("the panic was not printed:\n%s", tail(panicOut, 2000))
	}
	// As dashboard.go does after the program ends, however it ended (with
	// a patient bound: the fake answers at once).
	clearCtx, stop := context.WithTimeout(context.Background(), uitest.Patience)
	defer stop()
	root.ClearClipboard(clearCtx)

	// The headless commands, with the same key from the environment.
	srv.FailPod(acme.ID, 0)
	reportFile := filepath.Join(dir, "report.csv")
	var headless []string
	for _, args := range [][]string{{"audit"}, {"audit", "--format", "csv"}, {"audit", "--format", "json"},
		{"audit", "--format", "csv", "-o", reportFile},
		{"prune", "--never-used", "--older-than", "1d", "--stale", "1d", "--plan", filepath.Join(dir, "plan.json")},
		{"locate", secret[:8]}} {
		code, out, errs := runCmd(t, args...)
		if code != exitOK {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
		headless = append(headless, strings.Join(args, " ")+" stdout", out, strings.Join(args, " ")+" stderr", errs)
	}
	plan, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	headless = append(headless, "prune's plan file", string(plan))
	report, err := os.ReadFile(reportFile)
	if err != nil || !strings.Contains(string(report), secret[:8]) {
		t.Fatalf("the report file lacks the new key's prefix: %v", err)
	}
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	paced.CloseIdleConnections()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	state, err := os.ReadFile(statePath)
	if err != nil || !strings.Contains(string(state), secret[:8]) {
		t.Fatalf("the state file lacks the new key's prefix: %v", err)
	}

	secrets := map[string]string{"the new key's secret": secret, "the admin key": admin}
	adminOnly := map[string]string{"the admin key": admin}
	check := func(artefact, text string, which map[string]string) {
		t.Helper()
		if found := leaks(text, which); len(found) > 0 {
			t.Errorf("%s holds %s", artefact, strings.Join(found, " and "))
		}
	}
	frames := term.String()
	check("the frames drawn after the secret screen was left", frames[left:], secrets)
	check("the frames drawn before", frames[:left], adminOnly)
	if len(leaks(frames[:left], map[string]string{"s": secret})) == 0 {
		t.Error("the revealed secret is not found in the frames before leaving: the search is blind")
	}
	api.mu.Lock()
	check("the API errors", strings.Join(api.errs, "\n"), secrets)
	if len(api.errs) == 0 {
		t.Error("no API error was recorded: the failing pod did not fail")
	}
	api.mu.Unlock()
	lines := logs.all()
	check("the sandbox log", strings.Join(lines, "\n"), secrets)
	if !strings.Contains(strings.Join(lines, "\n"), admin[:8]) {
		t.Error("the sandbox log does not name callers by their prefix")
	}
	check("the sandbox state file", string(state), secrets)
	check("the audit report file", string(report), secrets)
	for i := 0; i < len(headless); i += 2 {
		check("amkeys "+headless[i], headless[i+1], secrets)
	}
	check("the printed panic", panicOut, secrets)
	if !strings.Contains(panicOut, "hygiene test panic; the model: ") {
		t.Error("the panic's value was not printed")
	}
	if got := fake.Content(); got != "" {
		check("the clipboard after the panic", got, secrets)
		t.Errorf("the clipboard still holds %d characters after the panic", len(got))
	}
	if p := uitest.FindString(root, secret); p != "" {
		t.Errorf("the final model still holds the secret at %s", p)
	}
	if p := uitest.FindString(root, admin); p != "" {
		t.Errorf("the final model holds the admin key outside the API client at %s", p)
	}
	sameSnapshot(t, homeBefore, snapshot(t, home))
	t.Logf("searched %d frame bytes, %d API errors, %d log lines, a %d-byte state file, %d headless outputs, a %d-byte panic",
		len(frames), len(api.errs), len(lines), len(state), len(headless)/2, len(panicOut))
}
