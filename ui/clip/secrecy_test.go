package clip

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// leakyClipboard fails with errors and panics that quote what it was given.
type leakyClipboard struct{ panics bool }

func (l leakyClipboard) WriteAll(s string) error {
	if l.panics {
		panic("cannot handle " + s)
	}
	return errors.New("tool rejected \x1b[31m" + s + "\n")
}

func (leakyClipboard) ReadAll() (string, error) { return "", nil }

type leakyTerminal struct{}

func (leakyTerminal) Write(p []byte) (int, error) {
	return 0, errors.New("cannot write " + string(p))
}

func TestSecretNeverAppearsInErrorsOrMessages(t *testing.T) {
	secret := newSecret(t)
	cases := map[string]*Copier{
		"native error, no fallback": New(leakyClipboard{}, nil, Options{}),
		"native panic, no fallback": New(leakyClipboard{panics: true}, nil, Options{}),
		"native and terminal error": New(leakyClipboard{}, leakyTerminal{}, Options{}),
		"terminal error only":       New(nil, leakyTerminal{}, Options{}),
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			res, _ := c.Copy(context.Background(), secret)
			if res.Method != Failed || res.Err == nil {
				t.Fatalf("got %v err=%v, want Failed", res.Method, res.Err)
			}
			for what, text := range map[string]string{"Err": res.Err.Error(), "Message": res.Message} {
				if strings.Contains(text, secret) {
					t.Errorf("%s contains the secret: %q", what, text)
				}
			}
			if strings.ContainsAny(res.Message, "\x1b\n") {
				t.Errorf("message has control characters: %q", res.Message)
			}
		})
	}
}

func TestRedactKeepsErrorChainWhenSecretIsAbsent(t *testing.T) {
	err := redact(ErrTimeout, "s3cret")
	if !errors.Is(err, ErrTimeout) {
		t.Fatal("chain lost")
	}
	err = redact(errors.New("bad s3cret here"), "s3cret")
	if err.Error() != "bad [redacted] here" {
		t.Fatalf("got %q", err)
	}
}
