package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"unicode"
)

// configFile is a parsed and checked config file.
type configFile struct {
	path           string
	defaultProfile setting[string]
	top            profileConf
	profiles       map[string]*profileConf
	hasPlainKey    bool // some scope sets api_key
}

// maxConfigSize guards against pointing --config at something huge.
const maxConfigSize = 1 << 20

// loadConfigFile reads and checks path. A missing file is an error only
// when the user named it (explicitly); source says how ("--config").
// It returns (nil, nil) for a missing default file.
func loadConfigFile(path string, explicit bool, source string) (*configFile, []string, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		if !explicit {
			return nil, nil, nil
		}
		return nil, nil, fileError(path, pos{}, "config file not found (named by "+source+")")
	}
	if err != nil {
		return nil, nil, fileError(path, pos{}, "cannot read config file: "+osReason(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, fileError(path, pos{}, "cannot read config file: "+osReason(err))
	}
	if !info.Mode().IsRegular() {
		return nil, nil, fileError(path, pos{}, "config file is not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, nil, fileError(path, pos{}, "cannot read config file: "+osReason(err))
	}
	if len(data) > maxConfigSize {
		return nil, nil, fileError(path, pos{}, "config file is larger than 1 MiB")
	}
	cfg, err := parseConfig(path, string(data))
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	if cfg.hasPlainKey && runtime.GOOS != "windows" && info.Mode().Perm()&0o044 != 0 {
		warnings = append(warnings, fmt.Sprintf(
			"%s is readable by others and holds an API key; run chmod 600 %s", path, shellQuote(path)))
	}
	return cfg, warnings, nil
}

// osReason drops the path from an *os.PathError; the caller names the file.
func osReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// parseConfig parses and checks the text of a config file. Every error is
// an *Error naming path and a line (and a column, when it is about one
// key or value).
func parseConfig(path, text string) (*configFile, error) {
	cfg := &configFile{path: path, profiles: map[string]*profileConf{}}
	if serr := parseTOML(text, cfg.add); serr != nil {
		return nil, fileError(path, serr.at, serr.msg)
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// add takes in one entry of the file; it returns an error message, or "".
func (cfg *configFile) add(e entry) string {
	switch e.kind {
	case entryTable:
		return cfg.addTable(e.path)
	case entryArrayTable:
		return "[[" + keyPath(e.path) + "]] is an array of tables; amkeys has none: write one [profiles.NAME] section per profile"
	}
	return cfg.addValue(e.path, e.val, e.at)
}

// addTable accepts [profiles] and [profiles.NAME], by header or inline.
func (cfg *configFile) addTable(path []string) string {
	switch {
	case len(path) == 1 && path[0] == "profiles":
		return ""
	case len(path) == 2 && path[0] == "profiles":
		_, msg := cfg.profile(path[1])
		return msg
	}
	return unknownTable(path)
}

func (cfg *configFile) addValue(path []string, v value, at pos) string {
	isProfileTable := len(path) <= 2 && path[0] == "profiles"
	switch {
	case v.kind == kindTable && isProfileTable:
		return cfg.addTable(path) // an inline table: its keys follow
	case len(path) == 1 && path[0] == "default_profile":
		if v.kind != kindString {
			return wrongType("default_profile", "a string", v)
		}
		cfg.defaultProfile = setting[string]{v.str, at}
		return ""
	case len(path) == 1 && path[0] == "profiles":
		return "profiles must be a table: write one [profiles.NAME] section per profile"
	case len(path) == 1:
		return setField(&cfg.top, "at the top level", path[0], v, at)
	case path[0] != "profiles":
		return unknownTable(path[:len(path)-1])
	case len(path) == 2:
		return fmt.Sprintf("%s must be a section %s, not a value", keyPath(path), tableName(path))
	case len(path) > 3:
		return unknownTable(path[:len(path)-1])
	}
	p, msg := cfg.profile(path[1])
	if msg != "" {
		return msg
	}
	return setField(p, "in "+tableName(path[:2]), path[2], v, at)
}

// profile returns the named profile, creating it on first mention.
func (cfg *configFile) profile(name string) (*profileConf, string) {
	if p, ok := cfg.profiles[name]; ok {
		return p, ""
	}
	if msg := checkProfileName(name); msg != "" {
		return nil, msg
	}
	p := &profileConf{}
	cfg.profiles[name] = p
	return p, ""
}

func checkProfileName(name string) string {
	if strings.TrimSpace(name) == "" {
		return "profile name must not be empty"
	}
	if strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return "profile name " + quoteShort(name) + " must contain only printable characters"
	}
	return ""
}

func setField(c *profileConf, where, name string, v value, at pos) string {
	set, ok := profileFields[name]
	if !ok {
		return unknownField(name, where)
	}
	return set(c, v, at)
}

func unknownField(name, where string) string {
	msg := fmt.Sprintf("unknown field %s %s", quoteShort(name), where)
	if name == "default_profile" {
		return msg + " (top-level settings must come before the first [section])"
	}
	if s := suggest(name, profileFieldNames); s != "" {
		return msg + " (did you mean " + s + "?)"
	}
	return msg + " (fields: " + strings.Join(profileFieldNames, ", ") + ")"
}

func unknownTable(path []string) string {
	msg := "unknown table " + tableName(path)
	switch {
	case path[0] != "profiles" && suggest(path[0], []string{"profiles"}) != "":
		fixed := append([]string{"profiles"}, path[1:]...)
		return msg + " (did you mean " + tableName(fixed) + "?)"
	case len(path) == 1:
		return msg + " (profiles go in " + tableName([]string{"profiles", path[0]}) + ")"
	}
	return msg + " (only [profiles.NAME] sections are allowed)"
}

// check runs the rules that span several lines.
func (cfg *configFile) check() error {
	scopes := append([]string{""}, cfg.profileNames()...)
	for _, name := range scopes {
		c, where := &cfg.top, "at the top level"
		if name != "" {
			c, where = cfg.profiles[name], "in profile "+quoteShort(name)
		}
		if at, msg := c.conflicts(where); msg != "" {
			return fileError(cfg.path, at, msg)
		}
		cfg.hasPlainKey = cfg.hasPlainKey || c.apiKey.isSet()
	}
	if d := cfg.defaultProfile; d.isSet() {
		if _, ok := cfg.profiles[d.val]; !ok {
			return fileError(cfg.path, d.at, "default_profile names "+cfg.unknownProfile(d.val))
		}
	}
	return nil
}

// conflicts reports fields of one scope that exclude each other, at the
// later one.
func (c *profileConf) conflicts(where string) (pos, string) {
	if env, url := c.environment.at, c.baseURL.at; env.line > 0 && url.line > 0 {
		return later(env, url), fmt.Sprintf(
			"set either environment or base_url %s, not both (lines %d and %d)",
			where, env.line, url.line)
	}
	type named struct {
		name string
		at   pos
	}
	var set []named
	for _, f := range []named{{"api_key_env", c.apiKeyEnv.at}, {"api_key_command", c.apiKeyCommand.at}, {"api_key", c.apiKey.at}} {
		if f.at.line > 0 {
			set = append(set, f)
		}
	}
	if len(set) > 1 {
		return later(set[0].at, set[1].at), fmt.Sprintf(
			"set only one of api_key_env, api_key_command and api_key %s (%s on line %d, %s on line %d)",
			where, set[0].name, set[0].at.line, set[1].name, set[1].at.line)
	}
	return pos{}, ""
}

// later returns the place further down the file.
func later(a, b pos) pos {
	if b.line > a.line || b.line == a.line && b.col > a.col {
		return b
	}
	return a
}

// keyVars lists every variable named by an api_key_env in the file: a key
// command must not see any of them.
func (cfg *configFile) keyVars() []string {
	var names []string
	if cfg.top.apiKeyEnv.isSet() {
		names = append(names, cfg.top.apiKeyEnv.val)
	}
	for _, n := range cfg.profileNames() {
		if p := cfg.profiles[n]; p.apiKeyEnv.isSet() {
			names = append(names, p.apiKeyEnv.val)
		}
	}
	return names
}

func (cfg *configFile) profileNames() []string {
	names := make([]string, 0, len(cfg.profiles))
	for n := range cfg.profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// unknownProfile describes a missing profile and lists those that exist.
func (cfg *configFile) unknownProfile(name string) string {
	names := cfg.profileNames()
	if len(names) == 0 {
		return fmt.Sprintf("unknown profile %s; this file defines no profiles", quoteShort(name))
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = shorten(quoteKey(n), 40)
	}
	return fmt.Sprintf("unknown profile %s; profiles in this file: %s", quoteShort(name), strings.Join(quoted, ", "))
}

// shellQuote makes a path safe to paste into a shell command.
func shellQuote(s string) string {
	safe := strings.IndexFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("/._-+,:@%", r))
	}) < 0
	if safe && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
