package main

import (
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// A test hook, used by terminal_test.go: AMKEYS_TEST_PANIC=update, view or
// command makes the dashboard panic at that point shortly after its first
// frame, to prove that a panic restores the terminal, exits non-zero and
// prints no secret; AMKEYS_TEST_PANIC=key panics in Update when F12 is
// pressed, so that signals_test.go can panic after copying a key. Only the process environment arms it; nothing a server
// sends and nothing in a config file can.
const envTestPanic = "AMKEYS_TEST_PANIC"

// testPanicAfter leaves time for the first frame to be drawn.
const testPanicAfter = 300 * time.Millisecond

// testPanicMsg is the moment to panic.
type testPanicMsg struct{}

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

func (m *panicModel) Init() tea.Cmd {
	if m.at == "key" {
		return m.Model.Init()
	}
	return tea.Batch(m.Model.Init(), tea.Tick(testPanicAfter, func(time.Time) tea.Msg { return testPanicMsg{} }))
}

func (m *panicModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && m.at == "key" && k.Type == tea.KeyF12 {
		panic("amkeys test hook: panic on F12")
	}
	if _, ok := msg.(testPanicMsg); ok {
		switch m.at {
		case "update":
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
