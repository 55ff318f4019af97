package createkey

import (
	"context"
	"errors"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/confirm"
	"github.com/amkeys/amkeys/ui/format"
	"github.com/amkeys/amkeys/ui/secret"
)

// stage is which confirmation the open dialog asks for.
type stage int

const (
	stageSummary      stage = iota + 1 // the summary of the key
	stageUnrestricted                  // the second yes for full access
	stageQuit                          // quit amkeys, losing the form
	stageDiscard                       // close the form, losing it (esc)
)

// createdMsg carries the create's answer, secret included, to the form
// alone; the form hands the secret straight to the secret screen.
type createdMsg struct {
	id  int
	key client.CreatedAPIKey
	err error
}

// lookupMsg carries the keys named like the one whose create had an
// unknown outcome.
type lookupMsg struct {
	id    int
	name  string
	found []client.APIKey
	err   error
}

// review checks the form, then opens the summary.
func (m *Model) review() {
	m.info, m.nameErr = "", ""
	name := strings.TrimSpace(m.name.Value())
	switch {
	case m.checking != 0:
		m.info = "Still checking whether the last attempt created the key; wait for the answer."
		return
	case name == "":
		m.nameErr = "A name is required (1 to " + strconv.Itoa(MaxName) + " characters)."
		m.setFocus(fieldName)
		return
	case !m.unrestricted && m.perms.CurrentGrantedCount() == 0:
		m.info = "Tick at least one permission, or choose Unrestricted."
		m.setFocus(fieldList)
		return
	}
	m.stage = stageSummary
	m.dialog = confirm.New(m.c.Styles, confirm.Options{
		Title:   "Create this API key?",
		Fields:  m.summaryFields(name),
		Notes:   m.summaryNotes(name),
		Confirm: "Create",
		Cancel:  "Back to the form",
	})
}

func (m *Model) summaryFields(name string) []confirm.Field {
	fields := []confirm.Field{{Label: "name", Value: name}, {Label: m.scope.Kind(), Value: m.scope.Name()}}
	if m.scope.Scope.IsOrganization() {
		fields[1] = confirm.Field{Label: "scope", Value: "organization (every pod and inbox)"}
	}
	if m.unrestricted {
		return append(fields, confirm.Field{Label: "access", Value: "UNRESTRICTED: full access within this " + m.scope.Kind()})
	}
	fields = append(fields, confirm.Field{Label: "access", Value: "restricted: " + m.perms.Summary() + " permissions"})
	for _, g := range m.list.groups {
		var verbs []string
		for _, p := range g.Permissions {
			if m.perms.Has(p.Name) {
				verbs = append(verbs, p.Name)
			}
		}
		if len(verbs) > 0 {
			fields = append(fields, confirm.Field{Label: "  " + strings.ToLower(g.Title), Value: strings.Join(verbs, ", ")})
		}
	}
	return fields
}

func (m *Model) summaryNotes(name string) []string {
	var notes []string
	if risky := m.riskyTicked(); len(risky) > 0 && !m.unrestricted {
		notes = append(notes, "Risky: "+strings.Join(risky, ", ")+".")
	}
	for _, k := range m.keys() {
		if k.Name == name {
			notes = append(notes, "A key named "+name+" already exists in this "+m.scope.Kind()+"; this creates another.")
			break
		}
	}
	return notes
}

func (m *Model) updateDialog(k tea.KeyMsg) tea.Cmd {
	switch {
	case m.stage == stageQuit && k.Type == tea.KeyCtrlC:
		return common.Quit // ctrl+c twice quits
	case m.stage == stageDiscard && k.Type == tea.KeyCtrlC:
		m.askQuit() // quitting loses more than the form: ask that
		return nil
	}
	switch m.dialog.Update(k) {
	case confirm.Canceled:
		m.dialog = nil
	case confirm.Confirmed:
		m.dialog = nil
		if m.stage == stageQuit {
			return common.Quit
		}
		if m.stage == stageDiscard {
			m.c.Pop()
			return nil
		}
		if m.stage == stageSummary && m.unrestricted {
			m.askUnrestricted()
			return nil
		}
		return m.submit()
	}
	return nil
}

func (m *Model) askUnrestricted() {
	m.stage = stageUnrestricted
	m.dialog = confirm.New(m.c.Styles, confirm.Options{
		Title: "Really create an UNRESTRICTED key?",
		Notes: []string{
			"It will have full access within " + m.scope.Describe() + ", including permissions the API adds later.",
			"Anyone holding it can read, send and delete mail and create and delete other API keys.",
		},
		Confirm: "Create unrestricted",
		Cancel:  "Back to the form",
	})
	m.dialog.KeyMap.Yes.SetHelp("y", "create unrestricted")
}

// askQuit asks before q or ctrl+c throw the filled-in form away.
func (m *Model) askQuit() {
	m.stage = stageQuit
	m.dialog = confirm.New(m.c.Styles, confirm.Options{
		Title:   "Quit amkeys and lose this form?",
		Notes:   []string{"The key is not created yet: what you typed and ticked is lost."},
		Confirm: "Quit",
		Cancel:  "Stay",
	})
	m.dialog.KeyMap.Yes.SetHelp("y", "quit")
}

// HasInput reports whether the form holds anything the user typed or
// ticked, which quitting would lose.
func (m *Model) HasInput() bool {
	return strings.TrimSpace(m.name.Value()) != "" || m.unrestricted || m.perms.GrantedCount() > 0
}

// submit sends the create once. It is never sent again by itself.
func (m *Model) submit() tea.Cmd {
	m.problem, m.info, m.quitWarned, m.refused = nil, "", false, nil
	m.KeyMap.Untick.SetEnabled(false)
	m.pending = m.c.NextRequestID()
	m.sentName = strings.TrimSpace(m.name.Value())
	m.before = map[string]bool{}
	for _, k := range m.keys() {
		if k.Name == m.sentName {
			m.before[k.ID] = true // known before: not the one being created
		}
	}
	perms := m.perms
	if m.unrestricted {
		perms = client.Unrestricted()
	}
	id, api, ctx, scope, name := m.pending, m.c.API, m.c.Ctx, m.scope.Scope, m.sentName
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		k, err := api.CreateKey(rctx, scope, name, perms)
		return createdMsg{id: id, key: k, err: err}
	}
}

func (m *Model) onCreated(msg createdMsg) tea.Cmd {
	if msg.id != m.pending {
		return nil
	}
	m.pending, m.quitWarned, m.info = 0, false, ""
	err := msg.err
	var invalid *client.InvalidSecretError
	switch {
	case errors.As(err, &invalid):
		// The key exists; the secret screen says its secret is not a key
		// and refuses to copy it.
		msg.key = invalid.Key
		fallthrough
	case err == nil:
		pub := msg.key.APIKey
		scope := m.scope.Scope
		m.c.Replace(secret.New(m.c, m.scope, msg.key))
		return func() tea.Msg { return CreatedMsg{Scope: scope, Key: pub} }
	case errors.Is(err, client.ErrOutcomeUnknown):
		m.problem = []string{
			"The server's answer was lost, so the key may or may not have been created. amkeys will not send it again by itself.",
			"Checking the keys of " + m.scope.Describe() + " for one named " + m.sentName + "…",
		}
		return m.lookup()
	case errors.Is(err, context.Canceled):
		return nil // amkeys is quitting
	}
	m.problem = describe(err)
	if refused := refusedNames(err, m.perms); len(refused) > 0 {
		// Not a wall of text: the names, and one key to untick them.
		m.refused = refused
		m.problem = []string{
			"The server refused: the API key amkeys runs with cannot grant permissions it does not have.",
			"Refused: " + strings.Join(refused, ", "),
			"U unticks them; then create again.",
		}
		m.KeyMap.Untick.SetEnabled(true)
		m.setFocus(fieldList) // where U works
		return nil
	}
	if e, ok := client.AsError(err); ok {
		for _, f := range e.Fields {
			if f.Path == "name" {
				m.nameErr = "The server says: " + f.Message
			}
		}
	}
	return nil
}

// refusedNames are the ticked permissions that a permission_escalation
// refusal names in its message or fix (the server lists what the caller
// lacks); nil for any other error.
func refusedNames(err error, ticked client.Permissions) []string {
	e, ok := client.AsError(err)
	if !ok || e.ErrCode != client.CodePermissionEscalation {
		return nil
	}
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(e.Message+" "+e.Fix, func(r rune) bool {
		return (r < 'a' || r > 'z') && r != '_' && (r < '0' || r > '9')
	}) {
		words[w] = true
	}
	var out []string
	for _, n := range ticked.Names() {
		if words[n] {
			out = append(out, n)
		}
	}
	return out
}

// untickRefused drops the permissions the server refused.
func (m *Model) untickRefused() {
	for _, n := range m.refused {
		m.perms = m.perms.Without(n)
	}
	m.info = "Unticked " + strings.Join(m.refused, ", ") + ": " + m.perms.Summary() + " ticked."
	m.refused, m.problem = nil, nil
	m.KeyMap.Untick.SetEnabled(false)
}

// describe turns a refusal into lines: what, the fields, the fix.
func describe(err error) []string {
	e, ok := client.AsError(err)
	if !ok {
		return []string{"Could not create the key: " + err.Error()}
	}
	what := "The server refused to create the key"
	if e.ErrCode != "" {
		what += " (" + e.ErrCode + ")"
	}
	lines := []string{what + ": " + e.Message}
	for _, f := range e.Fields {
		lines = append(lines, "  "+f.Path+": "+f.Message)
	}
	if e.Fix != "" {
		lines = append(lines, "Fix: "+e.Fix)
	}
	return lines
}

// lookup lists every page of the scope's keys and keeps those named like the
// key that was sent.
func (m *Model) lookup() tea.Cmd {
	m.checking = m.c.NextRequestID()
	id, api, ctx, scope, name, size := m.checking, m.c.API, m.c.Ctx, m.scope.Scope, m.sentName, m.c.Settings.PageSize
	return func() tea.Msg {
		rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
		defer cancel()
		var found []client.APIKey
		err := eachKey(rctx, api, scope, size, func(k client.APIKey) {
			if k.Name == name {
				found = append(found, k)
			}
		})
		return lookupMsg{id: id, name: name, found: found, err: err}
	}
}

// eachKey walks every page under a PageGuard (the API interface has no
// EachKey of its own).
func eachKey(ctx context.Context, api common.API, scope client.Scope, size int, fn func(client.APIKey)) error {
	var guard client.PageGuard
	token := ""
	for {
		page, err := api.ListKeys(ctx, scope, client.ListOptions{Limit: size, PageToken: token})
		if err != nil {
			return err
		}
		for _, k := range page.Keys {
			fn(k)
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

func (m *Model) onLookup(msg lookupMsg) tea.Cmd {
	if msg.id != m.checking {
		return nil
	}
	m.checking = 0
	lost := "The server's answer to creating " + msg.name + " was lost."
	var found []client.APIKey
	for _, k := range msg.found {
		if !m.before[k.ID] {
			found = append(found, k)
		}
	}
	switch {
	case msg.err != nil:
		m.problem = []string{lost,
			"Could not check whether it was created (" + msg.err.Error() + ").",
			"Look at the keys list (r refreshes it) before creating it again: a key named " + msg.name + " may exist, and its secret cannot be recovered."}
		return nil
	case len(found) == 0:
		m.problem = []string{lost, "No new key named " + msg.name + " exists in " + m.scope.Describe() + ": it was not created. You can submit again."}
		return nil
	}
	k := found[0]
	m.problem = []string{lost,
		"A key named " + msg.name + " now exists (prefix " + k.Prefix + "…, created " + format.Exact(k.CreatedAt) + ")" + others(len(found)) + ".",
		"Its secret cannot be recovered: delete that key and create a new one."}
	scope := m.scope.Scope
	return func() tea.Msg { return StaleMsg{Scope: scope} }
}

func others(n int) string {
	if n <= 1 {
		return ""
	}
	return ", and " + strconv.Itoa(n-1) + " more with that name"
}
