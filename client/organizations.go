package client

import (
	"context"
	"net/http"
	"time"
)

// Organization is the caller's organization, with its counts and limits.
type Organization struct {
	ID          string    `json:"organization_id"`
	InboxCount  int       `json:"inbox_count"`
	DomainCount int       `json:"domain_count"`
	InboxLimit  *int      `json:"inbox_limit,omitempty"`
	DomainLimit *int      `json:"domain_limit,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// GetOrganization returns the organization of the key. A key that may not
// read it gets a 403 (see IsForbidden); that is no reason to stop.
func (c *Client) GetOrganization(ctx context.Context) (Organization, error) {
	var out Organization
	err := c.do(ctx, request{method: http.MethodGet, path: "/v0/organizations"}, &out)
	return out, err
}
