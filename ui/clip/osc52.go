package clip

import "encoding/base64"

// osc52Sequence builds the OSC 52 "set clipboard" sequence for text; an empty
// text asks the terminal to clear its clipboard.
//
// With tmuxPassthrough the sequence is wrapped as a DCS passthrough
// (ESC Ptmux; ... ESC \, every inner ESC doubled) so that tmux forwards it
// to the outer terminal. tmux 3.3+ does that only with
// `set -g allow-passthrough on`; with `set -g set-clipboard on` tmux handles
// an unwrapped sequence itself, so the option is a choice, not a default.
//
// The sequence is built in a byte slice that the caller wipes (clear)
// after writing it: it holds the secret, base64-encoded.
func osc52Sequence(text string, tmuxPassthrough bool) []byte {
	esc, open, closing := "\x1b", "", ""
	if tmuxPassthrough {
		esc, open, closing = "\x1b\x1b", "\x1bPtmux;", "\x1b\\"
	}
	raw := []byte(text)
	defer clear(raw)
	n := base64.StdEncoding.EncodedLen(len(raw))
	seq := make([]byte, 0, len(open)+len(esc)+len("]52;c;")+n+1+len(closing))
	seq = append(seq, open...)
	seq = append(seq, esc...)
	seq = append(seq, "]52;c;"...)
	seq = base64.StdEncoding.AppendEncode(seq, raw)
	seq = append(seq, '\a')
	return append(seq, closing...)
}
