package sandbox

import (
	"strings"

	"github.com/amkeys/amkeys/client"
)

// scope is where a key or credential has authority: the organization (both
// ids empty), one pod, or one inbox of a pod. Scopes nest: organization,
// pod, inbox.
type scope struct{ podID, inboxID string }

func (k *keyRecord) scope() scope { return scope{podID: k.podID, inboxID: k.inboxID} }

// covers reports whether s is t or an ancestor of t.
func (s scope) covers(t scope) bool {
	switch {
	case s.podID == "":
		return true
	case s.inboxID == "":
		return t.podID == s.podID
	default:
		return t == s
	}
}

func (s scope) isOrg() bool   { return s.podID == "" }
func (s scope) isInbox() bool { return s.inboxID != "" }

// podFor returns the pod for a pod-level endpoint. An inbox-scoped caller
// may not act on its pod (an ancestor of its scope): 403 forbidden. A pod
// outside the caller's scope is indistinguishable from an absent one: 404.
// Hold s.mu.
func (s *Server) podFor(c *call, podID string) (*podRecord, *response) {
	cs := c.caller.scope()
	if cs.isInbox() {
		return nil, inboxCallerForbidden()
	}
	p := s.st.pods[podID]
	if p == nil || !cs.covers(scope{podID: podID}) {
		return nil, notFound("pod")
	}
	return p, nil
}

// inboxFor returns the inbox if it exists within the caller's scope; any
// other inbox answers 404. Hold s.mu.
func (s *Server) inboxFor(c *call, inboxID string) (*inboxRecord, *response) {
	in := s.st.inbox(inboxID)
	if in == nil || !c.caller.scope().covers(in.scope()) {
		return nil, notFound("inbox")
	}
	return in, nil
}

func inboxCallerForbidden() *response {
	return forbidden(client.CodeForbidden,
		"An inbox-scoped API key cannot act on pods or on the organization.",
		"Use the /v0/inboxes endpoints for your inbox, or a pod or organization key.")
}

// inbox finds an inbox by its address: as stored, else lower-cased, since
// addresses are case-insensitive and the API stores them lower-cased.
func (st *store) inbox(id string) *inboxRecord {
	if in := st.inboxes[id]; in != nil {
		return in
	}
	return st.inboxes[strings.ToLower(id)]
}
