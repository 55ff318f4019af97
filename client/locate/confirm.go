package locate

import (
	"context"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
)

// Confirm re-reads what an audit found, before it is shown or acted on:
// the audit may be minutes old, and a key deleted since must not be
// offered (enter would open its scope on another key). Each scope holding
// a match is listed once, every page under a client.PageGuard. A match
// still listed is kept with the fields listed now; one that is not is
// gone, as is every match of a scope that is not found. A scope whose
// listing fails otherwise keeps its matches, unconfirmed, and is a
// problem.
func Confirm(ctx context.Context, api audit.Lister, matches []Match) (kept, gone []Match, problems []Problem) {
	listed := map[client.Scope]map[string]client.APIKey{}
	failed := map[client.Scope]bool{}
	for _, m := range matches {
		scope := m.Key.Scope()
		if listed[scope] != nil || failed[scope] {
			continue
		}
		keys, err := listScope(ctx, api, scope)
		if client.IsNotFound(err) {
			keys, err = map[string]client.APIKey{}, nil // its pod or inbox is gone, and the keys with it
		}
		if err != nil {
			failed[scope] = true
			problems = append(problems, Problem{Where: "re-reading " + scope.String(), Err: err})
			continue
		}
		listed[scope] = keys
	}
	for _, m := range matches {
		scope := m.Key.Scope()
		if failed[scope] {
			kept = append(kept, m)
			continue
		}
		now, ok := listed[scope][m.Key.ID]
		if !ok {
			gone = append(gone, m)
			continue
		}
		if now.PodID == "" {
			now.PodID = m.Key.PodID
		}
		if now.InboxID == "" {
			now.InboxID = m.Key.InboxID
		}
		m.Key = now
		kept = append(kept, m)
	}
	return kept, gone, problems
}

// listScope lists every key of one scope, by id.
func listScope(ctx context.Context, api audit.Lister, scope client.Scope) (map[string]client.APIKey, error) {
	out := map[string]client.APIKey{}
	err := walk(func(token string) (int, int, string, error) {
		page, err := api.ListKeys(ctx, scope, client.ListOptions{Limit: audit.PageSize, PageToken: token})
		if err != nil {
			return 0, 0, "", err
		}
		for _, k := range page.Keys {
			out[k.ID] = k
		}
		return len(page.Keys) + len(page.Unreadable), page.Text, page.NextPageToken, nil
	})
	return out, err
}
