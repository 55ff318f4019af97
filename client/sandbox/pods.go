package sandbox

import (
	"fmt"

	"github.com/amkeys/amkeys/client"
)

// GET /v0/pods: newest first unless ascending=true. A pod key sees only its
// own pod.
func (s *Server) listPods(c *call) *response {
	if denied := c.require("pod_read"); denied != nil {
		return denied
	}
	if c.caller.scope().isInbox() {
		return inboxCallerForbidden()
	}
	list := "pods"
	if !c.orgScoped() {
		list = "pods:" + c.caller.podID
	}
	pg, bad := pageOf(s, c, list, true, func() (*sortedList[*podRecord], *response) {
		if !c.orgScoped() {
			p := s.st.pods[c.caller.podID]
			return onlyItem(p, p != nil), nil
		}
		return &s.st.podOrder, nil
	}, podToWire)
	if bad != nil {
		return bad
	}
	return okJSON(listPodsBody{Count: len(pg.items), Limit: pg.limit, NextPageToken: pg.token, Pods: pg.items})
}

// GET /v0/pods/{pod_id}
func (s *Server) getPod(c *call) *response {
	if denied := c.require("pod_read"); denied != nil {
		return denied
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, denied := s.podFor(c, c.podID)
	if denied != nil {
		return denied
	}
	return okJSON(podToWire(p))
}

// POST /v0/pods {name?, client_id?}. A known client_id returns the existing
// pod (200) instead of creating a second one. Without a name, the pod is
// named after its client_id, or else its id.
func (s *Server) createPod(c *call) *response {
	if denied := c.require("pod_create"); denied != nil {
		return denied
	}
	if !c.orgScoped() {
		return forbidden(client.CodeForbidden, "Only an organization API key can create pods.",
			"Use an organization API key to create pods.")
	}
	m, bad := readObject(c.r)
	if bad != nil {
		return bad
	}
	name, hasName, nameErr := optionalName(m, "name")
	clientID, hasClientID, clientErr := optionalName(m, "client_id")
	if errs := fieldErrors(nameErr, clientErr); len(errs) > 0 {
		return invalid(errs...)
	}

	s.mu.Lock()
	if p := s.st.podsByClientID[clientID]; hasClientID && p != nil {
		body := podToWire(p)
		s.mu.Unlock()
		return s.durable(okJSON(body))
	}
	p := &podRecord{id: newID(), clientID: clientID, name: name}
	p.createdAt = s.st.nextCreatedAt(s.now())
	p.updatedAt = p.createdAt
	switch {
	case hasName:
	case hasClientID:
		p.name = clientID
	default:
		p.name = p.id
	}
	s.st.addPod(p)
	body := podToWire(p)
	s.mu.Unlock()
	return s.durable(okJSON(body))
}

// DELETE /v0/pods/{pod_id}: the pod with its keys and public-key
// credentials. A pod that still has inboxes cannot be deleted (409
// cannot_delete): deleting mail along with a pod must be deliberate.
func (s *Server) deletePod(c *call) *response {
	if denied := c.require("pod_delete"); denied != nil {
		return denied
	}
	return s.deleteWith(func() (func(), *response) {
		p, denied := s.podFor(c, c.podID)
		if denied != nil {
			return nil, denied
		}
		if n := p.inboxes.len(); n > 0 {
			return nil, conflict(client.CodeCannotDelete,
				fmt.Sprintf("The pod cannot be deleted: it still has inboxes (%d).", n),
				"Delete the pod's inboxes first (DELETE /v0/pods/{pod_id}/inboxes/{inbox_id}), then the pod.")
		}
		return func() { s.st.removePod(p) }, nil
	})
}

func fieldErrors(errs ...*client.FieldError) []client.FieldError {
	var out []client.FieldError
	for _, e := range errs {
		if e != nil {
			out = append(out, *e)
		}
	}
	return out
}
