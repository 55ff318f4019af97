package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/url"
	"strconv"

	"github.com/amkeys/amkeys/client"
)

// Page size bounds for the limit query parameter.
const (
	DefaultLimit = 10
	MaxLimit     = 100
)

const (
	maxTokenLen = 1024
	macLen      = 16
)

// pageQuery is a parsed listing request.
type pageQuery struct {
	limit     int
	ascending bool
	after     *position // nil: first page
}

// parsePageQuery reads limit, ascending (when the endpoint takes it) and
// page_token. list names the listing, so that a token only works where it was
// issued and in the same direction.
func (s *Server) parsePageQuery(q url.Values, list string, takesAscending bool) (pageQuery, *response) {
	pq := pageQuery{limit: DefaultLimit}
	var errs []client.FieldError
	if q.Has("limit") {
		n, err := strconv.Atoi(q.Get("limit"))
		switch {
		case err != nil:
			errs = append(errs, field("limit", "must be an integer from 1 to 100"))
		case n < 1 || n > MaxLimit:
			errs = append(errs, field("limit", "must be from 1 to 100"))
		default:
			pq.limit = n
		}
	}
	if takesAscending && q.Has("ascending") {
		b, err := strconv.ParseBool(q.Get("ascending"))
		if err != nil {
			errs = append(errs, field("ascending", "must be true or false"))
		}
		pq.ascending = b
	}
	if q.Has("page_token") {
		after, ok := s.openToken(q.Get("page_token"), list, pq.ascending)
		if !ok {
			errs = append(errs, field("page_token", "invalid or expired page token; start again from the first page"))
		}
		pq.after = after
	}
	if len(errs) > 0 {
		return pq, invalid(errs...)
	}
	return pq, nil
}

// sealToken encodes the cursor after the last item of a page, with an HMAC
// under a per-process key: tokens are opaque and cannot be forged or moved
// to another listing.
func (s *Server) sealToken(list string, ascending bool, last position) string {
	b := []byte{1, 0}
	if ascending {
		b[1] = 1
	}
	b = binary.BigEndian.AppendUint64(b, uint64(last.at))
	b = binary.AppendUvarint(b, uint64(len(list)))
	b = append(b, list...)
	b = append(b, last.id...)
	return base64.RawURLEncoding.EncodeToString(append(b, s.tokenMAC(b)...))
}

func (s *Server) openToken(token, list string, ascending bool) (*position, bool) {
	if token == "" || len(token) > maxTokenLen {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < 2+8+1+macLen {
		return nil, false
	}
	body, mac := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if !hmac.Equal(mac, s.tokenMAC(body)) || body[0] != 1 {
		return nil, false
	}
	if (body[1] == 1) != ascending {
		return nil, false
	}
	at := int64(binary.BigEndian.Uint64(body[2:10]))
	n, used := binary.Uvarint(body[10:])
	if used <= 0 || n > uint64(len(body)-10-used) {
		return nil, false
	}
	rest := body[10+used:]
	if string(rest[:n]) != list {
		return nil, false
	}
	return &position{at: at, id: string(rest[n:])}, true
}

func (s *Server) tokenMAC(b []byte) []byte {
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write(b)
	return m.Sum(nil)[:macLen]
}

// nextToken is the token for the page after items, or "" on the last page.
func nextToken[T positioned](s *Server, list string, pq pageQuery, items []T, more bool) string {
	if !more || len(items) == 0 {
		return ""
	}
	return s.sealToken(list, pq.ascending, items[len(items)-1].pos())
}
