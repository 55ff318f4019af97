package common

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/clip"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// maxCopiedID bounds what y puts on the clipboard: ids are short.
const maxCopiedID = 256

// CopyID copies an id (a key's, a pod's, an inbox's) to the clipboard and
// says how it went. An id is not a secret: nothing clears it later.
func CopyID(c *Common, what, id string) tea.Cmd {
	shown := sanitize.Truncate(id, 40)
	if c.Clipboard == nil {
		return Warn("No clipboard is available: " + what + " " + shown)
	}
	if id == "" {
		return Warn("This " + what + " has no id to copy")
	}
	if sanitize.HasControl(id) || len(id) > maxCopiedID {
		return Warn("Not copied: this " + what + " id is not plain text")
	}
	copier, ctx := c.Clipboard, c.Ctx
	return func() tea.Msg {
		res, _ := copier.Copy(ctx, id)
		switch res.Method {
		case clip.Native:
			return NoticeMsg{Text: "Copied " + what + " " + shown}
		case clip.OSC52:
			return NoticeMsg{Text: "Sent " + what + " " + shown + " to the terminal's clipboard (in tmux: set -g allow-passthrough on)"}
		}
		err := res.Err
		if err == nil {
			err = errors.New("the clipboard did not take it")
		}
		return ErrorMsg{Context: "copying " + what + " " + shown, Err: err}
	}
}
