package sandbox

import (
	"encoding/json"
	"slices"
	"sort"
	"sync/atomic"
	"time"

	"github.com/amkeys/amkeys/client"
)

// position orders pods and keys: by created_at, then by id for ties. Page
// tokens carry a position, so paging survives inserts and deletes.
type position struct {
	at int64 // created_at, Unix nanoseconds
	id string
}

func (p position) before(q position) bool {
	if p.at != q.at {
		return p.at < q.at
	}
	return p.id < q.id
}

type positioned interface{ pos() position }

// sortedList keeps items in ascending position order, so that a page costs a
// binary search plus a copy of the page, whatever the list's length.
type sortedList[T positioned] struct{ items []T }

// search returns the index of the first item not before p.
func (l *sortedList[T]) search(p position) int {
	return sort.Search(len(l.items), func(i int) bool { return !l.items[i].pos().before(p) })
}

func (l *sortedList[T]) insert(x T) {
	l.items = slices.Insert(l.items, l.search(x.pos()), x)
}

func (l *sortedList[T]) remove(x T) {
	p := x.pos()
	if i := l.search(p); i < len(l.items) && l.items[i].pos() == p {
		l.items = slices.Delete(l.items, i, i+1)
	}
}

func (l *sortedList[T]) len() int { return len(l.items) }

// page returns up to limit items strictly after the cursor (nil: from the
// start) in the given direction, and whether more items follow.
func (l *sortedList[T]) page(after *position, ascending bool, limit int) ([]T, bool) {
	n := len(l.items)
	if ascending {
		start := 0
		if after != nil {
			start = l.search(*after)
			if start < n && l.items[start].pos() == *after {
				start++
			}
		}
		end := min(start+limit, n)
		return slices.Clone(l.items[start:end]), end < n
	}
	end := n
	if after != nil {
		end = l.search(*after)
	}
	start := max(end-limit, 0)
	out := make([]T, 0, end-start)
	for i := end - 1; i >= start; i-- {
		out = append(out, l.items[i])
	}
	return out, start > 0
}

type podRecord struct {
	id, name, clientID   string
	createdAt, updatedAt time.Time
	keys                 sortedList[*keyRecord] // the pod's keys and its inboxes' keys
	inboxes              sortedList[*inboxRecord]
}

// inboxRecord is an inbox; its id is its email address.
type inboxRecord struct {
	id, podID, displayName, clientID string
	metadata                         json.RawMessage // a validated JSON object, or nil
	createdAt, updatedAt             time.Time
	keys                             sortedList[*keyRecord]
}

func (i *inboxRecord) pos() position { return position{i.createdAt.UnixNano(), i.id} }

func (i *inboxRecord) scope() scope { return scope{podID: i.podID, inboxID: i.id} }

// publicKeyRecord is an AgentID public-key credential: a P-256 public key,
// never a secret, so it cannot authenticate a REST call.
type publicKeyRecord struct {
	id, name    string
	x, y        string // the JWK coordinates, unpadded base64url
	fingerprint string // RFC 7638 thumbprint
	scope       scope
	generation  int // the organization's generation when registered
	expiresAt   time.Time
	revokedAt   time.Time // set by a revoke-all that advanced past generation
	createdAt   time.Time
	updatedAt   time.Time
}

func (k *publicKeyRecord) pos() position { return position{k.createdAt.UnixNano(), k.id} }

// orgRecord is the one organization the sandbox serves.
type orgRecord struct {
	id                      string
	createdAt, updatedAt    time.Time
	inboxLimit, domainLimit int
	generation              int                      // AgentID sign-in key generation
	receipts                map[string]revokeReceipt // revoke-all receipts by Idempotency-Key
}

type revokeReceipt struct {
	previous, current int
	revokedAt         time.Time
}

// Limits of the sandbox organization, as GET /v0/organizations reports them.
const (
	defaultInboxLimit  = 1000
	defaultDomainLimit = 10
)

func (p *podRecord) pos() position { return position{p.createdAt.UnixNano(), p.id} }

type keyRecord struct {
	id, prefix, name, podID, inboxID string
	hash                             [32]byte // SHA-256 of the secret
	createdAt                        time.Time
	perms                            client.Permissions
	usedAt                           atomic.Int64 // Unix nanoseconds; 0 = never used
}

func (k *keyRecord) pos() position { return position{k.createdAt.UnixNano(), k.id} }

func (k *keyRecord) lastUsed() time.Time {
	if n := k.usedAt.Load(); n != 0 {
		return time.Unix(0, n).UTC()
	}
	return time.Time{}
}

func (k *keyRecord) setUsed(t time.Time) {
	if t.IsZero() {
		k.usedAt.Store(0)
		return
	}
	k.usedAt.Store(t.UnixNano())
}

// store is the sandbox's data. The Server's RWMutex guards it; a key's usedAt
// is atomic so that authentication needs only the read lock.
type store struct {
	pods           map[string]*podRecord
	podsByClientID map[string]*podRecord
	podOrder       sortedList[*podRecord]
	keys           map[string]*keyRecord
	keysByHash     map[[32]byte]*keyRecord
	orgKeys        sortedList[*keyRecord]
	inboxes        map[string]*inboxRecord
	inboxesByCID   map[string]*inboxRecord // by inboxClientKey(pod, client_id)
	inboxOrder     sortedList[*inboxRecord]
	publicKeys     map[string]*publicKeyRecord
	publicKeyOrder sortedList[*publicKeyRecord]
	org            orgRecord
	lastCreated    time.Time // newest created_at, for strictly increasing creation times
}

func newStore() *store {
	return &store{
		pods:           map[string]*podRecord{},
		podsByClientID: map[string]*podRecord{},
		keys:           map[string]*keyRecord{},
		keysByHash:     map[[32]byte]*keyRecord{},
		inboxes:        map[string]*inboxRecord{},
		inboxesByCID:   map[string]*inboxRecord{},
		publicKeys:     map[string]*publicKeyRecord{},
		org: orgRecord{inboxLimit: defaultInboxLimit, domainLimit: defaultDomainLimit,
			receipts: map[string]revokeReceipt{}},
	}
}

// nextCreatedAt returns now, moved forward if needed so that creation order
// is kept even with a frozen or coarse clock.
func (st *store) nextCreatedAt(now time.Time) time.Time {
	t := wireTime(now)
	if !t.After(st.lastCreated) {
		t = st.lastCreated.Add(time.Millisecond)
	}
	st.lastCreated = t
	return t
}

func (st *store) noteCreated(t time.Time) {
	if t.After(st.lastCreated) {
		st.lastCreated = t
	}
}

func (st *store) addPod(p *podRecord) {
	st.pods[p.id] = p
	if p.clientID != "" {
		st.podsByClientID[p.clientID] = p
	}
	st.podOrder.insert(p)
	st.noteCreated(p.createdAt)
}

// removePod deletes a pod with its inboxes, keys and public-key credentials.
func (st *store) removePod(p *podRecord) {
	for _, in := range slices.Clone(p.inboxes.items) {
		st.removeInbox(in)
	}
	for _, k := range p.keys.items {
		delete(st.keys, k.id)
		delete(st.keysByHash, k.hash)
	}
	delete(st.pods, p.id)
	if p.clientID != "" && st.podsByClientID[p.clientID] == p {
		delete(st.podsByClientID, p.clientID)
	}
	st.podOrder.remove(p)
	st.removePublicKeysIn(scope{podID: p.id})
}

func inboxClientKey(podID, clientID string) string { return podID + "\x00" + clientID }

// addInbox stores in; it reports false when its pod does not exist or its
// id is taken.
func (st *store) addInbox(in *inboxRecord) bool {
	p := st.pods[in.podID]
	if p == nil || st.inboxes[in.id] != nil {
		return false
	}
	st.inboxes[in.id] = in
	if in.clientID != "" {
		st.inboxesByCID[inboxClientKey(in.podID, in.clientID)] = in
	}
	st.inboxOrder.insert(in)
	p.inboxes.insert(in)
	st.noteCreated(in.createdAt)
	return true
}

// removeInbox deletes an inbox with its keys and public-key credentials.
func (st *store) removeInbox(in *inboxRecord) {
	for _, k := range slices.Clone(in.keys.items) {
		st.removeKey(k)
	}
	delete(st.inboxes, in.id)
	if in.clientID != "" && st.inboxesByCID[inboxClientKey(in.podID, in.clientID)] == in {
		delete(st.inboxesByCID, inboxClientKey(in.podID, in.clientID))
	}
	st.inboxOrder.remove(in)
	if p := st.pods[in.podID]; p != nil {
		p.inboxes.remove(in)
	}
	st.removePublicKeysIn(in.scope())
}

func (st *store) addPublicKey(k *publicKeyRecord) {
	st.publicKeys[k.id] = k
	st.publicKeyOrder.insert(k)
	st.noteCreated(k.createdAt)
}

func (st *store) removePublicKey(k *publicKeyRecord) {
	delete(st.publicKeys, k.id)
	st.publicKeyOrder.remove(k)
}

// removePublicKeysIn deletes the credentials within sc: their authority
// died with the pod or inbox.
func (st *store) removePublicKeysIn(sc scope) {
	for _, k := range slices.Clone(st.publicKeyOrder.items) {
		if sc.covers(k.scope) {
			st.removePublicKey(k)
		}
	}
}

// keyList is the ordered list a key with this pod id belongs to, or nil when
// the pod does not exist.
func (st *store) keyList(podID string) *sortedList[*keyRecord] {
	if podID == "" {
		return &st.orgKeys
	}
	if p := st.pods[podID]; p != nil {
		return &p.keys
	}
	return nil
}

// addKey stores k; it reports false when k's pod does not exist, or its
// inbox is not an inbox of that pod.
func (st *store) addKey(k *keyRecord) bool {
	list := st.keyList(k.podID)
	if list == nil {
		return false
	}
	if k.inboxID != "" {
		in := st.inboxes[k.inboxID]
		if in == nil || in.podID != k.podID {
			return false
		}
		in.keys.insert(k)
	}
	list.insert(k)
	st.keys[k.id] = k
	st.keysByHash[k.hash] = k
	st.noteCreated(k.createdAt)
	return true
}

func (st *store) removeKey(k *keyRecord) {
	if list := st.keyList(k.podID); list != nil {
		list.remove(k)
	}
	if in := st.inboxes[k.inboxID]; in != nil && k.inboxID != "" {
		in.keys.remove(k)
	}
	delete(st.keys, k.id)
	delete(st.keysByHash, k.hash)
}
