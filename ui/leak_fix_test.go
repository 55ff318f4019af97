package ui

// The leak lookup's fixes (review 7, 9, 14) against the sandbox over HTTP:
// an audit's match deleted since is re-read and dropped, enter on a key
// deleted meanwhile warns instead of selecting another key, d says what it
// deleted, R marks the rotation as a leak, and the footer keeps d and R at
// 60x15 but drops them in read-only mode.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/leak"
	"github.com/amkeys/amkeys/ui/uitest"
)

// settleKeepingNotices is uitest.Settle that leaves the notice on screen:
// its expiry timer is dropped, with the other timers.
func settleKeepingNotices(m *Model, k string) {
	queue := []tea.Msg{uitest.Key(k)}
	for len(queue) > 0 {
		_, cmd := m.Update(queue[0])
		queue = queue[1:]
		for _, msg := range uitest.Collect(cmd, uitest.Patience) {
			name := strings.ToLower(fmt.Sprintf("%T", msg))
			if _, ok := msg.(noticeExpiredMsg); ok || strings.Contains(name, "tick") || strings.Contains(name, "blink") {
				continue
			}
			queue = append(queue, msg)
		}
	}
}

// lookUp types the prefix into a new lookup and returns the screen.
func lookUp(t *testing.T, m *Model, prefix string) *leak.Model {
	t.Helper()
	press(m, "L")
	lk, ok := m.Top().(*leak.Model)
	if !ok {
		t.Fatalf("L opened %T", m.Top())
	}
	typeText(m, prefix)
	press(m, "enter")
	return lk
}

// 7a: the audit listed the key; it was deleted elsewhere since (curl). The
// lookup re-reads its scope, does not offer it, and says so.
func TestLeakLookupDropsAnAuditMatchDeletedSince(t *testing.T) {
	c, _, api, inbox, leaked := leakSandbox(t, "Acme", "decoy")
	now := uitest.Clock
	c.Now = func() time.Time { return now }
	m := newLeakApp(c, 120, 35)
	press(m, "a")
	if m.lastAudit.Result == nil || !m.lastAudit.Result.Complete() {
		t.Fatal("the root did not keep the audit's result")
	}
	press(m, "esc")
	if err := api.DeleteKey(context.Background(), client.InboxScope(inbox.ID), leaked.ID); err != nil {
		t.Fatal(err)
	}
	now = now.Add(3 * time.Minute)
	lk := lookUp(t, m, leaked.Secret[:8])
	frame := uitest.Plain(m.View())
	want := "The audit of 3 min ago listed " + leaked.Prefix + " (support bot) in inbox " + inbox.Email + "; it is gone now."
	if !strings.Contains(frame, want) {
		t.Fatalf("the gone match is not explained (want %q):\n%s", want, frame)
	}
	if !strings.Contains(frame, "No credential with prefix "+leaked.Prefix) || lk.Status() != "0 matches for "+leaked.Prefix {
		t.Fatalf("the gone key is still offered (status %q):\n%s", lk.Status(), frame)
	}
	press(m, "enter")
	if m.Top() != lk {
		t.Fatalf("enter opened %T for a key that is gone", m.Top())
	}
}

// 7a: a live match deleted before enter: its keys screen warns and does
// not put the cursor on another key.
func TestLeakLookupOpeningAKeyGoneSinceWarns(t *testing.T) {
	c, _, api, inbox, leaked := leakSandbox(t, "Acme", "decoy")
	if _, err := api.CreateKey(context.Background(), client.InboxScope(inbox.ID), "other bot", client.Restricted("message_read")); err != nil {
		t.Fatal(err)
	}
	m := newLeakApp(c, 120, 35)
	lookUp(t, m, leaked.Secret[:8])
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "support bot") {
		t.Fatalf("the key is not found:\n%s", frame)
	}
	if err := api.DeleteKey(context.Background(), client.InboxScope(inbox.ID), leaked.ID); err != nil {
		t.Fatal(err)
	}
	settleKeepingNotices(m, "enter")
	ks, ok := m.Top().(*keys.Model)
	if !ok || ks.List().Len() != 1 {
		t.Fatalf("enter opened %T, want the inbox's keys with 1 key", m.Top())
	}
	want := "key " + leaked.Prefix + " is no longer listed in inbox " + inbox.Email
	if m.notice != want || !m.noticeWarns {
		t.Fatalf("notice %q (warning %v), want the warning %q", m.notice, m.noticeWarns, want)
	}
	if frame := uitest.Plain(m.View()); !strings.Contains(frame, "! "+want[:40]) {
		t.Fatalf("the warning is not drawn:\n%s", frame)
	}
	if ks.List().Table.Cursor() != 0 {
		t.Errorf("cursor on row %d", ks.List().Table.Cursor())
	}
}

// 7b: d on the only match says it was deleted, not "not found".
func TestLeakLookupSaysWhatDDeleted(t *testing.T) {
	c, _, _, _, leaked := leakSandbox(t, "Acme", "decoy")
	m := newLeakApp(c, 120, 35)
	lookUp(t, m, leaked.Secret[:8])
	press(m, "d", "y")
	frame := uitest.Plain(m.View())
	want := "Deleted support bot (" + leaked.Prefix + "…): no other credential has this prefix."
	if !strings.Contains(frame, want) || strings.Contains(frame, "it may be deleted already") {
		t.Fatalf("the delete reads as not found (want %q):\n%s", want, frame)
	}
	// A new lookup starts afresh.
	lookUp(t, m, leaked.Secret[:8])
	if frame := uitest.Plain(m.View()); strings.Contains(frame, "Deleted support bot") || !strings.Contains(frame, "it may be deleted already") {
		t.Fatalf("the next lookup still speaks of the delete:\n%s", frame)
	}
}

// 7d: R asks for the rotation of a leaked key.
func TestLeakLookupRotatesAsALeak(t *testing.T) {
	c, _, _, inbox, leaked := leakSandbox(t, "Acme", "decoy")
	m := newLeakApp(c, 120, 35)
	lk := lookUp(t, m, leaked.Secret[:8])
	_, cmd := lk.Update(uitest.Key("R"))
	msgs := uitest.Collect(cmd, uitest.Patience)
	if len(msgs) != 1 {
		t.Fatalf("R gave %v", msgs)
	}
	r, ok := msgs[0].(common.RotateMsg)
	if !ok || !r.Leaked || r.Key.ID != leaked.ID || r.Scope.Scope != client.InboxScope(inbox.ID) {
		t.Fatalf("R asked for %#v, want the leaked rotation of %s", msgs[0], leaked.ID)
	}
}

// footer is the frame's last line.
func footer(m *Model) string {
	lines := strings.Split(uitest.Plain(m.View()), "\n")
	return lines[len(lines)-1]
}

// 14: at 60x15 the results footer keeps d and R, and help and quit.
func TestLeakLookupFooterAt60x15(t *testing.T) {
	c, _, _, _, leaked := leakSandbox(t, "Acme", "decoy")
	m := newLeakApp(c, 60, 15)
	lookUp(t, m, leaked.Secret[:8])
	f := footer(m)
	for _, want := range []string{"d delete", "R rotate", "L another", "? help", "q quit"} {
		if !strings.Contains(f, want) {
			t.Errorf("footer %q lacks %q", f, want)
		}
	}
	press(m, "?")
	if help := uitest.Plain(m.View()); !strings.Contains(help, "open in its keys") {
		t.Errorf("the ? page lacks enter:\n%s", help)
	}
}

// 9: read-only, d and R are not offered, and say that they are off.
func TestLeakLookupReadOnlyDoesNotOfferDAndR(t *testing.T) {
	c, _, api, inbox, leaked := leakSandbox(t, "Acme", "decoy")
	c.Settings.ReadOnly = true
	m := newLeakApp(c, 120, 35)
	lookUp(t, m, leaked.Secret[:8])
	f := footer(m)
	if strings.Contains(f, "delete") || strings.Contains(f, "rotate") || !strings.Contains(f, "enter open") {
		t.Errorf("read-only footer %q", f)
	}
	press(m, "?")
	if help := uitest.Plain(m.View()); strings.Contains(help, "d delete") || strings.Contains(help, "R rotate") {
		t.Errorf("the read-only ? page offers d or R:\n%s", help)
	}
	press(m, "?")
	for _, k := range []string{"d", "R"} {
		settleKeepingNotices(m, k)
		if m.notice != common.ReadOnlyNotice || !m.noticeWarns {
			t.Errorf("%s: notice %q (warning %v)", k, m.notice, m.noticeWarns)
		}
	}
	page, err := api.ListKeys(context.Background(), client.InboxScope(inbox.ID), client.ListOptions{})
	if err != nil || len(page.Keys) != 1 {
		t.Fatalf("the key is not left alone: %v %v", page.Keys, err)
	}
}
