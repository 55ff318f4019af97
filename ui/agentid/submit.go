package agentid

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/jwk"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/format"
)

// sent is what the form sent last.
type sent struct {
	mode        Mode
	path        string
	fingerprint string // of the key sent; "" before the file was read
}

// registerMsg is the outcome of one submit: the key file step, then the
// request.
type registerMsg struct {
	id       int
	key      client.JWK
	wrote    bool  // a new private key file was written
	fileErr  error // the file could not be written or read: nothing was sent
	cred     client.PublicKeyCredential
	err      error
	freshDir bool // the default directory was made for it
}

// lookupMsg carries the credentials holding the fingerprint of a
// registration whose answer was lost.
type lookupMsg struct {
	id    int
	fp    string
	found []client.PublicKeyCredential
	err   error
}

// submit checks the form and sends the registration once. For a new key
// pair the private key is written and synced before the request leaves.
func (r *Register) submit() tea.Cmd {
	r.info = ""
	if r.checking != 0 {
		r.info = "Still checking whether the last attempt registered the key; wait for the answer."
		return nil
	}
	path := expandHome(strings.TrimSpace(r.pathInput().Value()))
	name := strings.TrimSpace(r.name.Value())
	sc, scopeErr := parseScope(r.scope.Value())
	expires, expiryErr := parseExpiry(r.expiry.Value(), r.c.Now())
	switch {
	case path == "":
		return r.refuse(stopPath, "A key file path is required.")
	case len([]rune(name)) > MaxName:
		return r.refuse(stopName, "The name is too long: at most "+strconv.Itoa(MaxName)+" characters.")
	case scopeErr != nil:
		return r.refuse(stopScope, scopeErr.Error()+".")
	case expiryErr != nil:
		return r.refuse(stopExpiry, expiryErr.Error()+".")
	}
	r.problem, r.quitWarned = nil, false
	r.pending = r.c.NextRequestID()
	r.sent = sent{mode: r.mode, path: path}
	reg := client.NewPublicKey{Name: name, Scope: sc, ExpiresAt: expires}
	id, api, ctx, mode, keyDir := r.pending, r.api, r.c.Ctx, r.mode, r.keyDir
	return func() tea.Msg {
		out := registerMsg{id: id}
		if mode == ModeGenerate {
			if filepath.Clean(filepath.Dir(path)) == filepath.Clean(keyDir) {
				if _, err := os.Stat(keyDir); errors.Is(err, os.ErrNotExist) {
					out.freshDir = os.MkdirAll(keyDir, 0o700) == nil
				}
			}
			out.key, out.fileErr = jwk.GenerateToFile(path) // synced before returning
			out.wrote = out.fileErr == nil
		} else {
			out.key, out.fileErr = jwk.ReadPublic(path)
		}
		if out.fileErr != nil {
			return out
		}
		reg.JWK = out.key
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		out.cred, out.err = api.RegisterPublicKey(rctx, reg)
		return out
	}
}

func (r *Register) refuse(s stop, why string) tea.Cmd {
	r.problem = []string{why}
	r.setFocus(s)
	return nil
}

func (r *Register) onRegistered(msg registerMsg) tea.Cmd {
	if msg.id != r.pending {
		return nil
	}
	r.pending, r.quitWarned, r.info = 0, false, ""
	if msg.fileErr != nil {
		what := "Could not read the key file: "
		if r.sent.mode == ModeGenerate {
			what = "Could not save the private key (nothing was sent): "
		}
		r.problem = []string{what + msg.fileErr.Error()}
		r.setFocus(stopPath)
		return nil
	}
	r.sent.fingerprint = jwk.Thumbprint(msg.key)
	if msg.wrote {
		// The key file exists now: any further attempt registers it
		// from that file, never makes a second pair.
		r.importPath.SetValue(r.sent.path)
		r.setMode(ModeImport)
	}
	err := msg.err
	switch {
	case err == nil:
		cred := msg.cred
		r.c.Replace(NewRegistered(r.c, cred, r.sent, ""))
		return func() tea.Msg { return RegisteredMsg{Credential: cred} }
	case errors.Is(err, client.ErrOutcomeUnknown):
		r.problem = []string{
			"The server's answer was lost: the credential may or may not be registered. amkeys will not send it again by itself.",
			"Listing the credentials for fingerprint " + r.sent.fingerprint + "…",
		}
		return r.lookup()
	case errors.Is(err, context.Canceled):
		return nil // amkeys is quitting
	}
	r.problem = refusal("register the key", err)
	if msg.wrote {
		r.problem = append(r.problem, "The private key is saved at "+r.sent.path+"; submitting again registers it from that file.")
	}
	return nil
}

// refusal turns an error into lines: what, the fields, the fix.
func refusal(what string, err error) []string {
	e, ok := client.AsError(err)
	if !ok {
		return []string{"Could not " + what + ": " + err.Error()}
	}
	head := "The server refused to " + what
	if e.ErrCode != "" {
		head += " (" + e.ErrCode + ")"
	}
	lines := []string{head + ": " + e.Message}
	for _, f := range e.Fields {
		lines = append(lines, "  "+f.Path+": "+f.Message)
	}
	if e.Fix != "" {
		lines = append(lines, "Fix: "+e.Fix)
	}
	return lines
}

// lookup lists every credential and keeps those with the fingerprint sent.
func (r *Register) lookup() tea.Cmd {
	r.checking = r.c.NextRequestID()
	id, api, ctx, fp, size := r.checking, r.api, r.c.Ctx, r.sent.fingerprint, r.c.Settings.PageSize
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		var found []client.PublicKeyCredential
		err := eachCredential(rctx, api, size, func(p client.PublicKeyCredential) {
			if p.PublicKey.Fingerprint == fp {
				found = append(found, p)
			}
		})
		return lookupMsg{id: id, fp: fp, found: found, err: err}
	}
}

// eachCredential walks every page under a PageGuard.
func eachCredential(ctx context.Context, api API, size int, fn func(client.PublicKeyCredential)) error {
	var guard client.PageGuard
	token := ""
	for {
		page, err := api.ListPublicKeys(ctx, client.ListOptions{Limit: size, PageToken: token})
		if err != nil {
			return err
		}
		for _, p := range page.Credentials {
			fn(p)
		}
		if page.NextPageToken == "" {
			return nil
		}
		if err := guard.Next(page.NextPageToken); err != nil {
			return err
		}
		token = page.NextPageToken
	}
}

func (r *Register) onLookup(msg lookupMsg) tea.Cmd {
	if msg.id != r.checking {
		return nil
	}
	r.checking = 0
	lost := "The server's answer to the registration was lost."
	stale := func() tea.Msg { return StaleMsg{} }
	switch {
	case msg.err != nil:
		r.problem = []string{lost,
			"Could not check whether it was registered (" + msg.err.Error() + ").",
			"Look in the list for fingerprint " + msg.fp + " before registering again: the same key registered twice gets two ids."}
		return nil
	case len(msg.found) == 0:
		r.problem = []string{lost, "No credential has fingerprint " + msg.fp + ": it was not registered. You can submit again."}
		return nil
	}
	newest := msg.found[0]
	for _, p := range msg.found {
		if p.CreatedAt.After(newest.CreatedAt) {
			newest = p
		}
	}
	if r.sent.mode == ModeGenerate {
		// A key pair made a moment ago: whatever holds its fingerprint
		// is this registration.
		r.c.Replace(NewRegistered(r.c, newest, r.sent,
			"The first answer was lost; amkeys found the credential by its fingerprint."))
		return stale
	}
	r.problem = []string{lost,
		strconv.Itoa(len(msg.found)) + " credential(s) have fingerprint " + msg.fp + "; the newest, " + newest.Name +
			" (id " + newest.ID + "), was created " + format.Exact(newest.CreatedAt) + ".",
		"If that was just now, it is this registration: do not register again."}
	return stale
}
