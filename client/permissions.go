package client

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"github.com/amkeys/amkeys/assets"
)

// PermissionInfo describes one permission from the embedded catalogue.
type PermissionInfo struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Risky       bool   `json:"risky,omitempty"`
	Group       string `json:"group,omitempty"`
	Legacy      bool   `json:"-"`
}

// PermissionGroup is one resource's permissions, in catalogue order.
type PermissionGroup struct {
	ID          string           `json:"id"`
	Title       string           `json:"title"`
	Permissions []PermissionInfo `json:"permissions"`
}

// catalogue is parsed once from assets; the index of a name in names is its
// bit in a PermissionSet.
var catalogue = loadCatalogue()

type permissionCatalogue struct {
	groups  []PermissionGroup
	names   []string // current names first, then legacy ones
	current int      // how many of names are current
	index   map[string]uint8
	info    []PermissionInfo
}

func loadCatalogue() permissionCatalogue {
	var raw struct {
		Groups []PermissionGroup `json:"groups"`
		Legacy []PermissionInfo  `json:"legacy"`
	}
	if err := json.Unmarshal(assets.PermissionsJSON, &raw); err != nil {
		panic("amkeys: embedded permission catalogue is invalid: " + err.Error())
	}
	c := permissionCatalogue{groups: raw.Groups, index: map[string]uint8{}}
	add := func(p PermissionInfo) {
		c.index[p.Name] = uint8(len(c.names))
		c.names = append(c.names, p.Name)
		c.info = append(c.info, p)
	}
	for gi := range c.groups {
		for pi := range c.groups[gi].Permissions {
			c.groups[gi].Permissions[pi].Group = c.groups[gi].ID
			add(c.groups[gi].Permissions[pi])
		}
	}
	c.current = len(c.names)
	for _, p := range raw.Legacy {
		p.Legacy = true
		add(p)
	}
	if len(c.names) > 64 {
		panic("amkeys: permission catalogue exceeds the 64-bit set")
	}
	return c
}

// PermissionGroups returns the current permissions grouped by resource.
func PermissionGroups() []PermissionGroup { return catalogue.groups }

// CurrentPermissionNames returns the names the current API defines, in
// catalogue order.
func CurrentPermissionNames() []string { return catalogue.names[:catalogue.current] }

// CurrentPermissionCount is the number of permissions the current API defines
// (the "of 36" in "12 of 36").
func CurrentPermissionCount() int { return catalogue.current }

// LookupPermission returns the catalogue entry for a name, current or legacy.
func LookupPermission(name string) (PermissionInfo, bool) {
	i, ok := catalogue.index[name]
	if !ok {
		return PermissionInfo{}, false
	}
	return catalogue.info[i], true
}

// Permissions is a key's permission record. The zero value is UNRESTRICTED:
// the server sent no permissions object (absent or null), which grants
// everything within the key's scope. A restricted record is a whitelist.
//
// Known names live in a 64-bit set so that 100,000 loaded keys stay small;
// names this build does not know are kept, sorted, in Other.
type Permissions struct {
	set        uint64
	restricted bool
	other      *[]string
}

// Unrestricted returns the record of a key with full access in its scope.
func Unrestricted() Permissions { return Permissions{} }

// Restricted returns a whitelist of the given names (unknown names are kept).
func Restricted(names ...string) Permissions {
	p := Permissions{restricted: true}
	for _, n := range names {
		p = p.With(n)
	}
	return p
}

// IsUnrestricted reports whether the key has no permission whitelist.
func (p Permissions) IsUnrestricted() bool { return !p.restricted }

// Has reports whether the record grants name. An unrestricted key has every
// permission.
func (p Permissions) Has(name string) bool {
	if !p.restricted {
		return true
	}
	if i, ok := catalogue.index[name]; ok {
		return p.set&(1<<i) != 0
	}
	if p.other != nil {
		for _, o := range *p.other {
			if o == name {
				return true
			}
		}
	}
	return false
}

// With returns a restricted copy that also grants name.
func (p Permissions) With(name string) Permissions {
	p.restricted = true
	if i, ok := catalogue.index[name]; ok {
		p.set |= 1 << i
		return p
	}
	if p.Has(name) {
		return p
	}
	var other []string
	if p.other != nil {
		other = append(other, *p.other...)
	}
	other = append(other, name)
	sort.Strings(other)
	p.other = &other
	return p
}

// Without returns a restricted copy that no longer grants a known name.
// Unknown names are removed too.
func (p Permissions) Without(name string) Permissions {
	p.restricted = true
	if i, ok := catalogue.index[name]; ok {
		p.set &^= 1 << i
		return p
	}
	if p.other == nil {
		return p
	}
	var other []string
	for _, o := range *p.other {
		if o != name {
			other = append(other, o)
		}
	}
	if len(other) == 0 {
		p.other = nil
	} else {
		p.other = &other
	}
	return p
}

// Names returns the granted names: known ones in catalogue order, then the
// unknown ones. It is empty for an unrestricted record; check that first.
func (p Permissions) Names() []string {
	var out []string
	for s := p.set; s != 0; s &= s - 1 {
		out = append(out, catalogue.names[bits.TrailingZeros64(s)])
	}
	return append(out, p.Other()...)
}

// Other returns granted names this build does not know, sorted.
func (p Permissions) Other() []string {
	if p.other == nil {
		return nil
	}
	return *p.other
}

// GrantedCount counts granted names (known and unknown) of a restricted record.
func (p Permissions) GrantedCount() int {
	return bits.OnesCount64(p.set) + len(p.Other())
}

// CurrentGrantedCount counts granted names among the current catalogue, for
// "12 of 36".
func (p Permissions) CurrentGrantedCount() int {
	mask := uint64(1)<<catalogue.current - 1
	return bits.OnesCount64(p.set & mask)
}

// Covers reports whether p grants everything q grants (escalation check).
func (p Permissions) Covers(q Permissions) bool {
	if p.IsUnrestricted() {
		return true
	}
	if q.IsUnrestricted() {
		return false
	}
	if q.set&^p.set != 0 {
		return false
	}
	for _, o := range q.Other() {
		if !p.Has(o) {
			return false
		}
	}
	return true
}

// Missing lists names q grants that p does not, in catalogue order.
func (p Permissions) Missing(q Permissions) []string {
	if p.IsUnrestricted() || q.IsUnrestricted() {
		return nil
	}
	var out []string
	for _, n := range q.Names() {
		if !p.Has(n) {
			out = append(out, n)
		}
	}
	return out
}

// Equal reports whether two records grant the same thing.
func (p Permissions) Equal(q Permissions) bool {
	if p.restricted != q.restricted || p.set != q.set {
		return false
	}
	a, b := p.Other(), q.Other()
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Summary is the short form used in tables: "unrestricted" or "12 of 36".
func (p Permissions) Summary() string {
	if p.IsUnrestricted() {
		return "unrestricted"
	}
	s := strconv.Itoa(p.CurrentGrantedCount()) + " of " + strconv.Itoa(catalogue.current)
	if extra := p.GrantedCount() - p.CurrentGrantedCount(); extra > 0 {
		s += " +" + strconv.Itoa(extra)
	}
	return s
}

// String lists the record for logs and reports.
func (p Permissions) String() string {
	if p.IsUnrestricted() {
		return "unrestricted"
	}
	return "[" + strings.Join(p.Names(), ",") + "]"
}

// MarshalJSON writes the wire form: null when unrestricted, otherwise an
// object of granted names set to true.
func (p Permissions) MarshalJSON() ([]byte, error) {
	if p.IsUnrestricted() {
		return []byte("null"), nil
	}
	m := make(map[string]bool, p.GrantedCount())
	for _, n := range p.Names() {
		m[n] = true
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads the wire form. Null means unrestricted; an object is a
// whitelist in which only true entries grant. Unknown names are kept.
func (p *Permissions) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*p = Permissions{}
		return nil
	}
	var m map[string]bool
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("permissions: %w", err)
	}
	out := Permissions{restricted: true}
	var other []string
	for name, granted := range m {
		if !granted {
			continue
		}
		if i, ok := catalogue.index[name]; ok {
			out.set |= 1 << i
		} else {
			other = append(other, name)
		}
	}
	if len(other) > 0 {
		sort.Strings(other)
		out.other = &other
	}
	*p = out
	return nil
}
