package client

import (
	"fmt"
	"strings"
)

// ScopeKind names what a credential is bound to.
type ScopeKind string

// The three scopes of AgentMail credentials, outermost first.
const (
	ScopeOrganization ScopeKind = "organization"
	ScopePod          ScopeKind = "pod"
	ScopeInbox        ScopeKind = "inbox"
)

func (k ScopeKind) String() string { return string(k) }

// Scope is where a key call acts: the organization, one pod (by id) or one
// inbox (by id, its email address). The zero Scope is the organization.
type Scope struct {
	Kind ScopeKind
	ID   string // "" for the organization
}

// OrganizationScope is the organization's own keys (/v0/api-keys).
func OrganizationScope() Scope { return Scope{Kind: ScopeOrganization} }

// PodScope is one pod's keys (/v0/pods/{id}/api-keys).
func PodScope(podID string) Scope { return Scope{Kind: ScopePod, ID: podID} }

// InboxScope is one inbox's keys (/v0/inboxes/{id}/api-keys).
func InboxScope(inboxID string) Scope { return Scope{Kind: ScopeInbox, ID: inboxID} }

// IsOrganization reports whether s is the organization (the zero value too).
func (s Scope) IsOrganization() bool { return s.Kind == "" || s.Kind == ScopeOrganization }

// String is the command-line form: "organization", "pod:ID" or "inbox:ID".
func (s Scope) String() string {
	if s.IsOrganization() {
		return string(ScopeOrganization)
	}
	return string(s.Kind) + ":" + s.ID
}

// ParseScope reads the command-line form written by String.
func ParseScope(text string) (Scope, error) {
	if text == "" || text == string(ScopeOrganization) || text == "org" {
		return OrganizationScope(), nil
	}
	kind, id, ok := strings.Cut(text, ":")
	if !ok || id == "" {
		return Scope{}, fmt.Errorf("scope %q: want organization, pod:ID or inbox:EMAIL", text)
	}
	switch ScopeKind(kind) {
	case ScopePod:
		return PodScope(id), nil
	case ScopeInbox:
		return InboxScope(id), nil
	}
	return Scope{}, fmt.Errorf("scope kind %q: want organization, pod or inbox", kind)
}

// keysPath is the collection of API keys in the scope.
func (s Scope) keysPath() (string, error) {
	switch s.Kind {
	case "", ScopeOrganization:
		return "/v0/api-keys", nil
	case ScopePod:
		pod, err := podPath(s.ID)
		return pod + "/api-keys", err
	case ScopeInbox:
		inbox, err := inboxPath(s.ID)
		return inbox + "/api-keys", err
	}
	return "", fmt.Errorf("unknown scope kind %q", s.Kind)
}

// acceptsAscending: only the organization's key listing takes `ascending`.
func (s Scope) acceptsAscending() bool { return s.IsOrganization() }

func inboxPath(inboxID string) (string, error) {
	seg, err := segment(inboxID)
	return "/v0/inboxes/" + seg, err
}
