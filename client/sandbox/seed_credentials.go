package sandbox

import (
	"crypto/ecdh"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/amkeys/amkeys/ui/sanitize"
)

// Seeding of the organization, inboxes and AgentID public-key credentials.
// These draw from a seeder of their own, so that the pods and keys of a
// seed stay what they were before inboxes existed.

func (sd *seeder) org(createdAt time.Time) {
	sd.st.org.id = seededID(sd.r)
	sd.st.org.createdAt = wireTime(createdAt)
	sd.st.org.updatedAt = sd.st.org.createdAt
}

func (sd *seeder) inbox(p *podRecord, id, displayName, clientID string, createdAt time.Time) *inboxRecord {
	in := &inboxRecord{id: id, podID: p.id, displayName: displayName, clientID: clientID,
		createdAt: wireTime(createdAt)}
	in.updatedAt = in.createdAt
	sd.st.addInbox(in)
	return in
}

// jwk draws a P-256 key pair and returns the public coordinates; the
// private half is dropped, as a server never holds it.
func (sd *seeder) jwk() (x, y string) {
	for {
		var scalar [32]byte
		for i := 0; i < 32; i += 8 {
			binary.BigEndian.PutUint64(scalar[i:], sd.r.Uint64())
		}
		priv, err := ecdh.P256().NewPrivateKey(scalar[:])
		if err != nil {
			continue // zero or not below the group order: draw again
		}
		pub := priv.PublicKey().Bytes() // 0x04 || x || y
		return base64.RawURLEncoding.EncodeToString(pub[1:33]), base64.RawURLEncoding.EncodeToString(pub[33:])
	}
}

// publicKey adds a credential; an empty name gets the API's default.
func (sd *seeder) publicKey(name string, sc scope, generation int, createdAt, expiresAt time.Time) *publicKeyRecord {
	x, y := sd.jwk()
	k := &publicKeyRecord{id: seededID(sd.r), name: name, x: x, y: y, fingerprint: jwkThumbprint(x, y),
		scope: sc, generation: generation, createdAt: wireTime(createdAt), expiresAt: wireTime(expiresAt)}
	if expiresAt.IsZero() {
		k.expiresAt = time.Time{}
	}
	k.updatedAt = k.createdAt
	if k.name == "" {
		k.name = "AgentID key " + k.fingerprint[:8]
	}
	sd.st.addPublicKey(k)
	return k
}

// revokeAll replays an earlier revoke-all: the generation advances and the
// credentials of older generations are revoked at.
func (sd *seeder) revokeAll(at time.Time) {
	o := &sd.st.org
	r := revokeReceipt{previous: o.generation, current: o.generation + 1, revokedAt: wireTime(at)}
	o.generation = r.current
	o.receipts[seededID(sd.r)] = r
	for _, k := range sd.st.publicKeyOrder.items {
		if k.generation < o.generation && k.revokedAt.IsZero() {
			k.revokedAt, k.updatedAt = r.revokedAt, r.revokedAt
		}
	}
}

// inboxLessDemoPods have no inboxes, so that deleting a pod can be tried.
var inboxLessDemoPods = map[string]bool{"initech-sandbox": true, "monsters-inc": true}

var demoInboxTitles = map[string]string{
	"support": "Support", "billing": "Billing", "agent": "Agent", "noreply": "No reply", "sales": "Sales",
}

// demoPodInboxes gives a demo pod 2 to 4 of the usual addresses under its
// own agentmail.to subdomain, created just after the pod.
func (sd *seeder) demoPodInboxes(p *podRecord, dp demoPod) []*inboxRecord {
	if inboxLessDemoPods[dp.clientID] {
		return nil
	}
	domain, _, _ := strings.Cut(dp.clientID, "-")
	names := sd.r.Perm(len(demoInboxes))[:2+sd.r.IntN(3)]
	out := make([]*inboxRecord, 0, len(names))
	for i, n := range names {
		local := demoInboxes[n]
		in := sd.inbox(p, local+"@"+domain+".agentmail.to", dp.name+" "+demoInboxTitles[local],
			dp.clientID+"-"+local, p.createdAt.Add(time.Duration(i+1)*10*time.Second))
		if sd.r.IntN(2) == 0 {
			in.metadata = []byte(fmt.Sprintf(`{"team":%q,"tier":%d}`, demoInboxTitles[local], 1+sd.r.IntN(3)))
		}
		out = append(out, in)
	}
	return out
}

// demoInboxFor maps the inbox a demo key drew onto one of its pod's inboxes.
func demoInboxFor(inboxes []*inboxRecord, drawn int) string {
	if len(inboxes) == 0 {
		return ""
	}
	want := demoInboxes[drawn] + "@"
	for _, in := range inboxes {
		if strings.HasPrefix(in.id, want) {
			return in.id
		}
	}
	return inboxes[drawn%len(inboxes)].id
}

// seedDemoPublicKeys spreads credentials over the three scopes: one
// expiring within a week, one expired, two revoked by a revoke-all 40 days
// ago, one with the default name.
func (sd *seeder) seedDemoPublicKeys() {
	now, st := sd.now, sd.st
	acme, stark := st.podsByClientID["acme-support"], st.podsByClientID["stark-industries"]
	globex, tokyo := st.podsByClientID["globex-billing"], st.podsByClientID["tokyo-logistics"]
	org := scope{}
	podScope := func(p *podRecord) scope { return scope{podID: p.id} }
	inboxScope := func(p *podRecord, i int) scope { return p.inboxes.items[i].scope() }
	none := time.Time{}

	sd.publicKey("Old laptop (lost)", org, 0, now.Add(-200*day), none)
	sd.publicKey("Legacy Acme signer", podScope(acme), 0, now.Add(-150*day), none)
	sd.revokeAll(now.Add(-40 * day))
	gen := st.org.generation
	sd.publicKey("Ops signing key (HSM)", org, gen, now.Add(-30*day), none)
	sd.publicKey("Release bot", org, gen, now.Add(-20*day), now.Add(180*day))
	sd.publicKey("Acme support agent", podScope(acme), gen, now.Add(-15*day), none)
	sd.publicKey("Stark deploy agent", podScope(stark), gen, now.Add(-25*day), now.Add(3*day))
	sd.publicKey("Support inbox signer", inboxScope(acme, 0), gen, now.Add(-10*day), none)
	sd.publicKey("Globex billing agent (trial)", inboxScope(globex, 0), gen, now.Add(-35*day), now.Add(-2*day))
	sd.publicKey("東京 agent 🤖", inboxScope(tokyo, len(tokyo.inboxes.items)-1), gen, now.Add(-5*day), none)
	sd.publicKey("", podScope(tokyo), gen, now.Add(-2*day), none)
}

// seedHostileInboxes gives every corpus pod an inbox whose display name
// and client id are the corpus case, and a credential named by it, over
// the three scopes in turn. The first pod also gets inboxes whose local
// parts carry escapes.
func (sd *seeder) seedHostileInboxes(corpusPods []*podRecord, first *podRecord) {
	corpus := sanitize.Corpus()
	for i, p := range corpusPods {
		hc := corpus[i]
		in := sd.inbox(p, fmt.Sprintf("corpus-%02d@hostile.agentmail.to", i), hc.Text, hc.Text,
			p.createdAt.Add(time.Minute))
		in.metadata = []byte(fmt.Sprintf(`{"case":%q}`, hc.Name))
		sc := [...]scope{{}, {podID: p.id}, in.scope()}[i%3]
		sd.publicKey(hc.Text, sc, 0, p.createdAt.Add(2*time.Minute), time.Time{})
	}
	for i, local := range []string{"x\x1b[2J", "\x1b]52;c;aGk=\x07", "\u202egnp.exe", "\x1b]8;;https://evil.invalid/\x07click\x1b]8;;\x07"} {
		in := sd.inbox(first, local+"@evil.invalid", "Evil \x1b[31minbox\x1b[0m "+local, "evil-"+local,
			first.createdAt.Add(time.Duration(i+1)*time.Second))
		in.metadata = []byte(`{"\u001b[2J":"\u202eevil","note":"\u001b]0;title\u0007"}`)
	}
}
