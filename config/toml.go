package config

// The config file is TOML, read with github.com/pelletier/go-toml/v2: the
// library checks the whole TOML syntax and its rules (a key set twice, a
// table defined twice) and types every value. Its parser's syntax tree says
// where each key is, so that amkeys' own checks (file.go, fields.go) can
// name the line and column of what they refuse.

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

type valueKind int

const (
	kindString valueKind = iota
	kindInteger
	kindFloat
	kindBoolean
	kindDateTime
	kindArray
	kindTable // an inline table: { a = 1 }
)

func (k valueKind) String() string {
	switch k {
	case kindString:
		return "a string"
	case kindInteger:
		return "an integer"
	case kindFloat:
		return "a float"
	case kindBoolean:
		return "a boolean"
	case kindDateTime:
		return "a date or time"
	case kindArray:
		return "an array"
	default:
		return "a table"
	}
}

type value struct {
	kind valueKind
	str  string
	num  int64
	bool bool
}

// pos is a place in the file: line and column (in bytes), both from 1.
type pos struct{ line, col int }

type entryKind int

const (
	entryValue      entryKind = iota // key = value
	entryTable                       // [table]
	entryArrayTable                  // [[table]]
)

// entry is a [table] header or a key = value pair. For a pair, path is the
// full path: table path plus the (dotted) key. The pairs of an inline
// table follow their own entry (whose value is kindTable), with full paths.
type entry struct {
	kind entryKind
	path []string
	val  value
	at   pos // where the key starts
}

// syntaxError is a problem at one place; the caller adds the file name.
type syntaxError struct {
	at  pos
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%d:%d: %s", e.at.line, e.at.col, e.msg) }

// parseTOML reads text and calls visit for each entry in file order. It
// stops at the first syntax error, or at the first message visit returns,
// which it reports at that entry.
func parseTOML(text string, visit func(entry) string) *syntaxError {
	data := []byte(strings.TrimPrefix(text, "\ufeff"))
	lines := newLineIndex(data)
	if !utf8.Valid(data) {
		return &syntaxError{lines.at(firstInvalidUTF8(data)), "invalid UTF-8; the file must be UTF-8 text"}
	}
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		return decodeError(err)
	}

	var p unstable.Parser
	p.Reset(data)
	r := reader{doc: doc, lines: lines, visit: visit}
	for p.NextExpression() {
		expr := p.Expression()
		var err *syntaxError
		switch expr.Kind {
		case unstable.Table, unstable.ArrayTable:
			kind := entryTable
			if expr.Kind == unstable.ArrayTable {
				kind = entryArrayTable
			}
			path, at := r.key(expr.Key(), nil)
			r.table = path
			err = r.emit(entry{kind: kind, path: path, at: at})
		case unstable.KeyValue:
			err = r.keyValue(r.table, expr)
		}
		if err != nil {
			return err
		}
	}
	if err := p.Error(); err != nil {
		// Not expected: Unmarshal has accepted the same text.
		return &syntaxError{pos{1, 1}, cleanMessage(err.Error())}
	}
	return nil
}

// reader turns the parser's expressions into entries.
type reader struct {
	doc   map[string]any // the decoded file, for typed values
	lines lineIndex
	visit func(entry) string
	table []string // path of the current [table]
}

func (r *reader) emit(e entry) *syntaxError {
	if msg := r.visit(e); msg != "" {
		return &syntaxError{e.at, msg}
	}
	return nil
}

// key returns prefix plus the parts of a (dotted) key, and where it starts.
func (r *reader) key(it unstable.Iterator, prefix []string) ([]string, pos) {
	path := append([]string(nil), prefix...)
	var at pos
	for it.Next() {
		n := it.Node()
		if at.line == 0 {
			at = r.lines.at(int(n.Raw.Offset))
		}
		path = append(path, string(n.Data))
	}
	return path, at
}

// keyValue emits a key = value pair found in the table at prefix, and the
// pairs inside it when it is an inline table.
func (r *reader) keyValue(prefix []string, kv *unstable.Node) *syntaxError {
	path, at := r.key(kv.Key(), prefix)
	e := entry{path: path, at: at}
	v := kv.Value()
	switch v.Kind {
	case unstable.String, unstable.Integer, unstable.Bool:
		decoded, ok := lookup(r.doc, path)
		if !ok {
			return &syntaxError{at, "cannot read this value"} // not expected
		}
		switch x := decoded.(type) {
		case string:
			e.val = value{kind: kindString, str: x}
		case int64:
			e.val = value{kind: kindInteger, num: x}
		case bool:
			e.val = value{kind: kindBoolean, bool: x}
		default:
			return &syntaxError{at, "cannot read this value"} // not expected
		}
	case unstable.Float:
		e.val.kind = kindFloat
	case unstable.LocalDate, unstable.LocalTime, unstable.LocalDateTime, unstable.DateTime:
		e.val.kind = kindDateTime
	case unstable.Array:
		e.val.kind = kindArray
	case unstable.InlineTable:
		e.val.kind = kindTable
		if err := r.emit(e); err != nil {
			return err
		}
		for it := v.Children(); it.Next(); {
			if child := it.Node(); child.Kind == unstable.KeyValue {
				if err := r.keyValue(path, child); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return r.emit(e)
}

// lookup finds a value of the decoded file by its path.
func lookup(doc map[string]any, path []string) (any, bool) {
	var cur any = doc
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// decodeError turns the library's error into a syntaxError at its place.
func decodeError(err error) *syntaxError {
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return &syntaxError{pos{1, 0}, cleanMessage(err.Error())}
	}
	line, col := de.Position()
	msg := cleanMessage(strings.TrimPrefix(de.Error(), "toml: "))
	for _, h := range syntaxHints {
		if strings.Contains(msg, h.when) {
			msg += " " + h.hint
			break
		}
	}
	return &syntaxError{pos{max(line, 1), col}, msg}
}

// syntaxHints add the likely fix to the library's messages for the usual
// mistakes.
var syntaxHints = []struct{ when, hint string }{
	{"at start of value", `(strings need quotes, as in environment = "eu")`},
	{"expected newline but got", "(one key = value per line; use # to start a comment)"},
	{"cannot have new lines", "(is the closing quote missing?)"},
}

var longWordRe = regexp.MustCompile(`\S{61,}`)

// cleanMessage makes a message from the library safe and short: it may
// quote keys from the file, which can be huge or hold anything.
func cleanMessage(msg string) string {
	msg = strings.Map(dropControl, msg)
	msg = longWordRe.ReplaceAllStringFunc(msg, func(w string) string { return shorten(w, 60) })
	return shorten(redactKeys(msg), 200)
}

// firstInvalidUTF8 returns the offset of the first byte that is not UTF-8.
func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// lineIndex turns byte offsets into lines and columns.
type lineIndex []int // offsets of the first byte of every line

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, b := range data {
		if b == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (idx lineIndex) at(offset int) pos {
	line := sort.Search(len(idx), func(i int) bool { return idx[i] > offset }) // 1-based
	return pos{line, offset - idx[line-1] + 1}
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

func isBareKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
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
