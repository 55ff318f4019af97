package audit

import (
	"strconv"
	"strings"
	"time"

	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/report"
	"github.com/amkeys/amkeys/ui/sanitize"
	"github.com/amkeys/amkeys/ui/styles"
)

// Layout limits.
const (
	maxBar          = 40 // widest progress bar and chart bar
	minTableRows    = 8  // the chart folds into one line rather than leave fewer
	maxFailureLines = 3
)

// View draws the progress while scanning, else the findings and the table.
func (m *Model) View() string {
	if m.scan != nil || m.res == nil {
		return m.progressView()
	}
	table := m.table.View(m.cell, m.paint)
	if hint := m.emptyHint(); hint != "" {
		table = withEmptyHint(table, m.c.Styles.MutedPaint.Apply(sanitize.Truncate(hint, m.width)))
	}
	return strings.Join(m.header(), "\n") + "\n" + table
}

// emptyHint says why the table is empty when the filters left nothing,
// and how to get the rows back ("" when rows are shown or none exist).
func (m *Model) emptyHint() string {
	if len(m.rows) > 0 || !m.filtered() {
		return ""
	}
	if m.searching() {
		return "  no credential matches “" + sanitize.Truncate(m.search.query.String(), 30) + "”: esc clears it"
	}
	return "  no credential matches these filters: esc clears them"
}

// withEmptyHint puts hint on the table's first row, which is blank in an
// empty table (below the column titles and the rule).
func withEmptyHint(table, hint string) string {
	lines := strings.Split(table, "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] == "" {
			lines[i] = hint
			break
		}
	}
	return strings.Join(lines, "\n")
}

// resize gives the table the height the header leaves.
func (m *Model) resize() {
	m.table.SetSize(m.width, max(m.height-len(m.header()), 2))
}

func (m *Model) progressView() string {
	p, st := m.progress, m.c.Styles
	title := "Auditing every credential…"
	if m.retrying {
		title = "Retrying the listings that failed…"
	}
	known := strconv.Itoa(p.PodsKnown)
	if !p.ListingDone {
		known += "+" // the pod listing is still paging
	}
	width := max(min(maxBar, m.width-24), 4)
	filled := 0
	if p.PodsKnown > 0 {
		filled = p.PodsScanned * width / p.PodsKnown
	}
	bar := st.Accent.Render(strings.Repeat("█", filled)) + st.Muted.Render(strings.Repeat("░", width-filled))
	lines := []string{
		st.Title.Render(title),
		"",
		"  " + bar + "  " + strconv.Itoa(p.PodsScanned) + " of " + known + " pods",
		"  " + plural(p.KeysFound, "credential") + " and " + pluralInboxes(p.InboxesFound) + " found · " +
			strconv.Itoa(p.InFlight) + " in flight · " + plural(p.Errors, "error"),
	}
	if !p.PausedUntil.IsZero() {
		lines = append(lines, "  "+st.Warning.Render("rate limited: every request waits for the server's Retry-After"))
	}
	lines = append(lines, "", st.Muted.Render("  esc cancels"))
	return strings.Join(lines, "\n")
}

// header is everything above the table: summary, chart, failures, filters.
func (m *Model) header() []string {
	if m.res == nil {
		return nil
	}
	st, s := m.c.Styles, m.sum
	lines := []string{m.summaryLine()}
	lines = append(lines, m.failureLines()...)
	if len(m.res.Notes) > 0 {
		note := m.res.Notes[0]
		if n := len(m.res.Notes); n > 1 {
			note += " (+" + strconv.Itoa(n-1) + " more)"
		}
		lines = append(lines, st.MutedPaint.Apply(sanitize.Truncate("note: "+note, m.width)))
	}
	if m.height-len(lines)-int(audit.BucketCount)-2 >= minTableRows {
		lines = append(lines, m.chart(s)...)
	} else {
		lines = append(lines, m.compactChart(s))
	}
	lines = append(lines, m.filterLine())
	if l := m.searchLine(); l != "" {
		lines = append(lines, l) // the field under the filters it narrows
	}
	return lines
}

func (m *Model) summaryLine() string {
	s := m.sum
	pods := plural(s.PodsScanned, "pod")
	if s.PodsScanned != s.Pods {
		pods = strconv.Itoa(s.PodsScanned) + " of " + plural(s.Pods, "pod")
	}
	parts := []string{
		plural(s.Keys, "key") + " and " + plural(s.PublicKeys, "public key") + " in " + pods + m.andOrganization(),
		strconv.Itoa(s.Unrestricted) + " unrestricted",
		strconv.Itoa(s.Stale) + " stale",
		strconv.Itoa(s.Expired) + " expired",
		strconv.Itoa(s.Expiring) + " expiring",
		strconv.Itoa(s.Revoked) + " revoked",
		plural(s.PodsWithoutKeys, "pod") + " without keys",
	}
	return m.c.Styles.TitlePaint.Apply(sanitize.Truncate(strings.Join(parts, " · "), m.width))
}

// andOrganization says that the counts include credentials of the
// organization itself, which belong to no pod ("" when there are none).
func (m *Model) andOrganization() string {
	if m.sum.KeyScopes.Organization+m.sum.PublicKeyScopes.Organization == 0 {
		return ""
	}
	return " and the organization"
}

// failureLines say why the result is incomplete: a stop, a cancel, the
// pod listing, the listings that failed and the items that could not be
// read, each at most a few lines, with how to retry.
func (m *Model) failureLines() []string {
	res, st := m.res, m.c.Styles
	var lines []string
	switch {
	case res.Stopped != nil:
		lines = append(lines, res.Stopped.Error()+" · the results are incomplete · r audits again")
	case res.Cancelled:
		lines = append(lines, "cancelled: the results are incomplete · r audits again")
	}
	if res.ListErr != nil {
		lines = append(lines, "the pod listing stopped: "+res.ListErr.Error())
	}
	if n := len(res.Failed); n > 0 {
		lines = append(lines, plural(n, "listing")+" failed, their credentials are missing · R retries them")
		for i, f := range res.Failed {
			if i == maxFailureLines {
				lines = append(lines, "  and "+strconv.Itoa(n-i)+" more")
				break
			}
			lines = append(lines, "  ✗ "+failureName(f)+": "+f.Err.Error())
		}
	}
	if n := len(res.Unreadable); n > 0 {
		lines = append(lines, plural(n, "listed item")+" could not be read:")
		for i, u := range res.Unreadable {
			if i == maxFailureLines {
				lines = append(lines, "  and "+strconv.Itoa(n-i)+" more")
				break
			}
			where := ""
			if u.Pod.ID != "" {
				where = u.Pod.Name + ": "
			}
			lines = append(lines, "  ✗ "+where+u.ItemError.Error())
		}
	}
	for i, l := range lines {
		lines[i] = st.ErrorPaint.Apply(sanitize.Truncate(l, m.width))
	}
	return lines
}

// failureName is whose listing failed.
func failureName(f audit.Failure) string {
	switch {
	case f.Credentials:
		return "public keys"
	case f.IsOrganization():
		return "organization keys"
	}
	return f.Pod.Name
}

// chart draws one bar per bucket of last use.
func (m *Model) chart(s audit.Summary) []string {
	most := 0
	for _, n := range s.LastUsed {
		most = max(most, n)
	}
	width := max(min(maxBar, m.width-24), 1)
	lines := make([]string, 0, audit.BucketCount+1)
	lines = append(lines, m.c.Styles.MutedPaint.Apply("last used"))
	for b := range audit.BucketCount {
		n := s.LastUsed[b]
		bar := ""
		if n > 0 && most > 0 {
			bar = strings.Repeat("█", max(1, n*width/most))
		}
		paint := m.c.Styles.TitlePaint
		if b >= audit.UsedOlder {
			paint = m.c.Styles.WarningCell
		}
		label := sanitize.Cell(b.Label(), 10)
		count := strconv.Itoa(n)
		lines = append(lines, "  "+label+strings.Repeat(" ", max(7-len(count), 1))+count+"  "+paint.Apply(bar))
	}
	return lines
}

// compactChart is the chart on one line, for short windows.
func (m *Model) compactChart(s audit.Summary) string {
	parts := make([]string, 0, audit.BucketCount)
	for b := range audit.BucketCount {
		parts = append(parts, b.Label()+" "+strconv.Itoa(s.LastUsed[b]))
	}
	return m.c.Styles.MutedPaint.Apply(sanitize.Truncate("last used: "+strings.Join(parts, " · "), m.width))
}

// filterLine names the filters applied; it stays while / is typed, so
// that a pod or quick filter under the text is not forgotten.
func (m *Model) filterLine() string {
	pod := "all"
	if m.pod != nil {
		pod = m.pod.name
		if m.pod.id == "" {
			pod = "organization keys"
		}
	}
	s := strconv.Itoa(len(m.rows)) + " of " + plural(len(m.res.Keys), "credential") + m.searchNote() + " · stalest first · show: " +
		showNames[m.show] + " · pod: " + pod + " · stale after " + plural(m.c.Settings.StaleDays, "day") +
		" · times in " + m.c.Times().Name(m.now)
	return m.c.Styles.MutedPaint.Apply(sanitize.Truncate(s, m.width))
}

func (m *Model) key(row int) *audit.Key { return &m.res.Keys[m.rows[row]] }

func (m *Model) cell(row, col int) string {
	k := m.key(row)
	switch col {
	case 0:
		if k.PodID == "" {
			return "(organization)"
		}
		return k.PodName
	case 1:
		return report.ScopeLabel(k)
	case 2:
		return k.Name
	case 3:
		if !k.IsBearer() {
			return "public key"
		}
		return keys.MaskPrefix(k.Prefix)
	case 4:
		return m.c.Times().Date(k.CreatedAt) // the filter line names the zone
	case 5:
		if !k.IsBearer() {
			return expiry(k, m.now)
		}
		return format.Ago(k.UsedAt, m.now)
	case 6:
		if !k.IsBearer() {
			return k.Fingerprint
		}
		return k.Permissions.Summary()
	}
	return ""
}

// expiry is a public key's state in a few words: "revoked", "expired",
// "in 3 days", "no expiry".
func expiry(k *audit.Key, now time.Time) string {
	switch {
	case !k.RevokedAt.IsZero():
		return "revoked"
	case k.ExpiresAt.IsZero():
		return "no expiry"
	case !now.Before(k.ExpiresAt):
		return "expired"
	}
	days := int(k.ExpiresAt.Sub(now) / (24 * time.Hour))
	if days < 1 {
		return "today"
	}
	return "in " + plural(days, "day")
}

func (m *Model) paint(row, col int) styles.Paint {
	k, st := m.key(row), m.c.Styles
	f := m.policy().Findings(k)
	switch {
	case col == 6 && f.Has(audit.FindUnrestricted):
		return st.WarningCell
	case col == 5 && f&(audit.FindStale|audit.FindExpired|audit.FindExpiring|audit.FindRevoked) != 0:
		return st.WarningCell
	case col == 5 && f.Has(audit.FindNeverUsed):
		return st.MutedRow
	}
	return styles.Paint{}
}

func pluralInboxes(n int) string {
	if n == 1 {
		return "1 inbox"
	}
	return strconv.Itoa(n) + " inboxes"
}
