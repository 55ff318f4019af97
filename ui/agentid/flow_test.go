package agentid_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/jwk"
	"github.com/amkeys/amkeys/ui/agentid"
	"github.com/amkeys/amkeys/ui/uitest"
)

// recorder passes every call to the real client and records the
// Idempotency-Keys of revoke-alls. It can lose answers: the call reaches
// the server and takes effect, then the caller sees ErrOutcomeUnknown, as
// when a connection drops after the request was sent.
type recorder struct {
	agentid.API
	mu             sync.Mutex
	revokeKeys     []string
	loseRevokeAll  int
	loseRegister   int
	registerCalled int
}

var errLost = fmt.Errorf("connection reset after the request was sent: %w", client.ErrOutcomeUnknown)

func (r *recorder) RevokeAllPublicKeys(ctx context.Context, key string) (client.RevokeAllReceipt, error) {
	r.mu.Lock()
	r.revokeKeys = append(r.revokeKeys, key)
	lose := r.loseRevokeAll > 0
	if lose {
		r.loseRevokeAll--
	}
	r.mu.Unlock()
	rec, err := r.API.RevokeAllPublicKeys(ctx, key)
	if lose && err == nil {
		return client.RevokeAllReceipt{}, errLost
	}
	return rec, err
}

func (r *recorder) RegisterPublicKey(ctx context.Context, n client.NewPublicKey) (client.PublicKeyCredential, error) {
	r.mu.Lock()
	r.registerCalled++
	lose := r.loseRegister > 0
	if lose {
		r.loseRegister--
	}
	r.mu.Unlock()
	p, err := r.API.RegisterPublicKey(ctx, n)
	if lose && err == nil {
		return client.PublicKeyCredential{}, errLost
	}
	return p, err
}

func (r *recorder) keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.revokeKeys...)
}

// app is the credentials list in the test host on a teatest terminal,
// against the demo sandbox on loopback.
type app struct {
	t      *testing.T
	tm     *teatest.TestModel
	out    bytes.Buffer
	seen   []byte // the output the last wait matched
	admin  *client.Client
	api    *recorder
	keyDir string
}

func startApp(t *testing.T) *app {
	t.Helper()
	_, admin := uitest.Sandbox(t, "demo")
	a := &app{t: t, admin: admin, api: &recorder{API: admin}, keyDir: filepath.Join(t.TempDir(), "agentid")}
	c := uitest.NewCommon(t, admin)
	list := agentid.New(c, a.api)
	list.SetKeyDir(a.keyDir)
	a.tm = teatest.NewTestModel(t, newHost(c, list), teatest.WithInitialTermSize(120, 35))
	t.Cleanup(func() { _ = a.tm.Quit() })
	a.waitFor("Old laptop (lost)", "10 credentials")
	return a
}

// waitFor waits until the output since the last wait holds every string.
func (a *app) waitFor(wants ...string) {
	a.t.Helper()
	teatest.WaitFor(a.t, a.tm.Output(), func(b []byte) bool {
		a.out.Write(b)
		for _, w := range wants {
			if !bytes.Contains(a.out.Bytes(), []byte(w)) {
				return false
			}
		}
		a.seen = append(a.seen[:0], a.out.Bytes()...)
		a.out.Reset()
		return true
	}, teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func (a *app) keys(keys ...string) {
	for _, k := range keys {
		a.tm.Send(uitest.Key(k))
	}
}

// selectName filters the list down to name and keeps the filter.
func (a *app) selectName(name string) {
	a.keys("/")
	a.tm.Type(name)
	a.keys("enter")
	a.waitFor("filter “" + name + "”")
}

// credentials lists the server's credentials.
func (a *app) credentials() []client.PublicKeyCredential {
	a.t.Helper()
	var all []client.PublicKeyCredential
	err := a.admin.EachPublicKey(context.Background(), client.ListOptions{Limit: 100}, func(p client.PublicKeyPage) error {
		all = append(all, p.Credentials...)
		return nil
	})
	if err != nil {
		a.t.Fatal(err)
	}
	return all
}

func (a *app) named(name string) []client.PublicKeyCredential {
	var out []client.PublicKeyCredential
	for _, p := range a.credentials() {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

func TestFlowGenerateAndRegister(t *testing.T) {
	a := startApp(t)
	a.keys("n")
	a.waitFor("Register an AgentID credential", "(•) new key pair")
	a.tm.Type("flow-signer")
	a.keys("tab", "tab")
	a.tm.Type("30d")
	a.keys("ctrl+s")
	a.waitFor("AgentID credential registered.")

	got := a.named("flow-signer")
	if len(got) != 1 {
		t.Fatalf("the server holds %d credentials named flow-signer, want 1", len(got))
	}
	cred := got[0]
	if want := uitest.Clock.Add(30 * 24 * time.Hour); !cred.ExpiresAt.Equal(want) {
		t.Errorf("expires %v, want %v", cred.ExpiresAt, want)
	}
	path := filepath.Join(a.keyDir, "agentid-"+uitest.Clock.Format("20060102-150405")+".pem")
	for _, want := range []string{cred.ID, path, cred.PublicKey.Fingerprint} {
		if !bytes.Contains(a.seen, []byte(want)) {
			t.Errorf("the result screen lacks %q", want)
		}
	}

	// The private key: PKCS#8 PEM, 0600, in a directory only the user
	// can enter, and its public half is what the server holds.
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	if dir, err := os.Stat(a.keyDir); err != nil || dir.Mode().Perm() != 0o700 {
		t.Errorf("key directory: %v, %v; want mode 0700", dir.Mode().Perm(), err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("the key file is not a PKCS#8 PEM: %q", data)
	}
	priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ec, ok := priv.(*ecdsa.PrivateKey)
	if !ok {
		t.Fatalf("private key is %T, want ECDSA", priv)
	}
	want, err := jwk.FromPublic(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if cred.PublicKey.JWK != want {
		t.Errorf("the server holds %+v, the file's public key is %+v", cred.PublicKey.JWK, want)
	}
	if bytes.Contains(a.seen, data) {
		t.Error("the private key reached the screen")
	}

	// Done: the list shows it.
	a.keys("enter")
	a.waitFor("flow-signer", "11 credentials")

	// The same path again is refused, and the file is left alone.
	a.keys("n")
	a.waitFor("Register an AgentID credential")
	a.keys("shift+tab", "ctrl+u")
	a.tm.Type(path)
	a.keys("tab")
	a.tm.Type("second")
	a.keys("ctrl+s")
	a.waitFor("already exists")
	after, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(after, data) {
		t.Fatalf("the existing key file changed (%v)", err)
	}
	if n := len(a.named("second")); n != 0 {
		t.Fatalf("%d credentials named second were registered from a refused path", n)
	}
	a.api.mu.Lock()
	calls := a.api.registerCalled
	a.api.mu.Unlock()
	if calls != 1 {
		t.Errorf("%d registrations sent, want 1: a refused file must send nothing", calls)
	}
}

func TestFlowRegisterExistingKeys(t *testing.T) {
	a := startApp(t)
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := jwk.FromPublic(&priv.PublicKey)
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	pubPath := filepath.Join(t.TempDir(), "signer.pub.pem")
	if err := os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	// A private key file: only its public half may be sent (the server
	// refuses a JWK with d, so a success shows none was sent).
	priv2, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	want2, _ := jwk.FromPublic(&priv2.PublicKey)
	der2, _ := x509.MarshalPKCS8PrivateKey(priv2)
	privPath := filepath.Join(t.TempDir(), "signer.pem")
	if err := os.WriteFile(privPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der2}), 0o600); err != nil {
		t.Fatal(err)
	}

	// A JWK file with private and extra members: only kty, crv, x, y go.
	priv3, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	want3, _ := jwk.FromPublic(&priv3.PublicKey)
	d, _ := priv3.Bytes()
	jwkPath := filepath.Join(t.TempDir(), "signer.jwk")
	body := fmt.Sprintf(`{"kty":"EC","crv":"P-256","x":%q,"y":%q,"d":%q,"kid":"mine"}`, want3.X, want3.Y, base64.RawURLEncoding.EncodeToString(d))
	if err := os.WriteFile(jwkPath, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, path string
		want       client.JWK
	}{{"from-public-pem", pubPath, want}, {"from-private-pem", privPath, want2}, {"from-private-jwk", jwkPath, want3}} {
		a.keys("i")
		a.waitFor("(•) existing public key")
		a.tm.Type(tc.path)
		a.keys("tab")
		a.tm.Type(tc.name)
		a.keys("ctrl+s")
		a.waitFor("AgentID credential registered.", "from file")
		got := a.named(tc.name)
		if len(got) != 1 || got[0].PublicKey.JWK != tc.want {
			t.Fatalf("%s: server holds %+v, want one credential with %+v", tc.name, got, tc.want)
		}
		if got[0].PublicKey.Fingerprint != jwk.Thumbprint(tc.want) {
			t.Errorf("%s: fingerprint %s, want %s", tc.name, got[0].PublicKey.Fingerprint, jwk.Thumbprint(tc.want))
		}
		a.keys("enter")
		a.waitFor(tc.name)
	}
}

func TestFlowRenameAndRevoke(t *testing.T) {
	a := startApp(t)
	a.selectName("Release bot")
	a.keys("e")
	a.waitFor("Rename AgentID credential", "Release bot")
	a.keys("ctrl+u")
	a.tm.Type("Release bot v2")
	a.keys("enter")
	a.waitFor("Renamed the credential to Release bot v2")
	if len(a.named("Release bot v2")) != 1 || len(a.named("Release bot")) != 0 {
		t.Fatal("the server does not hold the new name")
	}

	a.keys("/", "ctrl+u")
	a.tm.Type("Acme support agent")
	a.keys("enter")
	a.waitFor("filter “Acme support agent”")
	target := a.named("Acme support agent")[0]
	a.keys("d")
	a.waitFor("Revoke this AgentID credential?", "the fingerprint start")
	a.tm.Type(target.PublicKey.Fingerprint[:8])
	a.keys("enter")
	a.waitFor("Revoked AgentID credential Acme support agent")
	for _, p := range a.credentials() {
		if p.ID == target.ID {
			t.Fatal("the revoked credential is still on the server")
		}
	}
}

func TestFlowRevokeAll(t *testing.T) {
	a := startApp(t)
	a.keys("X")
	a.waitFor("Revoke EVERY AgentID sign-in credential?", "revoke all")
	a.keys("enter") // nothing typed: not yet
	a.waitFor("does not match yet")
	a.tm.Type("revoke all")
	a.keys("enter")
	a.waitFor("Every AgentID credential is revoked", "1 → 2")
	a.keys("enter")
	a.waitFor("0 active", "10 revoked")
	for _, p := range a.credentials() {
		if !p.Revoked() {
			t.Fatalf("%s is not revoked", p.Name)
		}
	}

	// A new dialog is a new action: a new key, a new generation.
	a.keys("X")
	a.waitFor("Revoke EVERY AgentID sign-in credential?")
	a.tm.Type("revoke all")
	a.keys("enter")
	a.waitFor("2 → 3")
	keys := a.api.keys()
	if len(keys) != 2 || keys[0] == keys[1] {
		t.Fatalf("idempotency keys %q: want two different ones", keys)
	}
}

func TestFlowRevokeAllRetriesWithTheSameKey(t *testing.T) {
	a := startApp(t)
	a.api.loseRevokeAll = 1
	a.keys("X")
	a.waitFor("Revoke EVERY AgentID sign-in credential?")
	a.tm.Type("revoke all")
	a.keys("enter")
	a.waitFor("did not get a receipt", "R retries with the same")
	a.keys("R")
	// The server acted the first time: the retry returns that receipt,
	// it does not advance the generation again.
	a.waitFor("Every AgentID credential is revoked", "1 → 2")
	keys := a.api.keys()
	if len(keys) != 2 || keys[0] != keys[1] {
		t.Fatalf("idempotency keys %q: a retry must reuse the first", keys)
	}
}

func TestFlowRegisterLostAnswerIsFoundByFingerprint(t *testing.T) {
	a := startApp(t)
	a.api.loseRegister = 1
	a.keys("n")
	a.waitFor("Register an AgentID credential")
	a.tm.Type("lost-answer")
	a.keys("ctrl+s")
	a.waitFor("AgentID credential registered.", "found the credential by its fingerprint")
	if n := len(a.named("lost-answer")); n != 1 {
		t.Fatalf("%d credentials named lost-answer, want exactly 1: nothing may be sent twice", n)
	}
	a.api.mu.Lock()
	defer a.api.mu.Unlock()
	if a.api.registerCalled != 1 {
		t.Fatalf("%d registrations sent, want 1", a.api.registerCalled)
	}
}

func TestFlowReadOnlyExplains(t *testing.T) {
	_, admin := uitest.Sandbox(t, "demo")
	c := uitest.NewCommon(t, admin)
	c.Settings.ReadOnly = true
	tm := teatest.NewTestModel(t, newHost(c, agentid.New(c, admin)), teatest.WithInitialTermSize(120, 35))
	t.Cleanup(func() { _ = tm.Quit() })
	var out bytes.Buffer
	wait := func(want string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			out.Write(b)
			ok := strings.Contains(out.String(), want)
			if ok {
				out.Reset()
			}
			return ok
		}, teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("Old laptop (lost)")
	for _, k := range []string{"n", "i", "e", "d", "X"} {
		tm.Send(uitest.Key(k))
		wait("read-only mode: registering, renaming and revoking credentials are off")
		tm.Send(uitest.Key("j")) // clears the line
	}
}
