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

// TestSignatureNeverRejectsAMatch: whatever In accepts, the signature
// admits, and a decided query agrees with In exactly.
func TestSignatureNeverRejectsAMatch(t *testing.T) {
	rows := []string{"support-agent-17", "am_3F9c_x", "Müller & Söhne", "東京 Logistics", "a.b c", "K\u212a", "", "ZZZ", "tab\there", "x@y.invalid"}
	queries := []string{"s", "S", "e", "3f", "_", "-", ".", " ", "@", "ü", "東", "k", "z", "zz", "q", "\t", "ag", "1"}
	for _, r := range rows {
		sig := Sign(r)
		for _, qs := range queries {
			q := New(qs)
			in := q.In(r)
			if in && !q.Admits(sig) {
				t.Errorf("signature rejects %q in %q", qs, r)
			}
			if q.Decided() && q.Admits(sig) != in {
				t.Errorf("decided query %q on %q: admits=%v in=%v", qs, r, q.Admits(sig), in)
			}
			if got := q.InAny(sig, r); got != in {
				t.Errorf("InAny(%q, %q) = %v, In = %v", qs, r, got, in)
			}
		}
	}
}

func FuzzSignature(f *testing.F) {
	f.Add("support-agent", "ag")
	f.Add("Müller", "ü")
	f.Fuzz(func(t *testing.T, row, query string) {
		q := New(query)
		if q.In(row) != q.InAny(Sign(row), row) {
			t.Fatalf("InAny disagrees with In for %q in %q", query, row)
		}
	})
}

// InFolded agrees with InAny over the same fields for every query it can
// answer, and never matches across two fields.
func TestInFoldedAgreesWithInAny(t *testing.T) {
	rows := [][]string{
		{"Support-Agent-17", "am_3F9c_x", "Pod 9"},
		{"Müller & Söhne", "東京 Logistics", ""},
		{"K\u212a", "ZZZ", "tab\there"},
		{"ab", "cd", "x@Y.invalid"},
		{"", "", ""},
	}
	queries := []string{"", "s", "S", "agent", "3f9C", "pod 9", "bc", "b\x00c", "k", "zz", "@y.", "ü", "東京", "\t", "tab\th", "xyz"}
	for _, r := range rows {
		sig, folded := Sign(r...), string(AppendFolded(nil, r...))
		for _, qs := range queries {
			q := New(qs)
			if !q.Foldable() {
				continue
			}
			if got, want := q.InFolded(sig, folded), q.InAny(sig, r...); got != want {
				t.Errorf("InFolded(%q, %q) = %v, InAny = %v", qs, r, got, want)
			}
		}
	}
	if New("ü").Foldable() || New("b\x00c").Foldable() || !New("Pod 9").Foldable() {
		t.Error("Foldable is wrong")
	}
}

func FuzzInFolded(f *testing.F) {
	f.Add("Support", "am_3F", "ag")
	f.Add("Müller", "x", "ü")
	f.Fuzz(func(t *testing.T, a, b, query string) {
		q := New(query)
		if !q.Foldable() {
			return
		}
		sig := Sign(a, b)
		if q.InFolded(sig, string(AppendFolded(nil, a, b))) != q.InAny(sig, a, b) {
			t.Fatalf("InFolded disagrees with InAny for %q in %q, %q", query, a, b)
		}
	})
}
