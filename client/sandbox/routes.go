package sandbox

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/amkeys/amkeys/client"
)

// call is one authenticated request on its way through a handler.
type call struct {
	r      *http.Request
	caller *keyRecord
	podID  string // {pod_id} from the path
	keyID  string // {api_key_id} from the path
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
			"There is no such endpoint.", "Check the path: this server implements /v0/pods and /v0/api-keys."), caller
	}
	allowed := make([]string, 0, len(endpoints))
	for _, e := range endpoints {
		if e.method == r.Method {
			if caller.inboxID != "" {
				return forbidden(client.CodeForbidden,
					"Inbox-scoped API keys cannot manage pods or API keys in this sandbox.",
					"Use an organization key or a pod key."), caller
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

// match finds the endpoints for the path and fills in its parameters.
func (s *Server) match(c *call) ([]endpoint, bool) {
	segs, ok := splitPath(c.r.URL.EscapedPath())
	if !ok {
		return nil, false
	}
	switch {
	case len(segs) == 1 && segs[0] == "pods":
		return []endpoint{{http.MethodGet, s.listPods}, {http.MethodPost, s.createPod}}, true
	case len(segs) == 2 && segs[0] == "pods":
		c.podID = segs[1]
		return []endpoint{{http.MethodGet, s.getPod}, {http.MethodDelete, s.deletePod}}, true
	case len(segs) == 3 && segs[0] == "pods" && segs[2] == "api-keys":
		c.podID = segs[1]
		return []endpoint{{http.MethodGet, s.listPodKeys}, {http.MethodPost, s.createPodKey}}, true
	case len(segs) == 4 && segs[0] == "pods" && segs[2] == "api-keys":
		c.podID, c.keyID = segs[1], segs[3]
		return []endpoint{{http.MethodDelete, s.deletePodKey}}, true
	case len(segs) == 1 && segs[0] == "api-keys":
		return []endpoint{{http.MethodGet, s.listScopeKeys}, {http.MethodPost, s.createScopeKey}}, true
	case len(segs) == 2 && segs[0] == "api-keys":
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

// require answers 403 missing_permission unless the caller has perm.
func (c *call) require(perm string) *response {
	if c.caller.perms.Has(perm) {
		return nil
	}
	return forbidden(client.CodeMissingPermission,
		"This API key lacks the "+perm+" permission.",
		"Use a key that has "+perm+", or ask an administrator for a key that grants "+perm+".")
}

// orgScoped reports whether the caller sees the whole organization.
func (c *call) orgScoped() bool { return c.caller.podID == "" }

// visiblePod returns the pod if it exists and is in the caller's scope; a pod
// outside the scope is indistinguishable from an absent one. Hold s.mu.
func (s *Server) visiblePod(c *call, podID string) *podRecord {
	if !c.orgScoped() && c.caller.podID != podID {
		return nil
	}
	return s.st.pods[podID]
}
