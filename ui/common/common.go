// Package common holds what every screen shares: the API, settings, styles,
// size, and the messages screens use to talk to the root. It never holds
// mutable UI state.
package common

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/clip"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/styles"
)

// API is what the UI needs from the AgentMail client.
type API interface {
	ListPods(ctx context.Context, o client.ListOptions) (client.PodPage, error)
	CreatePod(ctx context.Context, name, clientID string) (client.Pod, error)
	DeletePod(ctx context.Context, podID string) error
	ListKeys(ctx context.Context, scope client.Scope, o client.ListOptions) (client.KeyPage, error)
	CreateKey(ctx context.Context, scope client.Scope, name string, perms client.Permissions) (client.CreatedAPIKey, error)
	DeleteKey(ctx context.Context, scope client.Scope, keyID string) error
	ListInboxes(ctx context.Context, scope client.Scope, o client.ListOptions) (client.InboxPage, error)
	CreateInbox(ctx context.Context, podID string, in client.NewInbox) (client.Inbox, error)
	DeleteInbox(ctx context.Context, inboxID string) error
	GetOrganization(ctx context.Context) (client.Organization, error)
}

// Settings are the user's choices that screens read.
type Settings struct {
	Profile        string
	BaseURL        string
	PageSize       int
	StaleDays      int
	ExpiryWarnDays int // a credential expiring within this many days is a finding; 0 = the default
	ClipboardClear time.Duration
	ReadOnly       bool
	Demo           bool
	// OwnKeyPrefix is the prefix of the key amkeys runs with, so that the
	// UI can warn before deleting it. Never the key itself.
	OwnKeyPrefix string
	// KeySource says where the key came from ("environment
	// AGENTMAIL_API_KEY"), for the status line. Never the key.
	KeySource string
	// AuditConcurrency is the audit's requests in flight (0 = its default).
	AuditConcurrency int
	// UTC shows times in UTC instead of the local time zone (--utc).
	UTC bool
	// RotatePollEvery is how often a rotation's watch reads both keys
	// (0 = every 15 s).
	RotatePollEvery time.Duration
}

// Common is passed to every screen by pointer; the root updates Width and
// Height. Ctx ends when amkeys quits, which cancels pending requests.
type Common struct {
	Ctx      context.Context
	API      API
	Settings Settings
	Styles   styles.Styles
	Now      func() time.Time
	// Clipboard copies a new key's secret; nil means no clipboard at all.
	Clipboard *clip.Copier
	Width     int
	Height    int

	lastRequestID int
	nav           navQueue
}

// Times formats times for the screens: in the local zone, or in UTC when
// the user asked for it.
func (c *Common) Times() format.Zone {
	if c.Settings.UTC {
		return format.Zone{Loc: time.UTC}
	}
	return format.Zone{Loc: time.Local}
}

// NextRequestID numbers loads across all screens, so that a result can be
// matched to the request that is still wanted and stale ones dropped.
func (c *Common) NextRequestID() int {
	c.lastRequestID++
	return c.lastRequestID
}

// RequestTimeout bounds a whole UI request, retries included.
const RequestTimeout = 90 * time.Second

// Screen is one page of the UI stack (pods, keys, key detail, dialogs...).
type Screen interface {
	Init() tea.Cmd
	Update(tea.Msg) (Screen, tea.Cmd)
	View() string
	SetSize(width, height int)
	// Title names the screen in the breadcrumb.
	Title() string
	// ShortHelp is the footer; FullHelp the ? page.
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// CapturesInput is true while a text field has focus: the root then
	// leaves q, ? and esc to the screen.
	CapturesInput() bool
	// Status is a short summary for the status line ("30 pods").
	Status() string
}

// QuitGuard is implemented by screens that must confirm before amkeys
// quits (the one-time secret).
type QuitGuard interface {
	// GuardQuit returns true when the screen took over the quit request.
	GuardQuit() bool
}

// QuitAsker is implemented by screens that ask before ctrl+c quits while
// they hold something (a form's input, a secret): the footer then leaves
// ctrl+c to them. It is asked on every frame, so it must change nothing,
// unlike GuardQuit, which may cancel work.
type QuitAsker interface {
	AsksBeforeQuit() bool
}

// ErrorMsg shows an error on the error line until the next key.
type ErrorMsg struct {
	Context string // what was being done, e.g. "loading pods"
	Err     error
}

// QuitMsg asks the root to quit, after a screen confirmed it (QuitGuard).
type QuitMsg struct{}

// NoticeMsg shows a short-lived notice ("Deleted key ci"). A Warning is a
// refusal or a hint (a key that is off, nothing to act on): it is drawn
// with "!" instead of the check mark that says something was done.
type NoticeMsg struct {
	Text    string
	Warning bool
}

// Quit is a command that quits amkeys as q does.
func Quit() tea.Msg { return QuitMsg{} }

// Fail returns a command reporting err.
func Fail(context string, err error) tea.Cmd {
	return func() tea.Msg { return ErrorMsg{Context: context, Err: err} }
}

// Notify returns a command showing a notice that something was done.
func Notify(text string) tea.Cmd { return func() tea.Msg { return NoticeMsg{Text: text} } }

// Warn returns a command showing a refusal or a hint: why a key did
// nothing ("no keys marked: space marks a key").
func Warn(text string) tea.Cmd {
	return func() tea.Msg { return NoticeMsg{Text: text, Warning: true} }
}

// BackTaker is implemented by screens that use esc themselves before it
// means back: an applied filter is cleared first.
type BackTaker interface {
	// TakesBack reports whether esc now belongs to the screen.
	TakesBack() bool
}

// HelpNoter is implemented by screens whose ? page explains more than
// keys (what the permissions column means).
type HelpNoter interface {
	HelpNotes() []string
}

// ReadOnlyNotice is what n and d say in read-only mode.
const ReadOnlyNotice = "read-only: creating and deleting are off"

// ReadOnly returns a command saying that n and d are off.
func ReadOnly() tea.Msg { return NoticeMsg{Text: ReadOnlyNotice, Warning: true} }

// PodCount is what an audit found in one pod.
type PodCount struct {
	Keys, Stale int
}

// AuditCountsMsg is sent when an audit of the organization finished: the
// keys and stale keys of each pod it read, by pod id. The pods screen
// shows them, and the pod delete dialog says how many keys go.
type AuditCountsMsg struct {
	Pods map[string]PodCount
	At   time.Time
}
