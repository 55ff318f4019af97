package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// decodeBody reads a successful JSON answer. Servers are untrusted: an answer
// that is not JSON (a proxy's HTML page, say) gets a clear error.
func decodeBody(body []byte, out any, red redactor) error {
	if err := json.Unmarshal(body, out); err != nil {
		return errors.New(red.text(fmt.Sprintf("the server's answer is not the expected JSON (%s): %v", red.snippet(body), describeJSONError(err))))
	}
	return nil
}

// describeJSONError names what was wrong without Go's internals (type
// names, time layouts).
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %q holds a %s", typ.Field, typ.Value)
		}
		return "a " + typ.Value + " where something else was expected"
	}
	return "unexpected content"
}

// wireError is the API's error body.
type wireError struct {
	Name    string          `json:"name"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Fix     string          `json:"fix"`
	Docs    string          `json:"docs"`
	Errors  json.RawMessage `json:"errors"`
}

// decodeError turns a non-2xx answer into *Error. A body that is not the
// API's error JSON still gives an *Error with the status and a short,
// cut-down excerpt, so a proxy's HTML page reads as what it is.
//
// Every string is redacted after decoding: a key echoed as \u0061\u006d...
// is only the key once decoded.
func decodeError(status int, body []byte, red redactor) *Error {
	e := &Error{Status: status}
	var w wireError
	if err := json.Unmarshal(body, &w); err != nil || (w.Name == "" && w.Message == "" && w.Code == "") {
		e.Name = http.StatusText(status)
		if len(body) > 0 {
			e.Message = "unexpected answer: " + red.snippet(body)
		}
		return e
	}
	e.Name, e.ErrCode, e.Message, e.Fix, e.Docs = w.Name, w.Code, w.Message, w.Fix, w.Docs
	e.Fields = decodeFieldErrors(w.Errors, red)
	return red.error(e)
}

// decodeFieldErrors accepts the documented [{path, message}] and tolerates
// other shapes (the spec types it as unknown) without failing.
func decodeFieldErrors(raw json.RawMessage, red redactor) []FieldError {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var list []struct {
		Path    any    `json:"path"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return []FieldError{{Message: red.snippet(raw)}}
	}
	out := make([]FieldError, 0, len(list))
	for _, f := range list {
		out = append(out, FieldError{Path: pathString(f.Path), Message: f.Message})
	}
	return out
}

// pathString renders "name" or ["permissions","pod_read"] as a dotted path.
func pathString(p any) string {
	switch v := p.(type) {
	case string:
		return v
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			parts = append(parts, fmt.Sprint(x))
		}
		return strings.Join(parts, ".")
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// snippet is a short excerpt of a body for error messages. It is still
// untrusted text; the UI sanitises it like any server string.
func snippet(b []byte) string {
	const max = 80
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) && len(s) > 0 {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return s
}

// clip bounds a server string for an error message (on a rune boundary).
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for !utf8.ValidString(s) && len(s) > 0 {
		s = s[:len(s)-1]
	}
	return s + "…"
}
