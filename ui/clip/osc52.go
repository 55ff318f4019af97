package clip

import (
	"encoding/base64"
	"strings"
)

// osc52Sequence builds the OSC 52 "set clipboard" sequence for text; an empty
// text asks the terminal to clear its clipboard.
//
// With tmuxPassthrough the sequence is wrapped as a DCS passthrough
// (ESC Ptmux; ... ESC \, every inner ESC doubled) so that tmux forwards it
// to the outer terminal. tmux 3.3+ does that only with
// `set -g allow-passthrough on`; with `set -g set-clipboard on` tmux handles
// an unwrapped sequence itself, so the option is a choice, not a default.
func osc52Sequence(text string, tmuxPassthrough bool) string {
	seq := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\x07"
	if !tmuxPassthrough {
		return seq
	}
	return "\x1bPtmux;" + strings.ReplaceAll(seq, "\x1b", "\x1b\x1b") + "\x1b\\"
}
