package listing

import (
	"context"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/table"
	"github.com/amkeys/amkeys/ui/uitest"
)

type row struct{ name string }

// newList makes a listing whose fetches are recorded, not run: the test
// answers them with PageMsgs of its own choosing.
func newList(t *testing.T) Model[row] {
	c := uitest.NewCommon(t, nil)
	m := New(c, Config[row]{
		Owner:   "rows/a",
		Noun:    "rows",
		Columns: []table.Column{{Title: "name", Flex: 1}},
		Fetch: func(ctx context.Context, token string) (Page[row], error) {
			return Page[row]{}, nil
		},
		Search: func(r *row) SearchFields { return SearchFields{r.name} },
	})
	m.SetSize(80, 20)
	return m
}

func page(owner string, gen int, token string, next string, names ...string) PageMsg[row] {
	var items []row
	for _, n := range names {
		items = append(items, row{n})
	}
	return PageMsg[row]{Owner: owner, Gen: gen, Token: token, Items: items, Next: next}
}

func TestStalePagesAreDropped(t *testing.T) {
	m := newList(t)
	m.Reload()
	gen := m.gen
	// Another listing's page, an older load's page, a page for a token
	// not asked for: all dropped.
	for _, msg := range []tea.Msg{
		page("rows/b", gen, "", "", "other pod"),
		page("rows/a", gen-1, "", "", "old load"),
		page("rows/a", gen, "t9", "", "wrong page"),
	} {
		m, _ = m.Update(msg)
		if m.Len() != 0 {
			t.Fatalf("a stale page was applied: %+v", msg)
		}
	}
	m, _ = m.Update(page("rows/a", gen, "", "t2", "a1", "a2"))
	if m.Len() != 2 || m.next != "t2" {
		t.Fatalf("the wanted page was not applied: %d rows, next %q", m.Len(), m.next)
	}
	// The same page delivered twice is applied once.
	m, _ = m.Update(page("rows/a", gen, "", "t2", "a1", "a2"))
	if m.Len() != 2 {
		t.Fatalf("a repeated page was applied again: %d rows", m.Len())
	}
	// A refresh starts a new load: the first load's next page is stale.
	m.Reload()
	m, _ = m.Update(page("rows/a", gen, "t2", "", "late"))
	if m.Len() != 0 {
		t.Fatal("a page of the load before the refresh was applied")
	}
}

func TestPrefetchBeforeTheEnd(t *testing.T) {
	m := newList(t)
	m.Reload()
	names := make([]string, 50)
	for i := range names {
		names[i] = "r"
	}
	// 50 rows with 18 on screen: the margin is two screens (36 rows).
	m, _ = m.Update(page("rows/a", m.gen, "", "t2", names...))
	if m.loading {
		t.Fatal("fetched the next page with the cursor 50 rows from the end")
	}
	m.Table.SetCursor(20)
	m, cmd := m.Update(tea.KeyMsg{Type: tea.KeyDown})
	if cmd == nil || !m.loading || m.requested != "t2" {
		t.Fatalf("no prefetch of t2 with the cursor %d rows from the end", m.Shown()-m.Table.Cursor())
	}
}

func TestFilterNarrowsIncrementallyAndClears(t *testing.T) {
	m := newList(t)
	m.Reload()
	m, _ = m.Update(page("rows/a", m.gen, "", "", "alpha", "alpine", "beta", "ALPS"))
	m.SetQuery("al")
	if m.Shown() != 3 {
		t.Fatalf("“al” shows %d, want 3", m.Shown())
	}
	m.SetQuery("alp")
	if m.Shown() != 3 {
		t.Fatalf("“alp” shows %d, want 3", m.Shown())
	}
	m.SetQuery("alpi")
	if m.Shown() != 1 || m.Item(0).name != "alpine" {
		t.Fatalf("“alpi” shows %d", m.Shown())
	}
	m.SetQuery("")
	if m.Shown() != 4 {
		t.Fatalf("cleared filter shows %d", m.Shown())
	}
}
