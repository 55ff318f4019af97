package sandbox

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/amkeys/amkeys/client"
)

const stateVersion = 1

// stateFile is the on-disk form. It holds SHA-256 hashes of the keys, never
// a secret.
type stateFile struct {
	Version int        `json:"version"`
	Note    string     `json:"note"`
	Pods    []statePod `json:"pods"`
	Keys    []stateKey `json:"keys"`
	// Absent from files written before inboxes and public keys existed.
	Organization *stateOrg        `json:"organization,omitempty"`
	Inboxes      []stateInbox     `json:"inboxes,omitempty"`
	PublicKeys   []statePublicKey `json:"public_keys,omitempty"`
}

type stateOrg struct {
	ID          string         `json:"organization_id"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	InboxLimit  int            `json:"inbox_limit"`
	DomainLimit int            `json:"domain_limit"`
	Generation  int            `json:"agentid_generation"`
	Receipts    []stateReceipt `json:"revoke_all_receipts,omitempty"`
}

type stateReceipt struct {
	IdempotencyKey string    `json:"idempotency_key"`
	Previous       int       `json:"previous_generation"`
	Current        int       `json:"current_generation"`
	RevokedAt      time.Time `json:"revoked_at"`
}

type stateInbox struct {
	ID          string          `json:"inbox_id"`
	PodID       string          `json:"pod_id"`
	DisplayName string          `json:"display_name,omitempty"`
	ClientID    string          `json:"client_id,omitempty"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

type statePublicKey struct {
	ID         string     `json:"api_key_id"`
	Name       string     `json:"name"`
	X          string     `json:"x"`
	Y          string     `json:"y"`
	PodID      string     `json:"pod_id,omitempty"`
	InboxID    string     `json:"inbox_id,omitempty"`
	Generation int        `json:"generation"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

type statePod struct {
	ID        string    `json:"pod_id"`
	Name      string    `json:"name"`
	ClientID  string    `json:"client_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type stateKey struct {
	ID          string             `json:"api_key_id"`
	SHA256      string             `json:"sha256"`
	Prefix      string             `json:"prefix"`
	Name        string             `json:"name"`
	PodID       string             `json:"pod_id,omitempty"`
	InboxID     string             `json:"inbox_id,omitempty"`
	CreatedAt   time.Time          `json:"created_at"`
	UsedAt      *time.Time         `json:"used_at,omitempty"`
	Permissions client.Permissions `json:"permissions"`
}

func (st *store) snapshot() stateFile {
	f := stateFile{
		Version: stateVersion,
		Note:    "amkeys sandbox state: API keys are stored as SHA-256 hashes, never as secrets",
		Pods:    make([]statePod, 0, len(st.pods)),
		Keys:    make([]stateKey, 0, len(st.keys)),
	}
	addKeys := func(keys []*keyRecord) {
		for _, k := range keys {
			sk := stateKey{
				ID: k.id, SHA256: hex.EncodeToString(k.hash[:]), Prefix: k.prefix, Name: k.name,
				PodID: k.podID, InboxID: k.inboxID, CreatedAt: k.createdAt, Permissions: k.perms,
			}
			if used := k.lastUsed(); !used.IsZero() {
				sk.UsedAt = &used
			}
			f.Keys = append(f.Keys, sk)
		}
	}
	addKeys(st.orgKeys.items)
	for _, p := range st.podOrder.items {
		f.Pods = append(f.Pods, statePod{ID: p.id, Name: p.name, ClientID: p.clientID, CreatedAt: p.createdAt, UpdatedAt: p.updatedAt})
		addKeys(p.keys.items)
	}
	st.snapshotRest(&f)
	return f
}

// snapshotRest adds the organization, inboxes and public keys.
func (st *store) snapshotRest(f *stateFile) {
	o := st.org
	so := &stateOrg{ID: o.id, CreatedAt: o.createdAt, UpdatedAt: o.updatedAt, InboxLimit: o.inboxLimit,
		DomainLimit: o.domainLimit, Generation: o.generation}
	for _, id := range slices.Sorted(maps.Keys(o.receipts)) {
		r := o.receipts[id]
		so.Receipts = append(so.Receipts, stateReceipt{IdempotencyKey: id, Previous: r.previous, Current: r.current, RevokedAt: r.revokedAt})
	}
	f.Organization = so
	for _, in := range st.inboxOrder.items {
		f.Inboxes = append(f.Inboxes, stateInbox{ID: in.id, PodID: in.podID, DisplayName: in.displayName,
			ClientID: in.clientID, Metadata: in.metadata, CreatedAt: in.createdAt, UpdatedAt: in.updatedAt})
	}
	for _, k := range st.publicKeyOrder.items {
		sk := statePublicKey{ID: k.id, Name: k.name, X: k.x, Y: k.y, PodID: k.scope.podID, InboxID: k.scope.inboxID,
			Generation: k.generation, CreatedAt: k.createdAt, UpdatedAt: k.updatedAt}
		if !k.expiresAt.IsZero() {
			sk.ExpiresAt = &k.expiresAt
		}
		if !k.revokedAt.IsZero() {
			sk.RevokedAt = &k.revokedAt
		}
		f.PublicKeys = append(f.PublicKeys, sk)
	}
}

// loadState reads a state file. A missing file gives an error matching
// os.ErrNotExist; any other problem names the file.
func loadState(path string) (*store, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, err
		}
		return nil, fmt.Errorf("sandbox: reading state file %s: %w", path, err)
	}
	var f stateFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("sandbox: state file %s is corrupt (not valid JSON): %w", path, err)
	}
	st, err := f.toStore()
	if err != nil {
		return nil, fmt.Errorf("sandbox: state file %s is corrupt: %w", path, err)
	}
	return st, nil
}

func (f stateFile) toStore() (*store, error) {
	if f.Version != stateVersion {
		return nil, fmt.Errorf("unsupported version %d (want %d)", f.Version, stateVersion)
	}
	st := newStore()
	for i, sp := range f.Pods {
		switch {
		case sp.ID == "":
			return nil, fmt.Errorf("pod #%d has no pod_id", i+1)
		case st.pods[sp.ID] != nil:
			return nil, fmt.Errorf("pod #%d repeats pod_id %q", i+1, sp.ID)
		case sp.ClientID != "" && st.podsByClientID[sp.ClientID] != nil:
			return nil, fmt.Errorf("pod #%d repeats client_id %q", i+1, sp.ClientID)
		}
		st.addPod(&podRecord{id: sp.ID, name: sp.Name, clientID: sp.ClientID,
			createdAt: wireTime(sp.CreatedAt), updatedAt: wireTime(sp.UpdatedAt)})
	}
	if err := f.restoreOrgAndInboxes(st); err != nil {
		return nil, err
	}
	for i, sk := range f.Keys {
		hash, err := hex.DecodeString(sk.SHA256)
		switch {
		case sk.ID == "":
			return nil, fmt.Errorf("key #%d has no api_key_id", i+1)
		case st.keys[sk.ID] != nil:
			return nil, fmt.Errorf("key #%d repeats api_key_id %q", i+1, sk.ID)
		case err != nil || len(hash) != 32:
			return nil, fmt.Errorf("key #%d has a malformed sha256", i+1)
		case sk.PodID != "" && st.pods[sk.PodID] == nil:
			return nil, fmt.Errorf("key #%d belongs to pod %q, which the file does not hold", i+1, sk.PodID)
		}
		k := &keyRecord{id: sk.ID, prefix: sk.Prefix, name: sk.Name, podID: sk.PodID, inboxID: sk.InboxID,
			createdAt: wireTime(sk.CreatedAt), perms: sk.Permissions}
		copy(k.hash[:], hash)
		if st.keysByHash[k.hash] != nil {
			return nil, fmt.Errorf("key #%d repeats the hash of another key", i+1)
		}
		if sk.UsedAt != nil {
			k.setUsed(wireTime(*sk.UsedAt))
		}
		if f.Organization == nil && sk.InboxID != "" && st.inboxes[sk.InboxID] == nil {
			// A file from before inboxes: the key's inbox becomes real.
			st.addInbox(&inboxRecord{id: sk.InboxID, podID: sk.PodID, createdAt: k.createdAt, updatedAt: k.createdAt})
		}
		if !st.addKey(k) {
			return nil, fmt.Errorf("key #%d belongs to inbox %q, which is not an inbox of its pod", i+1, sk.InboxID)
		}
	}
	if err := f.restorePublicKeys(st); err != nil {
		return nil, err
	}
	return st, nil
}

// restoreOrgAndInboxes loads the organization (a new one for a file that
// predates it) and the inboxes.
func (f stateFile) restoreOrgAndInboxes(st *store) error {
	if so := f.Organization; so != nil {
		if so.ID == "" || so.Generation < 0 {
			return fmt.Errorf("the organization has no organization_id or a negative generation")
		}
		st.org.id, st.org.generation = so.ID, so.Generation
		st.org.createdAt, st.org.updatedAt = wireTime(so.CreatedAt), wireTime(so.UpdatedAt)
		if so.InboxLimit > 0 {
			st.org.inboxLimit = so.InboxLimit
		}
		if so.DomainLimit > 0 {
			st.org.domainLimit = so.DomainLimit
		}
		for _, r := range so.Receipts {
			st.org.receipts[r.IdempotencyKey] = revokeReceipt{previous: r.Previous, current: r.Current, revokedAt: wireTime(r.RevokedAt)}
		}
	} else {
		st.org.id = newID()
		st.org.createdAt = wireTime(time.Now())
		st.org.updatedAt = st.org.createdAt
	}
	for i, si := range f.Inboxes {
		switch {
		case si.ID == "":
			return fmt.Errorf("inbox #%d has no inbox_id", i+1)
		case st.pods[si.PodID] == nil:
			return fmt.Errorf("inbox #%d belongs to pod %q, which the file does not hold", i+1, si.PodID)
		case st.inboxes[si.ID] != nil:
			return fmt.Errorf("inbox #%d repeats inbox_id %q", i+1, si.ID)
		case si.Metadata != nil && !json.Valid(si.Metadata):
			return fmt.Errorf("inbox #%d has malformed metadata", i+1)
		}
		st.addInbox(&inboxRecord{id: si.ID, podID: si.PodID, displayName: si.DisplayName, clientID: si.ClientID,
			metadata: si.Metadata, createdAt: wireTime(si.CreatedAt), updatedAt: wireTime(si.UpdatedAt)})
	}
	return nil
}

func (f stateFile) restorePublicKeys(st *store) error {
	for i, sp := range f.PublicKeys {
		jwk, _ := json.Marshal(wireJWK{Kty: "EC", Crv: "P-256", X: sp.X, Y: sp.Y})
		x, y, errs := parseJWK(jwk)
		sc := scope{podID: sp.PodID, inboxID: sp.InboxID}
		switch {
		case sp.ID == "" || st.publicKeys[sp.ID] != nil:
			return fmt.Errorf("public key #%d has no api_key_id or repeats one", i+1)
		case len(errs) > 0:
			return fmt.Errorf("public key #%d is not a valid P-256 public key", i+1)
		case sc.podID != "" && st.pods[sc.podID] == nil,
			sc.inboxID != "" && (st.inboxes[sc.inboxID] == nil || st.inboxes[sc.inboxID].podID != sc.podID):
			return fmt.Errorf("public key #%d has a scope the file does not hold", i+1)
		}
		k := &publicKeyRecord{id: sp.ID, name: sp.Name, x: x, y: y, fingerprint: jwkThumbprint(x, y), scope: sc,
			generation: sp.Generation, createdAt: wireTime(sp.CreatedAt), updatedAt: wireTime(sp.UpdatedAt)}
		if sp.ExpiresAt != nil {
			k.expiresAt = wireTime(*sp.ExpiresAt)
		}
		if sp.RevokedAt != nil {
			k.revokedAt = wireTime(*sp.RevokedAt)
		}
		st.addPublicKey(k)
	}
	return nil
}
