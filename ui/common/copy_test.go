package common

import (
	"context"
	"testing"

	"github.com/amkeys/amkeys/ui/clip"
)

// A copy that could not happen is a refusal: drawn as a warning, never
// with the check mark that says something was done.
func TestCopyIDRefusalsAreWarnings(t *testing.T) {
	none := &Common{Ctx: context.Background()}
	some := &Common{Ctx: context.Background(), Clipboard: &clip.Copier{}}
	for _, tc := range []struct {
		name string
		c    *Common
		id   string
	}{
		{"no clipboard", none, "key_123"},
		{"no id", some, ""},
		{"control characters", some, "key\x1b[2J"},
	} {
		msg, ok := CopyID(tc.c, "key", tc.id)().(NoticeMsg)
		if !ok || !msg.Warning {
			t.Errorf("%s: got %#v, want a warning notice", tc.name, msg)
		}
	}
}
