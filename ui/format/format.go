// Package format turns times and counts into the short words tables show.
package format

import (
	"strconv"
	"time"
)

// Ago says how long ago t was: "just now", "3 min ago", "5 days ago";
// the zero time is "never".
func Ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "in the future"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	case d < 60*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	case d < 730*24*time.Hour:
		return plural(int(d/(30*24*time.Hour)), "month") + " ago"
	default:
		return plural(int(d/(365*24*time.Hour)), "year") + " ago"
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// Date is the short date of tables, in UTC.
func Date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

// DateTime is a date and minute, in UTC.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// Exact is the full timestamp for detail views.
func Exact(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339) + " (UTC)"
}

// Zone formats times for the screens in one time zone (the local one by
// default, UTC with --utc), and names it. The functions above stay in UTC
// for the headless reports.
type Zone struct{ Loc *time.Location }

func (z Zone) in(t time.Time) time.Time {
	if z.Loc == nil {
		return t.UTC()
	}
	return t.In(z.Loc)
}

// Date is the short date of tables.
func (z Zone) Date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return z.in(t).Format("2006-01-02")
}

// DateTime is a date and minute.
func (z Zone) DateTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return z.in(t).Format("2006-01-02 15:04")
}

// Exact is the full timestamp for details and dialogs, with the zone's
// abbreviation: "2026-11-26 14:03:05 EST".
func (z Zone) Exact(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return z.in(t).Format("2006-01-02 15:04:05 MST")
}

// Name is the zone's abbreviation at now ("UTC", "CET", "EST"), for the
// one place on screen that says which zone the times are in.
func (z Zone) Name(now time.Time) string {
	name, _ := z.in(now).Zone()
	return name
}
