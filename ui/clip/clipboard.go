package clip

import (
	"errors"
	"fmt"
	"os"

	"github.com/atotto/clipboard"
)

// Clipboard is a native clipboard backend. atotto/clipboard's package
// functions have this shape; Fake implements it for tests.
type Clipboard interface {
	WriteAll(s string) error
	ReadAll() (string, error)
}

var (
	// ErrTimeout means the clipboard tool did not answer within the timeout.
	ErrTimeout = errors.New("clipboard timed out")
	// ErrNoClipboardTool means no clipboard tool was found on PATH when the
	// program started (atotto/clipboard looks them up once, at init).
	ErrNoClipboardTool = errors.New("no clipboard tool found (install xclip, xsel or wl-clipboard)")
)

// System returns the native clipboard through atotto/clipboard.
//
// atotto chooses its tool (wl-copy when WAYLAND_DISPLAY is set, else xclip,
// xsel, termux or clip.exe) once, in its package init, using the PATH of
// that moment; a tool installed later is seen only after a restart.
func System() Clipboard { return systemClipboard{} }

type systemClipboard struct{}

func (systemClipboard) WriteAll(s string) error {
	if clipboard.Unsupported {
		return ErrNoClipboardTool
	}
	return explainToolError(clipboard.WriteAll(s))
}

func (systemClipboard) ReadAll() (string, error) {
	if clipboard.Unsupported {
		return "", ErrNoClipboardTool
	}
	s, err := clipboard.ReadAll()
	return s, explainToolError(err)
}

// explainToolError adds the usual cause of a failing tool: xclip and friends
// exit with a bare status when there is no display (over SSH, in CI).
func explainToolError(err error) error {
	if err == nil {
		return nil
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return fmt.Errorf("clipboard tool failed (no DISPLAY or WAYLAND_DISPLAY set, e.g. over SSH): %w", err)
	}
	return fmt.Errorf("clipboard tool failed: %w", err)
}
