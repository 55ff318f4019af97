package main

import (
	"io"
	"os"
	"time"

	"github.com/charmbracelet/x/term"
)

// savedTerminal is the terminal's state when amkeys started, for the one
// case where Bubble Tea cannot restore it: cleanup after a signal hung
// and amkeys exits anyway.
type savedTerminal struct {
	in    *os.File
	state *term.State // nil when stdin is not a terminal
	out   io.Writer   // nil when stdout is not a terminal
}

func saveTerminal(in, out *os.File) savedTerminal {
	s := savedTerminal{in: in}
	if term.IsTerminal(in.Fd()) {
		if st, err := term.GetState(in.Fd()); err == nil {
			s.state = st
		}
	}
	if term.IsTerminal(out.Fd()) {
		s.out = out
	}
	return s
}

// resetScreen undoes what the dashboard turns on: mouse reporting (cell
// motion, all motion, SGR), bracketed paste, the hidden cursor and the
// alternate screen.
const resetScreen = "\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?25h\x1b[?1049l"

// restore puts the saved modes back and resets the screen, giving up on
// a write that blocks (a terminal nobody reads any more).
func (s savedTerminal) restore() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if s.state != nil {
			_ = term.Restore(s.in.Fd(), s.state)
		}
		if s.out != nil {
			_, _ = io.WriteString(s.out, resetScreen)
		}
	}()
	select {
	case <-done:
	case <-time.After(500 * time.Millisecond):
	}
}
