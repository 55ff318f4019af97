package client

import (
	"context"
	"fmt"
	"net/http"
)

// DeleteKeyOnce deletes a key of a scope with exactly one attempt, for a
// caller that wants to know what happened to each request (a bulk delete).
// DeleteKey retries a DELETE whose answer was lost, and the retry's 404
// then hides that the first attempt did the work; here nothing is hidden:
//
//   - nil: the key was deleted;
//   - an *Error: the server answered and did not delete it (404: it is not
//     there). A 429 or 503 is also told to Options.OnRetry with its wait,
//     so that a caller pacing many requests pauses before trying again;
//   - an error wrapping ErrOutcomeUnknown: the request may have reached
//     the server and no usable answer came back (no answer, a 5xx): list
//     the scope to know whether the key is gone;
//   - any other error: nothing was sent (a bad id, a refused dial).
func (c *Client) DeleteKeyOnce(ctx context.Context, scope Scope, keyID string) error {
	if c.opts.ReadOnly {
		return ErrReadOnly
	}
	path, err := scope.keysPath()
	if err != nil {
		return err
	}
	key, err := segment(keyID)
	if err != nil {
		return err
	}
	r := request{method: http.MethodDelete, path: path + "/" + key}
	body, status, header, err := c.attempt(ctx, r)
	if err == nil && status < 300 {
		return nil
	}
	if err == nil {
		err = decodeError(status, body, c.red)
	}
	if ctx.Err() != nil {
		// Cancelled while the request was out: it may have arrived.
		return &OutcomeUnknownError{Method: r.method, Path: r.path, Cause: fmt.Errorf("%w (%v)", ctx.Err(), err)}
	}
	if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && c.opts.OnRetry != nil {
		c.opts.OnRetry(c.retryWait(1, header), status)
	}
	if status == http.StatusTooManyRequests || !outcomeUnknown(status, err) {
		return err
	}
	return &OutcomeUnknownError{Method: r.method, Path: r.path, Cause: err}
}
