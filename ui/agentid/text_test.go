package agentid

import (
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func TestExpiryText(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now, "expired"},
		{now.Add(-time.Hour), "expired"},
		{now.Add(30 * time.Minute), "in <1 hour"},
		{now.Add(5 * time.Hour), "in 5 hours"},
		{now.Add(25 * time.Hour), "in 1 day"},
		{now.Add(12*24*time.Hour + time.Hour), "in 12 days"},
	} {
		if got := expiryText(tc.at, now); got != tc.want {
			t.Errorf("expiryText(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}
}

func TestParseExpiry(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  string
	}{
		{"", time.Time{}, ""},
		{"90d", now.Add(90 * 24 * time.Hour), ""},
		{" 12W ", now.Add(84 * 24 * time.Hour), ""},
		{"7", now.Add(7 * 24 * time.Hour), ""},
		{"2027-03-31", time.Date(2027, 3, 31, 23, 59, 59, 0, time.UTC), ""},
		{"2026-11-01", time.Time{}, "passed"},
		{"0d", time.Time{}, "out of range"},
		{"-3d", time.Time{}, "out of range"},
		{"99999999999999999999d", time.Time{}, "want a number"},
		{"soon", time.Time{}, "want a number"},
	} {
		got, err := parseExpiry(tc.in, now)
		switch {
		case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("parseExpiry(%q) = %v, %v; want an error saying %q", tc.in, got, err, tc.bad)
		case tc.bad == "" && (err != nil || !got.Equal(tc.want)):
			t.Errorf("parseExpiry(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseScope(t *testing.T) {
	if s, err := parseScope("  "); s != nil || err != nil {
		t.Errorf("empty scope = %v, %v; want nil (the key's own)", s, err)
	}
	if s, err := parseScope("pod:p1"); err != nil || *s != client.PodScope("p1") {
		t.Errorf("pod:p1 = %v, %v", s, err)
	}
	if s, err := parseScope("organization"); err != nil || !s.IsOrganization() {
		t.Errorf("organization = %v, %v", s, err)
	}
	for _, bad := range []string{"pod:", "team:x", "inbox"} {
		if _, err := parseScope(bad); err == nil {
			t.Errorf("parseScope(%q) accepted", bad)
		}
	}
}

func TestScopeAndStatusWords(t *testing.T) {
	if got := scopeText(client.CredentialScope{Type: client.ScopeInbox, ID: "a@b.to"}); got != "inbox a@b.to" {
		t.Errorf("inbox scope: %q", got)
	}
	if got := scopeText(client.CredentialScope{}); got != "organization" {
		t.Errorf("empty scope: %q", got)
	}
	p := client.PublicKeyCredential{ExpiresAt: now.Add(3 * 24 * time.Hour)}
	if status(&p, now) != "active" || !expiring(&p, now) {
		t.Error("a credential expiring in 3 days is active and expiring")
	}
	p.RevokedAt = now.Add(-time.Hour)
	if status(&p, now) != "revoked" || expiring(&p, now) {
		t.Error("a revoked credential is revoked, not expiring")
	}
	p = client.PublicKeyCredential{ExpiresAt: now.Add(-time.Hour)}
	if status(&p, now) != "expired" || expiring(&p, now) {
		t.Error("an expired credential is expired")
	}
}

func TestFingerprintStartIsWholeRunes(t *testing.T) {
	if got := fingerprintStart("東京東京東京東京東京"); got != "東京東京東京東京" {
		t.Errorf("fingerprintStart cut a rune: %q", got)
	}
	if got := shortFingerprint("abc"); got != "abc" {
		t.Errorf("a short fingerprint is shown whole: %q", got)
	}
	if got := shortFingerprint("abcdefghij"); got != "abcdefgh…" {
		t.Errorf("shortFingerprint = %q", got)
	}
}

// The chunks of a long id are its exact pieces, at most n lines.
func TestChunks(t *testing.T) {
	s := strings.Repeat("abcdefghij", 5)
	got := chunks(s, 11, 10)
	if strings.Join(got, "") != s {
		t.Fatalf("chunks lost text: %q", got)
	}
	for _, l := range got {
		if len(l) > 11 {
			t.Fatalf("chunk %q is wider than 11", l)
		}
	}
	if got := chunks(s, 11, 2); len(got) != 2 || !strings.HasSuffix(got[1], "…") {
		t.Fatalf("a cut must be marked: %q", got)
	}
}
