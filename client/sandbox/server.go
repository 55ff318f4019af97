package sandbox

import (
	"crypto/rand"
	"errors"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Server is an in-memory AgentMail-compatible API. It implements
// http.Handler; use Start to serve it on a port.
type Server struct {
	now         func() time.Time
	logf        func(format string, args ...any)
	statePath   string
	adminSecret string // known only when generated or given in this process
	tokenKey    []byte // HMAC key of page tokens; tokens die with the process

	mu sync.RWMutex // guards st; never held while sleeping or writing files
	st *store

	faultMu    sync.Mutex // guards the fields below
	faults     Faults
	dice       interface{ Float64() float64 }
	failedPods map[string]int
	counts     map[countKey]int

	timeouts   Timeouts     // with defaults filled in
	saves      *groupCommit // batches state file writes
	writeFile  func(path string, data []byte) error
	saveBroken atomic.Bool  // the latest write of the state file failed
	usedDirty  atomic.Bool  // a used_at changed since the last save
	lastSave   atomic.Int64 // wall clock of the last save, Unix nanoseconds
}

// New builds a Server: it loads Options.StatePath when that file exists,
// otherwise seeds the data (and writes the file when StatePath is set).
func New(opts Options) (*Server, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	s := &Server{
		now:        opts.Now,
		logf:       opts.Logf,
		statePath:  opts.StatePath,
		tokenKey:   make([]byte, 32),
		failedPods: map[string]int{},
		counts:     map[countKey]int{},
		timeouts:   opts.Timeouts.withDefaults(),
	}
	s.saves = newGroupCommit(s.writeState)
	s.writeFile = opts.writeFile
	if s.writeFile == nil {
		s.writeFile = writeFileAtomic
	}
	if s.now == nil {
		s.now = time.Now
	}
	_, _ = rand.Read(s.tokenKey)
	s.SetFaults(opts.Faults)

	loaded := false
	if s.statePath != "" {
		if err := checkStatePrivate(s.statePath); err != nil {
			return nil, err
		}
		removeStaleTemps(s.statePath)
		st, err := loadState(s.statePath)
		switch {
		case err == nil:
			s.st, loaded = st, true
		case !errors.Is(err, os.ErrNotExist):
			return nil, err
		}
	}
	if !loaded {
		s.st = newStore()
		s.adminSecret = opts.AdminKey
		if s.adminSecret == "" {
			s.adminSecret = newSecret()
		}
		seedData(s.st, opts.Seed, s.adminSecret, s.now())
	} else if opts.AdminKey != "" {
		s.adminSecret = opts.AdminKey
		s.ensureAdminKey(opts.AdminKey)
	}
	if !loaded || opts.AdminKey != "" {
		if err := s.saveState(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// AdminKey returns the admin secret if this process knows it (generated, or
// given in Options.AdminKey); "" when it was loaded from a state file, which
// holds only its hash.
func (s *Server) AdminKey() string { return s.adminSecret }

// ensureAdminKey adds the given secret as an admin key unless the loaded
// state already knows it, so that --admin-key always works.
func (s *Server) ensureAdminKey(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.keysByHash[hashSecret(secret)] != nil {
		return
	}
	s.st.addKey(adminKeyRecord(newID(), secret, s.st.nextCreatedAt(s.now())))
}

// ServeHTTP counts the request, applies the injected faults, answers it and
// logs one line without secrets.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	plan := s.arrive(r)
	s.allowLatency(w, plan.latency)
	if !sleep(r.Context(), plan.latency) {
		return // the client gave up; nobody is listening
	}
	if plan.failStatus != 0 {
		s.finish(w, r, statusError(plan.failStatus), nil)
		return
	}
	// A rate limit always comes before the work; errors and drops do too
	// unless the test asked for them after the request took effect.
	strikesFirst := plan.kind == faultRateLimit || !plan.afterEffect
	if plan.kind != faultNone && strikesFirst {
		s.strike(w, r, plan, nil)
		return
	}
	resp, caller := s.handle(r)
	if plan.kind != faultNone {
		s.strike(w, r, plan, caller)
		return
	}
	s.finish(w, r, resp, caller)
	s.saveUsageNow()
}

// allowLatency moves the connection's read and write deadlines on by the
// injected latency, so that Timeouts.Read and Write bound the client's part
// and not the sandbox's own sleep.
func (s *Server) allowLatency(w http.ResponseWriter, latency time.Duration) {
	if latency <= 0 {
		return
	}
	now := time.Now()
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(now.Add(latency + s.timeouts.Read))
	_ = rc.SetWriteDeadline(now.Add(latency + s.timeouts.Write))
}

// strike answers the injected fault instead of the real response.
func (s *Server) strike(w http.ResponseWriter, r *http.Request, plan faultPlan, caller *keyRecord) {
	switch plan.kind {
	case faultRateLimit:
		s.finish(w, r, rateLimited(plan.retryAfter), caller)
	case faultError:
		s.finish(w, r, internalError("Internal server error (injected by the sandbox)."), caller)
	case faultDrop:
		s.log(r, 0, caller)
		drop(w)
	}
}

func (s *Server) finish(w http.ResponseWriter, r *http.Request, resp *response, caller *keyRecord) {
	writeResponse(w, resp)
	s.log(r, resp.status, caller)
}

// log writes method, path, status (0 = dropped) and the caller's prefix.
// The path is quoted so that a hostile path cannot drive the terminal.
func (s *Server) log(r *http.Request, status int, caller *keyRecord) {
	if s.logf == nil {
		return
	}
	who := "-"
	if caller != nil {
		who = caller.prefix
	}
	outcome := strconv.Itoa(status)
	if status == 0 {
		outcome = "dropped"
	}
	s.logf("%s %s %s %s", r.Method, printable(r.URL.Path), outcome, printable(who))
}

// printable escapes anything but printable ASCII, so that a log line cannot
// carry terminal control sequences.
func printable(s string) string {
	for _, c := range s {
		if c < 0x20 || c > 0x7e {
			q := strconv.QuoteToASCII(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}

// logError reports a problem that has no HTTP answer (a failed save).
func (s *Server) logError(format string, args ...any) {
	if s.logf != nil {
		s.logf("error: "+format, args...)
	}
}

// persisted saves the state after a change and returns once the change is
// in the state file (writes are shared, see groupCommit), so that an answer
// sent after it survives kill -9. Call it after releasing s.mu and before
// answering. If the write fails it returns the 500 to answer instead: the
// change stays in memory (readers may have seen it already) and the next
// write that succeeds saves it, so the client, told nothing, must treat the
// outcome as unknown. Until a write succeeds, refuseWhileUnsaved turns away
// further changes.
func (s *Server) persisted() *response {
	if err := s.saveState(); err != nil {
		s.logError("%v", err)
		return saveFailed()
	}
	return nil
}

// durable answers resp once the change it reports is in the state file:
// a change just made, or one asked for again (a known client_id or
// Idempotency-Key) whose first write may still be under way, or have
// failed. If the write fails, the answer is persisted's 500 instead.
func (s *Server) durable(resp *response) *response {
	if failed := s.persisted(); failed != nil {
		return failed
	}
	return resp
}

// mutated is persisted for the Go fixtures, which have nobody to answer: a
// failure is only logged.
func (s *Server) mutated() { _ = s.persisted() }

// refuseWhileUnsaved answers 503 to a change while the state file cannot be
// written, so that nothing is acknowledged that is not on disk. It first
// tries the write again: once the disk works, changes are accepted again.
func (s *Server) refuseWhileUnsaved() *response {
	if !s.saveBroken.Load() {
		return nil
	}
	if err := s.saveState(); err != nil {
		s.logError("%v", err)
		return changesRefused()
	}
	return nil
}

// usageSaveInterval bounds how often used_at changes alone are written, so
// that a busy read-only client does not rewrite the file on every request.
const usageSaveInterval = 2 * time.Second

func (s *Server) saveUsageNow() {
	if s.statePath == "" || !s.usedDirty.Load() {
		return
	}
	if time.Since(time.Unix(0, s.lastSave.Load())) < usageSaveInterval {
		return
	}
	s.mutated()
}

// flush writes pending used_at changes (on shutdown).
func (s *Server) flush() error {
	if s.statePath == "" || !s.usedDirty.Load() {
		return nil
	}
	return s.saveState()
}
