package sandbox

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/amkeys/amkeys/client"
)

// GET /v0/pods/{pod_id}/api-keys: the pod's keys and its inboxes' keys,
// newest first (the endpoint takes no ascending parameter).
func (s *Server) listPodKeys(c *call) *response {
	return s.keyListing(c, "pod-keys:"+c.podID, false, func() (*sortedList[*keyRecord], *response) {
		p, denied := s.podFor(c, c.podID)
		if denied != nil {
			return nil, denied
		}
		return &p.keys, nil
	})
}

// GET /v0/inboxes/{inbox_id}/api-keys: newest first.
func (s *Server) listInboxKeys(c *call) *response {
	return s.keyListing(c, "inbox-keys:"+c.inboxID, false, func() (*sortedList[*keyRecord], *response) {
		in, denied := s.inboxFor(c, c.inboxID)
		if denied != nil {
			return nil, denied
		}
		return &in.keys, nil
	})
}

// GET /v0/api-keys: the caller's own scope, that is the organization keys
// for an organization key, its pod's keys (as the pod listing) for a pod
// key and its inbox's keys for an inbox key.
func (s *Server) listScopeKeys(c *call) *response {
	cs := c.caller.scope()
	list := "org-keys"
	switch {
	case cs.isInbox():
		list = "inbox-keys:" + cs.inboxID
	case !cs.isOrg():
		list = "pod-keys:" + cs.podID
	}
	return s.keyListing(c, list, true, func() (*sortedList[*keyRecord], *response) {
		keys := s.st.keyList(cs.podID)
		if cs.isInbox() {
			keys = nil
			if in := s.st.inboxes[cs.inboxID]; in != nil {
				keys = &in.keys
			}
		}
		if keys == nil {
			return nil, notFound("pod")
		}
		return keys, nil
	})
}

// keyListing answers one page of the key listing named list, whose keys
// find returns (see pageOf).
func (s *Server) keyListing(c *call, list string, takesAscending bool,
	find func() (*sortedList[*keyRecord], *response)) *response {
	if denied := c.require("api_key_read"); denied != nil {
		return denied
	}
	pg, bad := pageOf(s, c, list, takesAscending, find, keyToWire)
	if bad != nil {
		return bad
	}
	return okJSON(listKeysBody{Count: len(pg.items), NextPageToken: pg.token, APIKeys: pg.items})
}

// POST /v0/pods/{pod_id}/api-keys
func (s *Server) createPodKey(c *call) *response {
	return s.createKey(c, func() (scope, *response) {
		p, denied := s.podFor(c, c.podID)
		if denied != nil {
			return scope{}, denied
		}
		return scope{podID: p.id}, nil
	})
}

// POST /v0/inboxes/{inbox_id}/api-keys
func (s *Server) createInboxKey(c *call) *response {
	return s.createKey(c, func() (scope, *response) {
		in, denied := s.inboxFor(c, c.inboxID)
		if denied != nil {
			return scope{}, denied
		}
		return in.scope(), nil
	})
}

// POST /v0/api-keys: a key in the caller's own scope.
func (s *Server) createScopeKey(c *call) *response {
	return s.createKey(c, func() (scope, *response) { return c.caller.scope(), nil })
}

// createKey makes a key in the scope target finds (called with s.mu
// locked): the only answer that ever carries the secret.
func (s *Server) createKey(c *call, target func() (scope, *response)) *response {
	if denied := c.require("api_key_create"); denied != nil {
		return denied
	}
	req, bad := parseKeyRequest(c)
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	sc, denied := target()
	if denied != nil {
		s.mu.Unlock()
		return denied
	}
	if denied := checkEscalation(c.caller.perms, req.perms); denied != nil {
		s.mu.Unlock()
		return denied
	}
	secret := newSecret()
	k := &keyRecord{
		id: newID(), prefix: secretPrefix(secret), name: req.name, podID: sc.podID, inboxID: sc.inboxID,
		hash: hashSecret(secret), createdAt: s.st.nextCreatedAt(s.now()), perms: req.perms,
	}
	if k.name == "" {
		k.name = "API key " + k.prefix
	}
	if !s.st.addKey(k) { // the scope went away between lookup and insert: cannot happen under one lock
		s.mu.Unlock()
		return notFound("scope")
	}
	s.mu.Unlock()
	return s.durable(okJSON(wireCreatedKey{
		APIKeyID: k.id, APIKey: secret, Prefix: k.prefix, Name: k.name, PodID: k.podID, InboxID: k.inboxID,
		Permissions: wirePermissions(k.perms), CreatedAt: formatTime(k.createdAt),
	}))
}

// DELETE /v0/pods/{pod_id}/api-keys/{api_key_id}: any key of the pod's
// listing, its inboxes' keys included.
func (s *Server) deletePodKey(c *call) *response {
	if denied := c.require("api_key_delete"); denied != nil {
		return denied
	}
	return s.deleteWith(func() (func(), *response) {
		if _, denied := s.podFor(c, c.podID); denied != nil {
			return nil, denied
		}
		return s.listedKey(c.keyID, func(k *keyRecord) bool { return k.podID == c.podID })
	})
}

// DELETE /v0/inboxes/{inbox_id}/api-keys/{api_key_id}
func (s *Server) deleteInboxKey(c *call) *response {
	if denied := c.require("api_key_delete"); denied != nil {
		return denied
	}
	return s.deleteWith(func() (func(), *response) {
		if _, denied := s.inboxFor(c, c.inboxID); denied != nil {
			return nil, denied
		}
		return s.listedKey(c.keyID, func(k *keyRecord) bool { return k.inboxID == c.inboxID })
	})
}

// DELETE /v0/api-keys/{api_key_id}: only keys of the caller's own listing.
func (s *Server) deleteScopeKey(c *call) *response {
	if denied := c.require("api_key_delete"); denied != nil {
		return denied
	}
	cs := c.caller.scope()
	return s.deleteWith(func() (func(), *response) {
		return s.listedKey(c.keyID, func(k *keyRecord) bool {
			if cs.isInbox() {
				return k.inboxID == cs.inboxID
			}
			return k.podID == cs.podID
		})
	})
}

// listedKey is the removal of the key if it is in the listing (see
// deleteWith). Hold s.mu.
func (s *Server) listedKey(keyID string, listed func(*keyRecord) bool) (func(), *response) {
	k := s.st.keys[keyID]
	if k == nil || !listed(k) {
		return nil, notFound("API key")
	}
	return func() { s.st.removeKey(k) }, nil
}

type keyRequest struct {
	name  string
	perms client.Permissions
}

// parseKeyRequest reads {name?, permissions?}. Permissions absent or null
// ask for an unrestricted key; an object grants its true entries.
func parseKeyRequest(c *call) (keyRequest, *response) {
	m, bad := readObject(c.r)
	if bad != nil {
		return keyRequest{}, bad
	}
	name, _, nameErr := optionalName(m, "name")
	errs := fieldErrors(nameErr)
	perms, permErrs := parsePermissions(m["permissions"])
	errs = append(errs, permErrs...)
	if len(errs) > 0 {
		return keyRequest{}, invalid(errs...)
	}
	return keyRequest{name: name, perms: perms}, nil
}

// parsePermissions reads a permissions object. Like the API, it drops names
// it does not define (older clients still send thread_read) without a
// word; the names it keeps must be set to true or false.
func parsePermissions(raw json.RawMessage) (client.Permissions, []client.FieldError) {
	if raw == nil || string(raw) == "null" {
		return client.Unrestricted(), nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return client.Permissions{}, []client.FieldError{
			field("permissions", "must be an object of permission names set to true or false")}
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	var granted []string
	var errs []client.FieldError
	for _, n := range names {
		if info, known := client.LookupPermission(n); !known || info.Legacy {
			continue
		}
		var on bool
		if err := json.Unmarshal(m[n], &on); err != nil {
			errs = append(errs, field("permissions."+n, "must be true or false"))
			continue
		}
		if on {
			granted = append(granted, n)
		}
	}
	return client.Restricted(granted...), errs
}

// checkEscalation refuses a key that would grant more than its creator has.
func checkEscalation(caller, wanted client.Permissions) *response {
	if caller.Covers(wanted) {
		return nil
	}
	if wanted.IsUnrestricted() {
		return forbidden(client.CodeUnrestrictedKeyRequired,
			"Only an unrestricted API key can create an unrestricted API key.",
			"Send a permissions object listing only permissions your key has, or use an unrestricted key.")
	}
	missing := strings.Join(caller.Missing(wanted), ", ")
	return forbidden(client.CodePermissionEscalation,
		"An API key cannot grant permissions it does not have: "+missing+".",
		"Remove "+missing+" from permissions, or use a key that has them.")
}
