package config

import (
	"reflect"
	"strings"
	"testing"
)

// readAll collects the entries parseTOML finds in text.
func readAll(text string) ([]entry, *syntaxError) {
	var entries []entry
	err := parseTOML(text, func(e entry) string {
		entries = append(entries, e)
		return ""
	})
	return entries, err
}

func TestParseTOMLValues(t *testing.T) {
	tests := []struct {
		line string
		path []string
		want value
	}{
		{`a = "x"`, []string{"a"}, value{kind: kindString, str: "x"}},
		{`a = 'C:\path'`, []string{"a"}, value{kind: kindString, str: `C:\path`}},
		{`a = "tab\there \"q\" \\ \u00e9 \U0001F600"`, []string{"a"}, value{kind: kindString, str: "tab\there \"q\" \\ é 😀"}},
		{`a = "# not a comment" # comment`, []string{"a"}, value{kind: kindString, str: "# not a comment"}},
		{`a = ""`, []string{"a"}, value{kind: kindString}},
		{"a = \"\"\"\none\\\n  two\"\"\"", []string{"a"}, value{kind: kindString, str: "onetwo"}},
		{"a = '''\nraw \\n\n'''", []string{"a"}, value{kind: kindString, str: "raw \\n\n"}},
		{`a = 42`, []string{"a"}, value{kind: kindInteger, num: 42}},
		{`a = -7`, []string{"a"}, value{kind: kindInteger, num: -7}},
		{`a = +1_000`, []string{"a"}, value{kind: kindInteger, num: 1000}},
		{`a = 0x1F`, []string{"a"}, value{kind: kindInteger, num: 31}},
		{`a = 0o17`, []string{"a"}, value{kind: kindInteger, num: 15}},
		{`a = 0b101`, []string{"a"}, value{kind: kindInteger, num: 5}},
		{`a = 1.5`, []string{"a"}, value{kind: kindFloat}},
		{`a = 1e3`, []string{"a"}, value{kind: kindFloat}},
		{`a = -inf`, []string{"a"}, value{kind: kindFloat}},
		{`a = true`, []string{"a"}, value{kind: kindBoolean, bool: true}},
		{"a\t=\tfalse\t", []string{"a"}, value{kind: kindBoolean}},
		{`a = 2024-01-01`, []string{"a"}, value{kind: kindDateTime}},
		{`a = 07:32:00`, []string{"a"}, value{kind: kindDateTime}},
		{`a = 1979-05-27T07:32:00Z`, []string{"a"}, value{kind: kindDateTime}},
		{`a = [1, "two"]`, []string{"a"}, value{kind: kindArray}},
		{`"quoted key".b-c = 1`, []string{"quoted key", "b-c"}, value{kind: kindInteger, num: 1}},
		{`  x . 'y' = 1`, []string{"x", "y"}, value{kind: kindInteger, num: 1}},
	}
	for _, tt := range tests {
		entries, err := readAll(tt.line)
		if err != nil {
			t.Errorf("%s: unexpected error %v", tt.line, err)
			continue
		}
		if len(entries) != 1 || !reflect.DeepEqual(entries[0].path, tt.path) || entries[0].val != tt.want {
			t.Errorf("%s: got %+v, want path %q value %+v", tt.line, entries, tt.path, tt.want)
		}
	}
}

func TestParseTOMLStructure(t *testing.T) {
	text := "\ufeff# comment\r\n\r\ntop = 1\r\n[ profiles . \"my work\" ]  # header comment\r\npage_size = 5\n" +
		"[profiles]\nx.y = 2\nw = { a = 1, b.c = 'd' }\n[[list]]\n"
	entries, err := readAll(text)
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		kind      entryKind
		path      string
		line, col int
	}
	var have []got
	for _, e := range entries {
		have = append(have, got{e.kind, strings.Join(e.path, "/"), e.at.line, e.at.col})
	}
	want := []got{
		{entryValue, "top", 3, 1},
		{entryTable, "profiles/my work", 4, 3},
		{entryValue, "profiles/my work/page_size", 5, 1},
		{entryTable, "profiles", 6, 2},
		{entryValue, "profiles/x/y", 7, 1},
		{entryValue, "profiles/w", 8, 1}, // an inline table, then its keys
		{entryValue, "profiles/w/a", 8, 7},
		{entryValue, "profiles/w/b/c", 8, 14},
		{entryArrayTable, "list", 9, 3},
	}
	if !reflect.DeepEqual(have, want) {
		t.Errorf("got %+v\nwant %+v", have, want)
	}
	if entries[5].val.kind != kindTable || entries[7].val.str != "d" {
		t.Errorf("inline table read as %+v", entries[5:8])
	}
}

// parseTOML stops where its visitor refuses an entry, and reports it there.
func TestParseTOMLStopsAtVisitorError(t *testing.T) {
	var seen []string
	err := parseTOML("a = 1\n  b = 2\nc = 3\n", func(e entry) string {
		seen = append(seen, e.path[0])
		if e.path[0] == "b" {
			return "no b"
		}
		return ""
	})
	if err == nil || err.at != (pos{2, 3}) || err.msg != "no b" || !reflect.DeepEqual(seen, []string{"a", "b"}) {
		t.Errorf("got %v after %q", err, seen)
	}
}

func TestParseTOMLErrors(t *testing.T) {
	tests := []struct {
		text      string
		line, col int
		msg       string
	}{
		{"a = 1\nb", 2, 1, "expected '=' after key"},
		{"a =", 1, 3, "expected value"},
		{"a = # nothing", 1, 5, "at start of value"},
		{"= 1", 1, 1, "invalid character at start of key"},
		{"a = \"open", 1, 9, "unterminated basic string"},
		{"a = 'open", 1, 9, "unterminated literal string"},
		{`a = "bad \q escape"`, 1, 10, `invalid escape character U+0071 'q'`},
		{`a = "\u12"`, 1, 6, `unicode escape sequence is too short`},
		{`a = "\uD800"`, 1, 6, `not a valid unicode code point`},
		{`a = "x" y`, 1, 9, "expected newline but got U+0079 'y' (one key = value per line; use # to start a comment)"},
		{"a = eu", 1, 5, `unexpected character U+0065 'e' at start of value (strings need quotes, as in environment = "eu")`},
		{"a = 012", 1, 5, "leading zeroes"},
		{"a = 99999999999999999999", 1, 5, "too large"},
		{"[profiles.work", 1, 14, "expected ']' to close table name"},
		{"[profiles.work] x", 1, 17, "expected newline but got U+0078 'x'"},
		{"[]", 1, 2, "invalid character at start of key"},
		{"a = 1\na = 2", 2, 1, "key a is already defined"},
		{"[p]\n[q]\n[p]", 3, 2, "table p already exists"},
		{"[p]\nx = 1\n[q]\n[p]\n", 4, 2, "table p already exists"},
		{"[p]\nx.y = 1\n[p.x]\n", 3, 2, "already exists"},
		{"a = \"x\x01\"", 1, 7, "control characters"},
		{"a = 1\n\xff\xfe", 2, 1, "invalid UTF-8"},
		{"a = 1\nb = \"é\xff\"", 2, 8, "invalid UTF-8"},
		{"a = 1\rb = 2", 1, 6, "expected newline but got U+000D"},
		{"a = {b = 1", 1, 10, "inline table is incomplete"},
	}
	for _, tt := range tests {
		_, err := readAll(tt.text)
		if err == nil {
			t.Errorf("%q: no error, want %q", tt.text, tt.msg)
			continue
		}
		if err.at != (pos{tt.line, tt.col}) || !strings.Contains(err.msg, tt.msg) {
			t.Errorf("%q: got %d:%d %q, want %d:%d containing %q", tt.text, err.at.line, err.at.col, err.msg, tt.line, tt.col, tt.msg)
		}
	}
}

// Messages may quote keys from the file: they come out short, without
// control characters, and without anything that looks like an API key.
func TestParseTOMLErrorsAreClean(t *testing.T) {
	huge := strings.Repeat("k", 5000)
	for _, text := range []string{
		huge + " = 1\n" + huge + " = 2",
		"\"a\\u001b[31m" + huge + "\" = 1\n\"a\\u001b[31m" + huge + "\" = 2",
		"am_TESTKEY_x = 1\nam_TESTKEY_x = 2",
	} {
		_, err := readAll(text)
		if err == nil {
			t.Fatalf("%.40q: no error", text)
		}
		if len(err.msg) > 300 || strings.ContainsAny(err.msg, "\x1b\n") || strings.Contains(err.msg, "TESTKEY") {
			t.Errorf("%.40q: message %q", text, err.msg)
		}
	}
}

// An unquoted value may be a pasted API key; no error may repeat it.
func TestParseTOMLErrorsDoNotEchoValues(t *testing.T) {
	for _, text := range []string{
		"api_key = " + testKey,
		"api_key = " + testKey + " trailing",
		"api_key = '" + testKey,
		"api_key = \"" + testKey + `\z"`,
		"api_key = [\"" + testKey + "\"]",
		"api_key = {x = " + testKey + "}",
		"api_key = \"\"\"" + testKey,
		"api_key = 12" + testKey[2:],
	} {
		_, err := parseConfig("config.toml", text)
		if err == nil {
			t.Fatalf("%q: no error", text)
		}
		if strings.Contains(err.Error(), "TESTKEY") || !strings.HasPrefix(err.Error(), "config.toml:1:") {
			t.Errorf("bad error: %s", err)
		}
	}
}
