package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
)

// Bounds of an earlier report read for a diff: it is untrusted input (a
// file anyone may have edited), so its size, its number of entries and
// each string are limited.
const (
	MaxOldReport   = 256 << 20       // bytes
	maxOldEntries  = client.MaxItems // keys, failed listings, unreadable items, notes
	maxOldText     = 4 << 10         // bytes of a name, prefix or other string; longer ones are cut
	maxOldID       = 1 << 10         // bytes of a key id: a longer one is not an id
	maxOldNames    = 4 << 10         // permission names of one key (the API has a few dozen)
	oldTruncatedBy = "…"
)

// Old is an earlier `amkeys audit --format json` report, as far as a diff
// needs it. Reports written before public keys and inbox keys were audited
// lack some fields; they read as "not listed" (see the coverage fields).
type Old struct {
	GeneratedAt    time.Time
	StaleDays      int
	ExpiryWarnDays int
	Complete       bool
	Keys           []Credential

	// What the old audit listed, so that a credential its listings could
	// not see is not reported as added now.
	orgKeysListed    bool
	publicKeysListed bool
	inboxesListed    bool
	podListComplete  bool            // every pod was listed: a pod without keys in it had none
	failedPods       map[string]bool // pods whose keys (or inboxes) were not all listed
	failedInboxes    map[string]bool // lower-case inbox ids
	orgFailed        bool
	publicKeysFailed bool
	unreadable       map[string]bool // ids of credentials that could not be read
}

// oldKey is one entry of keys[] as written by WriteJSON, any version.
type oldKey struct {
	PodID        string          `json:"pod_id"`
	PodName      string          `json:"pod_name"`
	KeyID        string          `json:"key_id"`
	Name         string          `json:"name"`
	Prefix       string          `json:"prefix"`
	Scope        string          `json:"scope"`
	InboxID      string          `json:"inbox_id"`
	CreatedAt    *string         `json:"created_at"`
	LastUsedAt   *string         `json:"last_used_at"`
	NeverUsed    bool            `json:"never_used"`
	Stale        bool            `json:"stale"`
	Unrestricted bool            `json:"unrestricted"`
	Permissions  json.RawMessage `json:"permissions"` // absent, null (unrestricted) or names
	Kind         string          `json:"kind"`        // absent before public keys: bearer
	ScopeID      string          `json:"scope_id"`
	Fingerprint  string          `json:"fingerprint"`
	ExpiresAt    *string         `json:"expires_at"`
	RevokedAt    *string         `json:"revoked_at"`
	Expired      bool            `json:"expired"`
	Expiring     bool            `json:"expiring"`
	Revoked      bool            `json:"revoked"`
	Findings     *[]string       `json:"findings"` // absent before public keys
}

type oldSummary struct {
	OrgKeysListed    *bool `json:"organization_keys_listed"`
	PublicKeysListed *bool `json:"public_keys_listed"`
	Inboxes          *int  `json:"inboxes"` // absent before inbox keys were audited
}

type oldFailure struct {
	PodID   string `json:"pod_id"`
	Listing string `json:"listing"` // absent in early reports: pod_id "" was the organization
	InboxID string `json:"inbox_id"`
}

type oldUnreadable struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// ReadOld reads an earlier JSON report of at most limit bytes. Errors say
// what is wrong and where (a field, a key's index); they may
// quote the file's text, so sanitise them before display.
func ReadOld(r io.Reader, limit int64) (Old, error) {
	cr := &countingReader{r: io.LimitReader(r, limit+1)}
	old, err := readOld(json.NewDecoder(cr))
	if cr.n > limit {
		return Old{}, fmt.Errorf("larger than %s, the most a diff reads", sizeText(limit))
	}
	return old, err
}

// readOld walks the top-level object field by field, so that the keys are
// decoded one at a time and each error can name its place.
func readOld(dec *json.Decoder) (Old, error) {
	old := Old{failedPods: map[string]bool{}, failedInboxes: map[string]bool{}, unreadable: map[string]bool{}}
	if err := expectDelim(dec, '{', "an audit report is one JSON object"); err != nil {
		return old, err
	}
	var (
		seen              = map[string]bool{}
		summary           oldSummary
		failed            []oldFailure
		unreadable        []oldUnreadable
		notes             []string
		listErr, stopped  json.RawMessage
		generated, hasKey bool
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return old, decodeError("", err)
		}
		name, _ := tok.(string)
		if seen[name] {
			return old, fmt.Errorf("the field %q appears twice", name)
		}
		seen[name] = true
		switch name {
		case "generated_at":
			var at *string
			if err = decodeField(dec, name, &at); err == nil {
				old.GeneratedAt, err = parseTime(name, at)
				generated = at != nil
			}
		case "stale_days":
			err = decodeField(dec, name, &old.StaleDays)
		case "expiry_warn_days":
			err = decodeField(dec, name, &old.ExpiryWarnDays)
		case "complete":
			err = decodeField(dec, name, &old.Complete)
		case "summary":
			err = decodeField(dec, name, &summary)
		case "keys":
			hasKey = true
			old.Keys, err = readOldKeys(dec)
		case "failed_pods":
			err = decodeArray(dec, name, &failed)
		case "unreadable":
			err = decodeArray(dec, name, &unreadable)
		case "notes":
			err = decodeArray(dec, name, &notes)
		case "pod_list_error":
			err = decodeField(dec, name, &listErr)
		case "stopped":
			err = decodeField(dec, name, &stopped)
		default: // a field of a newer report, or one this diff does not need
			var skip json.RawMessage
			err = decodeField(dec, name, &skip)
		}
		if err != nil {
			return old, err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return old, decodeError("", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return old, errors.New("there is more after the report's closing brace: not one JSON document")
	}
	if !generated || !hasKey {
		return old, errors.New(`no "generated_at" or no "keys": not an amkeys audit report (write one with amkeys audit --format json)`)
	}
	if old.GeneratedAt.IsZero() {
		return old, errors.New(`"generated_at" is empty: not an amkeys audit report`)
	}
	old.cover(summary, failed, unreadable, notes, isNull(listErr) && isNull(stopped))
	return old, nil
}

// cover records what the old audit listed.
func (o *Old) cover(s oldSummary, failed []oldFailure, unreadable []oldUnreadable, notes []string, listed bool) {
	o.orgKeysListed = s.OrgKeysListed == nil || *s.OrgKeysListed // in every report, but be lenient
	o.publicKeysListed = s.PublicKeysListed != nil && *s.PublicKeysListed
	o.inboxesListed = s.Inboxes != nil && !inboxesNotListed(notes)
	// A report cancelled with nothing else wrong says only complete:false:
	// then the pod listing may have stopped too.
	o.podListComplete = listed && (o.Complete || len(failed)+len(unreadable) > 0)
	for _, f := range failed {
		switch {
		case f.Listing == "public_keys":
			o.publicKeysFailed = true
		case f.Listing == "organization_keys" || (f.Listing == "" && f.PodID == ""):
			o.orgFailed = true
		default:
			o.failedPods[f.PodID] = true
			if f.InboxID != "" {
				o.failedInboxes[strings.ToLower(f.InboxID)] = true
			}
		}
	}
	for _, u := range unreadable {
		switch u.Kind {
		case "pod":
			o.failedPods[u.ID] = true
		case "inbox":
			o.failedInboxes[strings.ToLower(u.ID)] = true
		default:
			o.unreadable[u.ID] = true
		}
	}
}

// inboxesNotListed finds the audit's note that inboxes were not walked.
func inboxesNotListed(notes []string) bool {
	for _, n := range notes {
		if strings.HasPrefix(n, "inboxes not listed") {
			return true
		}
	}
	return false
}

// readOldKeys decodes keys[] one entry at a time.
func readOldKeys(dec *json.Decoder) ([]Credential, error) {
	if err := expectDelim(dec, '[', `"keys" must be an array`); err != nil {
		return nil, err
	}
	var keys []Credential
	for i := 0; dec.More(); i++ {
		if i == maxOldEntries {
			return nil, fmt.Errorf(`"keys" has more than %d entries`, maxOldEntries)
		}
		where := fmt.Sprintf("keys[%d]", i)
		var k oldKey
		if err := dec.Decode(&k); err != nil {
			return nil, decodeError(where, err)
		}
		c, err := k.credential()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		keys = append(keys, c)
	}
	if _, err := dec.Token(); err != nil {
		return nil, decodeError("keys", err)
	}
	return keys, nil
}

// credential checks one old entry and turns it into the diff's form.
func (k oldKey) credential() (Credential, error) {
	switch {
	case k.KeyID == "":
		return Credential{}, errors.New(`"key_id" is missing or empty`)
	case len(k.KeyID) > maxOldID:
		return Credential{}, fmt.Errorf(`"key_id" is %d bytes long: not a key id`, len(k.KeyID))
	}
	c := Credential{ID: k.KeyID, Kind: audit.Bearer, PodID: bound(k.PodID), PodName: bound(k.PodName), Name: bound(k.Name),
		Prefix: bound(k.Prefix), InboxID: bound(k.InboxID), Fingerprint: bound(k.Fingerprint)}
	times := []struct {
		field string
		in    *string
		out   *time.Time
	}{{"created_at", k.CreatedAt, &c.CreatedAt}, {"last_used_at", k.LastUsedAt, &c.UsedAt},
		{"expires_at", k.ExpiresAt, &c.ExpiresAt}, {"revoked_at", k.RevokedAt, &c.RevokedAt}}
	for _, t := range times {
		var err error
		if *t.out, err = parseTime(t.field, t.in); err != nil {
			return Credential{}, err
		}
	}
	switch k.Kind {
	case "", "bearer":
	case "public_key":
		c.Kind = audit.PublicKey
	default:
		return Credential{}, fmt.Errorf(`"kind" is %q: want "bearer" or "public_key"`, bound(k.Kind))
	}
	var err error
	if c.Permissions, err = k.permissions(c.Kind); err != nil {
		return Credential{}, err
	}
	c.Findings = k.findings()
	return c, nil
}

// permissions reads the list: null is unrestricted; absent (never written
// by amkeys) falls back on the unrestricted flag.
func (k oldKey) permissions(kind audit.Kind) ([]string, error) {
	if kind == audit.PublicKey {
		return []string{}, nil
	}
	if len(k.Permissions) == 0 {
		if k.Unrestricted {
			return nil, nil
		}
		return []string{}, nil
	}
	var names []string
	if err := json.Unmarshal(k.Permissions, &names); err != nil {
		return nil, errors.New(`"permissions" must be null or an array of strings`)
	}
	if names == nil {
		return nil, nil
	}
	if len(names) > maxOldNames {
		return nil, fmt.Errorf(`"permissions" has %d names, more than the %d a key may have`, len(names), maxOldNames)
	}
	for i, n := range names {
		names[i] = bound(n)
	}
	return names, nil
}

// findings are the "findings" list when the report has one, else the
// flags of early reports. Names a newer amkeys may add are ignored.
func (k oldKey) findings() audit.Finding {
	var f audit.Finding
	if k.Findings != nil {
		for _, name := range *k.Findings {
			for _, g := range audit.AllFindings {
				if g.String() == name {
					f |= g
				}
			}
		}
		return f
	}
	flags := map[audit.Finding]bool{audit.FindNeverUsed: k.NeverUsed, audit.FindStale: k.Stale,
		audit.FindUnrestricted: k.Unrestricted, audit.FindExpired: k.Expired, audit.FindExpiring: k.Expiring,
		audit.FindRevoked: k.Revoked}
	for g, on := range flags {
		if on {
			f |= g
		}
	}
	return f
}

func expectDelim(dec *json.Decoder, want json.Delim, msg string) error {
	tok, err := dec.Token()
	if err != nil {
		return decodeError("", err)
	}
	if tok != want {
		return errors.New(msg)
	}
	return nil
}

func decodeField(dec *json.Decoder, name string, v any) error {
	if err := dec.Decode(v); err != nil {
		return decodeError(name, err)
	}
	return nil
}

// decodeArray decodes an array field, bounded like the keys.
func decodeArray[T any](dec *json.Decoder, name string, out *[]T) error {
	if err := expectDelim(dec, '[', fmt.Sprintf("%q must be an array", name)); err != nil {
		return err
	}
	for i := 0; dec.More(); i++ {
		if i == maxOldEntries {
			return fmt.Errorf("%q has more than %d entries", name, maxOldEntries)
		}
		var v T
		if err := dec.Decode(&v); err != nil {
			return decodeError(fmt.Sprintf("%s[%d]", name, i), err)
		}
		*out = append(*out, v)
	}
	_, err := dec.Token()
	return decodeError(name, err)
}

// decodeError says what encoding/json found, where, in words.
func decodeError(where string, err error) error {
	if err == nil {
		return nil
	}
	at := ""
	if where != "" {
		at = where + ": "
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%sthe file ends early: it is cut short or empty", at)
	case errors.As(err, &syntax):
		return fmt.Errorf("%sinvalid JSON: %v", at, err)
	case errors.As(err, &typ):
		field := where
		if typ.Field != "" {
			field = strings.TrimSuffix(where+"."+typ.Field, ".")
			field = strings.TrimPrefix(field, ".")
		}
		return fmt.Errorf("%s: want %s, got a JSON %s", field, jsonType(typ.Type.String()), typ.Value)
	}
	return fmt.Errorf("%s%v", at, err)
}

// jsonType names a Go type of the report as JSON calls it.
func jsonType(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"), strings.HasPrefix(goType, "*[]"):
		return "an array"
	case strings.Contains(goType, "string"):
		return "a string"
	case strings.Contains(goType, "int"):
		return "a whole number"
	case strings.Contains(goType, "bool"):
		return "true or false"
	}
	return "an object"
}

func isNull(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

// parseTime reads an RFC 3339 time; null or absent is the zero time.
func parseTime(field string, s *string) (time.Time, error) {
	if s == nil {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is %q: want a time such as 2026-11-28T12:00:00Z", field, bound(*s))
	}
	return t.UTC(), nil
}

// bound cuts a string of the old report to maxOldText bytes, on a rune
// boundary.
func bound(s string) string {
	if len(s) <= maxOldText {
		return s
	}
	cut := maxOldText - len(oldTruncatedBy)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + oldTruncatedBy
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
