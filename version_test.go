package main

import (
	"bytes"
	"debug/buildinfo"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
)

func TestVersionFromBuild(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "7d63b09abcdef0123456789abcdef0123456789a"
	cases := []struct {
		name     string
		main     string
		settings []debug.BuildSetting
		want     string
	}{
		{"-buildvcs=false", "(devel)", nil, "0.1.0-dev"},
		{"checkout, clean", "v0.0.0-20261202074231-7d63b09abcde", vcs(rev, "false"), "0.1.0-dev+7d63b09abcde"},
		{"checkout, modified", "v0.0.0-20261202074231-7d63b09abcde+dirty", vcs(rev, "true"), "0.1.0-dev+7d63b09abcde.modified"},
		{"checkout at a tag", "v0.2.0", vcs(rev, "false"), "0.2.0"},
		{"tag, modified", "v0.2.0+dirty", vcs(rev, "true"), "0.2.0+dirty"},
		{"go install @v1.2.3", "v1.2.3", nil, "1.2.3"},
		{"go install @commit", "v0.1.1-0.20261202074231-7d63b09abcde", nil, "0.1.1-0.20261202074231-7d63b09abcde"},
		{"a revision that is no hash", "(devel)", vcs("abc def\x1b", "false"), "0.1.0-dev"},
	}
	for _, tc := range cases {
		info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/amkeys/amkeys", Version: tc.main}, Settings: tc.settings}
		if got := versionFromBuild(info); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestBuiltVersion: a binary says the version its own build information
// gives (whatever GOFLAGS says of -buildvcs), or the -X one; and sends it
// in the User-Agent.
func TestBuiltVersion(t *testing.T) {
	bin := buildAmkeys(t)
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	want := versionFromBuild(info)
	if !strings.HasPrefix(want, devVersion) {
		t.Errorf("a build from the checkout says %q", want)
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		if out, err := exec.Command(bin, args...).Output(); err != nil || string(out) != "amkeys "+want+"\n" {
			t.Errorf("%q: %q, %v; want amkeys %s", args, out, err, want)
		}
	}

	stamped := filepath.Join(t.TempDir(), "amkeys")
	if out, err := exec.Command("go", "build", "-ldflags", "-X main.version=9.8.7-test", "-o", stamped, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var mu sync.Mutex
	var agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		mu.Unlock()
		http.Error(w, `{"name":"UnauthorizedError","message":"no"}`, http.StatusUnauthorized)
	}))
	defer srv.Close()
	cmd := exec.Command(stamped, "doctor", "--format", "json")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "AGENTMAIL_BASE_URL=" + srv.URL, "AGENTMAIL_API_KEY=am_versionTestKey0123456789abcdefABCD"}
	var out bytes.Buffer
	cmd.Stdout = &out
	_ = cmd.Run() // exit 1: the key is refused
	if !strings.Contains(out.String(), `"version": "9.8.7-test"`) {
		t.Errorf("doctor report: %s", out.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(agents) < 2 {
		t.Fatalf("requests: %q", agents)
	}
	for _, a := range agents {
		if a != "amkeys/9.8.7-test" {
			t.Errorf("User-Agent %q", a)
		}
	}
}
