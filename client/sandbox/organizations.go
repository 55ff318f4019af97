package sandbox

import (
	"github.com/amkeys/amkeys/client"
)

// GET /v0/organizations: the caller's organization with counts and limits.
// Only an organization-scoped key may read it; no permission names it, so
// none is required.
func (s *Server) getOrganization(c *call) *response {
	if !c.orgScoped() {
		return forbidden(client.CodeForbidden,
			"Only an organization API key can read the organization.",
			"Use an organization API key (one without a pod or inbox).")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.st.org
	return okJSON(wireOrganization{
		OrganizationID: o.id, InboxCount: len(s.st.inboxes), DomainCount: 0,
		InboxLimit: o.inboxLimit, DomainLimit: o.domainLimit,
		CreatedAt: formatTime(o.createdAt), UpdatedAt: formatTime(o.updatedAt),
	})
}
