package main

import (
	"os"

	tea "github.com/charmbracelet/bubbletea"
)

// A test hook, used by terminal_test.go: AMKEYS_TEST_PANIC=update, view or
// command makes the dashboard panic at that point when F12 is pressed, to
// prove that a panic restores the terminal, exits non-zero and prints no
// secret. Only the process environment arms it; nothing a server sends and
// nothing in a config file can. The test presses F12 once the first frame
// is drawn: a key, not a timer, so that however slow the machine the panic
// never comes before the frame.
const envTestPanic = "AMKEYS_TEST_PANIC"

// panicModel wraps the root model and panics where it was told to.
type panicModel struct {
	tea.Model
	at      string
	viewDue bool
}

// withTestPanic returns m, wrapped when AMKEYS_TEST_PANIC names a point.
func withTestPanic(m tea.Model) tea.Model {
	switch at := os.Getenv(envTestPanic); at {
	case "update", "view", "command", "key":
		return &panicModel{Model: m, at: at}
	}
	return m
}

func (m *panicModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.Type == tea.KeyF12 {
		switch m.at {
		case "update", "key": // "key": signals_test.go panics after a copy
			panic("amkeys test hook: panic in Update")
		case "view":
			m.viewDue = true
			return m, nil
		case "command":
			return m, func() tea.Msg { panic("amkeys test hook: panic in a command") }
		}
	}
	inner, cmd := m.Model.Update(msg)
	m.Model = inner
	return m, cmd
}

func (m *panicModel) View() string {
	if m.viewDue {
		panic("amkeys test hook: panic in View")
	}
	return m.Model.View()
}
