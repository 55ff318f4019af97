package sandbox

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
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
	return f
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
		st.addKey(k)
	}
	return st, nil
}
