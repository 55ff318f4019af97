package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/sanitize"
)

const adminKeyName = "sandbox admin"

// adminKeyRecord is the unrestricted organization key every seed holds.
func adminKeyRecord(id, secret string, createdAt time.Time) *keyRecord {
	return &keyRecord{
		id: id, prefix: secretPrefix(secret), name: adminKeyName,
		hash: hashSecret(secret), createdAt: wireTime(createdAt), perms: client.Unrestricted(),
	}
}

// seedData fills an empty store. Seeded keys other than the admin key get
// hashes of secrets nobody knows: they show up but cannot authenticate.
func seedData(st *store, seed, adminSecret string, now time.Time) {
	now = wireTime(now)
	switch seed {
	case "demo":
		seedDemo(st, adminSecret, now)
	case "hostile":
		seedHostile(st, adminSecret, now)
	default:
		st.org.id = newID()
		st.org.createdAt = now.Add(-time.Minute)
		st.org.updatedAt = st.org.createdAt
		st.addKey(adminKeyRecord(newID(), adminSecret, now.Add(-time.Minute)))
	}
}

// seeder draws deterministic ids, prefixes and times for a seed.
type seeder struct {
	r   *rand.Rand
	st  *store
	now time.Time
}

func newSeeder(st *store, now time.Time, seed uint64) *seeder {
	return &seeder{r: rand.New(rand.NewPCG(seed, 0x616d6b657973)), st: st, now: now}
}

const prefixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// prefix looks like a real key's first 8 characters.
func (sd *seeder) prefix() string {
	var b strings.Builder
	b.WriteString("am_")
	for range prefixLen - 3 {
		b.WriteByte(prefixAlphabet[sd.r.IntN(len(prefixAlphabet))])
	}
	return b.String()
}

// between returns a time in [lo, hi), or lo when the range is empty.
func (sd *seeder) between(lo, hi time.Time) time.Time {
	if !hi.After(lo) {
		return lo
	}
	return wireTime(lo.Add(time.Duration(sd.r.Int64N(int64(hi.Sub(lo))))))
}

func (sd *seeder) ago(lo, hi time.Duration) time.Time {
	return sd.between(sd.now.Add(-hi), sd.now.Add(-lo))
}

func (sd *seeder) pod(name, clientID string, createdAt time.Time) *podRecord {
	p := &podRecord{id: seededID(sd.r), name: name, clientID: clientID, createdAt: wireTime(createdAt)}
	p.updatedAt = p.createdAt
	if sd.r.IntN(3) == 0 {
		p.updatedAt = sd.between(p.createdAt, sd.now)
	}
	sd.st.addPod(p)
	return p
}

func (sd *seeder) key(podID, inboxID, name string, perms client.Permissions, createdAt, usedAt time.Time) *keyRecord {
	k := &keyRecord{
		id: seededID(sd.r), prefix: sd.prefix(), name: name, podID: podID, inboxID: inboxID,
		hash: unknowableHash(), createdAt: wireTime(createdAt), perms: perms,
	}
	k.setUsed(usedAt)
	sd.st.addKey(k)
	return k
}

func (sd *seeder) admin(secret string, createdAt time.Time) {
	sd.st.addKey(adminKeyRecord(seededID(sd.r), secret, createdAt))
}

const day = 24 * time.Hour

// seedHostile holds names and ids that try to drive a terminal: a handful of
// curated pods first, then one pod and key per case of the hostile corpus
// (ui/sanitize.Corpus), for a look in a real terminal.
func seedHostile(st *store, adminSecret string, now time.Time) {
	sd := newSeeder(st, now, 666)
	extra := newSeeder(st, now, 667) // inboxes and credentials
	extra.org(now.Add(-31 * day))
	sd.admin(adminSecret, now.Add(-30*day))
	long := strings.Repeat("Very long pod name ", 600)[:10_000]
	pods := []struct{ name, clientID string }{
		{"\x1b[2J\x1b[HScreen wiper", "esc-clear\x1b[2J"},
		{"Clipboard \x1b]52;c;aGk=\x07thief", "osc52-\x1b]52;c;aGk=\x07"},
		{"\x1b]8;;https://evil.invalid/\x07Click me\x1b]8;;\x07", "osc8-link"},
		{"\x1b]0;pwned\x07Window title", "osc0-title"},
		{"C1 \u009b31mred\u009b0m", "c1-csi\u009b2J"},
		{"Line one\r\nLine two", "crlf\r\ninjected"},
		{"Invoice \u202egpj.exe", "rtl-\u202eoverride"},
		{"Zero\u200bwidth\u200d pod\ufeff", "zero\u200bwidth"},
		{long, "long-name"},
		{"東京 🚀 物流 👩‍👩‍👧 Ünïcödé", "cjk-emoji"},
		{"\x1b[31mRed\x1b[0m \x07bell \x08backspace \x7fdel", "sgr-bell"},
	}
	for i, hp := range pods {
		p := sd.pod(hp.name, hp.clientID, now.Add(-time.Duration(len(pods)-i)*day))
		sd.key(p.id, "", hp.name, client.Restricted("pod_read", "api_key_read"),
			p.createdAt.Add(time.Hour), sd.ago(time.Minute, 12*time.Hour))
		sd.key(p.id, "", "key: "+hp.clientID, client.Unrestricted(), p.createdAt.Add(2*time.Hour), time.Time{})
	}
	// Then the whole hostile corpus the tests use: a pod and a key named
	// by each case, the case's name as client id.
	corpus := sanitize.Corpus()
	corpusPods := make([]*podRecord, 0, len(corpus))
	for i, hc := range corpus {
		p := sd.pod(hc.Text, "corpus-"+hc.Name, now.Add(-time.Duration(len(pods)+len(corpus)-i)*day))
		sd.key(p.id, "", hc.Text, client.Restricted("pod_read"), p.createdAt.Add(time.Hour), sd.ago(time.Minute, 100*day))
		corpusPods = append(corpusPods, p)
	}
	first := st.podOrder.items[0]
	extra.seedHostileInboxes(corpusPods, first)
	evil := sd.key(first.id, "x\x1b[2J@evil.invalid", "inbox key \x1b]52;c;aGk=\x07",
		client.Restricted("message_read", "\x1b[2Jevil_read", "future_\u202eread"),
		now.Add(-time.Hour), now.Add(-time.Minute))
	evil.prefix = "am_\x1b[2Jx"
	sd.key("", "", "org key \x1b]0;title\x07 \u202eevil", client.Unrestricted(), now.Add(-2*day), sd.ago(time.Hour, 2*day))
}

// seedDemo builds a made-up organization of customer pods; the same every
// run except for times, which follow now.
func seedDemo(st *store, adminSecret string, now time.Time) {
	sd := newSeeder(st, now, 2026)
	extra := newSeeder(st, now, 2027) // inboxes and credentials
	extra.org(now.Add(-731 * day))
	sd.admin(adminSecret, now.Add(-730*day))
	for _, ok := range demoOrgKeys {
		sd.key("", "", ok.name, ok.perms, now.Add(-ok.createdAgo), usedAgo(now, ok.usedAgo))
	}
	for i, dp := range demoPods {
		p := sd.pod(dp.name, dp.clientID, sd.ago(dp.minAge, dp.minAge+60*day))
		inboxes := extra.demoPodInboxes(p, dp)
		n := dp.keys
		if n < 0 {
			n = sd.r.IntN(41)
		}
		for j := range n {
			k := sd.demoKey(p, dp, j, inboxes)
			if i == 0 && j == 0 { // someone is active right now
				k.setUsed(sd.ago(5*time.Minute, 10*time.Minute))
			}
		}
	}
	extra.seedDemoPublicKeys()
}

func usedAgo(now time.Time, ago time.Duration) time.Time {
	if ago == 0 {
		return time.Time{}
	}
	return now.Add(-ago)
}

// demoKey makes key number j of a demo pod; about one in seven belongs to
// one of the pod's inboxes.
func (sd *seeder) demoKey(p *podRecord, dp demoPod, j int, inboxes []*inboxRecord) *keyRecord {
	name := demoKeyNames[sd.r.IntN(len(demoKeyNames))]
	if dp.keys >= 100 && j%25 != 0 {
		name = fmt.Sprintf("support-agent-%03d", j)
	}
	inbox := ""
	if sd.r.IntN(7) == 0 {
		inbox = demoInboxFor(inboxes, sd.r.IntN(len(demoInboxes)))
	}
	used := sd.demoUsedAt()
	hi := used
	if hi.IsZero() {
		hi = sd.now
	}
	if !hi.After(p.createdAt.Add(time.Hour)) { // a use older than the pod: never used instead
		used, hi = time.Time{}, sd.now
	}
	created := sd.between(p.createdAt.Add(time.Minute), hi.Add(-time.Minute))
	if created.After(sd.now) {
		created = sd.now
	}
	return sd.key(p.id, inbox, name, sd.demoPermissions(), created, used)
}

// demoUsedAt spreads last use over the last hour, today, this week, this
// month, older, more than 90 days ago, and never.
func (sd *seeder) demoUsedAt() time.Time {
	switch x := sd.r.IntN(100); {
	case x < 4:
		return sd.ago(time.Minute, time.Hour)
	case x < 22:
		return sd.ago(time.Hour, 12*time.Hour)
	case x < 42:
		return sd.ago(day, 6*day)
	case x < 60:
		return sd.ago(8*day, 29*day)
	case x < 70:
		return sd.ago(31*day, 89*day)
	case x < 83:
		return sd.ago(91*day, 400*day)
	default:
		return time.Time{}
	}
}

func (sd *seeder) demoPermissions() client.Permissions {
	total := 0
	for _, p := range demoPermissionSets {
		total += p.weight
	}
	x := sd.r.IntN(total)
	for _, p := range demoPermissionSets {
		if x < p.weight {
			return p.perms
		}
		x -= p.weight
	}
	return client.Unrestricted()
}
