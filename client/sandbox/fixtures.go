package sandbox

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/amkeys/amkeys/client"
)

// AddPod adds a pod directly, without the API's validation, so that tests
// can plant hostile or huge names. A clientID already in use returns that
// pod unchanged, as the API does. An empty name stays empty.
func (s *Server) AddPod(name, clientID string) client.Pod {
	s.mu.Lock()
	if p := s.st.podsByClientID[clientID]; clientID != "" && p != nil {
		defer s.mu.Unlock()
		return podToClient(p)
	}
	p := &podRecord{id: newID(), name: name, clientID: clientID}
	p.createdAt = s.st.nextCreatedAt(s.now())
	p.updatedAt = p.createdAt
	s.st.addPod(p)
	out := podToClient(p)
	s.mu.Unlock()
	s.mutated()
	return out
}

// AddKey adds a key directly, without validation or escalation checks, and
// returns it with its secret. podID "" makes an organization key; a zero
// usedAt means never used (usedAt is stored as given). If podID names no
// pod, nothing is added and the zero value is returned.
func (s *Server) AddKey(podID, name string, perms client.Permissions, usedAt time.Time) client.CreatedAPIKey {
	secret := newSecret()
	k := &keyRecord{id: newID(), prefix: secretPrefix(secret), name: name, podID: podID,
		hash: hashSecret(secret), perms: perms}
	if !usedAt.IsZero() {
		k.setUsed(wireTime(usedAt))
	}
	s.mu.Lock()
	if s.st.keyList(podID) == nil {
		s.mu.Unlock()
		s.logError("AddKey: no pod %q", podID)
		return client.CreatedAPIKey{}
	}
	k.createdAt = s.st.nextCreatedAt(s.now())
	s.st.addKey(k)
	out := client.CreatedAPIKey{APIKey: keyToClient(k), Secret: secret}
	s.mu.Unlock()
	s.mutated()
	return out
}

// AddPods adds n pods with keysPerPod keys each, quickly, for benchmarks:
// pods created a minute apart ending now, keys with varied permissions and
// last use. Names are "Bulk pod N" with client ids "bulk-N".
func (s *Server) AddPods(n, keysPerPod int) {
	if n <= 0 {
		return
	}
	keysPerPod = max(keysPerPod, 0)
	now := wireTime(s.now())
	s.mu.Lock()
	first := len(s.st.pods)
	r := rand.New(rand.NewPCG(uint64(first), uint64(n)))
	pods := make([]*podRecord, 0, n)
	for i := range n {
		seq := first + i + 1
		clientID := fmt.Sprintf("bulk-%d", seq)
		if s.st.podsByClientID[clientID] != nil {
			clientID = ""
		}
		created := now.Add(-time.Duration(n-i) * time.Minute)
		p := &podRecord{id: newID(), name: fmt.Sprintf("Bulk pod %d", seq), clientID: clientID,
			createdAt: created, updatedAt: created}
		pods = append(pods, p)
		s.st.addPod(p)
	}
	for _, p := range pods {
		p.keys.items = make([]*keyRecord, 0, keysPerPod)
		for j := range keysPerPod {
			k := &keyRecord{id: newID(), name: fmt.Sprintf("bulk key %d", j+1), podID: p.id,
				createdAt: p.createdAt.Add(time.Duration(j+1) * time.Second),
				perms:     demoPermissionSets[r.IntN(len(demoPermissionSets))].perms}
			secret := newSecret() // unknown to anyone: the key cannot be used
			k.prefix, k.hash = secretPrefix(secret), hashSecret(secret)
			if since := now.Sub(k.createdAt); since > 0 && r.IntN(4) != 0 {
				k.setUsed(wireTime(k.createdAt.Add(time.Duration(r.Int64N(int64(since))))))
			}
			s.st.addKey(k)
		}
	}
	s.mu.Unlock()
	s.mutated()
}

// AddInboxes gives every pod perPod more inboxes, each with keysPerInbox
// keys, quickly, for benchmarks: the organization's inbox_limit is not
// enforced here. Addresses are "bench-N@bulk.agentmail.to"; inbox keys
// are listed by their inbox and, as in the API, by their pod.
func (s *Server) AddInboxes(perPod, keysPerInbox int) {
	if perPod <= 0 {
		return
	}
	keysPerInbox = max(keysPerInbox, 0)
	s.mu.Lock()
	seq := len(s.st.inboxes)
	for _, p := range s.st.podOrder.items {
		for range perPod {
			seq++
			in := &inboxRecord{id: fmt.Sprintf("bench-%d@bulk.agentmail.to", seq), podID: p.id,
				createdAt: p.createdAt.Add(time.Second), updatedAt: p.createdAt.Add(time.Second)}
			if !s.st.addInbox(in) {
				continue
			}
			for j := range keysPerInbox {
				k := &keyRecord{id: newID(), name: fmt.Sprintf("inbox key %d", j+1), podID: p.id, inboxID: in.id,
					createdAt: in.createdAt.Add(time.Duration(j+1) * time.Second)}
				secret := newSecret() // unknown to anyone: the key cannot be used
				k.prefix, k.hash = secretPrefix(secret), hashSecret(secret)
				s.st.addKey(k)
			}
		}
	}
	s.mu.Unlock()
	s.mutated()
}
