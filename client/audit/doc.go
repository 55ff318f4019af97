// Package audit reviews every key of an organization: it lists all pods,
// then every pod's keys with a bounded number of requests in flight, plus
// the organization's own keys when the caller may list them, and returns
// them stalest first with a summary by last use.
//
// The scan starts fetching a pod's keys as soon as the page that names the
// pod arrives, so the sequential pod listing overlaps with the key requests.
// A 429 seen by any request closes a shared Gate that every worker waits at
// before its next request, so the whole pool slows down, not one worker.
// Pods that fail are reported with their error and can be retried alone.
package audit
