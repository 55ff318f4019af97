package common

import "github.com/amkeys/amkeys/client"

// KeyScope is where a keys screen, the create form, the secret and the key
// detail act: a client.Scope and the name the user knows it by. One value
// serves the organization, a pod and an inbox, so that one flow serves all
// three.
type KeyScope struct {
	Scope client.Scope
	// Label is the pod's name or the inbox's email address (server text,
	// sanitised when drawn); "" for the organization.
	Label string
}

// OrganizationKeys is the organization's own keys.
func OrganizationKeys() KeyScope { return KeyScope{Scope: client.OrganizationScope()} }

// PodKeys is the keys of pod p.
func PodKeys(p client.Pod) KeyScope {
	return KeyScope{Scope: client.PodScope(p.ID), Label: p.Name}
}

// InboxKeys is the keys of inbox in.
func InboxKeys(in client.Inbox) KeyScope {
	label := in.Email
	if label == "" {
		label = in.ID
	}
	return KeyScope{Scope: client.InboxScope(in.ID), Label: label}
}

// Kind is "organization", "pod" or "inbox".
func (s KeyScope) Kind() string {
	if s.Scope.IsOrganization() {
		return client.ScopeOrganization.String()
	}
	return s.Scope.Kind.String()
}

// Name is what the scope is called on screen: the label, or for the
// organization "the organization".
func (s KeyScope) Name() string {
	if s.Scope.IsOrganization() {
		return "the organization"
	}
	if s.Label == "" {
		return s.Scope.ID
	}
	return s.Label
}

// Describe names the scope with its kind: "pod Acme Support", "inbox
// a@b.to", "the organization".
func (s KeyScope) Describe() string {
	if s.Scope.IsOrganization() {
		return s.Name()
	}
	return s.Kind() + " " + s.Name()
}

// Title is the breadcrumb entry of the scope's keys screen.
func (s KeyScope) Title() string {
	if s.Scope.IsOrganization() {
		return "organization keys"
	}
	return s.Name()
}

// Where names the scope a key is bound to, the same way on every screen:
// "organization", "pod Acme Support", "inbox a@b.to". label is the pod's
// name or the inbox's address (server text, sanitised when drawn); "" shows
// the id.
func Where(s client.Scope, label string) string {
	if s.IsOrganization() {
		return "organization"
	}
	if label == "" {
		label = s.ID
	}
	return s.Kind.String() + " " + label
}
