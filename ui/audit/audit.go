// Package audit is the audit screen: it scans every credential (each
// pod's keys, its inboxes' keys, the organization keys and the public-key
// credentials) with a progress bar (esc cancels), then shows a bar chart
// of keys by last use, the findings, and one table of all credentials,
// bearer keys stalest first, then public keys, with filters. Enter opens a
// key in its pod's screen.
package audit

import (
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/table"
)

// KeyMap holds the screen's bindings.
type KeyMap struct {
	Open, Search, Show, ThisPod, Retry, Rescan, ClearFilter key.Binding
}

// DefaultKeyMap returns the screen's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open in its pod")),
		Search:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Show:    key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "never/stale/unrestricted/expired/expiring/revoked")),
		ThisPod: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "this pod only")),
		Retry:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "retry what failed")),
		Rescan:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "audit again")),
		// esc reaches the screen only while TakesBack says so.
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filters")),
	}
}

// progressMsg and doneMsg carry a scan's news to the screen that started it.
type progressMsg struct {
	id int
	p  audit.Progress
}

type doneMsg struct {
	id  int
	res *audit.Result
}

// frame is how long progress news is gathered into one message, so that a
// fast scan does not flood Update with thousands of them.
const frame = 50 * time.Millisecond

// Model is the audit screen.
type Model struct {
	c      *common.Common
	KeyMap KeyMap

	scan     *audit.Scan // the scan running, nil when none
	scanID   int
	retrying bool // the scan retries the failures of res
	progress audit.Progress

	res   *audit.Result
	sum   audit.Summary
	pods  map[string]client.Pod // by id, to open a key's pod
	now   time.Time             // the clock the result was judged by
	table table.Model
	rows  []int32 // indexes into res.Keys passing the filters
	show  Show
	pod   *podRef   // the one-pod filter, nil = all pods
	mk    markState // marks for a bulk delete (marks.go)

	search search // the / filter

	width, height int
}

// columns: a public key shows "public key" as its prefix, its expiry as
// its last use and its fingerprint as its permissions.
var columns = []table.Column{
	{Title: "pod", Flex: 2, Min: 8},
	{Title: "scope", Flex: 2, Min: 5},
	{Title: "key", Flex: 3, Min: 8},
	{Title: "prefix", Width: 12},
	{Title: "created", Width: 10},
	{Title: "used / expires", Width: 14},
	{Title: "permissions", Width: 12},
}

// New makes the screen; Init starts the scan.
func New(c *common.Common) *Model {
	m := &Model{c: c, KeyMap: DefaultKeyMap(), table: table.New(columns, c.Styles), now: c.Now(), search: newSearch()}
	m.initMarks()
	return m
}

// Init starts scanning.
func (m *Model) Init() tea.Cmd { return m.start(nil) }

// start begins a full scan, or a retry of prev's failures.
func (m *Model) start(prev *audit.Result) tea.Cmd {
	opts := audit.Options{Concurrency: m.c.Settings.AuditConcurrency}
	m.retrying = prev != nil
	if prev == nil {
		m.scan = audit.Start(m.c.Ctx, m.c.API, opts)
	} else {
		m.scan = audit.Retry(m.c.Ctx, m.c.API, prev, opts)
	}
	m.scanID = m.c.NextRequestID()
	m.progress = m.scan.Progress()
	return listen(m.scanID, m.scan)
}

// listen waits for the scan's next news: a frame's worth of progress, or
// the end.
func listen(id int, s *audit.Scan) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-s.Done():
			return doneMsg{id: id, res: s.Result()}
		case <-s.Updates():
		}
		t := time.NewTimer(frame)
		defer t.Stop()
		select {
		case <-s.Done():
			return doneMsg{id: id, res: s.Result()}
		case <-t.C:
			return progressMsg{id: id, p: s.Progress()}
		}
	}
}

// Scanning reports whether a scan is running.
func (m *Model) Scanning() bool { return m.scan != nil }

// Result is the last complete or partial result (nil before the first).
func (m *Model) Result() *audit.Result { return m.res }

// GuardQuit is the root's notice that this screen is closing (esc) or amkeys
// quitting: a running scan is cancelled so no request outlives the screen.
// It never holds the quit back.
func (m *Model) GuardQuit() bool {
	if m.scan != nil {
		m.scan.Cancel()
		m.scan = nil
	}
	return false
}

// Update handles the scan's news, the keys and deletes made elsewhere.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case progressMsg:
		if msg.id == m.scanID && m.scan != nil {
			m.progress = msg.p
			return m, listen(m.scanID, m.scan)
		}
		return m, nil
	case doneMsg:
		if msg.id == m.scanID && m.scan != nil {
			m.scan = nil
			return m, m.setResult(msg.res)
		}
		return m, nil
	case tea.KeyMsg:
		if handled, cmd := m.updateMarks(msg); handled {
			return m, cmd
		}
		return m, m.updateKey(msg)
	case common.KeysGoneMsg:
		return m, m.dropGone(msg)
	case common.KeysUsedMsg:
		return m, m.updateUsed(msg)
	case tea.MouseMsg:
		m.table, _ = m.table.Update(msg) // the wheel scrolls
		return m, nil
	}
	if scope, keyID, ok := keys.DeletedKey(msg); ok && m.dropKey(scope, keyID) {
		m.pruneMarks()
		return m, m.countsCmd() // the pods list shows one key less
	}
	return m, nil
}

func (m *Model) updateKey(k tea.KeyMsg) tea.Cmd {
	if m.scan != nil || m.res == nil {
		return nil // esc (cancel) reaches GuardQuit through the root
	}
	if m.search.typing {
		return m.updateSearch(k)
	}
	switch {
	case key.Matches(k, m.KeyMap.Open):
		return m.open()
	case key.Matches(k, m.KeyMap.Search):
		return m.startSearch()
	case key.Matches(k, m.KeyMap.ClearFilter):
		m.clearFilters()
	case key.Matches(k, m.KeyMap.Show):
		m.setShow((m.show + 1) % showCount)
	case key.Matches(k, m.KeyMap.ThisPod):
		m.toggleThisPod()
	case key.Matches(k, m.KeyMap.Retry) && m.res.CanRetry():
		return m.start(m.res)
	case key.Matches(k, m.KeyMap.Rescan):
		return m.start(nil)
	default:
		m.table, _ = m.table.Update(k)
	}
	return nil
}

// setResult shows a finished (or cancelled) scan.
func (m *Model) setResult(res *audit.Result) tea.Cmd {
	m.res, m.now = res, m.c.Now()
	m.search.index.forget()
	m.sum = audit.Summarize(res, m.policy())
	m.pods = make(map[string]client.Pod, len(res.Pods))
	for _, p := range res.Pods {
		m.pods[p.ID] = p.Pod
	}
	m.refilter()
	m.table.SetCursor(0)
	m.resize()
	if res.Complete() {
		m.pruneMarks()
	}
	if !res.Complete() && res.CanRetry() {
		return tea.Batch(m.countsCmd(), m.resultCmd(), common.Warn("The audit is incomplete: R retries the listings that failed"))
	}
	return tea.Batch(m.countsCmd(), m.resultCmd())
}

// open pushes the key's pod screen with the cursor on the key.
func (m *Model) open() tea.Cmd {
	if len(m.rows) == 0 {
		return nil
	}
	k := &m.res.Keys[m.rows[m.table.Cursor()]]
	if !k.IsBearer() {
		return common.Warn("A public-key credential: the AgentID tab (3) lists and revokes them")
	}
	scope := common.OrganizationKeys()
	if k.PodID != "" {
		pod, ok := m.pods[k.PodID]
		if !ok {
			pod = client.Pod{ID: k.PodID, Name: k.PodName}
		}
		scope = common.PodKeys(pod)
	}
	s := keys.New(m.c, scope)
	s.FocusKey(k.APIKey)
	m.c.Push(s)
	return nil
}

// dropKey removes a key deleted in a keys screen of scope: the
// organization's keys, its pod's, or its inbox's. It reports whether the
// audit held the key.
func (m *Model) dropKey(scope client.Scope, keyID string) bool {
	if m.res == nil {
		return false
	}
	selected, at := m.selectedID(), m.table.Cursor() // before the indexes shift
	for i, k := range m.res.Keys {
		listedIn := (scope.IsOrganization() && k.PodID == "") ||
			(scope.Kind == client.ScopePod && k.PodID == scope.ID) ||
			(scope.Kind == client.ScopeInbox && k.InboxID == scope.ID)
		if k.ID == keyID && listedIn {
			podID := k.PodID
			m.res.Keys = append(m.res.Keys[:i:i], m.res.Keys[i+1:]...)
			m.search.index.forget()
			for j := range m.res.Pods {
				if p := &m.res.Pods[j]; p.ID == podID && p.Keys > 0 {
					p.Keys--
				}
			}
			m.sum = audit.Summarize(m.res, m.policy())
			m.refilterOn(selected, at) // the row below moves up when the deleted key was selected
			return true
		}
	}
	return false
}

// SetSize keeps the size; the table gets what the header leaves.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.resize()
}

// Title is the breadcrumb entry.
func (m *Model) Title() string { return "audit" }

// TakesBack is true while a filter (/, f or p) is applied: esc clears it
// before it means back. While scanning esc cancels, so it is the root's.
func (m *Model) TakesBack() bool { return m.scan == nil && m.filtered() }

// filtered reports whether /, f or p narrows the table.
func (m *Model) filtered() bool {
	return m.res != nil && (m.show != ShowAll || m.pod != nil || m.searching())
}

// CapturesInput is true while the / filter field has the keys.
func (m *Model) CapturesInput() bool { return m.search.typing }

// Status summarises the screen.
func (m *Model) Status() string {
	switch {
	case m.scan != nil:
		return "auditing: " + strconv.Itoa(m.progress.PodsScanned) + " of " + strconv.Itoa(m.progress.PodsKnown) + " pods"
	case m.res == nil:
		return ""
	}
	return m.markPrefix() + m.matchStatus() + plural(m.sum.Keys, "key") + " · " + plural(m.sum.PublicKeys, "public key") + " in " + plural(m.sum.PodsScanned, "pod") +
		m.andOrganization()
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	if m.scan != nil || m.res == nil {
		return nil // esc (back) cancels; the root shows it
	}
	if m.search.typing {
		return []key.Binding{searchApply, searchClear}
	}
	short := []key.Binding{m.KeyMap.Open, m.KeyMap.Search, m.showBinding(), m.podBinding(), m.retryBinding(), m.KeyMap.Rescan}
	return m.mk.keys.Footer(short, 1, m.mk.set.Len(), m.c.Settings.ReadOnly) // space mark after enter
}

// FullHelp is the ? page.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.KeyMap.Open, m.KeyMap.Search, m.showBinding(), m.podBinding(), m.clearBinding(), m.retryBinding(), m.KeyMap.Rescan},
		m.mk.keys.Help(m.c.Settings.ReadOnly),
		m.table.KeyMap.Bindings(),
	}
}

func (m *Model) showBinding() key.Binding {
	b := m.KeyMap.Show
	b.SetHelp("f", "show: "+showNames[m.show])
	return b
}

func (m *Model) podBinding() key.Binding {
	b := m.KeyMap.ThisPod
	if m.pod != nil {
		b.SetHelp("p", "all pods")
	}
	return b
}

func (m *Model) clearBinding() key.Binding {
	b := m.KeyMap.ClearFilter
	b.SetEnabled(m.filtered())
	return b
}

func (m *Model) retryBinding() key.Binding {
	b := m.KeyMap.Retry
	b.SetEnabled(m.res != nil && m.res.CanRetry())
	return b
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
