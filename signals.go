package main

import (
	"context"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// endSignals end amkeys, whatever the command: ctrl+c from outside, kill,
// a closed terminal or SSH session, and ctrl+\ (SIGQUIT, which also prints
// a goroutine dump, as a Go program does by default).
//
// amkeys is their only owner. Bubble Tea's own handler is off
// (tea.WithoutSignalHandler): with both installed, one signal cancelled
// the program's context while Bubble Tea's handler blocked sending its
// quit message, and the shutdown waited for it for ever, leaving the
// terminal raw and the clipboard holding the key.
var endSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// forceExitAfter bounds the cleanup after a signal. A normal one takes
// well under a second; clearing the clipboard alone may take up to
// clip.DefaultTimeout (2 s) when the clipboard tool hangs.
const forceExitAfter = 4 * time.Second

// signalCatcher turns the first end signal into a cancelled context; the
// program then unwinds normally (restores the terminal, clears the
// clipboard) and main exits. If that takes longer than forceExitAfter,
// force is called instead.
type signalCatcher struct {
	ctx    context.Context
	cancel context.CancelFunc
	ch     chan os.Signal
	done   chan struct{}

	mu    sync.Mutex
	first os.Signal
	dump  []byte // all goroutines when SIGQUIT arrived
	timer *time.Timer
}

// catchSignals starts catching sigs, leaving alone any that the process
// was started with ignored (nohup, a background job of a script), since
// catching would end amkeys on a signal its parent meant it to survive.
func catchSignals(sigs []os.Signal, forceAfter time.Duration, force func(os.Signal)) *signalCatcher {
	ctx, cancel := context.WithCancel(context.Background())
	c := &signalCatcher{ctx: ctx, cancel: cancel, ch: make(chan os.Signal, 4), done: make(chan struct{})}
	var caught []os.Signal
	for _, s := range sigs {
		if !signal.Ignored(s) {
			caught = append(caught, s)
		}
	}
	if len(caught) > 0 {
		signal.Notify(c.ch, caught...)
	}
	go c.loop(forceAfter, force)
	return c
}

func (c *signalCatcher) loop(forceAfter time.Duration, force func(os.Signal)) {
	for {
		select {
		case <-c.done:
			return
		case s := <-c.ch:
			c.mu.Lock()
			if c.first != nil { // already ending; a second signal (a shell
				c.mu.Unlock() // resends SIGHUP to its jobs) must not cut the cleanup short
				continue
			}
			c.first = s
			if s == syscall.SIGQUIT {
				c.dump = goroutineDump()
			}
			c.timer = time.AfterFunc(forceAfter, func() { force(s) })
			c.mu.Unlock()
			c.cancel()
		}
	}
}

// stop stops catching (the default actions apply again) and disarms the
// forced exit; main calls it once cleanup is over.
func (c *signalCatcher) stop() {
	signal.Stop(c.ch)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
	}
	select {
	case <-c.done:
	default:
		close(c.done)
	}
	c.cancel()
}

// received returns the first signal caught (nil if none) and, for
// SIGQUIT, the goroutine dump taken when it arrived.
func (c *signalCatcher) received() (os.Signal, []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first, c.dump
}

// goroutineDump is what the Go runtime prints on SIGQUIT, taken at once
// so that it shows what amkeys was doing, not its cleanup.
func goroutineDump() []byte {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= 64<<20 {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}
