package ui

// Issue 11 (usability): one test per item, each through the root with real
// keys against the sandbox or the fake API.

import (
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/clip"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/createkey"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/pods"
	"github.com/amkeys/amkeys/ui/uitest"
)

// Item 1: esc clears an applied filter first, then goes back.
func TestEscClearsTheFilterBeforeGoingBack(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	p := m.Top().(*pods.Model)
	press(m, "/")
	typeText(m, "no such pod at all")
	press(m, "enter")
	if p.List().Shown() != 0 || p.List().Query() == "" {
		t.Fatalf("filter not applied: %d shown, query %q", p.List().Shown(), p.List().Query())
	}
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "esc clear filter") || !strings.Contains(frame, "esc clears the filter") {
		t.Fatalf("the footer and the empty list do not say that esc clears the filter:\n%s", frame)
	}
	press(m, "esc")
	if p.List().Query() != "" || p.List().Shown() == 0 {
		t.Fatalf("esc left the filter %q on the pods (%d shown)", p.List().Query(), p.List().Shown())
	}

	k := openPod(t, m, "Acme Support")
	press(m, "/")
	typeText(m, "parser")
	press(m, "enter")
	press(m, "esc")
	if m.Top() != k || k.List().Query() != "" {
		t.Fatalf("esc on a filtered keys list: top %T, query %q; want the keys, unfiltered", m.Top(), k.List().Query())
	}
	press(m, "esc")
	if _, ok := m.Top().(*pods.Model); !ok {
		t.Fatalf("the second esc left %T on top, want the pods", m.Top())
	}
}

// Item 2: "jjj" in one message moves three rows; "/ab" in one message
// opens the filter and types "ab" into it.
func TestKeyBurstIsHandledKeyByKey(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	p := m.Top().(*pods.Model)
	uitest.Settle(m, uitest.Key("jjj"))
	if got := p.List().Table.Cursor(); got != 3 {
		t.Fatalf("jjj in one message moved the cursor to row %d, want 3", got)
	}
	uitest.Settle(m, uitest.Key("/ab"))
	if !p.List().Filtering() || p.List().Query() != "ab" {
		t.Fatalf("/ab in one message: filtering %v, query %q", p.List().Filtering(), p.List().Query())
	}
}

// Item 3: sorting, filtering, refreshing and loading more keep the cursor
// on its key; a created key is selected.
func TestSelectionStaysOnItsKey(t *testing.T) {
	m, c := newDemoApp(t, "demo")
	c.Settings.PageSize = 20
	k := openPod(t, m, "Acme Support")
	press(m, "j", "j", "j", "j", "j")
	want, _ := k.List().Selected()
	id, name := want.ID, want.Name
	check := func(step string) {
		t.Helper()
		got, ok := k.List().Selected()
		if !ok || got.ID != id {
			t.Fatalf("after %s the cursor is on %v, want %s (%s)", step, got, name, id)
		}
	}
	press(m, "s") // last used: loads every page and re-sorts
	check("sorting by last used")
	press(m, "s", "s")
	check("sorting by name")
	press(m, "/")
	typeText(m, name[:len(name)-1])
	press(m, "enter")
	check("filtering")
	press(m, "esc")
	check("clearing the filter")
	press(m, "r")
	check("refreshing")

	created := client.APIKey{ID: "brand-new", Name: "aaa first by name", Prefix: "am_new", PodID: k.Scope().Scope.ID}
	uitest.Settle(m, createkey.CreatedMsg{Scope: k.Scope().Scope, Key: created})
	if got, _ := k.List().Selected(); got == nil || got.ID != "brand-new" {
		t.Fatalf("after a create the cursor is on %v, want the new key", got)
	}
}

// Item 4: a sort or a quick filter loads every page first.
func TestSortAndQuickFilterLoadEveryPage(t *testing.T) {
	for _, key := range []string{"s", "f"} {
		m, c := newDemoApp(t, "demo")
		c.Settings.PageSize = 20
		k := openPod(t, m, "Acme Support")
		if k.List().Complete() {
			t.Fatal("the pod fits one page; the test needs several")
		}
		first := k.List().Len()
		_, cmd := m.Update(uitest.Key(key))
		if !k.List().LoadingEverything() {
			t.Fatalf("%s: not loading every page", key)
		}
		if frame := uitest.Plain(m.View()); !strings.Contains(frame, "loading every page") {
			t.Fatalf("%s: the progress is not shown:\n%s", key, frame)
		}
		uitest.Run(m, cmd)
		if !k.List().Complete() || k.List().Len() <= first {
			t.Fatalf("%s: %d of the keys loaded (first page %d), complete %v", key, k.List().Len(), first, k.List().Complete())
		}
	}
}

// Item 6: q in the key form asks before throwing input away; an empty
// form quits at once.
func TestQuitInAFilledFormAsks(t *testing.T) {
	m, _ := newFakeApp(t, uitest.NewScopesFake(), 100, 30)
	press(m, "enter", "n")
	typeText(m, "half-done")
	press(m, "tab") // out of the name field: q is no letter there
	_, cmd := m.Update(uitest.Key("q"))
	for _, msg := range uitest.Collect(cmd, time.Second) {
		if _, ok := msg.(tea.QuitMsg); ok {
			t.Fatal("q quit and threw the form away")
		}
		m.Update(msg)
	}
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "Quit amkeys and lose this form?") {
		t.Fatalf("no question before quitting:\n%s", frame)
	}
	press(m, "n") // stay
	f := m.Top().(*createkey.Model)
	if f.Name() != "half-done" {
		t.Fatalf("the form lost its name: %q", f.Name())
	}
	m.Update(uitest.Key("q")) // asks again
	_, cmd = m.Update(uitest.Key("y"))
	if !quits(m, cmd) {
		t.Fatal("y in the question did not quit")
	}

	m, _ = newFakeApp(t, uitest.NewScopesFake(), 100, 30)
	press(m, "enter", "n", "tab")
	_, cmd = m.Update(uitest.Key("q"))
	if !quits(m, cmd) {
		t.Fatal("q in an empty form did not quit")
	}
}

// pressKeepingNotices presses k and feeds what follows within a second,
// so that a notice is still on screen (its 4 s expiry is left behind).
func pressKeepingNotices(m *Model, k string) {
	queue := []tea.Msg{uitest.Key(k)}
	for len(queue) > 0 {
		_, cmd := m.Update(queue[0])
		queue = append(queue[1:], uitest.Collect(cmd, time.Second)...)
	}
}

// quits runs cmd (and what it leads to) and reports whether amkeys quit.
func quits(m *Model, cmd tea.Cmd) bool {
	for _, msg := range uitest.Collect(cmd, 2*time.Second) {
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
		_, next := m.Update(msg)
		if next != nil && quits(m, next) {
			return true
		}
	}
	return false
}

// Item 7: the name column gets room at 80 columns and stops growing at
// 200; the footer keeps "? help" and "q quit" at every width.
func TestColumnsShareTheWidthAndFooterKeepsHelp(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	openPod(t, m, "Acme Support")
	for w := MinWidth; w <= 200; w += 7 {
		m.Update(tea.WindowSizeMsg{Width: w, Height: 30})
		lines := strings.Split(uitest.Plain(m.View()), "\n")
		footer := lines[len(lines)-1]
		if !strings.Contains(footer, "? help") || !strings.Contains(footer, "q quit") {
			t.Fatalf("at %d columns the footer lost ? help or q quit: %q", w, footer)
		}
		header := lines[3]
		name := strings.Index(header, "prefix") - strings.Index(header, "name") - 1
		switch {
		case w >= 80 && name < 24:
			t.Fatalf("at %d columns the name column is %d wide: %q", w, name, header)
		case name > 41:
			t.Fatalf("at %d columns the name column is %d wide: %q", w, name, header)
		}
	}
}

// Item 8: the ? page explains "unrestricted", "36 of 36" and "+1".
func TestHelpExplainsThePermissionsColumn(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	openPod(t, m, "Acme Support")
	press(m, "?")
	frame := uitest.Plain(m.View())
	for _, want := range []string{"“unrestricted”", "“36 of 36”", "“+1”"} {
		if !strings.Contains(frame, want) {
			t.Fatalf("the help does not explain %s:\n%s", want, frame)
		}
	}
}

// Item 15: an unreachable server gets a fix line.
func TestNetworkErrorsGetAFixLine(t *testing.T) {
	api, err := client.New(client.Options{BaseURL: "http://127.0.0.1:1", APIKey: "am_test_key_for_dial", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := uitest.NewCommon(t, api)
	m := New(c, nil)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	uitest.Run(m, m.Init())
	frame := uitest.Plain(m.View())
	if !strings.Contains(frame, "fix: check the base URL (http://127.0.0.1:1)") {
		t.Fatalf("no fix line for an unreachable server:\n%s", frame)
	}
}

// Item 16: y copies the selected row's id, with no clear timer.
func TestYCopiesTheSelectedID(t *testing.T) {
	api := uitest.NewScopesFake()
	c := uitest.NewCommon(t, api)
	fake := clip.NewFake()
	c.Clipboard = clip.New(fake, nil, clip.Options{ClearAfter: time.Second})
	m := New(c, nil)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	uitest.Run(m, m.Init())
	pressKeepingNotices(m, "y")
	if got := fake.Content(); got != uitest.ScopesPodID {
		t.Fatalf("y on the pods copied %q, want the pod id %q", got, uitest.ScopesPodID)
	}
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "Copied pod id "+uitest.ScopesPodID) {
		t.Fatalf("no notice of the copy:\n%s", frame)
	}
	press(m, "enter", "y")
	k, _ := m.Top().(*keys.Model).List().Selected()
	if fake.Content() != k.ID {
		t.Fatalf("y on the keys copied %q, want the key id %q", fake.Content(), k.ID)
	}
	press(m, "2", "y")
	if fake.Content() != api.InboxesOf(uitest.ScopesPodID)[1].ID && fake.Content() != api.InboxesOf(uitest.ScopesPodID)[0].ID {
		t.Fatalf("y on the inboxes copied %q", fake.Content())
	}
}

// Item 18: after an audit the pods show key counts, and the delete dialog
// says how many keys and inboxes go.
func TestAuditCountsShowOnPods(t *testing.T) {
	m, _ := newFakeApp(t, uitest.NewScopesFake(), 120, 30)
	uitest.Settle(m, common.AuditCountsMsg{Pods: map[string]common.PodCount{uitest.ScopesPodID: {Keys: 12, Stale: 3}}, At: uitest.Clock})
	frame := uitest.Plain(m.View())
	if !strings.Contains(frame, "keys  stale") || !regexpContains(frame, `Acme Support .* 12 +3`) {
		t.Fatalf("no key counts on the pods:\n%s", frame)
	}
	press(m, "d")
	frame = uitest.Plain(m.View())
	if !strings.Contains(frame, "12 keys (3 stale)") || !strings.Contains(frame, "2 inboxes: delete them first") {
		t.Fatalf("the delete dialog does not count keys and inboxes:\n%s", frame)
	}
}

// Item 19: pods sort by name and by update too.
func TestPodsSortByNameAndUpdated(t *testing.T) {
	m, _ := newDemoApp(t, "demo")
	p := m.Top().(*pods.Model)
	press(m, "s", "s") // oldest, then name
	for i := 1; i < p.List().Shown(); i++ {
		if a, b := strings.ToLower(p.List().Item(i-1).Name), strings.ToLower(p.List().Item(i).Name); a > b {
			t.Fatalf("sorted by name, %q comes before %q", a, b)
		}
	}
	press(m, "s") // updated
	for i := 1; i < p.List().Shown(); i++ {
		if p.List().Item(i - 1).UpdatedAt.Before(p.List().Item(i).UpdatedAt) {
			t.Fatal("sorted by update, an older one comes first")
		}
	}
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "sort: recently updated") {
		t.Fatalf("the order is not named:\n%s", frame)
	}
}

// Items 21 and 22: an empty list says what to do; read-only n and d say
// that they are off.
func TestEmptyHintsAndReadOnlyKeys(t *testing.T) {
	api := uitest.NewScopesFake()
	api.Keys[uitest.ScopesEmptyPodID] = nil
	m, c := newFakeApp(t, api, 100, 30)
	press(m, "j", "enter")
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "no keys yet in pod Empty Pod: n creates one") {
		t.Fatalf("an empty keys list says nothing:\n%s", frame)
	}
	c.Settings.ReadOnly = true
	m = New(c, nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	uitest.Run(m, m.Init())
	for _, k := range []string{"n", "d"} {
		pressKeepingNotices(m, k)
		if frame := uitest.Plain(m.View()); !strings.Contains(frame, common.ReadOnlyNotice) {
			t.Fatalf("read-only %s says nothing:\n%s", k, frame)
		}
	}
	press(m, "enter")
	pressKeepingNotices(m, "d")
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, common.ReadOnlyNotice) || strings.Contains(frame, "Delete this") {
		t.Fatalf("read-only d on a key:\n%s", frame)
	}
}

// Item 12: the screens name the time zone; --utc shows UTC.
func TestTimesNameTheirZone(t *testing.T) {
	m, c := newFakeApp(t, uitest.NewScopesFake(), 120, 30)
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "times in UTC") {
		t.Fatalf("the zone is not named:\n%s", frame)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database")
	}
	c.Settings.UTC = false
	z := c.Times()
	z.Loc = ny
	if got := z.Exact(uitest.Clock); got != "2026-11-28 07:00:00 EST" {
		t.Fatalf("New York time: %q", got)
	}
}

func regexpContains(s, expr string) bool { return regexp.MustCompile(expr).MatchString(s) }
