package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/amkeys/amkeys/client"
)

// response is what a handler answers; ServeHTTP writes it, or replaces it
// with an injected fault.
type response struct {
	status int
	body   any // nil: no body
	header http.Header
}

func okJSON(body any) *response { return &response{status: http.StatusOK, body: body} }

func noContent() *response { return &response{status: http.StatusNoContent} }

// errorBody is the API's error shape; validation errors add Errors.
type errorBody struct {
	Name    string              `json:"name"`
	Code    string              `json:"code"`
	Message string              `json:"message"`
	Fix     string              `json:"fix,omitempty"`
	Docs    string              `json:"docs"`
	Errors  []client.FieldError `json:"errors,omitempty"`
}

const docsBase = "https://docs.agentmail.to/errors#"

func apiError(status int, name, code, message, fix string) *response {
	return &response{status: status, body: errorBody{
		Name: name, Code: code, Message: message, Fix: fix, Docs: docsBase + code,
	}}
}

func unauthorized(code, message, fix string) *response {
	return apiError(http.StatusUnauthorized, "UnauthorizedError", code, message, fix)
}

func forbidden(code, message, fix string) *response {
	return apiError(http.StatusForbidden, "ForbiddenError", code, message, fix)
}

func notFound(what string) *response {
	return apiError(http.StatusNotFound, "NotFoundError", client.CodeNotFound,
		what+" not found.",
		"Check the id: the "+what+" may have been deleted, or be outside the scope of your API key.")
}

// invalid answers 400 validation_error listing every offending field.
func invalid(fields ...client.FieldError) *response {
	msg := "The request is invalid."
	switch len(fields) {
	case 0:
	case 1:
		msg = fmt.Sprintf("The request is invalid: %s: %s.", fields[0].Path, fields[0].Message)
	default:
		paths := make([]string, len(fields))
		for i, f := range fields {
			paths[i] = f.Path
		}
		msg = "The request is invalid: " + strings.Join(paths, ", ") + "."
	}
	return &response{status: http.StatusBadRequest, body: errorBody{
		Name: "ValidationError", Code: client.CodeValidation, Message: msg,
		Fix:    "Correct the fields listed in errors and send the request again.",
		Docs:   docsBase + client.CodeValidation,
		Errors: fields,
	}}
}

// conflict answers 409 for a request the resource's state forbids.
func conflict(code, message, fix string) *response {
	return apiError(http.StatusConflict, "ConflictError", code, message, fix)
}

func field(path, message string) client.FieldError {
	return client.FieldError{Path: path, Message: message}
}

func rateLimited(retryAfter int) *response {
	r := apiError(http.StatusTooManyRequests, "RateLimitError", client.CodeRateLimited,
		"Too many requests for this API key.",
		fmt.Sprintf("Wait %d s (see the Retry-After header) and send the request again.", retryAfter))
	r.header = http.Header{"Retry-After": {strconv.Itoa(retryAfter)}}
	return r
}

func internalError(message string) *response {
	return apiError(http.StatusInternalServerError, "InternalServerError", client.CodeInternal,
		message, "Try again later.")
}

// saveFailed answers a change that was made but could not be saved.
func saveFailed() *response {
	return apiError(http.StatusInternalServerError, "InternalServerError", client.CodeInternal,
		"Internal server error: the change could not be saved.",
		"The outcome is unknown: list the resources to see whether the change took effect before sending it again.")
}

// codeServiceUnavailable is the API's code for a 503.
const codeServiceUnavailable = "service_unavailable"

// changesRetryAfter is the Retry-After, in seconds, of changesRefused.
const changesRetryAfter = 2

// changesRefused answers a change turned away before it was made.
func changesRefused() *response {
	r := apiError(http.StatusServiceUnavailable, "ServiceUnavailableError", codeServiceUnavailable,
		"The service cannot accept changes right now.",
		fmt.Sprintf("Nothing was changed: wait %d s (see the Retry-After header) and send the request again.", changesRetryAfter))
	r.header = http.Header{"Retry-After": {strconv.Itoa(changesRetryAfter)}}
	return r
}

// statusError is the error body for an arbitrary injected status.
func statusError(status int) *response {
	const msg = "The sandbox was told to fail requests for this pod."
	switch status {
	case http.StatusBadRequest:
		return invalid(field("pod_id", "injected failure"))
	case http.StatusUnauthorized:
		return unauthorized(client.CodeUnauthorized, msg, "Call FailPod(podID, 0) to clear it.")
	case http.StatusForbidden:
		return forbidden(client.CodeForbidden, msg, "Call FailPod(podID, 0) to clear it.")
	case http.StatusNotFound:
		return notFound("pod")
	case http.StatusConflict:
		return apiError(status, "ConflictError", client.CodeAlreadyExists, msg, "")
	case http.StatusUnprocessableEntity:
		return apiError(status, "UnprocessableError", client.CodeUnprocessable, msg, "")
	case http.StatusTooManyRequests:
		return rateLimited(1)
	}
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		return apiError(status, "InternalServerError", client.CodeInternal, msg, "Try again later.")
	}
	return apiError(status, "Error", "error", msg, "")
}

// encode renders a body as the API does: JSON, not HTML-escaped, with a
// final newline for the benefit of curl users.
func encode(body any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeResponse(w http.ResponseWriter, resp *response) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("Cache-Control", "no-store")
	if resp.body == nil {
		w.WriteHeader(resp.status)
		return
	}
	data, err := encode(resp.body)
	if err != nil {
		resp = internalError("The sandbox could not encode its response.")
		data, _ = encode(resp.body)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(data)
}
