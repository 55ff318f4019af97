package sandbox

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/amkeys/amkeys/client"
)

// call is one authenticated request on its way through a handler.
type call struct {
	r       *http.Request
	caller  *keyRecord
	podID   string // {pod_id} from the path
	inboxID string // {inbox_id} from the path
	keyID   string // {api_key_id} from the path
}

type endpoint struct {
	method string
	handle func(*call) *response
}

// handle authenticates, routes and runs one request. Authentication comes
// first, so an unknown path without a key is a 401 like any other.
func (s *Server) handle(r *http.Request) (*response, *keyRecord) {
	caller, denied := s.authenticate(r)
	if denied != nil {
		return denied, nil
	}
	c := &call{r: r, caller: caller}
	endpoints, ok := s.match(c)
	if !ok {
		return apiError(http.StatusNotFound, "NotFoundError", client.CodeNotFound,
			"There is no such endpoint.",
			"Check the path: this server implements /v0/pods, /v0/inboxes, /v0/api-keys and /v0/organizations."), caller
	}
	allowed := make([]string, 0, len(endpoints))
	for _, e := range endpoints {
		if e.method == r.Method {
			if e.method != http.MethodGet {
				if refused := s.refuseWhileUnsaved(); refused != nil {
					return refused, caller
				}
			}
			return e.handle(c), caller
		}
		allowed = append(allowed, e.method)
	}
	resp := apiError(http.StatusMethodNotAllowed, "MethodNotAllowedError", "method_not_allowed",
		"This endpoint does not accept that method.", "Use one of: "+strings.Join(allowed, ", ")+".")
	resp.header = http.Header{"Allow": {strings.Join(allowed, ", ")}}
	return resp, caller
}

// uuidPattern is the shape of a public-key credential id (any UUID, either
// case). Other ids there do not name a resource, so they are 404, not 405.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// match finds the endpoints of exactly this path and fills in its
// parameters; false means no endpoint has this path, whatever the method.
func (s *Server) match(c *call) ([]endpoint, bool) {
	segs, ok := splitPath(c.r.URL.EscapedPath())
	if !ok {
		return nil, false
	}
	is := func(pattern ...string) bool {
		if len(segs) != len(pattern) {
			return false
		}
		for i, p := range pattern {
			if p != "*" && p != segs[i] {
				return false
			}
		}
		return true
	}
	switch {
	case is("pods"):
		return []endpoint{{http.MethodGet, s.listPods}, {http.MethodPost, s.createPod}}, true
	case is("pods", "*"):
		c.podID = segs[1]
		return []endpoint{{http.MethodGet, s.getPod}, {http.MethodDelete, s.deletePod}}, true
	case is("pods", "*", "api-keys"):
		c.podID = segs[1]
		return []endpoint{{http.MethodGet, s.listPodKeys}, {http.MethodPost, s.createPodKey}}, true
	case is("pods", "*", "api-keys", "*"):
		c.podID, c.keyID = segs[1], segs[3]
		return []endpoint{{http.MethodDelete, s.deletePodKey}}, true
	case is("pods", "*", "inboxes"):
		c.podID = segs[1]
		return []endpoint{{http.MethodGet, s.listPodInboxes}, {http.MethodPost, s.createInbox}}, true
	case is("pods", "*", "inboxes", "*"):
		c.podID, c.inboxID = segs[1], segs[3]
		return []endpoint{{http.MethodGet, s.getInbox}, {http.MethodDelete, s.deleteInbox}}, true
	case is("inboxes"):
		return []endpoint{{http.MethodGet, s.listInboxes}}, true
	case is("inboxes", "*"):
		c.inboxID = segs[1]
		return []endpoint{{http.MethodGet, s.getInbox}, {http.MethodDelete, s.deleteInbox}}, true
	case is("inboxes", "*", "api-keys"):
		c.inboxID = segs[1]
		return []endpoint{{http.MethodGet, s.listInboxKeys}, {http.MethodPost, s.createInboxKey}}, true
	case is("inboxes", "*", "api-keys", "*"):
		c.inboxID, c.keyID = segs[1], segs[3]
		return []endpoint{{http.MethodDelete, s.deleteInboxKey}}, true
	case is("organizations"):
		return []endpoint{{http.MethodGet, s.getOrganization}}, true
	case is("api-keys"):
		return []endpoint{{http.MethodGet, s.listScopeKeys}, {http.MethodPost, s.createScopeKey}}, true
	case is("api-keys", "public-keys"):
		return []endpoint{{http.MethodGet, s.listPublicKeys}, {http.MethodPost, s.registerPublicKey}}, true
	case is("api-keys", "public-keys", "agentid-sign-in", "revoke-all"):
		return []endpoint{{http.MethodPost, s.revokeAllPublicKeys}}, true
	case is("api-keys", "public-keys", "*") && uuidPattern.MatchString(segs[2]):
		c.keyID = segs[2]
		return []endpoint{{http.MethodPatch, s.renamePublicKey}, {http.MethodDelete, s.revokePublicKey}}, true
	case is("api-keys", "*"):
		c.keyID = segs[1]
		return []endpoint{{http.MethodDelete, s.deleteScopeKey}}, true
	}
	return nil, false
}

// splitPath returns the unescaped segments after /v0/, refusing empty ones.
func splitPath(escaped string) ([]string, bool) {
	rest, ok := strings.CutPrefix(escaped, "/v0/")
	if !ok {
		return nil, false
	}
	segs := strings.Split(rest, "/")
	for i, seg := range segs {
		v, err := url.PathUnescape(seg)
		if err != nil || v == "" {
			return nil, false
		}
		segs[i] = v
	}
	return segs, true
}

// require answers 403 missing_permission unless the caller has perm. As in
// the API, the message is just "Forbidden"; the fix names the permission.
func (c *call) require(perm string) *response {
	if c.caller.perms.Has(perm) {
		return nil
	}
	return forbidden(client.CodeMissingPermission, "Forbidden",
		"This API key lacks the "+perm+" permission: use a key that has "+perm+
			", or ask an administrator for a key that grants "+perm+".")
}

// orgScoped reports whether the caller sees the whole organization.
func (c *call) orgScoped() bool { return c.caller.podID == "" }
