package config

import (
	"reflect"
	"strings"
	"testing"
)

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
		{`"quoted key".b-c = 1`, []string{"quoted key", "b-c"}, value{kind: kindInteger, num: 1}},
		{`  x . 'y' = 1`, []string{"x", "y"}, value{kind: kindInteger, num: 1}},
	}
	for _, tt := range tests {
		entries, err := parseTOML(tt.line)
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
	text := "\ufeff# comment\r\n\r\ntop = 1\r\n[ profiles . \"my work\" ]  # header comment\r\npage_size = 5\n[profiles]\nx.y = 2\n"
	entries, err := parseTOML(text)
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		header bool
		path   string
		line   int
	}
	var have []got
	for _, e := range entries {
		have = append(have, got{e.header, strings.Join(e.path, "/"), e.line})
	}
	want := []got{
		{false, "top", 3},
		{true, "profiles/my work", 4},
		{false, "profiles/my work/page_size", 5},
		{true, "profiles", 6},
		{false, "profiles/x/y", 7},
	}
	if !reflect.DeepEqual(have, want) {
		t.Errorf("got %+v\nwant %+v", have, want)
	}
}

func TestParseTOMLErrors(t *testing.T) {
	tests := []struct {
		text string
		line int
		msg  string
	}{
		{"a = 1\nb", 2, "expected = after b"},
		{"a =", 1, "missing value after ="},
		{"a = # nothing", 1, "missing value after ="},
		{"= 1", 1, `expected a key name, found '='`},
		{"a = \"open", 1, "unterminated string"},
		{"a = 'open", 1, "unterminated string"},
		{`a = "bad \q escape"`, 1, `invalid escape \q`},
		{`a = "\u12"`, 1, `\u needs 4 hex digits`},
		{`a = "\uD800"`, 1, `invalid \u escape`},
		{`a = "x" y`, 1, "unexpected text after the value"},
		{"a = eu", 1, "strings need quotes"},
		{"a = 012", 1, "strings need quotes"},
		{"a = 99999999999999999999", 1, "integer is out of range"},
		{"a = 2024-01-01", 1, "dates and times are not supported"},
		{"a = [1, 2]", 1, "arrays are not supported"},
		{"a = {b = 1}", 1, "inline tables are not supported"},
		{`a = """x"""`, 1, "multi-line strings are not supported"},
		{"\n\n[[profiles]]", 3, "arrays of tables"},
		{"[profiles.work", 1, "expected ] to close the table header"},
		{"[profiles.work] x", 1, "unexpected text after the table header"},
		{"[]", 1, "expected a key name"},
		{"a = 1\na = 2", 2, "a is already set on line 1"},
		{"[p]\n[q]\n[p]", 3, "table [p] is already defined on line 1"},
		{"[p]\nx = 1\n[q]\n[p]\n", 4, "already defined on line 1"},
		{"a = \"x\x01\"", 1, "control character U+0001"},
		{"a = 1\n\xff\xfe", 2, "invalid UTF-8"},
		{"a = 1\rb = 2", 1, "control character U+000D"},
	}
	for _, tt := range tests {
		_, err := parseTOML(tt.text)
		if err == nil {
			t.Errorf("%q: no error, want %q", tt.text, tt.msg)
			continue
		}
		if err.line != tt.line || !strings.Contains(err.msg, tt.msg) {
			t.Errorf("%q: got line %d %q, want line %d containing %q", tt.text, err.line, err.msg, tt.line, tt.msg)
		}
	}
}

// An unquoted value may be a pasted API key; no parse error may repeat it.
func TestParseTOMLErrorsDoNotEchoValues(t *testing.T) {
	for _, text := range []string{
		"api_key = " + testKey,
		"api_key = " + testKey + " trailing",
		"api_key = '" + testKey,
		"api_key = \"" + testKey + `\z"`,
		"api_key = [\"" + testKey + "\"]",
	} {
		_, err := parseTOML(text)
		if err == nil {
			t.Fatalf("%q: no error", text)
		}
		if strings.Contains(err.msg, "TESTKEY") {
			t.Errorf("error repeats the value: %s", err.msg)
		}
	}
}
