// Package bulkdelete is the screen that deletes the marked keys: a review
// (the count by scope, the most recent last use, the list, and the count
// typed to confirm), the run on the audit's pool with a progress bar (esc
// asks whether to stop), and a result table with one row per key. When it
// ends, every screen is told which keys are gone (common.KeysGoneMsg) and
// which were used since review (common.KeysUsedMsg).
package bulkdelete

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/client/bulk"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/marks"
	"github.com/amkeys/amkeys/ui/table"
)

// phase is where the screen is.
type phase int

const (
	reviewing phase = iota
	running
	finished
)

// KeyMap holds the screen's bindings.
type KeyMap struct {
	Confirm, Cancel, Scroll, Stop, Close key.Binding
	Yes, No                              key.Binding // the stop question
}

// DefaultKeyMap returns the screen's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "delete (count typed)")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel (marks kept)")),
		Scroll:  key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓", "scroll")),
		Stop:    key.NewBinding(key.WithKeys("esc", "q", "ctrl+c"), key.WithHelp("esc", "stop")),
		// Close also takes esc, but the root's "esc back" names it.
		Close: key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "close")),
		Yes:   key.NewBinding(key.WithKeys("y", "Y", "ctrl+c"), key.WithHelp("y", "stop")),
		No:    key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "go on")),
	}
}

// progressMsg and doneMsg carry the run's news to the screen that started it.
type progressMsg struct {
	id int
	p  bulk.Progress
}

type doneMsg struct{ id int }

// frame is how long progress news is gathered into one message.
const frame = 50 * time.Millisecond

// Model is the screen.
type Model struct {
	c      *common.Common
	KeyMap KeyMap
	marks  []marks.Mark
	phase  phase

	input textinput.Model
	wrong bool // enter was pressed with a wrong count
	list  table.Model

	run      *bulk.Run
	runID    int
	progress bulk.Progress
	asking   bool // "stop deleting?" is open
	stopped  bool

	results []bulk.Result // finished: problems first
	table   table.Model

	width, height int
}

// New makes the review of the marked keys, most recently used first
// (never used last): the risky ones are what the reviewer must see.
func New(c *common.Common, marked []marks.Mark) *Model {
	marked = append([]marks.Mark(nil), marked...)
	slices.SortStableFunc(marked, func(a, b marks.Mark) int { return b.Target.UsedAt.Compare(a.Target.UsedAt) })
	in := textinput.New()
	in.Prompt = "> "
	in.CharLimit = 12
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Focus()
	m := &Model{c: c, KeyMap: DefaultKeyMap(), marks: marked, input: in,
		list: table.New(reviewColumns, c.Styles), table: table.New(resultColumns, c.Styles)}
	m.list.SetRows(len(marked))
	return m
}

// Init does nothing: the run starts on the typed count.
func (m *Model) Init() tea.Cmd { return nil }

// Title is the breadcrumb entry.
func (m *Model) Title() string { return "delete marked keys" }

// SetSize keeps the size; each phase lays out its own table.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.resize()
}

// CapturesInput: the count field while reviewing, and esc and q while
// running (they ask whether to stop).
func (m *Model) CapturesInput() bool { return m.phase != finished }

// GuardQuit holds a quit (ctrl+c) back while the delete runs: the screen
// asks whether to stop first. The root also asks it without a key (for
// the help line), so it only answers.
func (m *Model) GuardQuit() bool { return m.phase == running }

// Running reports whether the delete is under way.
func (m *Model) Running() bool { return m.phase == running }

// Results are the outcomes once finished (nil before).
func (m *Model) Results() []bulk.Result { return m.results }

// Status summarises the screen.
func (m *Model) Status() string {
	switch m.phase {
	case reviewing:
		return "reviewing " + plural(len(m.marks), "marked key")
	case running:
		return "deleting: " + strconv.Itoa(m.progress.Done) + " of " + strconv.Itoa(m.progress.Total)
	}
	return summary(bulk.Summary(m.results))
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.phase == reviewing:
		return []key.Binding{m.KeyMap.Confirm, m.KeyMap.Scroll, m.KeyMap.Cancel}
	case m.phase == running && m.asking:
		return []key.Binding{m.KeyMap.Yes, m.KeyMap.No}
	case m.phase == running:
		return []key.Binding{m.KeyMap.Stop}
	}
	return []key.Binding{m.KeyMap.Close, m.KeyMap.Scroll}
}

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update handles keys and the run's news.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case progressMsg:
		if msg.id == m.runID && m.phase == running {
			m.progress = msg.p
			return m, listen(m.runID, m.run)
		}
	case doneMsg:
		if msg.id == m.runID && m.phase == running {
			return m, m.finish()
		}
	case tea.KeyMsg:
		switch m.phase {
		case reviewing:
			return m, m.updateReview(msg)
		case running:
			m.updateRunning(msg)
		case finished:
			if key.Matches(msg, m.KeyMap.Close) {
				m.c.Pop()
				return m, nil
			}
			m.table, _ = m.table.Update(msg)
		}
	case tea.MouseMsg:
		if m.phase == finished {
			m.table, _ = m.table.Update(msg)
		} else if m.phase == reviewing {
			m.list, _ = m.list.Update(msg)
		}
	}
	return m, nil
}

func (m *Model) updateReview(k tea.KeyMsg) tea.Cmd {
	switch {
	case k.Type == tea.KeyCtrlC || k.Type == tea.KeyEsc:
		m.c.Pop()
		return nil
	case k.Type == tea.KeyEnter:
		if strings.TrimSpace(m.input.Value()) != strconv.Itoa(len(m.marks)) {
			m.wrong = true
			return nil
		}
		return m.start()
	case key.Matches(k, m.KeyMap.Scroll):
		m.list, _ = m.list.Update(k)
		return nil
	}
	m.input, _ = m.input.Update(k)
	m.wrong = false
	return nil
}

// start runs the delete on c.API: at run time an *audit.PacedClient, whose
// gate the run shares (one 429 slows every request of amkeys) and whose
// DeleteKeyOnce makes a lost answer show as such.
func (m *Model) start() tea.Cmd {
	targets := make([]bulk.Target, len(m.marks))
	for i, mk := range m.marks {
		targets[i] = mk.Target
	}
	m.phase = running
	m.input.Blur()
	m.run = bulk.Start(m.c.Ctx, m.c.API, targets, bulk.Options{Concurrency: m.c.Settings.AuditConcurrency})
	m.runID = m.c.NextRequestID()
	m.progress = m.run.Progress()
	return listen(m.runID, m.run)
}

// listen waits for the run's next news: a frame's worth of progress, or
// the end.
func listen(id int, r *bulk.Run) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-r.Done():
			return doneMsg{id: id}
		case <-r.Updates():
		}
		t := time.NewTimer(frame)
		defer t.Stop()
		select {
		case <-r.Done():
			return doneMsg{id: id}
		case <-t.C:
			return progressMsg{id: id, p: r.Progress()}
		}
	}
}

func (m *Model) updateRunning(k tea.KeyMsg) {
	switch {
	case m.asking && key.Matches(k, m.KeyMap.Yes):
		m.asking, m.stopped = false, true
		m.run.Stop() // the DELETEs on the wire finish and are counted
	case m.asking && key.Matches(k, m.KeyMap.No):
		m.asking = false
		m.run.Resume()
	case !m.asking && !m.stopped && key.Matches(k, m.KeyMap.Stop):
		m.asking = true
		m.run.Pause() // nothing new starts while the question is open
	}
}

// finish shows the results and tells every screen which keys are gone.
func (m *Model) finish() tea.Cmd {
	m.progress = m.run.Progress()
	m.showResults(m.run.Results())
	m.run = nil
	own := make(map[string]marks.Mark, len(m.marks))
	for _, mk := range m.marks {
		own[mk.Target.ID] = mk
	}
	var gone common.KeysGoneMsg
	var used common.KeysUsedMsg
	for _, r := range m.results {
		switch r.Outcome {
		case bulk.Deleted, bulk.AlreadyGone:
			gone.Keys = append(gone.Keys, common.GoneKey{Scope: own[r.ID].Own, ID: r.ID})
		case bulk.UsedSinceReview:
			used.Keys = append(used.Keys, common.UsedKey{GoneKey: common.GoneKey{Scope: own[r.ID].Own, ID: r.ID}, UsedAt: r.Seen})
		}
	}
	var cmds []tea.Cmd
	if len(gone.Keys) > 0 {
		cmds = append(cmds, func() tea.Msg { return gone })
	}
	if len(used.Keys) > 0 {
		cmds = append(cmds, func() tea.Msg { return used })
	}
	return tea.Batch(cmds...)
}

// showResults switches to the result table.
func (m *Model) showResults(results []bulk.Result) {
	m.phase, m.asking = finished, false
	m.results = ordered(results)
	m.table.SetRows(len(m.results))
	m.table.SetColumns(m.resultLayout())
	m.resize()
}

// ordered puts what needs attention first (refused, skipped, unknown,
// failed), then already gone and deleted; the run's order within each.
func ordered(results []bulk.Result) []bulk.Result {
	rank := func(o bulk.Outcome) int {
		switch o {
		case bulk.Deleted:
			return 2
		case bulk.AlreadyGone:
			return 1
		}
		return 0
	}
	out := make([]bulk.Result, 0, len(results))
	for want := 0; want <= 2; want++ {
		for _, r := range results {
			if rank(r.Outcome) == want {
				out = append(out, r)
			}
		}
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// runAPI is what the run gets from c.API at run time (*audit.PacedClient):
// the shared 429 gate and a DELETE made exactly once. bulk.Start finds
// both by asserting on c.API's dynamic type; this keeps them there.
var _ interface {
	bulk.API
	audit.Paced
	DeleteKeyOnce(ctx context.Context, scope client.Scope, keyID string) error
} = (*audit.PacedClient)(nil)
