package sanitize

import "strings"

// Lines sanitises untrusted multi-line text, such as an error's fix message,
// and word-wraps it to lines of at most width columns, at most maxLines of
// them; when text is left over the last line ends with "…". Server text has
// no trusted line breaks: a "\n" in s shows as ␊ inside the flow. Runs of
// spaces collapse to one; leading and trailing spaces go. It returns nil if
// s is blank, width <= 0 or maxLines <= 0; width > MaxWidth counts as
// MaxWidth.
func Lines(s string, width, maxLines int) []string {
	if width <= 0 || maxLines <= 0 {
		return nil
	}
	width = min(width, MaxWidth)
	raw, clipped := clip(s, inputBudget(width+1, maxLines))
	w := wrapper{width: width, maxLines: maxLines, cut: clipped}
	for _, word := range strings.FieldsFunc(Text(raw), isSpace) {
		if len(w.lines) >= maxLines || w.stop {
			w.cut = true
			break
		}
		w.add(word)
	}
	return w.finish()
}

func isSpace(r rune) bool { return r == ' ' }

// wrapper fills lines greedily, one word at a time.
type wrapper struct {
	width, maxLines int
	lines           []string
	cur             string // the line being filled
	curW            int
	cut             bool // some text is left out
	stop            bool // nothing more can be shown
}

func (w *wrapper) add(word string) {
	n, ww := fitPrefix(word, w.width) // measures at most one line of word
	if n == len(word) && w.cur != "" && w.curW+1+ww <= w.width {
		w.cur += " " + word
		w.curW += 1 + ww
		return
	}
	w.flush()
	for n < len(word) { // a word longer than a line: break it anywhere
		if n == 0 || len(w.lines) >= w.maxLines { // a character wider than a line, or no room
			w.cut, w.stop = true, true
			return
		}
		w.lines = append(w.lines, word[:n])
		word = word[n:]
		n, ww = fitPrefix(word, w.width)
	}
	w.cur, w.curW = word, ww
}

func (w *wrapper) flush() {
	if w.cur != "" {
		w.lines = append(w.lines, w.cur)
		w.cur, w.curW = "", 0
	}
}

func (w *wrapper) finish() []string {
	w.flush()
	if len(w.lines) > w.maxLines {
		w.lines, w.cut = w.lines[:w.maxLines], true
	}
	if !w.cut {
		return w.lines
	}
	if len(w.lines) == 0 {
		w.lines = []string{""}
	}
	last := len(w.lines) - 1
	w.lines[last], _ = withEllipsis(w.lines[last], w.width)
	return w.lines
}
