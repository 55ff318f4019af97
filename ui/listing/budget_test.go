package listing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/table"
	"github.com/amkeys/amkeys/ui/uitest"
)

// serverList is a listing whose pages come from page(n) (n counts fetches
// from 1), run for real through the commands the listing returns.
func serverList(t *testing.T, page func(n int) Page[row]) (Model[row], *atomic.Int32) {
	var fetches atomic.Int32
	c := uitest.NewCommon(t, nil)
	m := New(c, Config[row]{
		Owner:   "rows/a",
		Noun:    "rows",
		Columns: []table.Column{{Title: "name", Flex: 1}},
		Fetch: func(ctx context.Context, token string) (Page[row], error) {
			return page(int(fetches.Add(1))), nil
		},
		Search: func(r *row) SearchFields { return SearchFields{r.name} },
		ID:     func(r *row) string { return r.name },
	})
	m.SetSize(80, 20)
	return m, &fetches
}

// settle runs cmd and feeds the pages it brings back into m, and the
// commands they return, until nothing is left or 50 rounds have passed
// (a listing that fetches on by itself would never settle).
func settle(m Model[row], cmd tea.Cmd) Model[row] {
	for round := 0; cmd != nil && round < 50; round++ {
		var next []tea.Cmd
		for _, msg := range uitest.Collect(cmd, 10*time.Second) {
			if p, ok := msg.(PageMsg[row]); ok {
				var c tea.Cmd
				m, c = m.Update(p)
				next = append(next, c)
			}
		}
		cmd = tea.Batch(next...)
	}
	return m
}

func rows(prefix string, n int) []row {
	out := make([]row, n)
	for i := range out {
		out[i] = row{fmt.Sprintf("%s-%d", prefix, i)}
	}
	return out
}

// Finding 10: with no key pressed the dashboard fetched 709 empty pages.
// An empty page leaves the listing idle until the user moves; three empty
// pages in a row stop it with an error.
func TestEmptyPagesAreNotFetchedWithoutAKey(t *testing.T) {
	m, fetches := serverList(t, func(n int) Page[row] {
		if n == 1 {
			return Page[row]{Items: rows("first", 3), Next: "t1"}
		}
		return Page[row]{Next: fmt.Sprint("t", n)} // nothing, forever
	})
	m = settle(m, m.Reload())
	if n := fetches.Load(); n != 2 {
		t.Fatalf("%d fetches with no key pressed, want 2 (the first page, one more to fill the screen)", n)
	}
	for i := 0; i < 5; i++ {
		var cmd tea.Cmd
		m, cmd = m.Update(tea.KeyMsg{Type: tea.KeyDown})
		m = settle(m, cmd)
	}
	if n := fetches.Load(); n != 1+client.MaxEmptyPages {
		t.Errorf("%d fetches after 5 keys; the third empty page in a row must stop the listing", n)
	}
	if m.failed == nil || !strings.Contains(uitest.Plain(m.footer()), "loading stopped") {
		t.Errorf("no clear stop: %v, footer %q", m.failed, uitest.Plain(m.footer()))
	}
	if m.Len() != 3 {
		t.Errorf("%d rows kept, want 3", m.Len())
	}
}

// A page fetched ahead is at most one screen past what is shown.
func TestPrefetchStaysOnePageAhead(t *testing.T) {
	m, fetches := serverList(t, func(n int) Page[row] {
		return Page[row]{Items: rows(fmt.Sprint("p", n), 1), Next: fmt.Sprint("t", n)} // one row a page, forever
	})
	m = settle(m, m.Reload())
	screen := m.Table.PageRows()
	if n := int(fetches.Load()); n > 2*screen || m.Len() < screen {
		t.Fatalf("%d fetches, %d rows for a %d-row screen", n, m.Len(), screen)
	}
}

// Finding 13: a server repeating a page under new tokens showed duplicate
// rows; rows are de-duplicated by id, and a run of pages with nothing new
// stops like empty pages do.
func TestRepeatedPagesShowEachRowOnce(t *testing.T) {
	m, _ := serverList(t, func(n int) Page[row] {
		return Page[row]{Items: rows("same", 4), Next: fmt.Sprint("t", n)}
	})
	m = settle(m, m.Reload())
	m.followEnd = true // G: everything
	m = settle(m, m.prefetch())
	if m.Len() != 4 || m.failed == nil {
		t.Fatalf("%d rows (want 4), stop %v", m.Len(), m.failed)
	}
}

// Finding 12: items the client could not read are counted in the footer.
func TestUnreadableItemsAreCounted(t *testing.T) {
	m, _ := serverList(t, func(n int) Page[row] {
		return Page[row]{Items: rows("ok", 2), Unreadable: 2}
	})
	m = settle(m, m.Reload())
	if f := uitest.Plain(m.footer()); !strings.Contains(f, "2 rows could not be read") || m.Len() != 2 {
		t.Errorf("footer %q, %d rows", f, m.Len())
	}
}

// Finding 10: G on a server of fat pages grew the dashboard by 1.5 GB in
// 30 s. Through the real client, the listing stops at its text bound.
func TestEndOnFatPagesStopsInBoundedMemory(t *testing.T) {
	name := strings.Repeat("n", 40<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		tok := r.URL.Query().Get("page_token")
		fmt.Fprintf(w, `{"next_page_token":"%sx","api_keys":[`, tok)
		for i := range 95 {
			if i > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, `{"api_key_id":"k%s-%d","name":"%s","created_at":"2026-01-02T03:04:05Z"}`, tok, i, name)
		}
		fmt.Fprint(w, "]}")
	}))
	defer srv.Close()
	api, err := client.New(client.Options{BaseURL: srv.URL, APIKey: "am_test"})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := serverList(t, nil)
	m.SetFetch(func(ctx context.Context, token string) (Page[row], error) {
		p, err := api.ListKeys(ctx, client.PodScope("p"), client.ListOptions{PageToken: token})
		out := Page[row]{Next: p.NextPageToken, Text: p.Text}
		for _, k := range p.Keys {
			out.Items = append(out.Items, row{k.ID + k.Name})
		}
		return out, err
	})
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	m = settle(m, m.Reload())
	m.followEnd = true // G
	m = settle(m, m.prefetch())
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if !errors.Is(m.failed, client.ErrListTooLarge) {
		t.Fatalf("G on fat pages ended with %v after %d rows", m.failed, m.Len())
	}
	if after.HeapInuse > 300<<20 {
		t.Errorf("heap in use %d MiB after G", after.HeapInuse>>20)
	}
	t.Logf("G on fat pages: %d rows, heap in use %d MiB, stop: %v", m.Len(), after.HeapInuse>>20, m.failed)
}
