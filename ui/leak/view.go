package leak

import (
	"strconv"
	"strings"

	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// View draws the field, the progress, or the matches; the dialog over all.
func (m *Model) View() string {
	if m.dialog != nil {
		return m.dialog.Fit(m.width, m.height)
	}
	switch m.state {
	case typing:
		return strings.Join(m.typingLines(), "\n")
	case searching, confirming:
		return strings.Join(m.header(), "\n")
	}
	if len(m.out.Matches) == 0 {
		return strings.Join(m.header(), "\n")
	}
	return strings.Join(m.header(), "\n") + "\n" + m.table.View(m.cell, nil)
}

// typingLines explain, then show the field masked.
func (m *Model) typingLines() []string {
	st, w := &m.c.Styles, max(m.width, 1)
	lines := []string{st.TitlePaint.Apply(sanitize.Truncate("Find where a leaked API key belongs", w))}
	lines = append(lines, sanitize.Lines("Paste the key, or type its prefix (am_ and 5 more). Only the prefix is kept: the key is never sent anywhere, not even to AgentMail.", w, 3)...)
	lines = append(lines, "", sanitize.Truncate("key: "+masked(m.input.Value())+"▏", w), "")
	if m.problem != "" {
		for _, l := range sanitize.Lines(m.problem, w, 2) {
			lines = append(lines, st.ErrorPaint.Apply(l))
		}
	}
	note := "No recent audit: every credential listing will be searched."
	if m.audit.fresh(m.c.Now()) {
		note = "The audit of " + format.Ago(m.audit.At, m.c.Now()) + " will be searched; each match is re-read in its scope's listing."
	}
	for _, l := range sanitize.Lines(note, w, 2) {
		lines = append(lines, st.MutedPaint.Apply(l))
	}
	return lines
}

// header is the progress, or what was found and where it was looked for.
func (m *Model) header() []string {
	st, w := &m.c.Styles, max(m.width, 1)
	if m.state == searching {
		return []string{
			st.TitlePaint.Apply(sanitize.Truncate("Looking for "+m.out.Prefix+" in every credential listing", w)),
			sanitize.Truncate(progressText(m.progress), w),
			st.MutedPaint.Apply(sanitize.Truncate("esc cancels", w)),
		}
	}
	if m.state == confirming {
		return []string{
			st.TitlePaint.Apply(sanitize.Truncate("Looking for "+m.out.Prefix+" in the audit of "+format.Ago(m.audit.At, m.c.Now()), w)),
			sanitize.Truncate("re-reading where it found the prefix, in case a key is gone since", w),
			st.MutedPaint.Apply(sanitize.Truncate("esc cancels", w)),
		}
	}
	if m.state != showing {
		return nil
	}
	where := "searched every credential listing"
	if !m.fromAudit.IsZero() {
		where = "searched the audit of " + format.Ago(m.fromAudit, m.c.Now())
	}
	var lines []string
	if n := len(m.out.Matches); n > 0 {
		for _, l := range sanitize.Lines(plural(n, "credential has", "credentials have")+" the prefix "+m.out.Prefix+" ("+where+")", w, 2) {
			lines = append(lines, st.TitlePaint.Apply(l))
		}
		if m.deleted != nil {
			lines = append(lines, st.MutedPaint.Apply(sanitize.Truncate("Deleted "+m.deletedName()+".", w)))
		}
	} else {
		text := "No credential with prefix " + m.out.Prefix + " in this organization: it may be deleted already, or belong to another organization."
		switch {
		case m.deleted != nil && m.out.Complete():
			text = "Deleted " + m.deletedName() + ": no other credential has this prefix."
		case m.deleted != nil:
			text = "Deleted " + m.deletedName() + ": no other credential has this prefix in what could be searched (the search was incomplete)."
		case !m.out.Complete():
			text = "No credential with prefix " + m.out.Prefix + " in what could be searched: the search was incomplete."
		}
		for _, l := range sanitize.Lines(text, w, 3) {
			lines = append(lines, st.TitlePaint.Apply(l))
		}
		lines = append(lines, st.MutedPaint.Apply(sanitize.Truncate("("+where+")", w)))
	}
	lines = append(lines, m.goneLines(w)...)
	if ps := m.out.Problems; len(ps) > 0 {
		text := "Not searched (" + strconv.Itoa(len(ps)) + "): " + ps[0].String()
		for _, l := range sanitize.Lines(text, w, 2) {
			lines = append(lines, st.ErrorPaint.Apply(l))
		}
	}
	return lines
}

// deletedName is the key d deleted: "support-agent-207 (am_tt44g…)".
func (m *Model) deletedName() string {
	k := m.deleted.Key
	return k.Name + " (" + k.Prefix + "…)"
}

// maxGoneLines bounds the matches named as gone since the audit.
const maxGoneLines = 3

// goneLines say which of the audit's matches are no longer listed: they
// are not offered, since their scope now shows other keys.
func (m *Model) goneLines(w int) []string {
	var lines []string
	ago := format.Ago(m.fromAudit, m.c.Now())
	for i, mt := range m.gone {
		if i == maxGoneLines {
			lines = append(lines, sanitize.Truncate("and "+strconv.Itoa(len(m.gone)-i)+" more listed by the audit, gone now", w))
			break
		}
		text := "The audit of " + ago + " listed " + mt.Key.Prefix + " (" + mt.Key.Name + ") in " + scopeOf(mt).Describe() + "; it is gone now."
		lines = append(lines, m.c.Styles.WarningCell.Apply(sanitize.Truncate(text, w)))
	}
	return lines
}
