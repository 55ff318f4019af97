package client

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
)

// Bounds of any walk through a listing. A hostile or broken server can
// invent page tokens, pages and items forever; each bound stops it with a
// clear error, and keeps what was fetched before.
const (
	// MaxPages: at the API's largest page size it is far beyond any real
	// organization.
	MaxPages = 100_000
	// MaxItems is the most items one listing may hold.
	MaxItems = 1_000_000
	// MaxEmptyPages is how many pages in a row may bring nothing new
	// (no item, or only items already seen) before the walk stops.
	MaxEmptyPages = 3
	// MaxText is the most text (ids, names, prefixes...) one listing may
	// hold: about a million keys of ordinary size, and a bound on memory
	// when each item is huge.
	MaxText = 64 << 20
	// MaxPageToken is the longest page token followed; the loop guard
	// keeps only a hash of each.
	MaxPageToken = 4 << 10
)

// ErrPagination is returned when a server's paging would loop forever.
var ErrPagination = errors.New("pagination stopped: the server's pages would never end")

// ErrListTooLarge is returned when a listing exceeds MaxItems or MaxText.
var ErrListTooLarge = errors.New("listing stopped: the server sent more than amkeys will hold")

// ErrPageToken is returned for a page token longer than MaxPageToken.
var ErrPageToken = errors.New("pagination stopped: the server sent a page token longer than 4 KiB")

// PageGuard stops paging loops: it fails when a server hands back a token
// it already gave, a token over MaxPageToken, more pages than Max, more
// empty pages in a row than MaxEmpty, or more items or text than MaxItems
// and MaxText. One guard per listing walk; zero limits mean the defaults.
type PageGuard struct {
	Max      int // pages; 0 = MaxPages
	MaxItems int
	MaxEmpty int
	MaxText  int

	seen   map[uint64]struct{} // hashes of tokens: a 3 MB token costs 8 bytes
	pages  int
	items  int
	text   int
	empty  int
	counts bool // Page was used: items and empty pages are known
}

// Next records the token of the next page and reports whether following it
// is safe. It knows nothing of the page's items; see Page.
func (g *PageGuard) Next(token string) error { return g.record(token) }

// Page records a page that was received: how many new items it brought
// (not counting items already seen), their text size in bytes, and the
// token of the next page ("" on the last). It reports whether to go on.
func (g *PageGuard) Page(fresh, text int, next string) error {
	g.counts = true
	g.items += fresh
	g.text += text
	if g.items > orDefault(g.MaxItems, MaxItems) {
		return fmt.Errorf("%w (more than %d items)", ErrListTooLarge, orDefault(g.MaxItems, MaxItems))
	}
	if g.text > orDefault(g.MaxText, MaxText) {
		return fmt.Errorf("%w (more than %d MiB of names and ids)", ErrListTooLarge, orDefault(g.MaxText, MaxText)>>20)
	}
	if next == "" {
		return nil
	}
	if fresh == 0 {
		g.empty++
	} else {
		g.empty = 0
	}
	if max := orDefault(g.MaxEmpty, MaxEmptyPages); g.empty >= max {
		return fmt.Errorf("%w (%d pages in a row brought nothing new)", ErrPagination, g.empty)
	}
	return g.record(next)
}

// Items is the number of new items recorded by Page.
func (g *PageGuard) Items() int { return g.items }

func (g *PageGuard) record(token string) error {
	if len(token) > MaxPageToken {
		return fmt.Errorf("%w (%d bytes)", ErrPageToken, len(token))
	}
	if g.seen == nil {
		g.seen = map[uint64]struct{}{}
	}
	g.pages++
	if max := orDefault(g.Max, MaxPages); g.pages > max {
		return fmt.Errorf("%w (more than %d pages)", ErrPagination, max)
	}
	h := fnv.New64a()
	h.Write([]byte(token))
	sum := h.Sum64()
	if _, dup := g.seen[sum]; dup {
		return fmt.Errorf("%w (page token repeated after %d pages)", ErrPagination, g.pages)
	}
	g.seen[sum] = struct{}{}
	return nil
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// IsPagingStop reports whether err is one of the guard's stops: the pages
// fetched before it are good, the listing is just incomplete.
func IsPagingStop(err error) bool {
	return errors.Is(err, ErrPagination) || errors.Is(err, ErrListTooLarge) || errors.Is(err, ErrPageToken)
}

// EachPod walks every page of pods, calling fn per page.
func (c *Client) EachPod(ctx context.Context, o ListOptions, fn func(PodPage) error) error {
	return walkPages(o, func(o ListOptions) (int, int, string, error) {
		page, err := c.ListPods(ctx, o)
		if err != nil {
			return 0, 0, "", err
		}
		return len(page.Pods) + len(page.Unreadable), page.Text, page.NextPageToken, fn(page)
	})
}

// EachKey walks every page of a scope's keys.
func (c *Client) EachKey(ctx context.Context, scope Scope, o ListOptions, fn func(KeyPage) error) error {
	return walkPages(o, func(o ListOptions) (int, int, string, error) {
		page, err := c.ListKeys(ctx, scope, o)
		if err != nil {
			return 0, 0, "", err
		}
		return len(page.Keys) + len(page.Unreadable), page.Text, page.NextPageToken, fn(page)
	})
}

// walkPages fetches pages until the last one, under a PageGuard.
func walkPages(o ListOptions, fetch func(ListOptions) (items, text int, next string, err error)) error {
	var guard PageGuard
	for {
		items, text, next, err := fetch(o)
		if err != nil {
			return err
		}
		if err := guard.Page(items, text, next); err != nil || next == "" {
			return err
		}
		o.PageToken = next
	}
}
