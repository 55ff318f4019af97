package ui

import (
	"strings"

	"github.com/amkeys/amkeys/ui/sanitize"
)

// statusPart is one part of the status line and how much it matters.
type statusPart struct {
	text string
	rank int // lower matters more; the highest ranks are left out first
}

// Ranks of the status line's parts: what the user must not miss first
// (read-only, then the screen's own status with its marks), where amkeys
// points last.
const (
	rankReadOnly = iota
	rankScreen
	rankProfile
	rankBaseURL
	rankOrg
	rankKeySource
)

const statusSep = " · "

func (m *Model) statusLine(w int) string {
	line := sanitize.Cell(fitStatus(m.statusParts(), w-1), w-1)
	return m.c.Styles.StatusPaint.Apply(" " + line)
}

// statusParts are the parts in the order they are drawn.
func (m *Model) statusParts() []statusPart {
	set := m.c.Settings
	var parts []statusPart
	if set.Demo {
		parts = append(parts, statusPart{"demo", rankProfile})
	} else if set.Profile != "" {
		parts = append(parts, statusPart{"profile " + set.Profile, rankProfile})
	}
	parts = append(parts, statusPart{set.BaseURL, rankBaseURL})
	if m.orgID != "" {
		parts = append(parts, statusPart{"org " + sanitize.Truncate(m.orgID, 40), rankOrg})
	}
	if set.KeySource != "" && !set.Demo {
		parts = append(parts, statusPart{"key from " + set.KeySource, rankKeySource})
	}
	if s := m.top().Status(); s != "" {
		parts = append(parts, statusPart{s, rankScreen})
	}
	if set.ReadOnly {
		parts = append(parts, statusPart{"[read-only]", rankReadOnly})
	}
	for i := range parts { // sanitised and bounded, so widths add up
		parts[i].text = sanitize.Truncate(parts[i].text, maxStatusPart)
	}
	return parts
}

// maxStatusPart bounds each part: wider than any window.
const maxStatusPart = 400

// fitStatus joins the parts into at most w cells. When they do not fit,
// whole parts are left out, least important first, so that no part is cut
// half-way; only when read-only and the screen's status alone are too
// wide is the screen's status cut, at its end, with read-only kept.
func fitStatus(parts []statusPart, w int) string {
	for {
		line := joinStatus(parts)
		if sanitize.Width(line) <= w {
			return line
		}
		worst := -1
		for i, p := range parts {
			if p.rank > rankScreen && (worst < 0 || p.rank > parts[worst].rank) {
				worst = i
			}
		}
		if worst < 0 {
			break
		}
		parts = append(parts[:worst:worst], parts[worst+1:]...)
	}
	var screen, readOnly string
	for _, p := range parts {
		if p.rank == rankScreen {
			screen = p.text
		} else {
			readOnly = p.text
		}
	}
	if readOnly == "" {
		return sanitize.Truncate(screen, w)
	}
	if screen == "" {
		return sanitize.Truncate(readOnly, w)
	}
	room := w - sanitize.Width(statusSep+readOnly)
	if room < 4 { // too narrow for both: read-only wins
		return sanitize.Truncate(readOnly, w)
	}
	return sanitize.Truncate(screen, room) + statusSep + readOnly
}

func joinStatus(parts []statusPart) string {
	texts := make([]string, len(parts))
	for i, p := range parts {
		texts[i] = p.text
	}
	return strings.Join(texts, statusSep)
}
