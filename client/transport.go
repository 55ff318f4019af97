package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults for the transport.
const (
	DefaultBaseURL     = "https://api.agentmail.to"
	EUBaseURL          = "https://api.agentmail.eu"
	DefaultTimeout     = 15 * time.Second
	DefaultMaxAttempts = 3
	MaxRetryAfter      = 60 * time.Second
	DefaultMaxBody     = 4 << 20
)

// Version is the amkeys version, sent in the User-Agent.
var Version = "dev"

// Options configure a Client. The zero value of each field means its default.
type Options struct {
	BaseURL           string
	APIKey            string
	Timeout           time.Duration // per attempt
	MaxAttempts       int           // for GET and DELETE
	MaxBody           int64
	AllowInsecureHTTP bool // send the key over plain http to a remote host
	ReadOnly          bool // refuse every method but GET
	HTTPClient        *http.Client
	// Backoff is the base delay of exponential backoff; tests shorten it.
	Backoff time.Duration
	// Sleep waits between attempts; tests may replace it. It must return
	// early with ctx.Err() when ctx ends.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnRetry, if set, is told about each wait before a retry, so that a
	// caller running many requests (the audit) can slow its whole pool.
	OnRetry func(wait time.Duration, status int)
}

// Client talks to the AgentMail API. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	key     string
	red     redactor
	opts    Options
	http    *http.Client
	agent   string
	backoff time.Duration
}

// New checks the options and returns a client. It refuses a plain-http base
// URL on a non-loopback host unless AllowInsecureHTTP is set.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(opts.BaseURL, "/"))
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, fmt.Errorf("invalid base URL %q: want https://host", opts.BaseURL)
	}
	if base.User != nil {
		return nil, errors.New("invalid base URL: it must not contain a user name or password")
	}
	if base.Scheme == "http" && !IsLoopbackHost(base.Hostname()) && !opts.AllowInsecureHTTP {
		return nil, ErrInsecureTransport
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 500 * time.Millisecond
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepContext
	}
	c := &Client{base: base, key: opts.APIKey, red: redactor{opts.APIKey}, opts: opts, agent: "amkeys/" + Version, backoff: opts.Backoff}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport}
	}
	// Copy so that our redirect policy does not change the caller's client.
	cp := *hc
	cp.CheckRedirect = c.checkRedirect
	c.http = &cp
	return c, nil
}

// BaseURL returns the API base URL, for the status line.
func (c *Client) BaseURL() string { return c.base.String() }

// KeyPrefix returns the first 8 characters of the client's own key: the
// prefix the API lists it under. It lets the UI recognise "the key amkeys
// runs with" without showing or storing more of it.
func (c *Client) KeyPrefix() string {
	if len(c.key) < 8 {
		return ""
	}
	return c.key[:8]
}

// IsLoopbackHost reports whether host names this machine.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkRedirect follows at most 5 redirects, and strips the bearer token
// whenever a redirect leaves the original scheme and host (CVE-2023-45289's
// class of leak), or would send it over plain http to a remote host.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	first := via[0].URL
	if req.URL.Host != first.Host || req.URL.Scheme != first.Scheme {
		req.Header.Del("Authorization")
	}
	return nil
}

// request describes one API call.
type request struct {
	method string
	path   string
	query  url.Values
	body   []byte
	// idempotencyKey, when set, is sent as Idempotency-Key and makes even
	// a POST safe to retry: the server answers a repeat with the first
	// answer instead of acting twice.
	idempotencyKey string
}

// do runs a request with retries and decodes a JSON answer into out (if not
// nil). Only GET and DELETE are retried; a POST that may have reached the
// server and failed without an answer returns an error wrapping
// ErrOutcomeUnknown.
func (c *Client) do(ctx context.Context, r request, out any) error {
	if c.opts.ReadOnly && r.method != http.MethodGet {
		return ErrReadOnly
	}
	retryable := r.method == http.MethodGet || r.method == http.MethodDelete || r.idempotencyKey != ""
	attempts := 1
	if retryable {
		attempts = c.opts.MaxAttempts
	}
	var lastErr error
	for attempt := 1; ; attempt++ {
		body, status, header, err := c.attempt(ctx, r)
		if err == nil && status < 300 {
			if out == nil || len(body) == 0 {
				return nil
			}
			err = decodeBody(body, out, c.red)
			if err != nil && r.method == http.MethodPost {
				// A 2xx that cannot be read may come from a proxy, or from
				// a create whose answer (and secret) was mangled.
				return &OutcomeUnknownError{Method: r.method, Path: r.path, Cause: err}
			}
			return err
		}
		if err == nil {
			err = decodeError(status, body, c.red)
		}
		lastErr = err
		if ctx.Err() != nil {
			return fmt.Errorf("%s %s: %w", r.method, r.path, ctx.Err())
		}
		if r.method == http.MethodPost && r.idempotencyKey == "" && outcomeUnknown(status, err) {
			return &OutcomeUnknownError{Method: r.method, Path: r.path, Cause: err}
		}
		if !retryable || attempt >= attempts || !shouldRetry(status, err) {
			return lastErr
		}
		wait := c.retryWait(attempt, header)
		if c.opts.OnRetry != nil {
			c.opts.OnRetry(wait, status)
		}
		if err := c.opts.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s %s: %w (while waiting to retry after: %v)", r.method, r.path, err, lastErr)
		}
	}
}

// attempt makes one HTTP exchange within the per-attempt timeout and reads
// the body through the size limit. A non-nil error means no usable answer.
func (c *Client) attempt(ctx context.Context, r request) ([]byte, int, http.Header, error) {
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	u := *c.base
	// r.path is already escaped (ids go through url.PathEscape): set both
	// forms, or u.String() would escape the escapes a second time.
	u.RawPath = c.base.EscapedPath() + r.path
	path, err := url.PathUnescape(u.RawPath)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	u.Path = path
	u.RawQuery = r.query.Encode()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(actx, r.method, u.String(), body)
	if err != nil {
		return nil, 0, nil, err
	}
	req.Header.Set("User-Agent", c.agent)
	req.Header.Set("Accept", "application/json")
	if r.idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", r.idempotencyKey)
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, nil, &TransportError{Op: r.method + " " + r.path, Err: scrubURLError(err), Timeout: actx.Err() != nil && ctx.Err() == nil}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBody+1))
	if err != nil {
		return nil, resp.StatusCode, resp.Header, &TransportError{Op: r.method + " " + r.path, Err: scrubURLError(err), Timeout: actx.Err() != nil && ctx.Err() == nil, AfterHeaders: true}
	}
	if int64(len(data)) > c.opts.MaxBody {
		return nil, resp.StatusCode, resp.Header, fmt.Errorf("%s %s: %w (%d MiB)", r.method, r.path, ErrBodyTooLarge, c.opts.MaxBody>>20)
	}
	// A proxy's error page may echo the request's headers: our own key
	// must not travel on into an error message and onto the screen. This
	// catches it raw; errors are redacted again after decoding.
	return c.red.bytes(data), resp.StatusCode, resp.Header, nil
}

// TransportError is a failure to get an answer: connection refused or
// reset, timeout, a body cut short.
type TransportError struct {
	Op           string
	Err          error
	Timeout      bool
	AfterHeaders bool
}

func (e *TransportError) Error() string {
	if e.Timeout {
		return e.Op + ": no answer within the timeout"
	}
	return e.Op + ": " + e.Err.Error()
}

func (e *TransportError) Unwrap() error { return e.Err }

// OutcomeUnknownError is a POST that may or may not have taken effect.
type OutcomeUnknownError struct {
	Method, Path string
	Cause        error
}

func (e *OutcomeUnknownError) Error() string {
	cause := e.Cause.Error()
	if op := e.Method + " " + e.Path; !strings.HasPrefix(cause, op) { // say it once
		cause = op + ": " + cause
	}
	return cause + "; " + ErrOutcomeUnknown.Error()
}

func (e *OutcomeUnknownError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.Cause} }

// scrubURLError drops the URL from a *url.Error: the URL never holds the key,
// but keeping errors short and free of request details is the safe habit.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// outcomeUnknown reports whether a failed POST may have reached the server:
// any transport failure after the request was written, any 5xx, and a 2xx
// whose body could not be read (too large).
func outcomeUnknown(status int, err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return !isDialError(te.Err)
	}
	return status >= 500 || (status >= 200 && status < 300)
}

// isDialError reports errors that prove the request never left this
// machine, so a POST certainly did not happen.
func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

func shouldRetry(status int, err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return true
	}
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryWait honours Retry-After (seconds or an HTTP date, capped), else
// backs off exponentially with full jitter.
func (c *Client) retryWait(attempt int, h http.Header) time.Duration {
	if d, ok := parseRetryAfter(h.Get("Retry-After"), time.Now()); ok {
		return d
	}
	ceiling := c.backoff << (attempt - 1)
	return ceiling/2 + rand.N(ceiling/2+1)
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(MaxRetryAfter/time.Second) {
			secs = int64(MaxRetryAfter / time.Second)
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
		if d < 0 {
			d = 0
		}
	} else {
		return 0, false
	}
	return min(d, MaxRetryAfter), true
}

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
