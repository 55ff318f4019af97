package agentid

import (
	"context"
	"errors"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// RegisteredMsg tells the list about a credential registered by the form.
type RegisteredMsg struct{ Credential client.PublicKeyCredential }

// RenamedMsg tells the list about a renamed credential.
type RenamedMsg struct{ Credential client.PublicKeyCredential }

// StaleMsg tells the list that a credential may exist without its knowing
// (a registration whose answer was lost): it reloads.
type StaleMsg struct{}

// revokedMsg is the answer to revoking one credential.
type revokedMsg struct {
	id, name string
	err      error
}

// revokeAllMsg is the answer to a revoke-all sent with key.
type revokeAllMsg struct {
	key     string
	receipt client.RevokeAllReceipt
	err     error
}

// RevokeAllPhrase must be typed to confirm a revoke-all.
const RevokeAllPhrase = "revoke all"

// updateActions handles the open dialog or box and the results of
// actions; handled is false for everything else.
func (m *Model) updateActions(msg tea.Msg) (handled bool, cmd tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case m.all != nil:
			return true, m.updateRevokeAllBox(msg)
		case m.dialog != nil:
			return true, m.updateDialog(msg)
		}
	case revokedMsg:
		return true, m.onRevoked(msg)
	case revokeAllMsg:
		return true, m.onRevokeAll(msg)
	case RegisteredMsg:
		m.list.Prepend(msg.Credential)
		return true, nil
	case RenamedMsg:
		id := msg.Credential.ID
		if m.list.Remove(func(p *client.PublicKeyCredential) bool { return p.ID == id }) > 0 {
			m.list.Prepend(msg.Credential) // the order puts it back in its place
		}
		return true, nil
	case StaleMsg:
		return true, m.list.Reload()
	}
	return false, nil
}

// askRevoke opens the typed confirmation: the credential's name or the
// first characters of its fingerprint.
func (m *Model) askRevoke(p client.PublicKeyCredential) {
	fp := fingerprintStart(p.PublicKey.Fingerprint)
	o := confirm.Options{
		Title: "Revoke this AgentID credential?",
		Fields: []confirm.Field{
			{Label: "name", Value: p.Name},
			{Label: "fingerprint", Value: shortFingerprint(p.PublicKey.Fingerprint)},
			{Label: "scope", Value: scopeText(p.Scope)},
			{Label: "status", Value: status(&p, m.c.Now())},
		},
		Notes:   []string{"Sign-ins approved with this key stop working at once, and its id (kid) is gone for good. This cannot be undone."},
		Confirm: "Revoke",
	}
	if typeable(p.Name) {
		o.Type, o.TypeWhat = p.Name, "the name, or the fingerprint start "+fp+","
		o.Also = []string{fp}
	} else {
		o.Type, o.TypeWhat = fp, "the fingerprint start (the name cannot be typed)"
	}
	m.asking, m.revoking = askRevoke, p
	m.dialog = confirm.New(m.c.Styles, o)
}

// askRevokeAll opens the emergency dialog behind the typed phrase.
func (m *Model) askRevokeAll() {
	m.asking = askRevokeAll
	m.dialog = confirm.New(m.c.Styles, confirm.Options{
		Title: "Revoke EVERY AgentID sign-in credential?",
		Notes: []string{
			"Every AgentID sign-in credential of the organization stops working at once: all scopes, every agent and signer. API keys are not affected.",
			"For a leaked or lost private key. It cannot be undone: register new key pairs afterwards. Needs an organization key with api_key_delete.",
		},
		Confirm:  "Revoke all",
		Type:     RevokeAllPhrase,
		TypeWhat: "the phrase",
	})
}

func (m *Model) updateDialog(k tea.KeyMsg) tea.Cmd {
	switch m.dialog.Update(k) {
	case confirm.Canceled:
		m.dialog = nil
	case confirm.Confirmed:
		m.dialog = nil
		if m.asking == askRevokeAll {
			// One user action, one Idempotency-Key: made here, reused by
			// every retry of this action, never by a later dialog.
			m.all = &revokeAll{key: client.NewIdempotencyKey(), keys: defaultBoxKeys()}
			return m.all.send(m.c, m.api)
		}
		return m.revokeCmd(m.revoking)
	}
	return nil
}

func (m *Model) revokeCmd(p client.PublicKeyCredential) tea.Cmd {
	api, ctx, id, name := m.api, m.c.Ctx, p.ID, p.Name
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		return revokedMsg{id: id, name: name, err: api.RevokePublicKey(rctx, id)}
	}
}

// onRevoked drops the row (a revoke is a delete); a 404 means it was
// already gone.
func (m *Model) onRevoked(msg revokedMsg) tea.Cmd {
	name := sanitize.Truncate(msg.name, 60)
	drop := func(p *client.PublicKeyCredential) bool { return p.ID == msg.id }
	switch {
	case msg.err == nil:
		m.list.Remove(drop)
		return common.Notify("Revoked AgentID credential " + name)
	case client.IsNotFound(msg.err):
		m.list.Remove(drop)
		return common.Notify("Credential " + name + " was already gone; removed it from the list")
	case errors.Is(msg.err, context.Canceled):
		return nil // amkeys is quitting
	}
	return common.Fail("revoking credential "+name, msg.err)
}

// revokeAll is one revoke-all action: its key, and its state.
type revokeAll struct {
	key     string
	pending bool
	receipt *client.RevokeAllReceipt
	err     error
	keys    boxKeys
}

// boxKeys are the bindings of the revoke-all box.
type boxKeys struct{ Close, Retry key.Binding }

func defaultBoxKeys() boxKeys {
	return boxKeys{
		Close: key.NewBinding(key.WithKeys("esc", "enter"), key.WithHelp("enter/esc", "close")),
		Retry: key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "retry the same request")),
	}
}

func (a *revokeAll) send(c *common.Common, api API) tea.Cmd {
	a.pending, a.err = true, nil
	ctx, idem := c.Ctx, a.key
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		r, err := api.RevokeAllPublicKeys(rctx, idem)
		return revokeAllMsg{key: idem, receipt: r, err: err}
	}
}

// retryable: the answer was lost or the server failed, so the action may
// or may not have happened; the same key makes a retry safe.
func (a *revokeAll) retryable() bool {
	if a.err == nil || a.pending {
		return false
	}
	if e, ok := client.AsError(a.err); ok {
		return e.Status >= 500 || e.Status == 429
	}
	return !errors.Is(a.err, client.ErrReadOnly)
}

func (a *revokeAll) bindings() []key.Binding {
	switch {
	case a.pending:
		return nil
	case a.retryable():
		return []key.Binding{a.keys.Retry, a.keys.Close}
	}
	return []key.Binding{a.keys.Close}
}

func (m *Model) updateRevokeAllBox(k tea.KeyMsg) tea.Cmd {
	a := m.all
	switch {
	case a.pending:
		return nil // the answer is coming; ctrl+c still quits
	case a.retryable() && key.Matches(k, a.keys.Retry):
		return a.send(m.c, m.api)
	case key.Matches(k, a.keys.Close):
		m.all = nil
	}
	return nil
}

func (m *Model) onRevokeAll(msg revokeAllMsg) tea.Cmd {
	if m.all == nil || msg.key != m.all.key || !m.all.pending {
		return nil // an action the user has closed
	}
	m.all.pending = false
	if msg.err != nil {
		if errors.Is(msg.err, context.Canceled) {
			return nil
		}
		m.all.err = msg.err
		return nil
	}
	r := msg.receipt
	m.all.receipt = &r
	return m.list.Reload() // the rows now show as revoked
}

// view draws the box: in flight, the receipt, or the failure.
func (a *revokeAll) view(c *common.Common, width int) string {
	st := c.Styles
	idem := field{"request id", a.key}
	switch {
	case a.pending:
		return box(st, width, "Revoking every AgentID credential…", []field{idem},
			[]string{"Waiting for the server's receipt."}, st.Muted, st.Muted.Render("(ctrl+c quits)"))
	case a.receipt != nil:
		r := a.receipt
		return box(st, width, "Every AgentID credential is revoked", []field{
			{"generation", strconv.Itoa(r.PreviousGeneration) + " → " + strconv.Itoa(r.CurrentGeneration)},
			{"revoked at", format.Exact(r.RevokedAt)},
			idem,
		}, []string{"Every credential of generation " + strconv.Itoa(r.PreviousGeneration) +
			" or older is revoked; the list is reloaded. Register new key pairs for the agents that need them."},
			st.Muted, st.Accent.Render("[> Close <]"))
	}
	what, fix := describe(a.err)
	notes := []string{what}
	if fix != "" {
		notes = append(notes, "Fix: "+fix)
	}
	buttons := st.Accent.Render("[> Close <]")
	if a.retryable() {
		notes = append(notes, "The revoke-all may or may not have happened. R retries with the same request id, so it cannot happen twice.")
		buttons = "[  R  Retry  ]   " + buttons
	}
	return box(st, width, "Revoke-all did not get a receipt", []field{idem}, notes, st.Danger, buttons)
}

// describe turns an error into a sentence and the server's fix.
func describe(err error) (what, fix string) {
	if e, ok := client.AsError(err); ok {
		return e.Error(), e.Fix
	}
	return err.Error(), ""
}
