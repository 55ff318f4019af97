package sandbox

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultAddr is where Start listens when addr is empty: loopback, a free port.
const DefaultAddr = "127.0.0.1:0"

// Running is a Server listening on a port.
type Running struct {
	*Server
	// URL is the base URL without a trailing slash, such as
	// "http://127.0.0.1:41234"; API paths start with /v0.
	URL string

	srv       *http.Server
	served    chan struct{}
	cancel    context.CancelFunc
	closeOnce sync.Once
	closeErr  error
}

// Start builds a Server and serves it on addr (DefaultAddr when empty) in a
// goroutine. Close stops it. Start does not refuse a non-loopback address;
// Main does.
func Start(opts Options, addr string) (*Running, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	// Cancelled by Close, so that requests sleeping on injected latency end.
	ctx, cancel := context.WithCancel(context.Background())
	errorLog := log.New(io.Discard, "", 0)
	if opts.Logf != nil {
		errorLog = log.New(logfWriter(opts.Logf), "", 0)
	}
	r := &Running{
		Server: s,
		URL:    "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           s,
			ReadHeaderTimeout: s.timeouts.ReadHeader,
			ReadTimeout:       s.timeouts.Read,
			WriteTimeout:      s.timeouts.Write,
			IdleTimeout:       s.timeouts.Idle,
			BaseContext:       func(net.Listener) context.Context { return ctx },
			ErrorLog:          errorLog,
		},
		served: make(chan struct{}),
		cancel: cancel,
	}
	go func() {
		defer close(r.served)
		_ = r.srv.Serve(ln)
	}()
	return r, nil
}

// Close stops listening, ends requests in flight (waiting at most 5 s),
// waits for the serving goroutine and writes pending state. It is safe to
// call more than once.
func (r *Running) Close() error {
	r.closeOnce.Do(func() {
		r.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := r.srv.Shutdown(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = r.srv.Close()
		}
		<-r.served
		r.closeErr = errors.Join(err, r.flush())
	})
	return r.closeErr
}

// logfWriter sends net/http's own error log lines to Logf.
type logfWriter func(format string, args ...any)

func (f logfWriter) Write(p []byte) (int, error) {
	f("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
