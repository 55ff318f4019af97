// Package assets holds data files embedded into the amkeys binary.
package assets

import _ "embed"

// PermissionsJSON is the permission catalogue: every permission the AgentMail
// API defines, grouped by resource, with a short description, a risk mark,
// and the older names that servers may still send.
//
//go:embed permissions.json
var PermissionsJSON []byte
