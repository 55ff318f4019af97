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
	pq, bad := s.parsePageQuery(c.r.URL.Query(), list, true)
	if bad != nil {
		return bad
	}
	s.mu.RLock()
	source := &s.st.podOrder
	if !c.orgScoped() {
		source = &sortedList[*podRecord]{}
		if p := s.st.pods[c.caller.podID]; p != nil {
			source.items = []*podRecord{p}
		}
	}
	items, more := source.page(pq.after, pq.ascending, pq.limit)
	body := listPodsBody{Count: len(items), Limit: pq.limit, Pods: make([]wirePod, 0, len(items))}
	for _, p := range items {
		body.Pods = append(body.Pods, podToWire(p))
	}
	s.mu.RUnlock()
	body.NextPageToken = nextToken(s, list, pq, items, more)
	return okJSON(body)
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
	s.mu.Lock()
	p, denied := s.podFor(c, c.podID)
	if denied != nil {
		s.mu.Unlock()
		return denied
	}
	if n := p.inboxes.len(); n > 0 {
		s.mu.Unlock()
		return conflict(client.CodeCannotDelete,
			fmt.Sprintf("The pod cannot be deleted: it still has inboxes (%d).", n),
			"Delete the pod's inboxes first (DELETE /v0/pods/{pod_id}/inboxes/{inbox_id}), then the pod.")
	}
	s.st.removePod(p)
	s.mu.Unlock()
	return s.durable(noContent())
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
