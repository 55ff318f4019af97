package clip

import (
	"sync"
	"time"
)

// Fake is an in-memory Clipboard for tests (of this package and of the UI).
// It can delay or fail calls and records every write. It is safe for
// concurrent use. The zero value is not usable; call NewFake.
type Fake struct {
	mu       sync.Mutex
	content  string
	writes   []string
	reads    int
	delay    time.Duration
	writeErr error
	readErr  error
	release  chan struct{}
	released bool
}

// NewFake returns an empty fake clipboard.
func NewFake() *Fake { return &Fake{release: make(chan struct{})} }

// SetDelay makes every later call block for d (or until Release) before it
// does its work, like a slow or hung clipboard tool.
func (f *Fake) SetDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay = d
}

// Release ends all current and future delays at once, so a test can let a
// hung call finish (e.g. before goleak checks for leftover goroutines).
func (f *Fake) Release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.released {
		f.released = true
		close(f.release)
	}
}

// FailWrites makes later WriteAll calls return err (nil: succeed again).
// A failed write is not recorded and changes nothing.
func (f *Fake) FailWrites(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writeErr = err
}

// FailReads makes later ReadAll calls return err (nil: succeed again).
func (f *Fake) FailReads(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.readErr = err
}

// Set replaces the content without recording a write: another program (or
// the user) copying something.
func (f *Fake) Set(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.content = s
}

// Content returns what the clipboard holds now.
func (f *Fake) Content() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.content
}

// Writes returns a copy of every successful WriteAll argument, in order.
func (f *Fake) Writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.writes...)
}

// Reads returns how many ReadAll calls completed their delay.
func (f *Fake) Reads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// WriteAll implements Clipboard.
func (f *Fake) WriteAll(s string) error {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.writeErr != nil {
		return f.writeErr
	}
	f.content = s
	f.writes = append(f.writes, s)
	return nil
}

// ReadAll implements Clipboard.
func (f *Fake) ReadAll() (string, error) {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.readErr != nil {
		return "", f.readErr
	}
	return f.content, nil
}

func (f *Fake) wait() {
	f.mu.Lock()
	d, release := f.delay, f.release
	f.mu.Unlock()
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-release:
	}
}
