// Package keymap holds the bindings that work on every screen.
package keymap

import "github.com/charmbracelet/bubbles/key"

// Global are the root's bindings. Leak works on the first screen only.
type Global struct {
	Quit, ForceQuit, Help, Back, Leak key.Binding
}

// Default returns the global bindings.
func Default() Global {
	return Global{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Leak:      key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "leak lookup")),
	}
}
