package main

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amkeys/amkeys/client/jwk"
)

// register --generate leaves a 0600 PKCS#8 PEM whose public half is what
// the server registered (fingerprint = our own thumbprint); list shows it;
// rename and revoke work; an existing path is refused and left unchanged.
func TestAgentIDCommandLifecycle(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	path := filepath.Join(t.TempDir(), "signer.pem")

	code, out, errOut := runCmd(t, "agentid", "register", "--generate", path, "--name", "ci signer", "--expires", "30d")
	if code != exitOK {
		t.Fatalf("register: exit %d, stderr %s", code, errOut)
	}
	var reg struct {
		ID          string `json:"api_key_id"`
		Name        string `json:"name"`
		Fingerprint string `json:"fingerprint"`
		Status      string `json:"status"`
		ExpiresAt   string `json:"expires_at"`
		PrivateKey  string `json:"private_key_path"`
	}
	if err := json.Unmarshal([]byte(out), &reg); err != nil {
		t.Fatalf("register output %q: %v", out, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", st.Mode().Perm(), err)
	}
	pemBytes, _ := os.ReadFile(path)
	block, _ := pem.Decode(pemBytes)
	priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := jwk.FromPublic(&priv.(*ecdsa.PrivateKey).PublicKey)
	if reg.Fingerprint != jwk.Thumbprint(pub) || reg.Name != "ci signer" || reg.Status != "active" || reg.ExpiresAt == "" || reg.PrivateKey != path {
		t.Fatalf("registered %+v", reg)
	}
	if strings.Contains(out, block.Type) || strings.Contains(out, `"d"`) {
		t.Fatalf("private material in output: %s", out)
	}

	code, _, errOut = runCmd(t, "agentid", "register", "--generate", path)
	if code != exitUsage || !strings.Contains(errOut, "already exists") {
		t.Errorf("existing path: exit %d, %s", code, errOut)
	}
	if again, _ := os.ReadFile(path); string(again) != string(pemBytes) {
		t.Error("the existing key file changed")
	}

	code, out, _ = runCmd(t, "agentid", "list")
	if code != exitOK || !strings.Contains(out, reg.ID) || !strings.Contains(out, reg.Fingerprint[:12]) || !strings.Contains(out, "in 29 days") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	if code, out, _ = runCmd(t, "agentid", "rename", reg.ID, "renamed"); code != exitOK || !strings.Contains(out, `"renamed"`) {
		t.Errorf("rename: exit %d %s", code, out)
	}
	if code, _, _ = runCmd(t, "agentid", "revoke", reg.ID); code != exitOK {
		t.Errorf("revoke: exit %d", code)
	}
	if code, _, errOut = runCmd(t, "agentid", "revoke", reg.ID); code != exitFail || !strings.Contains(errOut, "not_found") {
		t.Errorf("second revoke: exit %d %s", code, errOut)
	}
	code, out, _ = runCmd(t, "agentid", "list", "--format", "json")
	if code != exitOK || strings.TrimSpace(out) != "[]" {
		t.Errorf("list after revoke: exit %d %s", code, out)
	}

	// An existing public key registers from its file; its private half, if
	// given, only yields the public one.
	code, out, errOut = runCmd(t, "agentid", "register", "--public-key", path, "--scope", "organization")
	if code != exitOK || !strings.Contains(out, reg.Fingerprint) {
		t.Errorf("register --public-key: exit %d %s %s", code, out, errOut)
	}
}

func TestAgentIDCommandUsage(t *testing.T) {
	auditEnv(t, "https://api.agentmail.invalid", "am_usage_test_key_0001")
	for _, args := range [][]string{
		{"agentid", "frob"},
		{"agentid", "register"},
		{"agentid", "register", "--generate", "a", "--public-key", "b"},
		{"agentid", "register", "--generate", "a", "--scope", "team:x"},
		{"agentid", "list", "--format", "yaml"},
		{"agentid", "revoke"},
		{"agentid", "list", "am_pasted_secret_0001"},
	} {
		code, out, errOut := runCmd(t, args...)
		if code != exitUsage || out != "" || errOut == "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		if strings.Contains(errOut, "am_pasted_secret_0001") {
			t.Errorf("%q echoed a key: %s", args, errOut)
		}
	}
	if code, out, _ := runCmd(t, "agentid", "--help"); code != exitOK || !strings.Contains(out, "register --generate") {
		t.Errorf("--help: exit %d", code)
	}
}
