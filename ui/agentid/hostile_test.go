package agentid_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/agentid"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/uitest"
)

// Colour is off in these tests (uitest.NewCommon), so any ESC in a frame
// is server text that got through.
var checkSizes = [][2]int{{60, 15}, {81, 22}, {120, 35}, {200, 60}}

// frameProblem says what is wrong with a frame for a w×h window, or "".
func frameProblem(frame string, w, h int) string {
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		return fmt.Sprintf("%d lines in a %d-line window", len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			return fmt.Sprintf("line %d is %d wide in a %d-wide window: %q", i, lw, w, l)
		}
	}
	for i := 0; i < len(frame); {
		r, size := utf8.DecodeRuneInString(frame[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Sprintf("invalid UTF-8 byte %#x at %d", frame[i], i)
		case r == '\n':
		case r < 0x20 || r == 0x7f:
			return fmt.Sprintf("C0 control %#x at %d", r, i)
		case r >= 0x80 && r <= 0x9f:
			return fmt.Sprintf("C1 control %U at %d", r, i)
		case unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029:
			return fmt.Sprintf("invisible format character %U at %d", r, i)
		}
		i += size
	}
	return ""
}

func TestFrameProblemCatchesEachClass(t *testing.T) {
	for _, bad := range []string{"a\x1b[2Jb", "a\u009bb", "a\rb", "a\xffb", "a\u202eb", "toolongline", "1\n2\n3\n4"} {
		if frameProblem(bad, 10, 3) == "" {
			t.Errorf("%q passed the frame check", bad)
		}
	}
}

// checkAll draws the host at every size and fails on a bad frame.
func checkAll(t *testing.T, hs *host, what string) {
	t.Helper()
	w, h := hs.c.Width, hs.c.Height
	for _, s := range checkSizes {
		hs.Update(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
		if bad := frameProblem(hs.View(), s[0], s[1]); bad != "" {
			t.Fatalf("%s on %T at %dx%d: %s", what, hs.top(), s[0], s[1], bad)
		}
	}
	hs.Update(tea.WindowSizeMsg{Width: w, Height: h})
}

// Every credential of the hostile seed (named by each corpus case, over
// the three scopes) in the list, its detail, the revoke dialog and the
// rename form.
func TestHostileCredentialNames(t *testing.T) {
	_, api := uitest.Sandbox(t, "hostile")
	c := uitest.NewCommon(t, api)
	list := agentid.New(c, api)
	list.SetKeyDir("/keys")
	hs := newHost(c, list)
	hs.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	uitest.Run(hs, hs.Init())
	press(hs, "G") // load every page
	if n := list.List().Len(); n < len(sanitize.Corpus()) || !list.List().Complete() {
		t.Fatalf("%d credentials loaded (complete %v), want the whole corpus", n, list.List().Complete())
	}
	checkAll(t, hs, "the list")
	for r := range list.List().Shown() {
		list.List().Table.SetCursor(r)
		name := list.List().Item(r).Name
		checkAll(t, hs, fmt.Sprintf("row %d", r))
		for _, open := range []string{"enter", "d", "e"} {
			press(hs, open)
			checkAll(t, hs, fmt.Sprintf("%s on %q", open, name))
			press(hs, "esc")
			if hs.top() != common.Screen(list) || list.CapturesInput() {
				t.Fatalf("esc did not close what %s opened on %q", open, name)
			}
		}
	}
}

// hostileAPI answers with the hostile text in every string: ids,
// fingerprints, coordinates, scope ids, names, and every error.
type hostileAPI struct{ text string }

func (h hostileAPI) cred(i int) client.PublicKeyCredential {
	t := h.text
	return client.PublicKeyCredential{ID: t + fmt.Sprint(i), Type: t, Name: t,
		PublicKey: client.PublicKeyMaterial{JWK: client.JWK{Kty: t, Crv: t, X: t, Y: t}, Fingerprint: t},
		Scope:     client.CredentialScope{Type: client.ScopeKind(t), ID: t},
		CreatedAt: uitest.Clock.Add(-time.Hour), ExpiresAt: uitest.Clock.Add(time.Hour)}
}

func (h hostileAPI) err() error {
	return &client.Error{Status: 403, Name: h.text, ErrCode: h.text, Message: h.text, Fix: h.text,
		Fields: []client.FieldError{{Path: h.text, Message: h.text}}}
}

func (h hostileAPI) ListPublicKeys(context.Context, client.ListOptions) (client.PublicKeyPage, error) {
	return client.PublicKeyPage{Credentials: []client.PublicKeyCredential{h.cred(0), h.cred(1)}}, nil
}

func (h hostileAPI) RegisterPublicKey(context.Context, client.NewPublicKey) (client.PublicKeyCredential, error) {
	return client.PublicKeyCredential{}, h.err()
}

func (h hostileAPI) RenamePublicKey(context.Context, string, string) (client.PublicKeyCredential, error) {
	return client.PublicKeyCredential{}, h.err()
}

func (h hostileAPI) RevokePublicKey(context.Context, string) error { return h.err() }

func (h hostileAPI) RevokeAllPublicKeys(context.Context, string) (client.RevokeAllReceipt, error) {
	return client.RevokeAllReceipt{}, h.err()
}

// Every field and every refusal carries a corpus case.
func TestHostileEveryField(t *testing.T) {
	dir := t.TempDir()
	for i, hc := range sanitize.Corpus() {
		c := uitest.NewCommon(t, nil)
		list := agentid.New(c, hostileAPI{hc.Text})
		list.SetKeyDir(dir)
		hs := newHost(c, list)
		hs.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
		uitest.Run(hs, hs.Init())
		what := hc.Name
		checkAll(t, hs, what+": list")
		press(hs, "enter")
		checkAll(t, hs, what+": detail")
		press(hs, "esc", "e", "x", "enter")
		checkAll(t, hs, what+": rename refused")
		press(hs, "esc", "d")
		checkAll(t, hs, what+": revoke dialog")
		press(hs, "esc", "X")
		for _, r := range agentid.RevokeAllPhrase {
			press(hs, string(r))
		}
		press(hs, "enter")
		checkAll(t, hs, what+": revoke-all refused")
		press(hs, "esc", "n", "shift+tab", "ctrl+u")
		hs.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(fmt.Sprintf("%s/k%d.pem", dir, i))})
		press(hs, "ctrl+s")
		checkAll(t, hs, what+": register refused")
		if f, ok := hs.top().(*agentid.Register); !ok || f.Mode() != agentid.ModeImport {
			t.Fatalf("%s: after a refused registration of a new pair the form must offer the saved file", what)
		}
	}
}
