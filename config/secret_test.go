package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const testKey = "am_TESTKEY_0123456789abcdef"

func TestSecretIsNeverPrinted(t *testing.T) {
	s := Settings{Profile: "work", BaseURL: DefaultBaseURL, APIKey: NewSecret(testKey), KeySource: "flag --api-key"}

	printed := fmt.Sprintf("%v %+v %#v %s %q %x %X %d %T", s, s, s, s.APIKey, s.APIKey, s.APIKey, s.APIKey, s.APIKey, s.APIKey)
	printed += fmt.Sprint(s, &s, s.APIKey) + fmt.Sprintln(s.APIKey, []Secret{s.APIKey}, map[string]Secret{"k": s.APIKey})
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("settings", "key", s.APIKey, "settings", s)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("settings", "key", s.APIKey)
	text, _ := s.APIKey.MarshalText()

	for name, out := range map[string]string{"fmt": printed, "json": string(js), "slog": logged.String(), "text": string(text)} {
		if strings.Contains(out, testKey) || strings.Contains(out, "TESTKEY") {
			t.Errorf("%s output reveals the key: %s", name, out)
		}
		if !strings.Contains(out, redacted) {
			t.Errorf("%s output does not say %s: %s", name, redacted, out)
		}
	}
	if s.APIKey.Reveal() != testKey {
		t.Errorf("Reveal() = %q", s.APIKey.Reveal())
	}
	if s.APIKey.IsZero() || !(Secret{}).IsZero() {
		t.Error("IsZero is wrong")
	}
}

func TestAPIKeyFlagIsNotShown(t *testing.T) {
	fs := flag.NewFlagSet("amkeys", flag.ContinueOnError)
	var usage bytes.Buffer
	fs.SetOutput(&usage)
	f := RegisterFlags(fs)
	if err := fs.Parse([]string{"--api-key", testKey}); err != nil {
		t.Fatal(err)
	}
	fs.PrintDefaults()
	shown := usage.String() + fs.Lookup("api-key").Value.String() + fmt.Sprintf("%+v", *f)
	if strings.Contains(shown, testKey) {
		t.Errorf("flag output reveals the key: %s", shown)
	}
	if f.APIKey.Reveal() != testKey {
		t.Errorf("flag value not stored")
	}
}
