package marks

import (
	"testing"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/bulk"
)

func mark(scope client.Scope, id string) Mark {
	return Mark{Target: bulk.Target{ID: id, Scope: scope}, Own: scope}
}

func TestSetKeysByScopeAndID(t *testing.T) {
	var s Set
	pod, inbox := client.PodScope("p"), client.InboxScope("a@b.to")
	if !s.Toggle(mark(pod, "k1")) || !s.Toggle(mark(inbox, "k1")) {
		t.Fatal("the same id in two scopes is two marks")
	}
	s.Add(mark(pod, "k1")) // again: kept once
	s.Add(mark(client.Scope{}, "k2"))
	if s.Len() != 3 || !s.Has(Of(client.OrganizationScope(), "k2")) {
		t.Fatalf("len %d, the zero scope is the organization: %v", s.Len(), s.Has(Of(client.OrganizationScope(), "k2")))
	}
	if s.Status() != "3 marked" {
		t.Errorf("status %q", s.Status())
	}
	if s.Toggle(mark(pod, "k1")) || s.Has(Of(pod, "k1")) || !s.Has(Of(inbox, "k1")) {
		t.Error("toggle did not unmark only the pod's k1")
	}
	all := s.All()
	if len(all) != 2 || all[0].Own != inbox || all[1].Target.ID != "k2" {
		t.Errorf("order of marks: %+v", all)
	}
	if gone := s.Keep(func(m Mark) bool { return m.Target.ID != "k2" }); gone != 1 || s.Len() != 1 || !s.Has(Of(inbox, "k1")) {
		t.Errorf("keep: %d gone, %+v", gone, s.All())
	}
	s.Clear()
	if s.Len() != 0 || s.Status() != "" || s.Has(Of(inbox, "k1")) {
		t.Error("clear left marks")
	}
}
