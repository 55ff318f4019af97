package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// setting is one value from the config file with the place it came from;
// the zero place means the file does not set it.
type setting[T any] struct {
	val T
	at  pos
}

func (s setting[T]) isSet() bool { return s.at.line > 0 }

// profileConf is what one scope of the file sets: a [profiles.NAME] section,
// or the top level, whose values are defaults for every profile.
type profileConf struct {
	environment   setting[string] // "us" or "eu", lower case
	baseURL       setting[string] // validated, trailing slash trimmed
	apiKeyEnv     setting[string]
	apiKeyCommand setting[string]
	apiKey        setting[Secret]

	pageSize              setting[int]
	staleDays             setting[int]
	clipboardClearSeconds setting[int]
	auditConcurrency      setting[int]
	expiryWarnDays        setting[int]
	readOnly              setting[bool]
	allowInsecureHTTP     setting[bool]
	utc                   setting[bool]
}

// Limits for the numeric fields, documented in doc.go.
const (
	minPageSize, maxPageSize                 = 1, 100
	minStaleDays, maxStaleDays               = 1, 3650
	minClipboardSeconds, maxClipboardSeconds = 0, 3600
	minAuditConcurrency, maxAuditConcurrency = 1, 64
	minExpiryWarnDays, maxExpiryWarnDays     = 1, 3650
)

// fieldSetter checks a value and stores it; it returns an error message, or
// "" when the value is fine. Messages never repeat a key or key source.
type fieldSetter func(c *profileConf, v value, at pos) string

// profileFields are the fields a profile (or the top level) may set.
var profileFields = map[string]fieldSetter{
	"environment":             stringField("environment", func(c *profileConf) *setting[string] { return &c.environment }, normalizeEnvironment),
	"base_url":                stringField("base_url", func(c *profileConf) *setting[string] { return &c.baseURL }, normalizeBaseURLField),
	"api_key_env":             stringField("api_key_env", func(c *profileConf) *setting[string] { return &c.apiKeyEnv }, checkEnvVarName),
	"api_key_command":         stringField("api_key_command", func(c *profileConf) *setting[string] { return &c.apiKeyCommand }, checkCommand),
	"api_key":                 setAPIKey,
	"page_size":               intField("page_size", func(c *profileConf) *setting[int] { return &c.pageSize }, minPageSize, maxPageSize),
	"stale_days":              intField("stale_days", func(c *profileConf) *setting[int] { return &c.staleDays }, minStaleDays, maxStaleDays),
	"clipboard_clear_seconds": intField("clipboard_clear_seconds", func(c *profileConf) *setting[int] { return &c.clipboardClearSeconds }, minClipboardSeconds, maxClipboardSeconds),
	"audit_concurrency":       intField("audit_concurrency", func(c *profileConf) *setting[int] { return &c.auditConcurrency }, minAuditConcurrency, maxAuditConcurrency),
	"expiry_warn_days":        intField("expiry_warn_days", func(c *profileConf) *setting[int] { return &c.expiryWarnDays }, minExpiryWarnDays, maxExpiryWarnDays),
	"read_only":               boolField("read_only", func(c *profileConf) *setting[bool] { return &c.readOnly }),
	"allow_insecure_http":     boolField("allow_insecure_http", func(c *profileConf) *setting[bool] { return &c.allowInsecureHTTP }),
	"utc":                     boolField("utc", func(c *profileConf) *setting[bool] { return &c.utc }),
}

// profileFieldNames lists profileFields in a stable order for suggestions.
var profileFieldNames = []string{
	"environment", "base_url", "api_key_env", "api_key_command", "api_key",
	"page_size", "stale_days", "clipboard_clear_seconds", "audit_concurrency",
	"expiry_warn_days", "read_only", "allow_insecure_http", "utc",
}

func wrongType(name, want string, v value) string {
	return fmt.Sprintf("%s must be %s, not %s", name, want, v.kind)
}

// stringField stores a string after normalize has checked (and possibly
// rewritten) it; normalize returns an error message or "".
func stringField(name string, field func(*profileConf) *setting[string], normalize func(string) (string, string)) fieldSetter {
	return func(c *profileConf, v value, at pos) string {
		if v.kind != kindString {
			return wrongType(name, "a string", v)
		}
		s, msg := normalize(v.str)
		if msg != "" {
			return name + ": " + msg
		}
		*field(c) = setting[string]{s, at}
		return ""
	}
}

func intField(name string, field func(*profileConf) *setting[int], lo, hi int) fieldSetter {
	return func(c *profileConf, v value, at pos) string {
		if v.kind != kindInteger {
			return wrongType(name, "a whole number", v)
		}
		if v.num < int64(lo) || v.num > int64(hi) {
			return fmt.Sprintf("%s must be between %d and %d, not %d", name, lo, hi, v.num)
		}
		*field(c) = setting[int]{int(v.num), at}
		return ""
	}
}

func boolField(name string, field func(*profileConf) *setting[bool]) fieldSetter {
	return func(c *profileConf, v value, at pos) string {
		if v.kind != kindBoolean {
			return wrongType(name, "true or false", v)
		}
		*field(c) = setting[bool]{v.bool, at}
		return ""
	}
}

func setAPIKey(c *profileConf, v value, at pos) string {
	if v.kind != kindString {
		return wrongType("api_key", "a string", v)
	}
	if msg := checkKeyText(v.str); msg != "" {
		return "api_key " + msg
	}
	c.apiKey = setting[Secret]{NewSecret(v.str), at}
	return ""
}

// maxKeyLen bounds an API key: AgentMail keys are far shorter, and a
// command that prints something else must not send it as a header.
const maxKeyLen = 512

// checkKeyText rejects keys that could not be a header value. It never
// includes the key in its message.
func checkKeyText(s string) string {
	switch {
	case s == "":
		return "is empty"
	case len(s) > maxKeyLen:
		return fmt.Sprintf("is longer than %d bytes, too long for an API key", maxKeyLen)
	case !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool {
		return r <= ' ' || r == 0x7f || unicode.IsSpace(r) || !unicode.IsPrint(r)
	}) >= 0:
		return "contains spaces or control characters"
	}
	return ""
}

func normalizeEnvironment(s string) (string, string) {
	env := strings.ToLower(s)
	if _, ok := environmentURLs[env]; ok {
		return env, ""
	}
	return "", fmt.Sprintf("unknown environment %s (use %q or %q)", quoteShort(s), "us", "eu")
}

func normalizeBaseURLField(s string) (string, string) {
	u, err := parseBaseURL(s)
	if err != nil {
		return "", err.Error()
	}
	return u.String(), ""
}

var envVarNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkEnvVarName catches the classic mistake of pasting the key itself into
// api_key_env; the value is not repeated, since it might be that key.
func checkEnvVarName(s string) (string, string) {
	if envVarNameRe.MatchString(s) && !strings.HasPrefix(s, "am_") {
		return s, ""
	}
	return "", "must be the NAME of an environment variable that holds the key " +
		"(letters, digits and _), such as AGENTMAIL_WORK_KEY, not the key itself"
}

func checkCommand(s string) (string, string) {
	if strings.TrimSpace(s) == "" {
		return "", "is empty"
	}
	return s, ""
}

// quoteShort quotes a value from the file for a message, escaping control
// characters and cutting it to a readable length.
func quoteShort(s string) string { return strconv.Quote(shorten(s, 40)) }
