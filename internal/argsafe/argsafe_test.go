package argsafe

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

const realKey = "am_Zx3kQ9vLr2TbY7wNpA4sHc8dJf1gK5mE6uV0oXqRiWy" // the sandbox's shape

func TestLooksLikeKey(t *testing.T) {
	for _, s := range []string{
		realKey, "am_x", "AM_SHORT", " am_padded ", "Am_Mixed",
		"Zx3kQ9vLr2TbY7wNpA4sHc8dJf1gK5mE6uV0oXqRiWy",  // a key without its prefix
		"sk-proj-4F9a8b7C6d5e4f3A2b1c0D9e8f7a6B5c4d3e", // another vendor's
		"0123456789abcdef0123456789abcdef",             // 32 hex digits
	} {
		if !LooksLikeKey(s) {
			t.Errorf("LooksLikeKey(%q) = false", s)
		}
	}
	for _, s := range []string{
		"", "table", "csv", "90d", "12w", "us", "eu", "work", "default", "demo", "hostile",
		"127.0.0.1:8025", "/home/ann/.config/amkeys/config.toml", "report.csv",
		"https://api.agentmail.to/v0", "a-very-long-profile-name-for-the-team", // long, but no digit
		"ham_sandwich", "stale,never,unrestricted", "prod-eu-west-1-billing-team-2024",
		"Production-EU-West-Billing-Team-Accounts",                         // mixed case, no digit
		"/tmp/Reports2026/last", "~/Audits2026/Q4base", "./Out2026/keysQ4", // paths
	} {
		if LooksLikeKey(s) {
			t.Errorf("LooksLikeKey(%q) = true", s)
		}
	}
}

func TestQuote(t *testing.T) {
	if got := Quote("table"); got != `"table"` {
		t.Errorf("Quote(table) = %s", got)
	}
	if got := Quote(realKey); got != Placeholder {
		t.Errorf("Quote(key) = %s", got)
	}
}

func TestUnexpected(t *testing.T) {
	if got := Unexpected("extra"); got != `unexpected argument "extra"` {
		t.Errorf("Unexpected(extra) = %s", got)
	}
	if got := Unexpected(realKey); strings.Contains(got, realKey[3:12]) || !strings.Contains(got, "AGENTMAIL_API_KEY") {
		t.Errorf("Unexpected(key) = %s", got)
	}
}

func TestCheckFlags(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.String("api-key", "", "")
	fs.String("format", "table", "")
	fs.String("profile", "", "")
	if err := fs.Parse([]string{"--api-key", realKey, "--format", "csv"}); err != nil {
		t.Fatal(err)
	}
	if msg := CheckFlags(fs, "api-key"); msg != "" {
		t.Errorf("a key in --api-key, a plain --format: %q", msg)
	}
	if err := fs.Parse([]string{"--format", "csv", "--profile", realKey}); err != nil {
		t.Fatal(err)
	}
	msg := CheckFlags(fs, "api-key")
	if !strings.HasPrefix(msg, "--profile: ") || strings.Contains(msg, realKey[3:12]) || !strings.Contains(msg, Hint) {
		t.Errorf("a key in --profile: %q", msg)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		`invalid value "` + realKey + `" for flag -concurrency: parse error`: `invalid value "` + Placeholder + `" for flag -concurrency: parse error`,
		"flag provided but not defined: -" + realKey:                         "flag provided but not defined: -" + Placeholder,
		"flag provided but not defined: --" + realKey:                        "flag provided but not defined: --" + Placeholder,
		"-concurrency=" + realKey:                                            "-concurrency=" + Placeholder,
		`invalid value "7x" for flag -concurrency: parse error`:              `invalid value "7x" for flag -concurrency: parse error`,
		"":                    "",
		"é " + realKey + "\n": "é " + Placeholder + "\n",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := Writer(&buf)
	msg := "flag provided but not defined: -" + realKey + "\n"
	n, err := w.Write([]byte(msg))
	if err != nil || n != len(msg) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(msg))
	}
	if strings.Contains(buf.String(), realKey[3:]) || !strings.Contains(buf.String(), Placeholder) {
		t.Fatalf("wrote %q", buf.String())
	}
}
