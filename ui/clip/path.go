package clip

// Tool names the clipboard tool that System uses on an OS (runtime.GOOS),
// with this environment and PATH: the choice atotto/clipboard makes in its
// init, in the same order: wl-copy (with wl-paste) when WAYLAND_DISPLAY is
// set, else xclip, xsel, termux-clipboard-set (with -get) and clip.exe
// (with powershell.exe, under WSL); pbcopy on macOS and the system API on
// Windows. "" means none: a copy goes to the terminal through OSC 52.
// amkeys doctor reports it; keep it in step with atotto's init.
func Tool(goos string, getenv func(string) string, lookPath func(string) (string, error)) string {
	switch goos {
	case "darwin":
		return "pbcopy"
	case "windows":
		return "the Windows clipboard"
	case "plan9":
		return "/dev/snarf"
	}
	has := func(names ...string) bool {
		for _, n := range names {
			if _, err := lookPath(n); err != nil {
				return false
			}
		}
		return true
	}
	if getenv("WAYLAND_DISPLAY") != "" && has("wl-copy", "wl-paste") {
		return "wl-copy"
	}
	for _, tools := range [][]string{{"xclip"}, {"xsel"}, {"termux-clipboard-set", "termux-clipboard-get"}, {"clip.exe", "powershell.exe"}} {
		if has(tools...) {
			return tools[0]
		}
	}
	return ""
}

// ToolNeedsDisplay names the variable a tool needs to reach a clipboard
// (DISPLAY for the X11 tools, WAYLAND_DISPLAY for wl-copy); "" for none.
func ToolNeedsDisplay(tool string) string {
	switch tool {
	case "xclip", "xsel":
		return "DISPLAY"
	case "wl-copy":
		return "WAYLAND_DISPLAY"
	}
	return ""
}
