package jwk

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amkeys/amkeys/client"
)

func TestGenerateToFileWritesA0600PKCS8WhosePublicHalfIsTheJWK(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.pem")
	k, err := GenerateToFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
	data, _ := os.ReadFile(path)
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("not a PKCS#8 PEM: %q", data)
	}
	priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := FromPublic(&priv.(*ecdsa.PrivateKey).PublicKey)
	if k != want || Validate(k) != nil {
		t.Errorf("JWK %+v, want %+v", k, want)
	}
	if got, err := ReadPublic(path); err != nil || got != k {
		t.Errorf("ReadPublic(private PEM) = %+v, %v", got, err)
	}
	if _, err := GenerateToFile(path); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("overwrote an existing file: %v", err)
	}
	if again, _ := os.ReadFile(path); string(again) != string(data) {
		t.Error("the existing key file changed")
	}
}

// The thumbprint is SHA-256 over the members in lexicographic order with
// no whitespace (RFC 7638 §3), computed here independently by json.Marshal
// of a map (which sorts keys).
func TestThumbprintFollowsRFC7638(t *testing.T) {
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	k, _ := FromPublic(&priv.PublicKey)
	canon, _ := json.Marshal(map[string]string{"kty": k.Kty, "crv": k.Crv, "x": k.X, "y": k.Y})
	sum := sha256.Sum256(canon)
	if got, want := Thumbprint(k), base64.RawURLEncoding.EncodeToString(sum[:]); got != want || len(got) != 43 {
		t.Errorf("Thumbprint = %q, want %q", got, want)
	}
	// A fixed vector: the P-256 key of RFC 7515 appendix A.3.
	fixed := client.JWK{Kty: "EC", Crv: "P-256", X: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", Y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
	if err := Validate(fixed); err != nil {
		t.Fatal(err)
	}
	if got := Thumbprint(fixed); got != "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U" {
		t.Errorf("RFC 7515 A.3 key thumbprint = %q", got)
	}
}

func TestValidateRefusesWhatAgentMailRefuses(t *testing.T) {
	good := client.JWK{Kty: "EC", Crv: "P-256", X: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", Y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
	offCurve := good
	offCurve.Y = "y_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
	loosePadding := good
	loosePadding.Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a1" // nonzero unused bits
	padded := good
	padded.X += "="
	short := good
	short.X = good.X[:42]
	wrongKty, wrongCrv := good, good
	wrongKty.Kty, wrongCrv.Crv = "RSA", "P-384"
	for name, k := range map[string]client.JWK{"off curve": offCurve, "non-canonical": loosePadding, "padded": padded, "short": short, "kty": wrongKty, "crv": wrongCrv} {
		if err := Validate(k); err == nil {
			t.Errorf("%s: accepted %+v", name, k)
		}
	}
}

func TestReadPublicKeepsOnlyThePublicMembers(t *testing.T) {
	dir := t.TempDir()
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	want, _ := FromPublic(&priv.PublicKey)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pkix, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	sec1, _ := x509.MarshalECPrivateKey(priv)
	privBytes, _ := priv.Bytes()
	d := base64.RawURLEncoding.EncodeToString(privBytes)
	jwkWithD, _ := json.Marshal(map[string]string{"kty": "EC", "crv": "P-256", "x": want.X, "y": want.Y, "d": d, "kid": "k1"})
	for name, path := range map[string]string{
		"public PEM":     write("pub.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})),
		"EC private PEM": write("sec1.pem", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1})),
		"private JWK":    write("priv.jwk", jwkWithD),
	} {
		got, err := ReadPublic(path)
		if err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", name, got, err, want)
		}
		sent, _ := json.Marshal(got)
		if strings.Contains(string(sent), d) || strings.Contains(string(sent), `"d"`) {
			t.Errorf("%s: private member in %s", name, sent)
		}
	}
	rsa := write("rsa.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte{1}}))
	big := write("big.pem", make([]byte, MaxFileSize+1))
	junk := write("junk.txt", []byte("hello"))
	for _, p := range []string{rsa, big, junk, filepath.Join(dir, "missing")} {
		if _, err := ReadPublic(p); err == nil {
			t.Errorf("ReadPublic(%s) accepted", filepath.Base(p))
		}
	}
}
