package common

import "github.com/amkeys/amkeys/client"

// GoneKey is a key that is no longer on the server: its id and the scope
// it is bound to.
type GoneKey struct {
	Scope client.Scope
	ID    string
}

// KeysGoneMsg reports keys deleted (or found already gone) by a bulk
// delete: every screen showing one drops it, and its mark.
type KeysGoneMsg struct{ Keys []GoneKey }

// Gone is a set of the message's keys, for one pass over a list.
func (m KeysGoneMsg) Gone() map[GoneKey]bool {
	set := make(map[GoneKey]bool, len(m.Keys))
	for _, k := range m.Keys {
		if k.Scope.IsOrganization() {
			k.Scope = client.OrganizationScope()
		}
		set[k] = true
	}
	return set
}

// Has reports whether a key bound to scope with this id is in the set
// made by Gone.
func Has(gone map[GoneKey]bool, scope client.Scope, id string) bool {
	if scope.IsOrganization() {
		scope = client.OrganizationScope()
	}
	return gone[GoneKey{Scope: scope, ID: id}]
}
