package clip

import (
	"context"
	"errors"
	"time"
)

var (
	errNothingToCopy   = errors.New("there is no key to copy")
	errNoClipboard     = errors.New("no clipboard is available")
	errReadBackDiffers = errors.New("reading the clipboard back showed different content")
)

// Copy puts secret on the clipboard: natively if possible, else through
// OSC 52 (unless disabled), and says which in the Result. It returns within
// Options.Timeout (plus the time of one write to the terminal). The Receipt
// is what ClearIfUnchanged needs later; it is empty (not Clearable) when
// nothing was copied.
func (c *Copier) Copy(ctx context.Context, secret string) (Result, Receipt) {
	if secret == "" {
		return c.failedResult(errNothingToCopy), Receipt{}
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	sum := sum(secret)

	var nativeErr error
	if c.native != nil {
		_, err := c.run(ctx, func() (string, error) { return "", c.native.WriteAll(secret) })
		if err == nil {
			confirmErr := redact(c.confirm(ctx, sum), secret)
			return c.nativeResult(confirmErr), c.receipt(Native, sum)
		}
		nativeErr = redact(err, secret)
	}

	if !c.osc52Enabled() {
		if nativeErr == nil {
			nativeErr = errNoClipboard
		}
		return c.failedResult(nativeErr), Receipt{}
	}
	if err := c.sendOSC52(secret); err != nil {
		termErr := &terminalError{redact(err, secret)}
		return c.failedResult(errors.Join(nativeErr, termErr)), Receipt{}
	}
	return Result{Method: OSC52, Err: nativeErr, Message: c.osc52Message()}, c.receipt(OSC52, sum)
}

// confirm reads the clipboard back and compares it with the copied content.
// X11 tools such as xclip may return before they own the selection, so a
// different content is re-read a few times, briefly, before giving up.
func (c *Copier) confirm(ctx context.Context, want [32]byte) error {
	const attempts = 4
	for i := 1; ; i++ {
		got, err := c.run(ctx, c.native.ReadAll)
		if err != nil {
			return err
		}
		if sum(got) == want {
			return nil
		}
		if i == attempts {
			return errReadBackDiffers
		}
		pause := time.NewTimer(time.Duration(i) * 20 * time.Millisecond)
		select {
		case <-pause.C:
		case <-ctx.Done():
			pause.Stop()
			return errReadBackDiffers
		}
	}
}

func (c *Copier) receipt(m Method, sum [32]byte) Receipt {
	r := Receipt{Method: m, CopiedAt: time.Now(), sum: sum}
	if c.opts.ClearAfter > 0 {
		r.ClearAt = r.CopiedAt.Add(c.opts.ClearAfter)
	}
	return r
}

// terminalError marks a failure to write OSC 52 to the terminal.
type terminalError struct{ err error }

func (e *terminalError) Error() string { return "terminal: " + e.err.Error() }
func (e *terminalError) Unwrap() error { return e.err }
