package sandbox

// Plumbing shared by the handlers of pods, inboxes, API keys and public-key
// credentials: one page of a listing, and a delete.

// wirePage is one page of a listing, in wire form.
type wirePage[W any] struct {
	items []W // never nil, so that an empty page encodes as []
	limit int
	token string // next_page_token; "" on the last page
}

// pageOf reads the page query of the listing named list, finds its items
// with find (called with s.mu read-locked; a response refuses) and converts
// one page of them with toWire under that lock. The caller checks the
// permission first.
func pageOf[T positioned, W any](s *Server, c *call, list string, takesAscending bool,
	find func() (*sortedList[T], *response), toWire func(T) W) (wirePage[W], *response) {
	pq, bad := s.parsePageQuery(c.r.URL.Query(), list, takesAscending)
	if bad != nil {
		return wirePage[W]{}, bad
	}
	s.mu.RLock()
	source, denied := find()
	if denied != nil {
		s.mu.RUnlock()
		return wirePage[W]{}, denied
	}
	items, more := source.page(pq.after, pq.ascending, pq.limit)
	out := make([]W, 0, len(items))
	for _, x := range items {
		out = append(out, toWire(x))
	}
	s.mu.RUnlock()
	return wirePage[W]{items: out, limit: pq.limit, token: nextToken(s, list, pq, items, more)}, nil
}

// onlyItem is a listing of at most one item (nil: none), for a caller whose
// scope is a single pod or inbox.
func onlyItem[T positioned](x T, found bool) *sortedList[T] {
	if !found {
		return &sortedList[T]{}
	}
	return &sortedList[T]{items: []T{x}}
}

// deleteWith runs a delete: under s.mu, find refuses with a response or
// returns the removal to make; the answer, 204, comes once it is on disk.
func (s *Server) deleteWith(find func() (remove func(), denied *response)) *response {
	s.mu.Lock()
	remove, denied := find()
	if denied != nil {
		s.mu.Unlock()
		return denied
	}
	remove()
	s.mu.Unlock()
	return s.durable(noContent())
}
