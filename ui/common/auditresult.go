package common

import (
	"time"

	"github.com/amkeys/amkeys/client/audit"
)

// AuditResultMsg is sent when an audit finished: its result and when it
// was judged (At, by Common.Now). The root keeps the last one so that the
// leak lookup can search it instead of listing everything again.
type AuditResultMsg struct {
	Result *audit.Result
	At     time.Time
}
