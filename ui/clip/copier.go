package clip

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Default values used by DefaultOptions and New.
const (
	DefaultTimeout    = 2 * time.Second
	DefaultClearAfter = 30 * time.Second
	DefaultRevealKey  = "v"
)

// Options configure a Copier. The zero value is usable: 2s timeout, OSC 52
// fallback without tmux wrapping, and no automatic clearing (ClearAfter 0);
// prefer DefaultOptions.
type Options struct {
	// Timeout bounds each Copy and ClearIfUnchanged call as a whole
	// (native write or read plus read-back). Zero or negative means 2s.
	Timeout time.Duration
	// ClearAfter is how long after a copy the UI should clear the
	// clipboard; 0 (or negative) means never. The Copier only reports it
	// (ClearAfter, Receipt.ClearAt, messages); the UI schedules the clear.
	ClearAfter time.Duration
	// TmuxPassthrough wraps OSC 52 for tmux's DCS passthrough (see
	// osc52Sequence for the tmux settings this needs).
	TmuxPassthrough bool
	// DisableOSC52 turns the terminal fallback off: a failing native
	// clipboard then gives Failed.
	DisableOSC52 bool
	// RevealKey is the key named in failure messages ("press v to reveal").
	// Empty means "v".
	RevealKey string
}

// DefaultOptions returns the recommended options: 2s timeout, clear after
// 30s, and tmux passthrough when running inside tmux (TMUX is set).
func DefaultOptions() Options {
	return Options{
		Timeout:         DefaultTimeout,
		ClearAfter:      DefaultClearAfter,
		TmuxPassthrough: os.Getenv("TMUX") != "",
		RevealKey:       DefaultRevealKey,
	}
}

// Copier copies secrets to the clipboard and clears them. It is safe for
// concurrent use (tea.Cmds run on their own goroutines).
type Copier struct {
	native Clipboard
	term   io.Writer
	opts   Options
	// inFlight holds a token while a native call runs, including one that
	// outlived its caller's timeout: at most one clipboard tool at a time.
	inFlight chan struct{}
}

// New returns a Copier. native may be nil (no native clipboard: OSC 52
// only); term is where OSC 52 sequences go (the terminal, e.g. os.Stdout)
// and may be nil (no OSC 52).
func New(native Clipboard, term io.Writer, opts Options) *Copier {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.ClearAfter < 0 {
		opts.ClearAfter = 0
	}
	if opts.RevealKey == "" {
		opts.RevealKey = DefaultRevealKey
	}
	return &Copier{native: native, term: term, opts: opts, inFlight: make(chan struct{}, 1)}
}

// ClearAfter is the configured delay before clearing; 0 means never.
func (c *Copier) ClearAfter() time.Duration { return c.opts.ClearAfter }

func (c *Copier) osc52Enabled() bool { return c.term != nil && !c.opts.DisableOSC52 }

// sendOSC52 writes the sequence in one Write so it cannot interleave with
// other output to the same terminal.
func (c *Copier) sendOSC52(text string) error {
	seq := osc52Sequence(text, c.opts.TmuxPassthrough)
	defer clear(seq)
	_, err := c.term.Write(seq)
	return err
}

var errBackendPanic = errors.New("clipboard backend panicked")

// run calls op (a native clipboard call) on a goroutine and waits for it
// until ctx ends. A timed-out op keeps running until the tool returns; the
// inFlight token is released only then.
func (c *Copier) run(ctx context.Context, op func() (string, error)) (string, error) {
	if ctx.Err() != nil {
		return "", c.waitError(ctx, "there was no time left to ask the clipboard tool")
	}
	select {
	case c.inFlight <- struct{}{}:
	case <-ctx.Done():
		return "", c.waitError(ctx, "an earlier clipboard request is still running")
	}
	type outcome struct {
		text string
		err  error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() { <-c.inFlight }()
		defer func() {
			if recover() != nil { // the panic value may hold the secret: drop it
				done <- outcome{err: errBackendPanic}
			}
		}()
		text, err := op()
		done <- outcome{text, err}
	}()
	select {
	case o := <-done:
		return o.text, o.err
	case <-ctx.Done():
		return "", c.waitError(ctx, "the clipboard tool did not answer")
	}
}

func (c *Copier) waitError(ctx context.Context, what string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %s within %s", ErrTimeout, what, formatDuration(c.opts.Timeout))
	}
	return fmt.Errorf("clipboard request canceled: %w", ctx.Err())
}
