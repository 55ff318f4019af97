package common

import "sync/atomic"

// Navigation is synchronous: a screen asks for it with c.Push, c.Replace
// or c.Pop while it handles a message, and the root applies it as soon as
// the screen returns, before the next key. So the keys typed right after
// the one that opened a screen (in the same burst, "af", or already
// queued) reach the new screen.
//
// The queue belongs to the Update goroutine. A tea.Cmd runs on its own
// goroutine and must never navigate: it returns a message, and the screen
// navigates when it handles that message in Update.

// NavKind is what a navigation request does.
type NavKind int

// The navigation requests.
const (
	NavPush    NavKind = iota // open Screen on top
	NavReplace                // put Screen in place of the top screen
	NavPop                    // close the top screen
)

// Nav is one navigation request.
type Nav struct {
	Kind   NavKind
	Screen Screen // nil for NavPop
}

type navQueue struct {
	requests []Nav
	// closed is set by the root between its Updates: a request then comes
	// from a command's goroutine, a bug that would otherwise be lost or race.
	closed atomic.Bool
}

// Push opens s on top of the stack once the current message is handled.
func (c *Common) Push(s Screen) { c.request(Nav{Kind: NavPush, Screen: s}) }

// Replace puts s in place of the top screen once the current message is
// handled, e.g. a finished form for the screen that shows its result.
func (c *Common) Replace(s Screen) { c.request(Nav{Kind: NavReplace, Screen: s}) }

// Pop closes the top screen once the current message is handled.
func (c *Common) Pop() { c.request(Nav{Kind: NavPop}) }

func (c *Common) request(n Nav) {
	if c.nav.closed.Load() {
		panic("common: navigation outside Update (from a tea.Cmd?): return a message and navigate when it is handled")
	}
	c.nav.requests = append(c.nav.requests, n)
}

// TakeNav returns the navigation asked for since the last call, in order,
// and forgets it. Only the root (or a test standing in for it) calls it.
func (c *Common) TakeNav() []Nav {
	n := c.nav.requests
	c.nav.requests = nil
	return n
}

// OpenNav and CloseNav bracket the root's handling of one message: outside
// them navigation is a bug (see request). A Common no root has opened
// accepts navigation, so that screens can be tested alone.
func (c *Common) OpenNav() { c.nav.closed.Store(false) }

// CloseNav ends the root's handling of a message; see OpenNav.
func (c *Common) CloseNav() { c.nav.closed.Store(true) }
