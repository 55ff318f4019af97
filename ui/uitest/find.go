package uitest

import (
	"bytes"
	"reflect"
	"strings"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/ui/clip"
)

// FindString looks for s in every string and byte slice reachable from v,
// unexported fields included, and returns the path to the first one, or
// "". The API clients (which hold the key amkeys runs with, by design) and
// the clipboard copier (which holds what it copied until it clears it) are
// not the UI's state and are skipped, as are contexts.
func FindString(v any, s string) string {
	return find(reflect.ValueOf(v), s, map[uintptr]bool{})
}

func find(v reflect.Value, s string, seen map[uintptr]bool) string {
	switch v.Kind() {
	case reflect.String:
		if strings.Contains(v.String(), s) {
			return "string"
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		if v.Kind() == reflect.Pointer {
			if seen[v.Pointer()] || skipped(v.Type()) {
				return ""
			}
			seen[v.Pointer()] = true
		}
		if p := find(v.Elem(), s, seen); p != "" {
			return "*" + p
		}
	case reflect.Struct:
		if skipped(v.Type()) {
			return ""
		}
		for i := range v.NumField() {
			if p := find(v.Field(i), s, seen); p != "" {
				return v.Type().Name() + "." + v.Type().Field(i).Name + " > " + p
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			if bytes.Contains(v.Bytes(), []byte(s)) {
				return "[]byte"
			}
			return ""
		}
		for i := range v.Len() {
			if p := find(v.Index(i), s, seen); p != "" {
				return "[i] > " + p
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if p := find(it.Key(), s, seen); p != "" {
				return "[key] > " + p
			}
			if p := find(it.Value(), s, seen); p != "" {
				return "[k] > " + p
			}
		}
	}
	return ""
}

func skipped(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeOf(client.Client{}), reflect.TypeOf(audit.PacedClient{}), reflect.TypeOf(clip.Copier{}):
		return true
	}
	return strings.HasPrefix(t.PkgPath(), "context")
}
