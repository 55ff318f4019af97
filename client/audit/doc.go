// Package audit reviews every credential of an organization: it lists all
// pods, then every pod's keys, its inboxes and each inbox's keys with a
// bounded number of requests in flight, plus the organization's own keys
// and the AgentID public-key credentials when the caller may list them,
// and returns them with a summary by last use, scope and finding.
//
// The scan starts on a pod as soon as the page that names the pod arrives,
// so the sequential pod listing overlaps with the other requests. A 429
// seen by any request closes a shared Gate that every worker waits at
// before its next request, so the whole pool slows down, not one worker.
// Pods that fail are reported with their error and can be retried alone.
package audit
