package common

import (
	"time"

	"github.com/amkeys/amkeys/client"
)

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

// UsedKey is a key found used since it was reviewed, with the last use
// the server showed.
type UsedKey struct {
	GoneKey // the key: its id and the scope it is bound to
	UsedAt  time.Time
}

// KeysUsedMsg reports keys a bulk delete kept because they were used since
// review: every screen showing one shows its new last use.
type KeysUsedMsg struct{ Keys []UsedKey }

// Used is the message's last uses by key, for one pass over a list.
func (m KeysUsedMsg) Used() map[GoneKey]time.Time {
	set := make(map[GoneKey]time.Time, len(m.Keys))
	for _, k := range m.Keys {
		if k.Scope.IsOrganization() {
			k.Scope = client.OrganizationScope()
		}
		set[k.GoneKey] = k.UsedAt
	}
	return set
}

// UsedAt looks a key bound to scope up in the set made by Used.
func UsedAt(used map[GoneKey]time.Time, scope client.Scope, id string) (time.Time, bool) {
	if scope.IsOrganization() {
		scope = client.OrganizationScope()
	}
	t, ok := used[GoneKey{Scope: scope, ID: id}]
	return t, ok
}
