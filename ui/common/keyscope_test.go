package common

import (
	"testing"

	"github.com/amkeys/amkeys/client"
)

// One way to write "where" on every screen: kind, a space, the name.
func TestWhere(t *testing.T) {
	for _, c := range []struct {
		s     client.Scope
		label string
		want  string
	}{
		{client.Scope{}, "", "organization"},
		{client.OrganizationScope(), "ignored", "organization"},
		{client.PodScope("p1"), "Acme Support", "pod Acme Support"},
		{client.PodScope("p1"), "", "pod p1"},
		{client.InboxScope("a@b.to"), "", "inbox a@b.to"},
	} {
		if got := Where(c.s, c.label); got != c.want {
			t.Errorf("Where(%v, %q) = %q, want %q", c.s, c.label, got, c.want)
		}
	}
}
