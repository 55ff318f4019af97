// Package locate finds where a leaked API key belongs without sending it
// anywhere: the public prefix is taken locally (Prefix) and compared with
// the prefix of every credential the organization lists, from an audit's
// result (InAudit) or from a search of its own (Start): the organization's
// keys, every pod's keys and every inbox's keys. Only listings are sent;
// the key, or any part of it past the prefix, never is.
package locate

import (
	"errors"
	"fmt"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
)

// PrefixLen is how many leading characters of a key the API lists as its
// prefix: "am_" and 5 more.
const PrefixLen = 8

// Prefix takes the public prefix of a key, or of a prefix: "am_" and the 5
// characters after it, leading spaces skipped. The input is never quoted
// back in the error, since it may be a secret.
func Prefix(in []byte) (string, error) {
	start := 0
	for start < len(in) && isSpace(in[start]) {
		start++
	}
	in = in[start:]
	if len(in) < PrefixLen || string(in[:3]) != "am_" {
		return "", errors.New("want an API key or its prefix: am_ and at least 5 more characters")
	}
	for _, c := range in[3:PrefixLen] {
		if !isKeyByte(c) {
			return "", errors.New("that is not an API key: after am_ a key holds only letters, digits, _ and -")
		}
	}
	return string(in[:PrefixLen]), nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// isKeyByte reports a byte a key's text may hold.
func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// Match is one credential with the prefix, as listed. Key.PodID is the pod
// it was found in ("" for an organization key); PodName and InboxEmail
// name its pod and inbox when the search learnt them.
type Match struct {
	Key        client.APIKey
	PodName    string
	InboxEmail string
}

// Problem is a listing that could not be searched: Where names it ("pod
// p_1", "the inbox listing"; "" for the whole search) and Err says why
// (server text: sanitise before showing).
type Problem struct {
	Where string
	Err   error
}

// String is the problem in one line, unsanitised.
func (p Problem) String() string {
	if p.Where == "" {
		return p.Err.Error()
	}
	return p.Where + ": " + p.Err.Error()
}

// Outcome is what a search found.
type Outcome struct {
	Prefix   string
	Matches  []Match
	Problems []Problem
}

// Complete reports whether every listing was searched.
func (o *Outcome) Complete() bool { return len(o.Problems) == 0 }

// InAudit looks for the prefix in an audit's result, without a request.
// An incomplete result's gaps are the outcome's problems.
func InAudit(res *audit.Result, prefix string) Outcome {
	out := Outcome{Prefix: prefix, Matches: []Match{}}
	seen := map[string]bool{}
	for i := range res.Keys {
		k := &res.Keys[i]
		if !k.IsBearer() || k.Prefix != prefix || seen[k.ID] {
			continue
		}
		seen[k.ID] = true
		out.Matches = append(out.Matches, Match{Key: k.APIKey, PodName: k.PodName})
	}
	out.Problems = auditProblems(res)
	return out
}

// auditProblems names what an audit could not list.
func auditProblems(res *audit.Result) []Problem {
	var out []Problem
	if res.Stopped != nil {
		out = append(out, Problem{Err: res.Stopped})
	} else if res.Cancelled {
		out = append(out, Problem{Err: errors.New("the search was cancelled")})
	}
	if res.ListErr != nil {
		out = append(out, Problem{Where: "the pod listing", Err: res.ListErr})
	}
	for _, f := range res.Failed {
		what := "the organization keys"
		switch {
		case f.Credentials:
			continue // public-key credentials have no prefix to match
		case !f.IsOrganization():
			what = "pod " + f.Pod.ID
		}
		out = append(out, Problem{Where: what, Err: f.Err})
	}
	if n := len(res.Unreadable); n > 0 {
		out = append(out, Problem{Err: fmt.Errorf("%d listed items could not be read", n)})
	}
	return out
}
