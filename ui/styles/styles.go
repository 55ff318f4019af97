// Package styles is the one place where amkeys chooses colours: a semantic
// palette of adaptive colours (readable on light and dark terminals) and the
// Styles built from it. Everything else asks for a role, never a colour.
package styles

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Palette roles, each an adaptive colour (light terminal, dark terminal).
var (
	primary = lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#B9A7FF"}
	muted   = lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#9A9A9A"}
	warning = lipgloss.AdaptiveColor{Light: "#9A5B00", Dark: "#FFB454"}
	danger  = lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#FF6B6B"}
	success = lipgloss.AdaptiveColor{Light: "#1E7B34", Dark: "#7EE081"}
	selBg   = lipgloss.AdaptiveColor{Light: "#E4DDFF", Dark: "#3A2F6B"}
	selFg   = lipgloss.AdaptiveColor{Light: "#1A1A1A", Dark: "#FFFFFF"}
	barBg   = lipgloss.AdaptiveColor{Light: "#ECECEC", Dark: "#262626"}
)

// Paint is a style reduced to the escape codes around its text, computed
// once, so that table rows can be coloured without running lipgloss per row
// (a frame must cost microseconds). Only for styles without padding, width
// or borders.
type Paint struct{ pre, post string }

// Apply wraps s in the paint's codes.
func (p Paint) Apply(s string) string {
	if p.pre == "" {
		return s
	}
	return p.pre + s + p.post
}

// PaintOf reduces a lipgloss style to a Paint.
func PaintOf(s lipgloss.Style) Paint {
	out := s.Render("\x00")
	i := strings.IndexByte(out, 0)
	if i < 0 {
		return Paint{}
	}
	return Paint{pre: out[:i], post: out[i+1:]}
}

// Styles holds every style the UI uses.
type Styles struct {
	NoColor bool

	Title     lipgloss.Style
	Header    lipgloss.Style // table header row
	Muted     lipgloss.Style
	Warning   lipgloss.Style
	Danger    lipgloss.Style
	Success   lipgloss.Style
	Accent    lipgloss.Style
	StatusBar lipgloss.Style
	ErrorLine lipgloss.Style
	Notice    lipgloss.Style
	Dialog    lipgloss.Style // bordered box for dialogs
	Label     lipgloss.Style // field labels in forms and details

	// Paints of the styles above, for text drawn every frame.
	TitlePaint, MutedPaint, StatusPaint, ErrorPaint, NoticePaint Paint

	// Row paints for tables.
	SelectedRow Paint
	MutedRow    Paint
	WarningCell Paint
	DangerCell  Paint
	HeaderRow   Paint
}

// New builds the styles. With noColor (NO_COLOR set) no colour is used;
// selection and warnings still show through reverse video, bold and the
// row markers that tables always draw.
func New(noColor bool) Styles {
	s := Styles{NoColor: noColor}
	base := lipgloss.NewStyle()
	if noColor {
		s.Title = base.Bold(true)
		s.Header = base.Bold(true).Underline(true)
		s.Muted = base
		s.Warning = base.Bold(true)
		s.Danger = base.Bold(true)
		s.Success = base
		s.Accent = base.Bold(true)
		s.StatusBar = base
		s.ErrorLine = base.Bold(true)
		s.Notice = base
		s.Dialog = base.Border(lipgloss.NormalBorder()).Padding(0, 1)
		s.Label = base.Bold(true)
		s.SelectedRow = PaintOf(base.Reverse(true))
		s.WarningCell = PaintOf(base.Bold(true))
		s.DangerCell = PaintOf(base.Bold(true))
		s.HeaderRow = PaintOf(base.Bold(true))
		s.paints()
		return s
	}
	s.Title = base.Bold(true).Foreground(primary)
	s.Header = base.Bold(true).Foreground(primary)
	s.Muted = base.Foreground(muted)
	s.Warning = base.Foreground(warning)
	s.Danger = base.Bold(true).Foreground(danger)
	s.Success = base.Foreground(success)
	s.Accent = base.Bold(true).Foreground(primary)
	s.StatusBar = base.Foreground(muted).Background(barBg)
	s.ErrorLine = base.Bold(true).Foreground(danger)
	s.Notice = base.Foreground(success)
	s.Dialog = base.Border(lipgloss.RoundedBorder()).BorderForeground(primary).Padding(0, 1)
	s.Label = base.Bold(true)
	s.SelectedRow = PaintOf(base.Background(selBg).Foreground(selFg).Bold(true))
	s.MutedRow = PaintOf(base.Foreground(muted))
	s.WarningCell = PaintOf(base.Foreground(warning))
	s.DangerCell = PaintOf(base.Bold(true).Foreground(danger))
	s.HeaderRow = PaintOf(base.Bold(true).Foreground(primary))
	s.paints()
	return s
}

func (s *Styles) paints() {
	s.TitlePaint = PaintOf(s.Title)
	s.MutedPaint = PaintOf(s.Muted)
	s.StatusPaint = PaintOf(s.StatusBar)
	s.ErrorPaint = PaintOf(s.ErrorLine)
	s.NoticePaint = PaintOf(s.Notice)
}
