package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse checks that parsing never panics, that every error is an
// *Error naming the file and a line (and column) inside it, and that what
// parses holds only values within the documented limits.
//
//	go test -run '^$' -fuzz FuzzParse ./config
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		exampleFile,
		twoProfiles,
		"# only a comment\n",
		"default_profile = \"work\"\n[profiles.work]\nenvironment = \"eu\"\n",
		"[profiles.\"my work\"]\nbase_url = 'http://127.0.0.1:1/'\n",
		"[profiles.w]\napi_key = \"am_x\"\n",
		"[profiles.w]\npagesize = 5\n",
		"[profiles.w]\npage_size = -5\n",
		"page_size = 1_0\nstale_days = 0x10\n",
		"[[profiles]]\n",
		"[profiles.w\n",
		"a = \"\\u00e9\\",
		"a = 'x\n",
		"a = [1]\nb = {c = 1}\n",
		"a = 1\na = 2\n",
		"\xff",
		"\ufeffa = 1\r\n",
		"default_profile = \"none\"\n",
		"environment = \"us\"\nbase_url = \"https://x.invalid\"\n",
		"profiles.w = { page_size = 5, api_key_env = 'K' }\n[profiles.'x y']\nstale_days = 0o17\n",
		"api_key_command = \"\"\"\nprintf %s \\\n  am_x\"\"\"\nwhen = 1979-05-27T07:32:00Z\n",
		"[[profiles.w]]\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cfg, err := parseConfig("fuzz.toml", text)
		if err != nil {
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			lines := strings.Count(text, "\n") + 1
			if cerr.File != "fuzz.toml" || cerr.Line < 1 || cerr.Line > lines || cerr.Col < 0 || cerr.Col > len(text)+1 {
				t.Fatalf("error without a valid line (%d of %d): %v", cerr.Line, lines, err)
			}
			return
		}
		for _, c := range append([]*profileConf{&cfg.top}, mapValues(cfg.profiles)...) {
			if c.pageSize.isSet() && (c.pageSize.val < minPageSize || c.pageSize.val > maxPageSize) ||
				c.auditConcurrency.isSet() && (c.auditConcurrency.val < minAuditConcurrency || c.auditConcurrency.val > maxAuditConcurrency) ||
				c.environment.isSet() && environmentURLs[c.environment.val] == "" {
				t.Fatalf("out-of-range value accepted: %+v", c)
			}
		}
	})
}

func mapValues(m map[string]*profileConf) []*profileConf {
	var out []*profileConf
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// The example in doc.go (reused in the README) must stay a valid file.
func TestDocExampleParses(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var example []string
	in := false
	for _, line := range strings.Split(string(src), "\n") {
		code, isCode := strings.CutPrefix(line, "//\t")
		switch {
		case isCode && (in || strings.HasPrefix(code, "default_profile")):
			in = true
			example = append(example, code)
		case in && line == "//":
			example = append(example, "")
		case in:
			in = false
		}
	}
	text := strings.Join(example, "\n")
	if !strings.Contains(text, "[profiles.personal]") {
		t.Fatalf("example not found in doc.go:\n%s", text)
	}
	cfg, err := parseConfig("doc.go example", text)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.profiles) != 2 || cfg.defaultProfile.val != "work" {
		t.Errorf("example parsed to %+v", cfg)
	}
}
