package bulkdelete

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/bulk"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/marks"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
	"github.com/amkeys/amkeys/ui/table"
)

// reviewColumns: the prefix is kept longest, since names may differ only
// at the end ("support-agent-017") and a shortened name would hide it.
var reviewColumns = []table.Column{
	{Title: "name", Flex: 3, Min: 10, Want: 20, Max: 40, Keep: 9},
	{Title: "prefix", Width: 12, Min: 9, Keep: 10},
	{Title: "where", Flex: 2, Min: 8, Want: 16, Max: 40, Keep: 7},
	{Title: "last used", Width: 14, Min: 11, Keep: 8},
}

// resultColumns are the result table's; resultLayout sizes outcome,
// where and detail to what the results hold.
// The outcome is never cut and the prefix (which tells keys apart) last;
// the name gives way first.
var resultColumns = []table.Column{
	{Title: "outcome", Width: 17, Min: 12, Keep: 9},
	{Title: "name", Flex: 2, Min: 12, Want: 16, Max: 32, Keep: 3},
	{Title: "prefix", Width: 10, Min: 9, Keep: 8},
	{Title: "where", Flex: 1, Min: 8, Want: 12, Max: maxWhere, Keep: 6},
	{Title: "detail", Flex: 3, Min: 10, Want: 24, Keep: 4},
}

// maxWhere caps the where column ("inbox noreply@acme.agentmail.to" fits).
const maxWhere = 40

// resultLayout fits the columns to the results: outcome as wide as the
// longest outcome shown, where as wide as the longest scope (up to
// maxWhere), and detail the rest (dropped when no result has one).
func (m *Model) resultLayout() []table.Column {
	cols := append([]table.Column(nil), resultColumns...)
	outcome, where, detail := len("outcome"), len("where"), 0
	for i := range m.results {
		r := &m.results[i]
		outcome = max(outcome, ansi.StringWidth(r.Outcome.String()))
		where = max(where, ansi.StringWidth(sanitize.Truncate(m.where(r.ID), maxWhere)))
		detail = max(detail, ansi.StringWidth(m.detail(r)))
	}
	cols[0].Width, cols[0].Min = outcome, outcome
	cols[3].Want = min(where, maxWhere)
	cols[3].Min = min(cols[3].Min, cols[3].Want)
	if detail == 0 {
		return cols[:len(cols)-1] // the names get the room
	}
	cols[4].Want = max(detail, cols[4].Min)
	return cols
}

const maxBar = 40

// View draws the phase.
func (m *Model) View() string {
	switch m.phase {
	case reviewing:
		return m.reviewView()
	case running:
		return m.runningView()
	}
	return m.resultView()
}

// reviewHead and reviewFoot are the review's lines around the list.
func (m *Model) reviewHead() []string {
	st := m.c.Styles
	head := []string{
		st.Title.Render(sanitize.Truncate("Delete "+plural(len(m.marks), "marked key")+"?", m.width)),
		sanitize.Truncate(countByScope(m.marks), m.width),
		m.lastUseLine(),
	}
	if m.roomy() {
		head = append(head, "")
	}
	return head
}

func (m *Model) reviewFoot() []string {
	st := m.c.Styles
	n := strconv.Itoa(len(m.marks))
	say := "Type " + n + " to delete them: anything using them stops working at once."
	if ansi.StringWidth(say) > m.width {
		say = "Type " + n + " to delete them (their users break at once)."
	}
	foot := []string{sanitize.Truncate(say, m.width)}
	if m.roomy() {
		foot = append([]string{""}, foot...)
	}
	m.input.Width = max(min(m.width-4, 20), 4)
	foot = append(foot, m.input.View())
	switch {
	case m.wrong:
		foot = append(foot, st.Danger.Render(sanitize.Truncate("that is not "+n+": type "+n+" to confirm", m.width)))
	case strings.TrimSpace(m.input.Value()) == n:
		foot = append(foot, st.Muted.Render(sanitize.Truncate("enter deletes "+plural(len(m.marks), "key")+" · esc cancels", m.width)))
	default:
		foot = append(foot, st.Muted.Render(sanitize.Truncate("esc cancels (the marks stay)", m.width)))
	}
	return foot
}

// roomy: blank lines around the list only when it keeps 6 rows or more.
func (m *Model) roomy() bool { return m.height >= 17 }

func (m *Model) reviewView() string {
	head, foot := m.reviewHead(), m.reviewFoot()
	now := m.c.Now()
	body := m.list.View(func(r, c int) string {
		mk := &m.marks[r]
		switch c {
		case 0:
			return mk.Target.Name
		case 1:
			if mk.Target.Prefix == "" {
				return ""
			}
			return mk.Target.Prefix + "…"
		case 2:
			return mk.Where
		case 3:
			return format.Ago(mk.Target.UsedAt, now)
		}
		return ""
	}, func(r, c int) styles.Paint {
		if m.recent(m.marks[r].Target.UsedAt, now) {
			return m.c.Styles.WarningCell // the risky rows stand out whole
		}
		return styles.Paint{}
	})
	return strings.Join(head, "\n") + "\n" + body + "\n" + strings.Join(foot, "\n")
}

// recent: used within the stale window, so something may still use it.
func (m *Model) recent(used, now time.Time) bool {
	return !used.IsZero() && now.Sub(used) <= time.Duration(m.c.Settings.StaleDays)*24*time.Hour
}

// lastUseLine is the most recent last use among the marked keys, in the
// warning colour when it is within the stale window.
func (m *Model) lastUseLine() string {
	var last time.Time
	for _, mk := range m.marks {
		if mk.Target.UsedAt.After(last) {
			last = mk.Target.UsedAt
		}
	}
	if last.IsZero() {
		return sanitize.Truncate("most recent use: none of them was ever used", m.width)
	}
	now := m.c.Now()
	s := sanitize.Truncate("most recent use: "+format.Ago(last, now)+" ("+m.c.Times().Exact(last)+")", m.width)
	if m.recent(last, now) {
		return m.c.Styles.Warning.Render(s)
	}
	return s
}

// countByScope counts the keys by scope in a sentence: "4 organization
// keys", "7 keys in 2 pods", "12 keys: 3 organization keys, 7 keys in 2
// pods and 2 keys in 1 inbox".
func countByScope(ms []marks.Mark) string {
	org := 0
	pods, inboxes := map[string]int{}, map[string]int{}
	for _, mk := range ms {
		switch s := mk.Own; s.Kind {
		case client.ScopePod:
			pods[s.ID]++
		case client.ScopeInbox:
			inboxes[s.ID]++
		default:
			org++
		}
	}
	sum := func(m map[string]int) int {
		n := 0
		for _, v := range m {
			n += v
		}
		return n
	}
	var parts []string
	if org > 0 {
		parts = append(parts, plural(org, "organization key"))
	}
	if n := sum(pods); n > 0 {
		parts = append(parts, plural(n, "key")+" in "+plural(len(pods), "pod"))
	}
	if n := sum(inboxes); n > 0 {
		in := "1 inbox"
		if len(inboxes) != 1 {
			in = strconv.Itoa(len(inboxes)) + " inboxes"
		}
		parts = append(parts, plural(n, "key")+" in "+in)
	}
	switch len(parts) {
	case 0:
		return "no keys"
	case 1:
		return parts[0]
	}
	last := len(parts) - 1
	return plural(len(ms), "key") + ": " + strings.Join(parts[:last], ", ") + " and " + parts[last]
}

func (m *Model) runningView() string {
	p, st := m.progress, m.c.Styles
	width := max(min(maxBar, m.width-24), 4)
	filled := 0
	if p.Total > 0 {
		filled = p.Done * width / p.Total
	}
	bar := st.Accent.Render(strings.Repeat("█", filled)) + st.Muted.Render(strings.Repeat("░", width-filled))
	lines := []string{
		st.Title.Render(sanitize.Truncate("Deleting "+plural(p.Total, "key")+"…", m.width)),
		"",
		"  " + bar + "  " + strconv.Itoa(p.Done) + " of " + strconv.Itoa(p.Total),
		sanitize.Truncate("  "+countsLine(p.Counts)+" · "+strconv.Itoa(p.InFlight)+" in flight", m.width),
	}
	if !p.PausedUntil.IsZero() {
		lines = append(lines, st.Warning.Render(sanitize.Truncate("  paused for rate limit until "+m.c.Times().Exact(p.PausedUntil), m.width)))
	}
	lines = append(lines, "")
	switch {
	case m.asking:
		lines = append(lines,
			st.Warning.Render(sanitize.Truncate("Stop deleting? Keys deleted so far stay deleted; the rest are not attempted.", m.width)),
			st.Muted.Render(sanitize.Truncate("(paused: no new delete starts until you answer)", m.width)),
			sanitize.Truncate("y stops · n goes on", m.width))
	case m.stopped:
		lines = append(lines, st.Muted.Render(sanitize.Truncate("stopping: waiting for the requests on the wire…", m.width)))
	default:
		lines = append(lines, st.Muted.Render(sanitize.Truncate("esc stops", m.width)))
	}
	return strings.Join(lines, "\n")
}

// countsLine is the counts so far: "3 deleted · 1 used since review".
func countsLine(n [bulk.OutcomeCount]int) string {
	var parts []string
	for o := range bulk.OutcomeCount {
		if n[o] > 0 {
			parts = append(parts, strconv.Itoa(n[o])+" "+o.String())
		}
	}
	if len(parts) == 0 {
		return "nothing done yet"
	}
	return strings.Join(parts, " · ")
}

// summary is the result in one line, every outcome that happened.
func summary(n [bulk.OutcomeCount]int) string {
	s := countsLine(n)
	if n[bulk.UsedSinceReview] > 0 {
		s = strings.Replace(s, "used since review", "used since review (skipped)", 1)
	}
	return s
}

func (m *Model) resultHead() []string {
	n, st := bulk.Summary(m.results), m.c.Styles
	title := "Deleted " + strconv.Itoa(n[bulk.Deleted]) + " of " + plural(len(m.results), "key")
	if m.stopped {
		title += " (stopped)"
	}
	paint := st.Title
	if n[bulk.Deleted]+n[bulk.AlreadyGone] != len(m.results) {
		paint = st.Warning
	}
	return []string{paint.Render(sanitize.Truncate(title, m.width)), sanitize.Truncate(summary(n), m.width)}
}

func (m *Model) resultFoot() string {
	return m.c.Styles.Muted.Render(sanitize.Truncate("enter or esc closes · the keys not deleted stay marked", m.width))
}

func (m *Model) resultView() string {
	body := m.table.View(func(r, c int) string {
		res := &m.results[r]
		switch c {
		case 0:
			return res.Outcome.String()
		case 1:
			return res.Name
		case 2:
			if res.Prefix == "" {
				return ""
			}
			return res.Prefix + "…"
		case 3:
			return m.where(res.ID)
		case 4:
			return m.detail(res)
		}
		return ""
	}, func(r, c int) styles.Paint {
		switch m.results[r].Outcome {
		case bulk.Deleted, bulk.AlreadyGone:
			return styles.Paint{}
		case bulk.UsedSinceReview, bulk.NotAttempted:
			return m.c.Styles.WarningCell
		}
		return m.c.Styles.DangerCell
	})
	return strings.Join(m.resultHead(), "\n") + "\n" + body + "\n" + m.resultFoot()
}

func (m *Model) where(id string) string {
	for i := range m.marks {
		if m.marks[i].Target.ID == id {
			return m.marks[i].Where
		}
	}
	return ""
}

// detail says why, in a few words; server text (a refusal's fix, an
// error) is sanitised by the table.
func (m *Model) detail(r *bulk.Result) string {
	switch {
	case r.Settled && r.Outcome == bulk.Deleted:
		return "answer lost; listing shows it gone"
	case r.Settled:
		return "answer lost; listing shows it still there"
	case r.Outcome == bulk.Refused:
		if fix := r.Fix(); fix != "" {
			return fix
		}
	case r.Outcome == bulk.UsedSinceReview:
		if r.Seen.IsZero() {
			return "its last use changed since it was marked: kept"
		}
		return "used " + format.Ago(r.Seen, m.c.Now()) + ", after it was marked: kept"
	case r.Outcome == bulk.Unknown && errors.Is(r.Err, client.ErrOutcomeUnknown):
		return "answer lost, listing failed: check the key"
	case r.Outcome == bulk.NotAttempted:
		return "" // the outcome says it all; no Go error text
	}
	if r.Err != nil {
		return r.Err.Error()
	}
	return ""
}

// resize gives each table the lines its phase leaves.
func (m *Model) resize() {
	switch m.phase {
	case reviewing:
		m.list.SetSize(m.width, max(m.height-len(m.reviewHead())-len(m.reviewFoot()), 2))
	case finished:
		m.table.SetSize(m.width, max(m.height-len(m.resultHead())-1, 2))
	}
}
