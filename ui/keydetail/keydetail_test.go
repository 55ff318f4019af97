package keydetail_test

import (
	"strings"
	"testing"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keydetail"
	"github.com/amkeys/amkeys/ui/uitest"
)

func detail(t *testing.T, w, h int) *keydetail.Model {
	c := uitest.NewCommon(t, nil)
	k := client.APIKey{ID: "k1", Prefix: "am_k1", Name: "reader", PodID: "p1",
		CreatedAt: uitest.Clock, Permissions: client.Restricted("inbox_read", "domain_read")}
	m := keydetail.New(c, common.PodKeys(client.Pod{ID: "p1", Name: "Acme"}), k)
	m.SetSize(w, h)
	return m
}

// Issue 11, item 20: two columns of permissions from 100 columns, one below.
func TestGridUsesTwoColumnsWhenWide(t *testing.T) {
	twoOnALine := func(v string) bool {
		for _, l := range strings.Split(v, "\n") {
			if strings.Contains(l, "inbox_read") && strings.Contains(l, "domain_read") {
				return true
			}
		}
		return false
	}
	if v := uitest.Plain(detail(t, keydetail.TwoColumnsFrom, 60).View()); !twoOnALine(v) {
		t.Fatalf("one column at %d:\n%s", keydetail.TwoColumnsFrom, v)
	}
	if v := uitest.Plain(detail(t, keydetail.TwoColumnsFrom-1, 60).View()); twoOnALine(v) {
		t.Fatalf("two columns at %d:\n%s", keydetail.TwoColumnsFrom-1, v)
	}
}

// Issue 11, items 8 and 20: the detail explains the summary and says
// where it is scrolled to.
func TestDetailShowsLegendAndScrollPosition(t *testing.T) {
	m := detail(t, 80, 20)
	v := uitest.Plain(m.View())
	if !strings.Contains(v, "“36 of 36” = restricted") || !strings.Contains(v, "“+1” = also granted") {
		t.Fatalf("no legend:\n%s", v)
	}
	if !strings.Contains(v, "lines 1-19 of ") {
		t.Fatalf("no scroll position:\n%s", v)
	}
	m.Update(uitest.Key("G"))
	for range 100 {
		m.Update(uitest.Key("j"))
	}
	if v := uitest.Plain(m.View()); !strings.Contains(v, "· end") {
		t.Fatalf("the end is not marked:\n%s", v)
	}
}
