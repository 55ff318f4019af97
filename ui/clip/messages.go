package clip

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// User-facing texts. None of them may ever contain the secret: reasons come
// from errors that went through redact.

// Each case is one short sentence. The copy messages do not repeat when
// the clipboard is cleared: the secret screen counts that down itself.
const (
	msgLeftAlone = "The clipboard no longer holds the key, so amkeys left it alone."
	msgCleared   = "Cleared the key from the clipboard."
	msgCopied    = "Copied the key to the clipboard."
	msgClearSent = "Asked the terminal to clear it (OSC 52), which amkeys cannot confirm"
	msgOSC52     = "Sent the key to the terminal (OSC 52), which amkeys cannot confirm"
	// tmux with set-clipboard on keeps each OSC 52 copy in its paste
	// buffers, and amkeys cannot tell it runs under tmux when TMUX is not
	// set (tmux on the far side of an SSH session). A clear request adds
	// an empty buffer; it does not remove the key's.
	msgTmuxBuffers = "; a tmux in between, even over SSH, may keep it in its paste buffers (tmux delete-buffer)."
	// Inside tmux the sequence goes through its passthrough, which tmux
	// 3.3+ drops unless allowed (set-clipboard does not forward it).
	msgTmuxPassthrough = "; if nothing arrives, run tmux set -g allow-passthrough on."
)

func (c *Copier) nativeResult(confirmErr error) Result {
	r := Result{Method: Native, Err: confirmErr}
	switch {
	case confirmErr == nil:
		r.Confirmed = true
		r.Message = msgCopied
	case errors.Is(confirmErr, errReadBackDiffers):
		r.Message = fmt.Sprintf("The clipboard shows something else, so the key may not have been copied: press %s to reveal it.", c.opts.RevealKey)
	default:
		r.Message = fmt.Sprintf("Copied the key, but could not read it back (%s), so amkeys may not be able to clear it.", reason(confirmErr))
	}
	return r
}

func (c *Copier) osc52Message() string { return msgOSC52 + c.tmuxNote() }

// tmuxNote ends an OSC 52 sentence. Inside tmux (passthrough) it says how
// to let the sequence through; elsewhere it warns of the paste buffers of a
// tmux that amkeys cannot detect, which passthrough does not fill.
func (c *Copier) tmuxNote() string {
	if c.opts.TmuxPassthrough {
		return msgTmuxPassthrough
	}
	return msgTmuxBuffers
}

func (c *Copier) failedResult(err error) Result {
	return Result{Method: Failed, Err: err, Message: fmt.Sprintf(
		"Could not copy the key (%s). Press %s to reveal it and copy it by hand.", reason(err), c.opts.RevealKey)}
}

func msgCannotCheck(err error) string {
	return fmt.Sprintf("Could not read the clipboard to check it (%s), so amkeys left it alone; it may still hold the key.", reason(err))
}

func msgCannotClear(err error) string {
	return fmt.Sprintf("Could not clear the clipboard (%s); it may still hold the key.", reason(err))
}

func msgCannotSendClear(err error) string {
	return fmt.Sprintf("Could not send a clear request to the terminal (%s); its clipboard may still hold the key.", reason(err))
}

// reason turns an error into one printable line for the screen.
func reason(err error) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, err.Error())), " ")
}

// redact removes secret from err's text. When it had to, the result does not
// wrap err, since the wrapped error would still print the secret.
func redact(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), secret, "[redacted]"))
}

// formatDuration prints 30s, 2 min or 1m30s.
func formatDuration(d time.Duration) string {
	if d < time.Second {
		return d.String()
	}
	d = d.Round(time.Second)
	switch {
	case d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	case d < time.Minute:
		return fmt.Sprintf("%ds", d/time.Second)
	default:
		return d.String()
	}
}
