// Package jwk makes and reads the P-256 keys of AgentID public-key
// credentials: it generates a key pair and saves its private half safely,
// turns a public key into the JWK that AgentMail registers, computes the
// RFC 7638 thumbprint, and reads a public key from a PEM or JWK file,
// keeping only the public members.
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
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/amkeys/amkeys/client"
)

// MaxFileSize bounds a key file read: a PEM or JWK of one key is far
// smaller; anything bigger is not a key file.
const MaxFileSize = 64 << 10

// Strict: the unused low bits of the last character must be zero, so that
// each coordinate has exactly one spelling.
var b64 = base64.RawURLEncoding.Strict()

// FromPublic is the public JWK of a P-256 key: exactly kty, crv, x, y.
func FromPublic(pub *ecdsa.PublicKey) (client.JWK, error) {
	if pub == nil || pub.Curve != elliptic.P256() {
		return client.JWK{}, errors.New("not a P-256 public key")
	}
	raw, err := pub.Bytes() // 0x04 || X || Y, 32 bytes each
	if err != nil {
		return client.JWK{}, err
	}
	return client.JWK{Kty: "EC", Crv: "P-256", X: b64.EncodeToString(raw[1:33]), Y: b64.EncodeToString(raw[33:65])}, nil
}

// Validate checks a JWK the way AgentMail does: EC, P-256, coordinates of
// 43 unpadded base64url characters (32 bytes) that make a point on P-256.
func Validate(k client.JWK) error {
	if k.Kty != "EC" {
		return fmt.Errorf("kty is %q, want \"EC\"", k.Kty)
	}
	if k.Crv != "P-256" {
		return fmt.Errorf("crv is %q, want \"P-256\"", k.Crv)
	}
	_, err := toPublic(k)
	return err
}

// toPublic decodes the coordinates and checks the point is on the curve.
func toPublic(k client.JWK) (*ecdsa.PublicKey, error) {
	x, err := coordinate("x", k.X)
	if err != nil {
		return nil, err
	}
	y, err := coordinate("y", k.Y)
	if err != nil {
		return nil, err
	}
	raw := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw) // checks the point is on the curve
	if err != nil {
		return nil, errors.New("x and y are not a point on P-256")
	}
	return pub, nil
}

func coordinate(name, s string) ([]byte, error) {
	if len(s) != 43 {
		return nil, fmt.Errorf("%s must be 43 characters of unpadded base64url, got %d", name, len(s))
	}
	b, err := b64.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("%s is not unpadded base64url of 32 bytes", name)
	}
	return b, nil
}

// Thumbprint is the RFC 7638 SHA-256 thumbprint in unpadded base64url:
// the hash of the required members in lexicographic order, no spaces.
func Thumbprint(k client.JWK) string {
	canon := fmt.Sprintf(`{"crv":%q,"kty":%q,"x":%q,"y":%q}`, k.Crv, k.Kty, k.X, k.Y)
	sum := sha256.Sum256([]byte(canon))
	return b64.EncodeToString(sum[:])
}

// GenerateToFile makes a P-256 key pair, writes the private key as a
// PKCS#8 PEM file at path (mode 0600, never over an existing file) and
// syncs it before returning the public JWK, so that the credential is
// registered only once its private half is safely on disk.
func GenerateToFile(path string) (client.JWK, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return client.JWK{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return client.JWK{}, err
	}
	defer clear(der)
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	defer clear(pemBytes)
	if err := writeNew(path, pemBytes); err != nil {
		return client.JWK{}, err
	}
	return FromPublic(&priv.PublicKey)
}

// writeNew creates path exclusively with mode 0600, writes data and syncs
// the file and its directory. A failed write removes the partial file.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists: choose a new path (amkeys never overwrites a key file)", path)
		}
		return err
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		_ = dir.Sync()
		_ = dir.Close()
	}
	return nil
}

// ReadPublic reads a public key from a file: a PEM public key
// (PUBLIC KEY), a PEM private key (PRIVATE KEY or EC PRIVATE KEY: only its
// public half is kept), or a JWK in JSON (private members are dropped).
// Only P-256 keys are accepted.
func ReadPublic(path string) (client.JWK, error) {
	data, err := readBounded(path)
	if err != nil {
		return client.JWK{}, err
	}
	defer clear(data)
	if block, _ := pem.Decode(data); block != nil {
		defer clear(block.Bytes)
		pub, err := publicFromPEM(block)
		if err != nil {
			return client.JWK{}, fmt.Errorf("%s: %w", path, err)
		}
		return FromPublic(pub)
	}
	if strings.HasPrefix(strings.TrimSpace(string(data)), "{") {
		k, err := publicFromJSON(data)
		if err != nil {
			return client.JWK{}, fmt.Errorf("%s: %w", path, err)
		}
		return k, nil
	}
	return client.JWK{}, fmt.Errorf("%s: neither a PEM key nor a JWK", path)
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d KiB, not a key file", path, MaxFileSize>>10)
	}
	return data, nil
}

func publicFromPEM(block *pem.Block) (*ecdsa.PublicKey, error) {
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("PEM block %q is not a key amkeys reads (PUBLIC KEY, PRIVATE KEY, EC PRIVATE KEY)", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot parse the %s: %v", strings.ToLower(block.Type), err)
	}
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return &k.PublicKey, nil
	}
	return nil, errors.New("not an EC key: AgentID credentials are P-256")
}

func publicFromJSON(data []byte) (client.JWK, error) {
	var k client.JWK // unknown and private members (d, kid, ...) are not read
	if err := json.Unmarshal(data, &k); err != nil {
		return client.JWK{}, fmt.Errorf("not a JSON JWK: %v", err)
	}
	if err := Validate(k); err != nil {
		return client.JWK{}, err
	}
	return k, nil
}
