package audit

import (
	"context"
	"net/http"
	"time"

	"github.com/amkeys/amkeys/client"
)

// Paced is implemented by an API whose retries report to a Gate; a scan of
// such an API shares that gate, so that a 429 seen by any request (even
// inside the client's own retry loop) slows every worker.
type Paced interface {
	Gate() *Gate
}

// PacedClient is a client.Client whose retries feed a Gate. It satisfies
// Lister and, through the embedded client, the UI's API interface.
type PacedClient struct {
	*client.Client
	gate *Gate
	http *http.Client
}

// NewClient builds a client like client.New, with OnRetry wired to a new
// Gate (any OnRetry in opts still runs) and, unless opts.HTTPClient is set,
// a connection pool that keeps enough idle connections for a full pool of
// workers, so that a scan does not open a new TLS connection per request.
func NewClient(opts client.Options) (*PacedClient, error) {
	g := NewGate()
	next := opts.OnRetry
	opts.OnRetry = func(wait time.Duration, status int) {
		g.Observe(wait, status)
		if next != nil {
			next(wait, status)
		}
	}
	// The client's own waits between retries end at once when the scan's
	// wait budget is spent (the pause that spent it was just observed).
	sleep := opts.Sleep
	opts.Sleep = func(ctx context.Context, d time.Duration) error {
		if err := g.Exhausted(); err != nil {
			return err
		}
		if sleep != nil {
			return sleep(ctx, d)
		}
		return sleepContext(ctx, d)
	}
	if opts.HTTPClient == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = MaxConcurrency
		opts.HTTPClient = &http.Client{Transport: t}
	}
	c, err := client.New(opts)
	if err != nil {
		return nil, err
	}
	return &PacedClient{Client: c, gate: g, http: opts.HTTPClient}, nil
}

// CloseIdleConnections closes kept-alive connections, so that a server in
// the same process (the demo sandbox) can shut down without waiting for
// them.
func (p *PacedClient) CloseIdleConnections() { p.http.CloseIdleConnections() }

// Gate is the gate the client's retries report to.
func (p *PacedClient) Gate() *Gate { return p.gate }

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
