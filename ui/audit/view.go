package audit

import (
	"strconv"
	"strings"

	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/keys"
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
	return strings.Join(m.header(), "\n") + "\n" + m.table.View(m.cell, m.paint)
}

// resize gives the table the height the header leaves.
func (m *Model) resize() {
	m.table.SetSize(m.width, max(m.height-len(m.header()), 2))
}

func (m *Model) progressView() string {
	p, st := m.progress, m.c.Styles
	title := "Auditing every pod's keys…"
	if m.retrying {
		title = "Retrying the pods that failed…"
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
		"  " + plural(p.KeysFound, "key") + " found · " + strconv.Itoa(p.InFlight) + " in flight · " + plural(p.Errors, "error"),
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
	return append(lines, m.filterLine())
}

func (m *Model) summaryLine() string {
	s := m.sum
	pods := plural(s.PodsScanned, "pod")
	if s.PodsScanned != s.Pods {
		pods = strconv.Itoa(s.PodsScanned) + " of " + plural(s.Pods, "pod")
	}
	parts := []string{
		plural(s.Keys, "key") + " in " + pods,
		strconv.Itoa(s.Unrestricted) + " unrestricted",
		strconv.Itoa(s.Stale) + " stale",
		plural(s.PodsWithoutKeys, "pod") + " without keys",
	}
	return m.c.Styles.TitlePaint.Apply(sanitize.Truncate(strings.Join(parts, " · "), m.width))
}

// failureLines name the failed pods, at most a few, and how to retry.
func (m *Model) failureLines() []string {
	res, st := m.res, m.c.Styles
	var lines []string
	if res.Cancelled {
		lines = append(lines, "cancelled: the results are incomplete · r audits again")
	}
	if res.ListErr != nil {
		lines = append(lines, "the pod listing stopped: "+res.ListErr.Error())
	}
	if n := len(res.Failed); n > 0 {
		lines = append(lines, plural(n, "pod")+" failed, their keys are missing · R retries them")
		for i, f := range res.Failed {
			if i == maxFailureLines {
				lines = append(lines, "  and "+strconv.Itoa(n-i)+" more")
				break
			}
			name := f.Pod.Name
			if f.IsOrganization() {
				name = "organization keys"
			}
			lines = append(lines, "  ✗ "+name+": "+f.Err.Error())
		}
	}
	for i, l := range lines {
		lines[i] = st.ErrorPaint.Apply(sanitize.Truncate(l, m.width))
	}
	return lines
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

func (m *Model) filterLine() string {
	pod := "all"
	if m.pod != nil {
		pod = m.pod.name
		if m.pod.id == "" {
			pod = "organization keys"
		}
	}
	s := strconv.Itoa(len(m.rows)) + " of " + plural(len(m.res.Keys), "key") + " · stalest first · show: " +
		showNames[m.show] + " · pod: " + pod + " · stale after " + plural(m.c.Settings.StaleDays, "day")
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
		return k.Name
	case 2:
		return keys.MaskPrefix(k.Prefix)
	case 3:
		return format.Date(k.CreatedAt)
	case 4:
		return format.Ago(k.UsedAt, m.now)
	case 5:
		return k.Permissions.Summary()
	}
	return ""
}

func (m *Model) paint(row, col int) styles.Paint {
	k, st := m.key(row), m.c.Styles
	switch {
	case col == 5 && k.Permissions.IsUnrestricted():
		return st.WarningCell
	case col == 4 && k.NeverUsed():
		return st.MutedRow
	case col == 4 && audit.IsStale(k.UsedAt, m.now, m.c.Settings.StaleDays):
		return st.WarningCell
	}
	return styles.Paint{}
}
