package clip

import (
	"context"
	"errors"
)

// ClearIfUnchanged clears the clipboard if it still holds what r records.
//
// For a Native receipt it reads the clipboard and writes "" only when the
// content's SHA-256 matches; anything else is left alone, and so is a
// clipboard that cannot be read. (Another program could still copy between
// that read and the write; clipboards offer no compare-and-swap.) For an
// OSC52 receipt, where nothing can be read back, it sends an empty OSC 52
// and reports the result as Unconfirmed. An empty receipt gives a zero
// ClearResult. It returns within Options.Timeout; use it on quit as well.
func (c *Copier) ClearIfUnchanged(ctx context.Context, r Receipt) ClearResult {
	switch r.Method {
	case Native:
		return c.clearNative(ctx, r.sum)
	case OSC52:
		return c.clearTerminal()
	default:
		return ClearResult{}
	}
}

func (c *Copier) clearNative(ctx context.Context, want [32]byte) ClearResult {
	if c.native == nil {
		return ClearResult{Err: errNoClipboard, Message: msgCannotCheck(errNoClipboard)}
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()

	got, err := c.run(ctx, c.native.ReadAll)
	if err != nil {
		return ClearResult{Err: err, Message: msgCannotCheck(err)}
	}
	if sum(got) != want {
		return ClearResult{LeftAlone: true, Message: msgLeftAlone}
	}
	if _, err := c.run(ctx, func() (string, error) { return "", c.native.WriteAll("") }); err != nil {
		return ClearResult{Err: err, Message: msgCannotClear(err)}
	}
	return ClearResult{Cleared: true, Message: msgCleared}
}

func (c *Copier) clearTerminal() ClearResult {
	if c.term == nil {
		err := errors.New("no terminal to send the clear request to")
		return ClearResult{Err: err, Message: msgCannotSendClear(err)}
	}
	if err := c.sendOSC52(""); err != nil {
		return ClearResult{Err: err, Message: msgCannotSendClear(err)}
	}
	return ClearResult{Unconfirmed: true, Message: msgClearSent + c.tmuxNote()}
}
