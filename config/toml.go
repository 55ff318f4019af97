package config

// A small parser for the subset of TOML that the config file needs: comments,
// [table] headers, key = value lines with bare, quoted or dotted keys, and
// values that are strings ("basic" or 'literal'), integers, floats or
// booleans. It is hand-written so that every error, including the semantic
// ones found later, can name the exact line. Anything outside the subset
// (arrays, inline tables, multi-line strings, dates) is reported as
// unsupported, with its line, instead of being misread.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

type valueKind int

const (
	kindString valueKind = iota
	kindInteger
	kindFloat
	kindBoolean
)

func (k valueKind) String() string {
	switch k {
	case kindString:
		return "a string"
	case kindInteger:
		return "an integer"
	case kindFloat:
		return "a float"
	default:
		return "a boolean"
	}
}

type value struct {
	kind valueKind
	str  string
	num  int64
	bool bool
}

// entry is one meaningful line: a [table] header or a key = value pair.
// For a pair, path is the full path: table path plus the (dotted) key.
type entry struct {
	header bool
	path   []string
	val    value
	line   int
}

// syntaxError is a parse problem on one line; the caller adds the file name.
type syntaxError struct {
	line int
	msg  string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// parseTOML splits data into entries. It stops at the first error.
func parseTOML(data string) ([]entry, *syntaxError) {
	data = strings.TrimPrefix(data, "\ufeff")
	var (
		entries []entry
		table   []string
		headers = map[string]int{} // table path -> line of its header
		keys    = map[string]int{} // full key path -> line that set it
	)
	for i, text := range strings.Split(data, "\n") {
		line := i + 1
		text = strings.TrimSuffix(text, "\r")
		if msg := checkLineText(text); msg != "" {
			return nil, &syntaxError{line, msg}
		}
		p := &lineParser{s: text}
		e, err := p.parseLine()
		if err != "" {
			return nil, &syntaxError{line, err}
		}
		if e == nil {
			continue
		}
		e.line = line
		if e.header {
			id := pathID(e.path)
			if prev, dup := headers[id]; dup {
				return nil, &syntaxError{line, fmt.Sprintf("table %s is already defined on line %d", tableName(e.path), prev)}
			}
			headers[id] = line
			table = e.path
		} else {
			e.path = append(append([]string(nil), table...), e.path...)
			id := pathID(e.path)
			if prev, dup := keys[id]; dup {
				return nil, &syntaxError{line, fmt.Sprintf("%s is already set on line %d", keyPath(e.path), prev)}
			}
			keys[id] = line
		}
		entries = append(entries, *e)
	}
	return entries, nil
}

// checkLineText rejects what TOML never allows on a line, wherever it is.
func checkLineText(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8; the file must be UTF-8 text"
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return fmt.Sprintf("control character %U is not allowed", r)
		}
	}
	return ""
}

type lineParser struct {
	s   string
	pos int
}

func (p *lineParser) eof() bool  { return p.pos >= len(p.s) }
func (p *lineParser) peek() byte { return p.s[p.pos] }

func (p *lineParser) skipSpace() {
	for !p.eof() && (p.peek() == ' ' || p.peek() == '\t') {
		p.pos++
	}
}

func (p *lineParser) rest() string { return p.s[p.pos:] }

// atEnd reports whether only blanks and a comment are left.
func (p *lineParser) atEnd() bool {
	p.skipSpace()
	return p.eof() || p.peek() == '#'
}

// parseLine returns nil for blank and comment lines.
func (p *lineParser) parseLine() (*entry, string) {
	if p.atEnd() {
		return nil, ""
	}
	if p.peek() == '[' {
		return p.parseHeader()
	}
	path, err := p.parseKey()
	if err != "" {
		return nil, err
	}
	p.skipSpace()
	if p.eof() || p.peek() != '=' {
		return nil, fmt.Sprintf("expected = after %s", keyPath(path))
	}
	p.pos++
	p.skipSpace()
	v, err := p.parseValue()
	if err != "" {
		return nil, err
	}
	if !p.atEnd() {
		return nil, "unexpected text after the value (use # to start a comment)"
	}
	return &entry{path: path, val: v}, ""
}

func (p *lineParser) parseHeader() (*entry, string) {
	p.pos++ // [
	if !p.eof() && p.peek() == '[' {
		return nil, "arrays of tables ([[...]]) are not supported; use [profiles.NAME]"
	}
	path, err := p.parseKey()
	if err != "" {
		return nil, err
	}
	p.skipSpace()
	if p.eof() || p.peek() != ']' {
		return nil, "expected ] to close the table header"
	}
	p.pos++
	if !p.atEnd() {
		return nil, "unexpected text after the table header"
	}
	return &entry{header: true, path: path}, ""
}

// parseKey reads a possibly dotted key: work, "my work", profiles.work.
func (p *lineParser) parseKey() ([]string, string) {
	var path []string
	for {
		p.skipSpace()
		part, err := p.parseSimpleKey()
		if err != "" {
			return nil, err
		}
		path = append(path, part)
		p.skipSpace()
		if p.eof() || p.peek() != '.' {
			return path, ""
		}
		p.pos++
	}
}

func (p *lineParser) parseSimpleKey() (string, string) {
	if p.eof() {
		return "", "expected a key name"
	}
	switch p.peek() {
	case '"':
		if strings.HasPrefix(p.rest(), `"""`) {
			return "", "multi-line strings cannot be keys"
		}
		return p.parseBasicString()
	case '\'':
		if strings.HasPrefix(p.rest(), `'''`) {
			return "", "multi-line strings cannot be keys"
		}
		return p.parseLiteralString()
	}
	start := p.pos
	for !p.eof() && isBareKeyChar(p.peek()) {
		p.pos++
	}
	if p.pos == start {
		return "", fmt.Sprintf("expected a key name, found %s", describeChar(p.rest()))
	}
	return p.s[start:p.pos], ""
}

func isBareKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// describeChar names the next character for an error, quoted so that odd
// characters stay visible and harmless.
func describeChar(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	return strconv.QuoteRune(r)
}

func (p *lineParser) parseValue() (value, string) {
	if p.eof() || p.peek() == '#' {
		return value{}, "missing value after ="
	}
	switch c := p.peek(); {
	case strings.HasPrefix(p.rest(), `"""`), strings.HasPrefix(p.rest(), `'''`):
		return value{}, "multi-line strings are not supported"
	case c == '"':
		s, err := p.parseBasicString()
		return value{kind: kindString, str: s}, err
	case c == '\'':
		s, err := p.parseLiteralString()
		return value{kind: kindString, str: s}, err
	case c == '[':
		return value{}, "arrays are not supported in the amkeys config file"
	case c == '{':
		return value{}, "inline tables are not supported; use a [profiles.NAME] section"
	}
	start := p.pos
	for !p.eof() && !strings.ContainsRune(" \t#", rune(p.peek())) {
		p.pos++
	}
	return parseBareValue(p.s[start:p.pos])
}

var (
	decimalRe = regexp.MustCompile(`^[+-]?(0|[1-9](_?[0-9])*)$`)
	hexRe     = regexp.MustCompile(`^0x[0-9A-Fa-f](_?[0-9A-Fa-f])*$`)
	octRe     = regexp.MustCompile(`^0o[0-7](_?[0-7])*$`)
	binRe     = regexp.MustCompile(`^0b[01](_?[01])*$`)
	floatRe   = regexp.MustCompile(`^[+-]?(0|[1-9](_?[0-9])*)((\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?|[eE][+-]?[0-9](_?[0-9])*)$`)
	specialRe = regexp.MustCompile(`^[+-]?(inf|nan)$`)
	dateRe    = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}|^[0-9]{2}:[0-9]{2}`)
)

// parseBareValue handles unquoted values. It never repeats the text in an
// error: an unquoted api_key would otherwise end up in the message.
func parseBareValue(tok string) (value, string) {
	switch tok {
	case "true":
		return value{kind: kindBoolean, bool: true}, ""
	case "false":
		return value{kind: kindBoolean}, ""
	}
	base, digits := 0, ""
	switch {
	case decimalRe.MatchString(tok):
		base, digits = 10, tok
	case hexRe.MatchString(tok):
		base, digits = 16, tok[2:]
	case octRe.MatchString(tok):
		base, digits = 8, tok[2:]
	case binRe.MatchString(tok):
		base, digits = 2, tok[2:]
	}
	if base != 0 {
		n, err := strconv.ParseInt(strings.ReplaceAll(digits, "_", ""), base, 64)
		if err != nil {
			return value{}, "integer is out of range"
		}
		return value{kind: kindInteger, num: n}, ""
	}
	if floatRe.MatchString(tok) || specialRe.MatchString(tok) {
		return value{kind: kindFloat}, ""
	}
	if dateRe.MatchString(tok) {
		return value{}, "dates and times are not supported"
	}
	return value{}, `invalid value; strings need quotes, as in environment = "eu"`
}

func (p *lineParser) parseBasicString() (string, string) {
	p.pos++ // opening quote
	var b strings.Builder
	for {
		if p.eof() {
			return "", `unterminated string (missing closing ")`
		}
		c := p.peek()
		switch c {
		case '"':
			p.pos++
			return b.String(), ""
		case '\\':
			r, err := p.parseEscape()
			if err != "" {
				return "", err
			}
			b.WriteRune(r)
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

func (p *lineParser) parseEscape() (rune, string) {
	p.pos++ // backslash
	if p.eof() {
		return 0, "unterminated string (a backslash ends the line)"
	}
	c := p.peek()
	p.pos++
	switch c {
	case 'b':
		return '\b', ""
	case 't':
		return '\t', ""
	case 'n':
		return '\n', ""
	case 'f':
		return '\f', ""
	case 'r':
		return '\r', ""
	case 'e':
		return 0x1b, ""
	case '"':
		return '"', ""
	case '\\':
		return '\\', ""
	case 'u', 'U':
		n := 4
		if c == 'U' {
			n = 8
		}
		if len(p.s)-p.pos < n {
			return 0, fmt.Sprintf(`\%c needs %d hex digits`, c, n)
		}
		code, err := strconv.ParseUint(p.s[p.pos:p.pos+n], 16, 32)
		if err != nil || !utf8.ValidRune(rune(code)) {
			return 0, fmt.Sprintf(`invalid \%c escape`, c)
		}
		p.pos += n
		return rune(code), ""
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.pos-1:])
	return 0, fmt.Sprintf(`invalid escape \%s in string (write \\ for a backslash)`, strings.Trim(strconv.QuoteRune(r), "'"))
}

func (p *lineParser) parseLiteralString() (string, string) {
	p.pos++ // opening quote
	end := strings.IndexByte(p.rest(), '\'')
	if end < 0 {
		return "", "unterminated string (missing closing ')"
	}
	s := p.s[p.pos : p.pos+end]
	p.pos += end + 1
	return s, ""
}

// pathID is a collision-free map key for a key path.
func pathID(path []string) string { return strings.Join(quoteKeys(path), ".") }

// quoteKeys writes each key part bare when possible, quoted otherwise, so a
// path shown in a message reads like the file and odd characters stay visible.
func quoteKeys(path []string) []string {
	out := make([]string, len(path))
	for i, k := range path {
		out[i] = quoteKey(k)
	}
	return out
}

func quoteKey(k string) string {
	if k == "" {
		return `""`
	}
	for i := 0; i < len(k); i++ {
		if !isBareKeyChar(k[i]) {
			return strconv.Quote(k)
		}
	}
	return k
}

// keyPath and tableName show a path in a message, cut to a readable length.
func keyPath(path []string) string   { return shorten(pathID(path), 80) }
func tableName(path []string) string { return "[" + keyPath(path) + "]" }

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
