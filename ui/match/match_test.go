package match

import "testing"

func TestIn(t *testing.T) {
	cases := []struct {
		q, s string
		want bool
	}{
		{"", "anything", true},
		{"acme", "ACME Support", true},
		{"support", "ACME Support", true},
		{"SUP", "acme support", true},
		{"xyz", "acme support", false},
		{"am_3f", "am_3F9cXYZ", true},
		{"müller", "MÜLLER & Söhne", true},
		{"東京", "東京 Logistics", true},
		{"long query", "short", false},
		{"t", "t", true},
		{"aa", "a", false},
	}
	for _, tc := range cases {
		if got := New(tc.q).In(tc.s); got != tc.want {
			t.Errorf("New(%q).In(%q) = %v", tc.q, tc.s, got)
		}
	}
}

func TestNarrows(t *testing.T) {
	if !New("acm").Narrows(New("ac")) || New("a").Narrows(New("ab")) {
		t.Fatal("Narrows is wrong")
	}
}
