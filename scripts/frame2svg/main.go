// Command frame2svg turns a terminal frame captured with colours
// (`tmux capture-pane -e -p`) into an SVG picture for the README. It knows
// the SGR codes lipgloss emits: reset, bold, faint, underline, reverse, and
// 16/256/true-colour foreground and background.
//
//	tmux capture-pane -e -p -t t | go run ./scripts/frame2svg > assets/dashboard.svg
package main

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

const (
	cellW    = 8.4
	cellH    = 18.0
	fontSize = 14
	defFG    = "#d0d0d0"
	defBG    = "#1c1c1c"
)

type style struct {
	fg, bg          string
	bold, underline bool
	reverse         bool
}

type span struct {
	col   int
	text  string
	style style
}

func main() {
	lines, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "frame2svg:", err)
		os.Exit(1)
	}
	write(os.Stdout, lines)
}

// parse splits each line into styled spans positioned by terminal column.
func parse(r io.Reader) ([][]span, error) {
	var out [][]span
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var spans []span
		var cur style
		col := 0
		var text strings.Builder
		start := 0
		flush := func() {
			if text.Len() > 0 {
				spans = append(spans, span{col: start, text: text.String(), style: cur})
				text.Reset()
			}
		}
		for i := 0; i < len(line); {
			if line[i] == 0x1b && i+1 < len(line) && line[i+1] == '[' {
				j := i + 2
				for j < len(line) && (line[j] < 0x40 || line[j] > 0x7e) {
					j++
				}
				if j < len(line) && line[j] == 'm' {
					flush()
					cur = apply(cur, line[i+2:j])
				}
				i = j + 1
				start = col
				continue
			}
			r, size := nextRune(line[i:])
			// Wide and non-ASCII characters get a span of their own, so
			// that a font's idea of their width cannot shift the row.
			wide := size > 1
			if wide {
				flush()
			}
			if text.Len() == 0 {
				start = col
			}
			text.WriteString(r)
			col += ansi.StringWidth(r)
			i += size
			if wide {
				flush()
			}
		}
		flush()
		out = append(out, spans)
	}
	return out, sc.Err()
}

func nextRune(s string) (string, int) {
	for n := 1; n <= len(s) && n <= 4; n++ {
		if strings.ToValidUTF8(s[:n], "") == s[:n] {
			return s[:n], n
		}
	}
	return s[:1], 1
}

// apply updates the style with one SGR parameter list.
func apply(st style, params string) style {
	if params == "" {
		return style{}
	}
	ps := strings.Split(params, ";")
	for i := 0; i < len(ps); i++ {
		n, _ := strconv.Atoi(ps[i])
		switch {
		case n == 0:
			st = style{}
		case n == 1:
			st.bold = true
		case n == 4:
			st.underline = true
		case n == 7:
			st.reverse = true
		case n == 22:
			st.bold = false
		case n == 24:
			st.underline = false
		case n == 27:
			st.reverse = false
		case n == 39:
			st.fg = ""
		case n == 49:
			st.bg = ""
		case (n == 38 || n == 48) && i+1 < len(ps):
			var c string
			if ps[i+1] == "2" && i+4 < len(ps) {
				r, _ := strconv.Atoi(ps[i+2])
				g, _ := strconv.Atoi(ps[i+3])
				b, _ := strconv.Atoi(ps[i+4])
				c = fmt.Sprintf("#%02x%02x%02x", r, g, b)
				i += 4
			} else if ps[i+1] == "5" && i+2 < len(ps) {
				k, _ := strconv.Atoi(ps[i+2])
				c = xterm256(k)
				i += 2
			}
			if n == 38 {
				st.fg = c
			} else {
				st.bg = c
			}
		case n >= 30 && n <= 37:
			st.fg = xterm256(n - 30)
		case n >= 90 && n <= 97:
			st.fg = xterm256(n - 90 + 8)
		case n >= 40 && n <= 47:
			st.bg = xterm256(n - 40)
		case n >= 100 && n <= 107:
			st.bg = xterm256(n - 100 + 8)
		}
	}
	return st
}

var base16 = []string{"#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
	"#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff"}

func xterm256(k int) string {
	switch {
	case k < 16:
		return base16[max(k, 0)]
	case k < 232:
		k -= 16
		lv := []int{0, 95, 135, 175, 215, 255}
		return fmt.Sprintf("#%02x%02x%02x", lv[k/36], lv[(k/6)%6], lv[k%6])
	default:
		g := 8 + (k-232)*10
		return fmt.Sprintf("#%02x%02x%02x", g, g, g)
	}
}

func write(w io.Writer, lines [][]span) {
	cols := 0
	for _, l := range lines {
		for _, s := range l {
			cols = max(cols, s.col+ansi.StringWidth(s.text))
		}
	}
	width, height := float64(cols)*cellW+20, float64(len(lines))*cellH+20
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`+"\n", width, height, width, height)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" rx="6" fill="%s"/>`+"\n", defBG)
	fmt.Fprintf(w, `<g font-family="ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="%d" xml:space="preserve">`+"\n", fontSize)
	for y, l := range lines {
		top := 10 + float64(y)*cellH
		for _, s := range l {
			fg, bg := s.style.fg, s.style.bg
			if s.style.reverse {
				fg, bg = orDefault(bg, defBG), orDefault(fg, defFG)
			}
			x := 10 + float64(s.col)*cellW
			if bg != "" {
				fmt.Fprintf(w, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", x, top, float64(ansi.StringWidth(s.text))*cellW, cellH, bg)
			}
			if strings.TrimSpace(s.text) == "" {
				continue
			}
			attrs := fmt.Sprintf(`x="%.1f" y="%.1f" fill="%s"`, x, top+cellH-5, orDefault(fg, defFG))
			if s.style.bold {
				attrs += ` font-weight="bold"`
			}
			if s.style.underline {
				attrs += ` text-decoration="underline"`
			}
			fmt.Fprintf(w, "<text %s textLength=\"%.1f\">%s</text>\n", attrs, float64(ansi.StringWidth(s.text))*cellW, html.EscapeString(s.text))
		}
	}
	fmt.Fprintln(w, "</g></svg>")
}

func orDefault(c, d string) string {
	if c == "" {
		return d
	}
	return c
}
