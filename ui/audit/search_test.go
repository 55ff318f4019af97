package audit

import (
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/uitest"
)

// typeText sends text one key at a time, as a person types it.
func typeText(m *Model, text string) {
	for _, r := range text {
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// shownIDs are the ids of the rows, in order.
func shownIDs(m *Model) []string {
	ids := make([]string, len(m.rows))
	for i := range m.rows {
		ids[i] = m.key(i).ID
	}
	return ids
}

// wantIDs are the ids of the audit's keys that keep says to show, in order.
func wantIDs(m *Model, keep func(k *audit.Key) bool) []string {
	var ids []string
	for i := range m.Result().Keys {
		if k := &m.Result().Keys[i]; keep(k) {
			ids = append(ids, k.ID)
		}
	}
	return ids
}

func contains(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s: the test needs matches", what)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("%s: %d rows %v, want %d %v", what, len(got), got, len(want), want)
	}
}

// / filters every credential of the audit by a pod name, an inbox address
// or a scope; the letters typed are text, not the screen's keys.
func TestSlashSearchesEveryCredential(t *testing.T) {
	m := newScreen(t, fakeOrg(), 110, 30)
	finish(t, m, m.Init())
	all := len(m.rows)

	m.Update(uitest.Key("/"))
	if !m.CapturesInput() {
		t.Fatal("/ did not give the keys to the filter field")
	}
	typeText(m, "aCME sUPPORT") // f, p, r and R are text here
	if m.show != ShowAll || m.pod != nil || m.Scanning() {
		t.Fatalf("typing ran the screen's keys: show %s, pod %v, scanning %v", showNames[m.show], m.pod, m.Scanning())
	}
	sameIDs(t, "pod name", shownIDs(m), wantIDs(m, func(k *audit.Key) bool { return contains(k.PodName, "acme support") }))
	view := uitest.Plain(m.View())
	if !strings.Contains(view, "/ aCME sUPPORT") {
		t.Errorf("the filter field is not shown:\n%s", view)
	}
	if st := m.Status(); !strings.HasPrefix(st, strconv.Itoa(len(m.rows))+" of "+strconv.Itoa(all)+" match · ") {
		t.Errorf("status %q does not say how many match", st)
	}

	m.Update(uitest.Key("enter"))
	if m.CapturesInput() || !m.TakesBack() {
		t.Fatal("enter did not apply the filter (field closed, esc clears it)")
	}
	if v := uitest.Plain(m.View()); !strings.Contains(v, "match “aCME sUPPORT”") {
		t.Errorf("the filter line does not name the text:\n%s", v)
	}

	m.Update(uitest.Key("/"))
	for range len("aCME sUPPORT") {
		m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	typeText(m, "support@acme")
	sameIDs(t, "inbox address", shownIDs(m), wantIDs(m, func(k *audit.Key) bool { return contains(k.InboxID, "support@acme") }))

	m.Update(uitest.Key("esc"))
	if m.CapturesInput() || m.searching() || len(m.rows) != all {
		t.Fatalf("esc in the field did not clear it: %d of %d rows", len(m.rows), all)
	}

	m.Update(uitest.Key("/"))
	typeText(m, "organization")
	m.Update(uitest.Key("enter"))
	sameIDs(t, "scope", shownIDs(m), wantIDs(m, func(k *audit.Key) bool { return k.PodID == "" && k.InboxID == "" }))
}

// / works with f and p, keeps the selected key while it matches, and esc
// clears the text first, then f and p, then means back.
func TestSlashWithQuickFiltersAndEsc(t *testing.T) {
	m := newScreen(t, fakeOrg(), 110, 30)
	finish(t, m, m.Init())
	policy := m.policy()
	m.setShow(ShowStale)
	stale := func(k *audit.Key) bool { return policy.Findings(k).Has(audit.FindStale) }

	// The last stale bearer key: typing its pod's name keeps it selected
	// though its row moves up.
	row := -1
	for i := range m.rows {
		if m.key(i).IsBearer() && m.key(i).PodName != "" {
			row = i
		}
	}
	if row < 0 {
		t.Fatal("the fake has no stale key in a pod")
	}
	m.table.SetCursor(row)
	want, pod := m.key(row).ID, m.key(row).PodName
	m.Update(uitest.Key("/"))
	typeText(m, strings.ToLower(pod))
	sameIDs(t, "stale and "+pod, shownIDs(m), wantIDs(m, func(k *audit.Key) bool { return stale(k) && contains(k.PodName, pod) }))
	if got := m.key(m.table.Cursor()).ID; got != want || m.table.Cursor() == row {
		t.Fatalf("the cursor is on %q (row %d, was %d), want %q on a moved row", got, m.table.Cursor(), row, want)
	}
	m.Update(uitest.Key("enter"))

	m.Update(uitest.Key("esc"))
	if m.searching() || m.show != ShowStale || !m.TakesBack() {
		t.Fatalf("the first esc: text %q, show %s; want the text cleared and stale kept", m.search.query.String(), showNames[m.show])
	}
	if got := m.key(m.table.Cursor()).ID; got != want {
		t.Errorf("esc moved the cursor from %q to %q", want, got)
	}
	m.Update(uitest.Key("esc"))
	if m.show != ShowAll || m.TakesBack() || len(m.rows) != len(m.Result().Keys) {
		t.Fatalf("the second esc did not clear f: show %s, %d rows", showNames[m.show], len(m.rows))
	}

	// A text nothing matches: no rows, no crash on enter, open or p.
	m.Update(uitest.Key("/"))
	typeText(m, "no such thing")
	m.Update(uitest.Key("enter"))
	m.Update(uitest.Key("enter"))
	m.Update(uitest.Key("p"))
	if len(m.rows) != 0 || m.pod != nil {
		t.Fatalf("%d rows, pod %v for a text nothing matches", len(m.rows), m.pod)
	}
}

// BenchmarkSearch100k is one keystroke in the / field over 100,000 keys:
// typing "pod 99" and deleting it again, a key at a time.
func BenchmarkSearch100k(b *testing.B) {
	m := newScreen(b, uitest.NewFakeAPI("p", 0), 120, 40)
	m.setResult(bigResult(100_000))
	m.Update(uitest.Key("/"))
	const text = "pod 99"
	keys := 0
	for b.Loop() {
		typeText(m, text)
		if len(m.rows) == 0 || len(m.rows) == len(m.Result().Keys) {
			b.Fatalf("%d rows for %q", len(m.rows), text)
		}
		for range len(text) {
			m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
		}
		keys += 2 * len(text)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(keys)/1e6, "ms/key")
}

// The / filter follows the result: after r brings a new audit (a pod
// renamed, the same number of keys), after a bulk delete (KeysGoneMsg) and
// after a key deleted in a keys screen, the applied text and the text typed
// next match the keys the screen holds now, not the ones it held before.
func TestSlashFollowsRescanAndDeletes(t *testing.T) {
	api := fakeOrg()
	m := newScreen(t, api, 110, 30)
	finish(t, m, m.Init())
	m.Update(uitest.Key("/"))
	typeText(m, "acme")
	m.Update(uitest.Key("enter"))
	inAcme := func(k *audit.Key) bool { return contains(k.PodName, "acme") || contains(k.InboxID, "acme") }
	sameIDs(t, "acme", shownIDs(m), wantIDs(m, inAcme))
	before := len(m.Result().Keys)

	// r: Globex becomes Acme Labs and Acme Support becomes Initrode.
	api.Pods[0].Name, api.Pods[2].Name = "Initrode", "Acme Labs"
	_, cmd := m.Update(uitest.Key("r"))
	finish(t, m, cmd)
	if len(m.Result().Keys) != before {
		t.Fatalf("the rescan found %d keys, want the same %d", len(m.Result().Keys), before)
	}
	sameIDs(t, "acme after r", shownIDs(m), wantIDs(m, inAcme))
	m.Update(uitest.Key("/"))
	typeText(m, " labs")
	sameIDs(t, "acme labs after r", shownIDs(m), wantIDs(m, func(k *audit.Key) bool { return contains(k.PodName, "acme labs") }))
	for range len(" labs") {
		m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	m.Update(uitest.Key("enter"))

	// A bulk delete of the first three keys shown: every later key moves up.
	var gone common.KeysGoneMsg
	for i := range 3 {
		k := m.key(i)
		gone.Keys = append(gone.Keys, common.GoneKey{Scope: k.Scope(), ID: k.ID})
	}
	m.Update(gone)
	if len(m.Result().Keys) != before-3 {
		t.Fatalf("%d keys after deleting 3 of %d", len(m.Result().Keys), before)
	}
	sameIDs(t, "acme after the bulk delete", shownIDs(m), wantIDs(m, inAcme))
	m.Update(uitest.Key("/"))
	typeText(m, " l")
	sameIDs(t, "acme l after the bulk delete", shownIDs(m), wantIDs(m, func(k *audit.Key) bool { return contains(k.PodName, "acme l") }))
	m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	m.Update(uitest.Key("enter"))

	// One key deleted in its pod's keys screen: the first key of the audit.
	first := m.Result().Keys[0]
	m.Update(keys.Deleted(first.Scope(), first.ID, first.Name))
	if len(m.Result().Keys) != before-4 || m.Result().Keys[0].ID == first.ID {
		t.Fatalf("the deleted key is still listed (%d keys)", len(m.Result().Keys))
	}
	sameIDs(t, "acme after a delete", shownIDs(m), wantIDs(m, inAcme))
	m.Update(uitest.Key("/"))
	typeText(m, " lab")
	sameIDs(t, "acme lab after a delete", shownIDs(m), wantIDs(m, func(k *audit.Key) bool { return contains(k.PodName, "acme lab") }))
}

// The audit writes "where" as the keys screen does (common.Where).
func TestWhereOfMatchesTheKeysScreen(t *testing.T) {
	pod := audit.Key{APIKey: client.APIKey{ID: "k", PodID: "p1"}, PodName: "Acme Support"}
	inbox := audit.Key{APIKey: client.APIKey{ID: "k", PodID: "p1", InboxID: "a@b.to"}, PodName: "Acme Support"}
	for k, want := range map[*audit.Key]string{&pod: "pod Acme Support", &inbox: "inbox a@b.to", {}: "organization"} {
		if got := whereOf(k); got != want {
			t.Errorf("whereOf = %q, want %q", got, want)
		}
	}
}
