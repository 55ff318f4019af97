package sandbox

import (
	"bytes"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/amkeys/amkeys/client"
)

const defaultDomain = "agentmail.to"

// Inbox metadata bounds, from the API definitions.
const (
	maxMetadataKeys = 256
	maxMetadataLen  = 256
)

var (
	usernamePattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?$`)
	domainPattern   = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// GET /v0/inboxes: every inbox in the caller's scope, newest first unless
// ascending=true.
func (s *Server) listInboxes(c *call) *response {
	cs := c.caller.scope()
	return s.inboxListing(c, "inboxes:"+cs.podID+"/"+cs.inboxID, func() (*sortedList[*inboxRecord], *response) {
		switch {
		case cs.isInbox():
			in := s.st.inboxes[cs.inboxID]
			return onlyItem(in, in != nil), nil
		case !cs.isOrg():
			if p := s.st.pods[cs.podID]; p != nil {
				return &p.inboxes, nil
			}
			return &sortedList[*inboxRecord]{}, nil
		}
		return &s.st.inboxOrder, nil
	})
}

// GET /v0/pods/{pod_id}/inboxes
func (s *Server) listPodInboxes(c *call) *response {
	return s.inboxListing(c, "pod-inboxes:"+c.podID, func() (*sortedList[*inboxRecord], *response) {
		p, denied := s.podFor(c, c.podID)
		if denied != nil {
			return nil, denied
		}
		return &p.inboxes, nil
	})
}

// inboxListing answers one page of the inbox listing named list, whose
// inboxes find returns (see pageOf).
func (s *Server) inboxListing(c *call, list string, find func() (*sortedList[*inboxRecord], *response)) *response {
	if denied := c.require("inbox_read"); denied != nil {
		return denied
	}
	pg, bad := pageOf(s, c, list, true, find, inboxToWire)
	if bad != nil {
		return bad
	}
	return okJSON(listInboxesBody{Count: len(pg.items), Limit: pg.limit, NextPageToken: pg.token, Inboxes: pg.items})
}

// GET /v0/inboxes/{inbox_id} and /v0/pods/{pod_id}/inboxes/{inbox_id}
func (s *Server) getInbox(c *call) *response {
	if denied := c.require("inbox_read"); denied != nil {
		return denied
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	in, denied := s.pathInbox(c)
	if denied != nil {
		return denied
	}
	return okJSON(inboxToWire(in))
}

// DELETE /v0/inboxes/{inbox_id} and /v0/pods/{pod_id}/inboxes/{inbox_id}:
// the inbox with its keys and public-key credentials.
func (s *Server) deleteInbox(c *call) *response {
	if denied := c.require("inbox_delete"); denied != nil {
		return denied
	}
	return s.deleteWith(func() (func(), *response) {
		in, denied := s.pathInbox(c)
		if denied != nil {
			return nil, denied
		}
		return func() { s.st.removeInbox(in) }, nil
	})
}

// pathInbox is the inbox the path names; in the pod-scoped form it must
// belong to that pod. Hold s.mu.
func (s *Server) pathInbox(c *call) (*inboxRecord, *response) {
	in, denied := s.inboxFor(c, c.inboxID)
	if denied != nil {
		return nil, denied
	}
	if c.podID != "" && in.podID != c.podID {
		return nil, notFound("inbox")
	}
	return in, nil
}

// POST /v0/pods/{pod_id}/inboxes {username?, domain?, display_name?,
// client_id?, metadata?}. A client_id already used in the pod returns that
// inbox (200) instead of creating a second one.
func (s *Server) createInbox(c *call) *response {
	if denied := c.require("inbox_create"); denied != nil {
		return denied
	}
	m, bad := readObject(c.r)
	if bad != nil {
		return bad
	}
	req, errs := parseInboxRequest(m)
	if len(errs) > 0 {
		return invalid(errs...)
	}
	s.mu.Lock()
	p, denied := s.podFor(c, c.podID)
	if denied != nil {
		s.mu.Unlock()
		return denied
	}
	if in := s.st.inboxesByCID[inboxClientKey(p.id, req.clientID)]; req.clientID != "" && in != nil {
		body := inboxToWire(in)
		s.mu.Unlock()
		return s.durable(okJSON(body))
	}
	if len(s.st.inboxes) >= s.st.org.inboxLimit {
		s.mu.Unlock()
		return forbidden(client.CodeLimitExceeded, "The organization has reached its inbox limit.",
			"Delete inboxes you no longer need (GET /v0/organizations shows the limit).")
	}
	username := req.username
	for username == "" || req.username == "" && s.st.inboxes[username+"@"+req.domain] != nil {
		username = generatedUsername()
	}
	id := username + "@" + req.domain
	if s.st.inboxes[id] != nil {
		s.mu.Unlock()
		return apiError(403, "IsTakenError", client.CodeResourceTaken, "The address "+id+" is taken.",
			"Choose another username or domain.")
	}
	in := &inboxRecord{id: id, podID: p.id, displayName: req.displayName, clientID: req.clientID,
		metadata: req.metadata, createdAt: s.st.nextCreatedAt(s.now())}
	in.updatedAt = in.createdAt
	s.st.addInbox(in)
	body := inboxToWire(in)
	s.mu.Unlock()
	return s.durable(okJSON(body))
}

// generatedUsername is the username of an inbox created without one.
func generatedUsername() string {
	return "inbox-" + strings.ReplaceAll(newID(), "-", "")[:10]
}

type inboxRequest struct {
	username, domain, displayName, clientID string
	metadata                                json.RawMessage
}

func parseInboxRequest(m map[string]json.RawMessage) (inboxRequest, []client.FieldError) {
	var req inboxRequest
	var errs []client.FieldError
	addErr := func(e *client.FieldError) {
		if e != nil {
			errs = append(errs, *e)
		}
	}
	var err *client.FieldError
	req.displayName, _, err = optionalName(m, "display_name")
	addErr(err)
	req.clientID, _, err = optionalName(m, "client_id")
	addErr(err)
	req.username, _, err = optionalName(m, "username")
	addErr(err)
	req.username = strings.ToLower(req.username)
	if err == nil && req.username != "" && !usernamePattern.MatchString(req.username) {
		errs = append(errs, field("username", "must be 1 to 64 letters, digits, '.', '_', '+' or '-', starting and ending with a letter or digit"))
	}
	domain, hasDomain, err := optionalName(m, "domain")
	addErr(err)
	req.domain = strings.ToLower(domain)
	if !hasDomain {
		req.domain = defaultDomain
	} else if err == nil && (len(req.domain) > 253 || !domainPattern.MatchString(req.domain)) {
		errs = append(errs, field("domain", "must be a domain name such as agentmail.to"))
	}
	req.metadata, errs = parseMetadata(m["metadata"], errs)
	return req, errs
}

// parseMetadata validates an object of up to 256 keys whose values are
// strings, numbers or booleans; keys and strings are 1 to 256 characters.
// It returns the object re-encoded, or nil when absent or null.
func parseMetadata(raw json.RawMessage, errs []client.FieldError) (json.RawMessage, []client.FieldError) {
	if raw == nil || string(raw) == "null" {
		return nil, errs
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, append(errs, field("metadata", "must be an object of strings, numbers or booleans"))
	}
	if len(m) > maxMetadataKeys {
		return nil, append(errs, field("metadata", "must have at most 256 keys"))
	}
	before := len(errs)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		if n := utf8.RuneCountInString(k); n < 1 || n > maxMetadataLen {
			errs = append(errs, field("metadata", "keys must be 1 to 256 characters long"))
			continue
		}
		var x any
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		_ = dec.Decode(&x) // v is valid JSON: it came out of an object
		switch x := x.(type) {
		case string:
			if utf8.RuneCountInString(x) > maxMetadataLen {
				errs = append(errs, field("metadata."+k, "must be at most 256 characters long"))
			}
		case json.Number, bool:
		default:
			errs = append(errs, field("metadata."+k, "must be a string, a number or a boolean"))
		}
	}
	if len(errs) > before {
		return nil, errs
	}
	data, _ := json.Marshal(m) // sorted keys, compact
	return data, errs
}
