package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// FieldError is one entry of a validation error: which field, and why.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error is an error answered by the API. Every field comes from the server
// and is untrusted text: sanitise before display.
type Error struct {
	Status  int
	Name    string
	ErrCode string
	Message string
	Fix     string
	Docs    string
	Fields  []FieldError
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
	if e.ErrCode != "" {
		fmt.Fprintf(&b, " (%s)", e.ErrCode)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Path, f.Message)
	}
	return b.String()
}

// Code returns the machine-readable error code, such as "not_found".
func (e *Error) Code() string { return e.ErrCode }

// Error codes the API answers with.
const (
	CodeMissingAuthorization    = "missing_authorization"
	CodeInvalidTokenType        = "invalid_token_type"
	CodeUnknownAPIKey           = "unknown_api_key"
	CodeUnauthorized            = "unauthorized"
	CodeMissingPermission       = "missing_permission"
	CodePermissionEscalation    = "permission_escalation"
	CodeUnrestrictedKeyRequired = "unrestricted_key_required"
	CodeForbidden               = "forbidden"
	CodeValidation              = "validation_error"
	CodeNotFound                = "not_found"
	CodeUnprocessable           = "unprocessable"
	CodeAlreadyExists           = "already_exists"
	CodeCannotDelete            = "cannot_delete" // a pod that still has inboxes or domains
	CodeRateLimited             = "rate_limited"
	CodeInternal                = "internal_error"
)

// AsError returns the API error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Code returns the API error code inside err, or "".
func Code(err error) string {
	if e, ok := AsError(err); ok {
		return e.ErrCode
	}
	return ""
}

// IsNotFound reports whether err is the API's 404.
func IsNotFound(err error) bool {
	e, ok := AsError(err)
	return ok && (e.Status == http.StatusNotFound || e.ErrCode == CodeNotFound)
}

// IsUnauthorized reports whether err is a 401 (missing or unknown key).
func IsUnauthorized(err error) bool {
	e, ok := AsError(err)
	return ok && e.Status == http.StatusUnauthorized
}

// IsForbidden reports whether err is a 403 (a permission problem).
func IsForbidden(err error) bool {
	e, ok := AsError(err)
	return ok && e.Status == http.StatusForbidden
}

// ErrOutcomeUnknown is wrapped by errors from a create (POST) whose outcome
// cannot be known: the request may or may not have taken effect. It is never
// retried automatically; list and look before trying again.
var ErrOutcomeUnknown = errors.New("outcome unknown: the server may or may not have carried out the request")

// ErrReadOnly is returned for any non-GET call on a read-only client.
var ErrReadOnly = errors.New("amkeys is in read-only mode: only reads are allowed")

// ErrInsecureTransport refuses to send the API key in clear text.
var ErrInsecureTransport = errors.New("refusing to send the API key over plain http to a non-loopback host (use https, or opt in with --allow-insecure-http)")

// ErrBodyTooLarge is returned when a response exceeds the size limit.
var ErrBodyTooLarge = errors.New("response body exceeds the size limit")

// ErrPagination is returned when a server's paging would loop forever.
var ErrPagination = errors.New("pagination stopped: the server repeated a page token or sent too many pages")
