package common

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
)

// RotateMsg asks the root to start a guided rotation of a key: R on a key
// in a keys screen, the key detail or the leak lookup's results. One
// message keeps those screens from depending on the rotation's screens.
type RotateMsg struct {
	Scope KeyScope
	Key   client.APIKey
	// Leaked is set by the leak lookup: the rotation then says to delete
	// the old key as soon as the new one is deployed, not once it is quiet.
	Leaked bool
}

// Rotate returns a command asking for the rotation of k in scope.
func Rotate(scope KeyScope, k client.APIKey) tea.Cmd {
	return func() tea.Msg { return RotateMsg{Scope: scope, Key: k} }
}
