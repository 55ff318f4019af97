package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/uitest"
)

// The hostile corpus in every headless format of `amkeys audit`, from the
// sandbox (every case as a pod name, client id and key name, all at once)
// and from uitest.HostileServer (one case at a time as every id, name,
// prefix, permission name and error text). stdout is not a terminal here,
// so no output may hold a single ESC; the table's rows keep one width; CSV
// parses back to one record per key; JSON keeps the text exactly.

var hostileFormats = []string{"table", "csv", "json"}

// hostileNear quotes s around byte i, for messages.
func hostileNear(s string, i int) string {
	return strings.ToValidUTF8(s[max(0, i-30):min(len(s), i+30)], "?")
}

// hostileOutputProblem says what in out a terminal could act on, or "".
func hostileOutputProblem(out string) string {
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRuneInString(out[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Sprintf("invalid UTF-8 byte %#x near %q", out[i], hostileNear(out, i))
		case r == '\n':
		case r < 0x20 || r == 0x7f:
			return fmt.Sprintf("control %#x near %q", r, hostileNear(out, i))
		case r >= 0x80 && r <= 0x9f:
			return fmt.Sprintf("C1 control %U near %q", r, hostileNear(out, i))
		case unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029:
			return fmt.Sprintf("invisible format character %U near %q", r, hostileNear(out, i))
		}
		i += size
	}
	return ""
}

// checkHostileAudit checks one run's outputs; keys is how many keys the
// server holds, names the key names it sent (as decoded from JSON).
func checkHostileAudit(t *testing.T, what, format, stdout, stderr string, keys int, names []string) {
	t.Helper()
	for stream, out := range map[string]string{"stdout": stdout, "stderr": stderr} {
		if p := hostileOutputProblem(out); p != "" {
			t.Fatalf("%s, %s %s: %s", what, format, stream, p)
		}
	}
	switch format {
	case "table":
		lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
		head := -1
		for i, l := range lines {
			if strings.HasPrefix(l, "POD ") {
				head = i
			}
		}
		if head < 0 || len(lines)-head-1 != keys {
			t.Fatalf("%s, table: header at %d, %d rows for %d keys:\n%s", what, head, len(lines)-head-1, keys, stdout)
		}
		// The last column is not padded (lines are trimmed): every row must
		// reach the same width before it.
		lead := func(row string) int { return lipgloss.Width(row[:max(strings.LastIndex(row, "  "), 0)]) }
		width := lead(lines[head+1])
		for _, row := range lines[head+1:] {
			if w := lead(row); w != width {
				t.Fatalf("%s, table: rows %d and %d wide before the last column:\n%s\n%s", what, width, w, lines[head+1], row)
			}
		}
	case "csv":
		rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
		if err != nil || len(rows) != keys+1 {
			t.Fatalf("%s, csv: %d records for %d keys, %v", what, len(rows), keys, err)
		}
		for _, r := range rows {
			for _, cell := range r {
				if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 {
					t.Fatalf("%s, csv: cell %q starts a formula", what, cell)
				}
			}
		}
	case "json":
		var doc struct {
			Keys []struct{ Name string } `json:"keys"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil || len(doc.Keys) != keys {
			t.Fatalf("%s, json: %d keys for %d, %v", what, len(doc.Keys), keys, err)
		}
		got := map[string]bool{}
		for _, k := range doc.Keys {
			got[k.Name] = true
		}
		for _, n := range names {
			if !got[n] {
				t.Fatalf("%s, json: the name %q did not come through exactly", what, n)
			}
		}
	}
}

func TestAuditHostileSandboxInEveryFormat(t *testing.T) {
	srv := startSandbox(t, "empty")
	auditEnv(t, srv.URL, srv.AdminKey())
	var names []string
	used := time.Now().Add(-40 * 24 * time.Hour)
	for _, hc := range sanitize.Corpus() {
		pod := srv.AddPod(hc.Text, hc.Text)
		srv.AddKey(pod.ID, hc.Text, client.Unrestricted(), used)
		names = append(names, uitest.Wire(hc.Text))
	}
	broken := srv.AddPod("\x1b]0;broken\x07 \u202epod", "broken")
	srv.FailPod(broken.ID, 403)
	keys := len(names) + 1 // and the sandbox's admin key
	for _, f := range hostileFormats {
		code, out, errs := runCmd(t, "audit", "--format", f)
		if code != exitIncomplete || !strings.Contains(errs, "broken") {
			t.Fatalf("%s: exit %d, stderr %q", f, code, errs)
		}
		checkHostileAudit(t, "sandbox corpus", f, out, errs, keys, names)
	}
	t.Logf("%d cases x 3 fields (pod name, client id, key name) x %d formats", len(names), len(hostileFormats))
}

func TestAuditHostileServerInEveryFormat(t *testing.T) {
	h := uitest.NewHostileServer(t, "")
	auditEnv(t, h.URL, "am_hostiletest")
	cases := sanitize.Corpus()
	for _, hc := range cases {
		h.SetText(hc.Text)
		for _, f := range hostileFormats {
			code, out, errs := runCmd(t, "audit", "--format", f)
			if code != exitIncomplete { // the second pod always fails
				t.Fatalf("%s, %s: exit %d, stderr %q", hc.Name, f, code, errs)
			}
			// the first pod's key and the organization's key
			checkHostileAudit(t, hc.Name, f, out, errs, 2, []string{uitest.Wire(hc.Text)})
		}
	}
	t.Logf("%d cases x 12 fields (pod id, pod name, key id, prefix, key name, permission name, error name, code, message, fix, field path, field message) x %d formats",
		len(cases), len(hostileFormats))
}

// The check above must see what it is for.
func TestHostileOutputProblemCatchesEachClass(t *testing.T) {
	for _, bad := range []string{"a\x1b[2Jb", "a\u009bb", "a\rb", "a\xffb", "a\u202eb", "a\x07"} {
		if hostileOutputProblem(bad) == "" {
			t.Errorf("%q passed", bad)
		}
	}
	if p := hostileOutputProblem("ok ✓ 東京 ␛[2J\n"); p != "" {
		t.Errorf("clean output failed: %s", p)
	}
	var b bytes.Buffer
	b.WriteString("x")
	if hostileOutputProblem(b.String()) != "" {
		t.Error("plain text failed")
	}
}

// The sandbox's hostile seed gives inboxes hostile addresses and display
// names, and names public keys by every corpus case, over the three
// scopes. Every format stays inert; JSON keeps the credential names and
// the inbox addresses of inbox keys exactly.
func TestAuditHostileInboxesAndCredentialsInEveryFormat(t *testing.T) {
	srv := startSandbox(t, "hostile")
	auditEnv(t, srv.URL, srv.AdminKey())
	api := adminClient(t, srv)
	creds, inboxKeys := allCredentials(t, api), allInboxKeys(t, api)
	var names []string
	for _, c := range creds {
		names = append(names, c.Name)
	}
	hostileInbox := false
	for _, inbox := range inboxKeys {
		hostileInbox = hostileInbox || strings.ContainsRune(inbox, 0x1b)
	}
	if len(creds) < len(sanitize.Corpus()) || !hostileInbox {
		t.Fatalf("the hostile seed has %d credentials and no inbox key with an escape in its address", len(creds))
	}
	keys := len(allKeyIDs(t, srv)) + len(creds)
	for _, f := range hostileFormats {
		code, out, errs := runCmd(t, "audit", "--format", f)
		if code != exitOK {
			t.Fatalf("%s: exit %d, stderr %q", f, code, errs)
		}
		checkHostileAudit(t, "hostile seed", f, out, errs, keys, names)
		if f != "json" {
			continue
		}
		var doc struct {
			Keys []struct {
				ID      string `json:"key_id"`
				ScopeID string `json:"scope_id"`
				Kind    string `json:"kind"`
			} `json:"keys"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		for _, k := range doc.Keys {
			if inbox, ok := inboxKeys[k.ID]; ok && k.ScopeID != inbox {
				t.Errorf("inbox key %s: scope_id %q, want %q", k.ID, k.ScopeID, inbox)
			}
			if c, ok := creds[k.ID]; ok && (k.Kind != "public_key" || k.ScopeID != c.Scope.ID) {
				t.Errorf("public key %q: kind %q scope_id %q", c.Name, k.Kind, k.ScopeID)
			}
		}
	}
}
