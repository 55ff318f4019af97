package client

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ItemError is one listed item the client could not read. Its neighbours
// on the page are kept; this says which item, which field and what it
// held. ID and Value are server text (bounded here): sanitise before
// display.
type ItemError struct {
	Scope   Scope  // whose listing it came from; Kind "" for the pod listing
	Kind    string // "key" or "pod"
	ID      string // the item's id, if it could be read
	Field   string // the field at fault; "" when the item itself is
	Value   string // what the field (or item) held, cut short
	Problem string // what is wrong with it, for people
}

func (e ItemError) Error() string {
	var b strings.Builder
	if e.Kind == "key" {
		b.WriteString(e.Scope.String() + ": ")
	}
	b.WriteString(e.Kind)
	if e.ID != "" {
		fmt.Fprintf(&b, " %q", e.ID)
	}
	b.WriteString(" could not be read: ")
	if e.Field != "" {
		b.WriteString(e.Field + " ")
	}
	if e.Value != "" {
		b.WriteString(e.Value + " ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

// Bounds of what an ItemError quotes.
const (
	itemValueMax = 60
	itemIDMax    = 80
)

// decodeItems decodes a page's items one by one: a malformed item becomes
// an ItemError and its neighbours are kept. The fast path decodes the
// whole list at once; only a page that fails is taken apart.
func decodeItems[T any](raw json.RawMessage, kind, idField string, scope Scope, red redactor, check func(fields map[string]json.RawMessage) (field, problem string)) ([]T, []ItemError) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var all []T
	if json.Unmarshal(raw, &all) == nil {
		return all, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, []ItemError{{Scope: scope, Kind: kind, Value: quoteValue(raw, red), Problem: "the list of " + kind + "s is not a JSON list"}}
	}
	out := make([]T, 0, len(items))
	var bad []ItemError
	for _, item := range items {
		var v T
		err := json.Unmarshal(item, &v)
		if err == nil {
			out = append(out, v)
			continue
		}
		e := ItemError{Scope: scope, Kind: kind}
		var fields map[string]json.RawMessage
		if json.Unmarshal(item, &fields) != nil {
			e.Value, e.Problem = quoteValue(item, red), "is not a JSON object"
			bad = append(bad, e)
			continue
		}
		var id string
		if json.Unmarshal(fields[idField], &id) == nil {
			e.ID = red.text(clip(id, itemIDMax))
		}
		e.Field, e.Problem = check(fields)
		if e.Field != "" {
			e.Value = quoteValue(fields[e.Field], red)
		} else {
			e.Problem = describeJSONError(err)
		}
		bad = append(bad, e)
	}
	return out, bad
}

// quoteValue is a raw JSON value, redacted and cut short.
func quoteValue(raw json.RawMessage, red redactor) string {
	return clip(red.text(unescapeUnicode(string(raw))), itemValueMax)
}

// checkKeyFields finds the field of a key object that does not decode.
func checkKeyFields(f map[string]json.RawMessage) (string, string) {
	for _, name := range []string{"api_key_id", "prefix", "name", "pod_id", "inbox_id"} {
		if p := checkString(f[name]); p != "" {
			return name, p
		}
	}
	for _, name := range []string{"created_at", "used_at"} {
		if p := checkTime(f[name]); p != "" {
			return name, p
		}
	}
	if p := checkPermissions(f["permissions"]); p != "" {
		return "permissions", p
	}
	return "", ""
}

// checkPodFields finds the field of a pod object that does not decode.
func checkPodFields(f map[string]json.RawMessage) (string, string) {
	for _, name := range []string{"pod_id", "name", "client_id"} {
		if p := checkString(f[name]); p != "" {
			return name, p
		}
	}
	for _, name := range []string{"created_at", "updated_at"} {
		if p := checkTime(f[name]); p != "" {
			return name, p
		}
	}
	return "", ""
}

// jsonKind names the JSON type of a raw value, for messages.
func jsonKind(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "":
		return "nothing"
	case s[0] == '"':
		return "a string"
	case s[0] == '{':
		return "an object"
	case s[0] == '[':
		return "a list"
	case s == "true" || s == "false":
		return "a boolean"
	case s == "null":
		return "null"
	}
	return "a number"
}

func checkString(raw json.RawMessage) string {
	if raw == nil {
		return ""
	}
	var s *string
	if json.Unmarshal(raw, &s) != nil {
		return "is " + jsonKind(raw) + ", want a string"
	}
	return ""
}

// checkTime explains a timestamp that is not RFC 3339 in people's words:
// never Go's layout strings.
func checkTime(raw json.RawMessage) string {
	const want = "(want a date and time with a zone, such as 2026-01-02T15:04:05Z)"
	if raw == nil || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "is " + jsonKind(raw) + ", not a date and time " + want
	}
	if s == "" {
		return "is empty " + want
	}
	var t time.Time
	if t.UnmarshalJSON(raw) != nil {
		if _, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
			return "has no time zone " + want
		}
		return "is not a date and time " + want
	}
	return ""
}

func checkPermissions(raw json.RawMessage) string {
	if raw == nil || string(raw) == "null" {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return "is " + jsonKind(raw) + ", want an object of permission names set to true or false"
	}
	for name, v := range m {
		var b bool
		if json.Unmarshal(v, &b) != nil {
			return fmt.Sprintf("%q is %s, want true or false", clip(name, 40), jsonKind(v))
		}
	}
	return ""
}

// textSize is how much text a key holds, for the listing's memory bound.
func (k *APIKey) textSize() int {
	n := len(k.ID) + len(k.Prefix) + len(k.Name) + len(k.PodID) + len(k.InboxID)
	for _, o := range k.Permissions.Other() {
		n += len(o)
	}
	return n
}

func (p *Pod) textSize() int { return len(p.ID) + len(p.Name) + len(p.ClientID) }
