package sanitize

import (
	"reflect"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	tests := []struct {
		name            string
		in              string
		width, maxLines int
		want            []string
	}{
		{"fits on one line", "Check the key", 20, 3, []string{"Check the key"}},
		{"wraps at spaces", "Check the API key and retry", 10, 5, []string{"Check the", "API key", "and retry"}},
		{"cut with an ellipsis", "Check the API key and retry", 10, 2, []string{"Check the", "API key…"}},
		{"server newline is not a line break", "line1\nline2", 20, 3, []string{"line1␊line2"}},
		{"long word is broken", "abcdefghij", 4, 5, []string{"abcd", "efgh", "ij"}},
		{"long word cut", "abcdefghij", 4, 2, []string{"abcd", "efg…"}},
		{"runs of spaces collapse", "a    b", 10, 2, []string{"a b"}},
		{"escapes are inert", "\x1b]0;pwned\x07 now", 20, 2, []string{"␛]0;pwned␇ now"}},
		{"CJK", "東京 大阪", 5, 3, []string{"東京", "大阪"}},
		{"CJK wider than the line", "東京", 1, 3, []string{"…"}},
		{"blank", "   ", 10, 3, nil},
		{"empty", "", 10, 3, nil},
		{"zero width", "abc", 0, 3, nil},
		{"zero lines", "abc", 10, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Lines(tt.in, tt.width, tt.maxLines)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Lines(%q, %d, %d) = %q, want %q", tt.in, tt.width, tt.maxLines, got, tt.want)
			}
		})
	}
}

func TestLinesHugeInputIsBounded(t *testing.T) {
	got := Lines(strings.Repeat("word ", 1<<20), 12, 2)
	want := []string{"word word", "word word…"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Lines(huge) = %q, want %q", got, want)
	}
}
