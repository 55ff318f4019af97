package main

import (
	"regexp"
	"runtime/debug"
	"strings"
)

// version is empty unless set at build time with
// -ldflags "-X main.version=1.2.3"; amkeysVersion fills it in otherwise.
var version string

// devVersion is the version of a build from a checkout.
const devVersion = "0.1.0-dev"

// amkeysVersion is what --version prints and the User-Agent carries: the
// -X version when given; else the module version of a `go install
// ...@v1.2.3` build; else 0.1.0-dev with the commit a checkout build was
// made from (and ".modified" for uncommitted changes), as semver build
// metadata so that it stays one User-Agent token.
func amkeysVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return devVersion
	}
	return versionFromBuild(info)
}

// versionFromBuild reads the version from the build information the Go
// toolchain embeds: a tag (v1.2.3, "+dirty" when the tree was modified)
// or, for a build between tags, the commit. Go fills Main.Version from
// the checkout too, as a pseudo-version (v0.0.0-<time>-<commit>); that
// says less than 0.1.0-dev plus the commit. With -buildvcs=false there
// is no VCS information at all: 0.1.0-dev.
func versionFromBuild(info *debug.BuildInfo) string {
	mainVersion := info.Main.Version
	if mainVersion == "(devel)" {
		mainVersion = ""
	}
	if mainVersion != "" && !pseudoVersion.MatchString(mainVersion) {
		return strings.TrimPrefix(mainVersion, "v")
	}
	var revision string
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if isToken(revision) {
		if len(revision) > 12 {
			revision = revision[:12]
		}
		v := devVersion + "+" + revision
		if modified {
			v += ".modified"
		}
		return v
	}
	if mainVersion != "" { // go install ...@<commit>: no VCS settings
		return strings.TrimPrefix(mainVersion, "v")
	}
	return devVersion
}

// pseudoVersion matches the Go module pseudo-versions of untagged commits.
var pseudoVersion = regexp.MustCompile(`[-.](0\.)?\d{14}-[0-9a-f]{12}(\+dirty)?$`)

// isToken: letters and digits only (a commit hash), so that the version
// stays one clean User-Agent token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
