package client

import (
	"context"
	"fmt"
)

// MaxPages bounds any walk through a listing: at the API's largest page
// size it is far beyond any real organization, and it stops a server that
// keeps inventing new tokens.
const MaxPages = 100_000

// PageGuard stops paging loops: it fails when a server hands back a token
// it already gave, or more pages than MaxPages. One guard per listing walk.
type PageGuard struct {
	seen  map[string]struct{}
	pages int
	Max   int // 0 = MaxPages
}

// Next records the token of the next page and reports whether following it
// is safe.
func (g *PageGuard) Next(token string) error {
	if g.seen == nil {
		g.seen = map[string]struct{}{}
	}
	g.pages++
	max := g.Max
	if max <= 0 {
		max = MaxPages
	}
	if g.pages > max {
		return fmt.Errorf("%w (more than %d pages)", ErrPagination, max)
	}
	if _, dup := g.seen[token]; dup {
		return fmt.Errorf("%w (page token repeated after %d pages)", ErrPagination, g.pages)
	}
	g.seen[token] = struct{}{}
	return nil
}

// EachPod walks every page of pods, calling fn per page.
func (c *Client) EachPod(ctx context.Context, o ListOptions, fn func(PodPage) error) error {
	return walkPages(o, func(o ListOptions) (string, error) {
		page, err := c.ListPods(ctx, o)
		if err != nil {
			return "", err
		}
		return page.NextPageToken, fn(page)
	})
}

// EachKey walks every page of a scope's keys.
func (c *Client) EachKey(ctx context.Context, scope Scope, o ListOptions, fn func(KeyPage) error) error {
	return walkPages(o, func(o ListOptions) (string, error) {
		page, err := c.ListKeys(ctx, scope, o)
		if err != nil {
			return "", err
		}
		return page.NextPageToken, fn(page)
	})
}

// walkPages fetches pages until the last one, under a PageGuard.
func walkPages(o ListOptions, fetch func(ListOptions) (next string, err error)) error {
	var guard PageGuard
	for {
		next, err := fetch(o)
		if err != nil || next == "" {
			return err
		}
		if err := guard.Next(next); err != nil {
			return err
		}
		o.PageToken = next
	}
}
