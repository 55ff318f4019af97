// Package sandbox is an AgentMail-compatible HTTP API with made-up data. It
// serves `amkeys --demo` in-process, `amkeys sandbox` on a port, and tests
// over real HTTP on 127.0.0.1. It follows the vendor's API definitions
// closely, since amkeys is only as right as what it is tested against.
//
// # Endpoints
//
// All under /v0, JSON in and out, timestamps in RFC 3339 UTC with
// milliseconds and a "Z" (2026-08-03T12:00:00.000Z):
//
//	GET    /v0/pods                                  pod_read        limit, page_token, ascending
//	POST   /v0/pods                                  pod_create      {name?, client_id?}
//	GET    /v0/pods/{pod_id}                         pod_read
//	DELETE /v0/pods/{pod_id}                         pod_delete      also deletes its keys; 204
//	GET    /v0/pods/{pod_id}/api-keys                api_key_read    limit, page_token
//	POST   /v0/pods/{pod_id}/api-keys                api_key_create  {name?, permissions?}
//	DELETE /v0/pods/{pod_id}/api-keys/{api_key_id}   api_key_delete  204
//	GET    /v0/api-keys                              api_key_read    limit, page_token, ascending
//	POST   /v0/api-keys                              api_key_create
//	DELETE /v0/api-keys/{api_key_id}                 api_key_delete
//
// /v0/api-keys works on the caller's own scope: the organization keys (no
// pod_id) for an organization key, its pod's keys for a pod key. Inbox keys
// (/v0/inboxes/...) are not implemented; a caller holding an inbox-scoped
// key gets 403 forbidden.
//
// Listings are newest first (created_at descending, ties by id descending);
// ascending=true reverses that where the API takes it. count is the number
// of items in the page. limit must be an integer from 1 to 100 (MaxLimit)
// and defaults to 10 (DefaultLimit). Page tokens are opaque: a cursor
// (created_at, id) sealed with an HMAC under a key drawn at start, so they
// cannot be forged, cannot move to another listing or direction, and die
// with the process. Because paging follows the cursor, not an offset, every
// item present throughout a walk is listed exactly once, whatever is created
// or deleted between pages.
//
// A pod created with a known client_id is the existing pod, answered 200. A
// pod without a name is named after its client_id, or else its id; a key
// without a name is named "API key <prefix>". Names and client ids must be 1
// to 256 characters when given.
//
// # Keys and permissions
//
// A secret is "am_" and 43 characters of base64url (256 random bits); its
// prefix is its first 8 characters. The server stores the SHA-256 of each
// secret, never the secret, and answers the secret once, in the create
// response (which has api_key and no used_at). Listings never carry
// api_key; used_at is omitted until the key makes its first authenticated
// request (any request, even one refused with 403 or 404, counts as a use);
// permissions are omitted for an unrestricted key and are an object of
// granted names otherwise.
//
// A create may only name permissions of the current API (36 names; the
// older thread_read and thread_delete are refused), else 400 with the path
// "permissions.<name>". A key cannot grant what its creator lacks (403
// permission_escalation, the fix lists the missing names), and only an
// unrestricted creator may make an unrestricted key (403
// unrestricted_key_required). An organization key sees everything; a pod key
// sees only its pod, and any other pod answers 404 exactly like an absent
// one. A pod key cannot create pods.
//
// # Errors
//
// Every error has the body {name, code, message, fix, docs}, with docs
// "https://docs.agentmail.to/api-reference/errors#<code>"; 400
// validation_error adds errors: [{path, message}] (also for malformed JSON,
// a bad limit or a bad page_token). Authentication comes before routing:
// 401 missing_authorization (no or malformed Authorization header),
// invalid_token_type (not Bearer), unknown_api_key. Then 404 not_found for
// an unknown path and 405 method_not_allowed (with an Allow header) for a
// wrong method, then 403 missing_permission naming the permission.
//
// # Seeds, state and faults
//
// Options.Seed picks the data: "empty" (the default for New), "demo" (the
// default of `amkeys sandbox`: about 30 customer pods, one with 260 keys, a
// spread of last use and permission sets, inbox keys, accents, CJK and
// emoji; deterministic apart from timestamps, which follow Options.Now) or
// "hostile" (terminal escape attacks in names, client ids, an inbox id, a
// prefix and a permission name). Every seed holds the unrestricted
// organization key "sandbox admin" whose secret is Options.AdminKey or a
// generated one (Server.AdminKey). Other seeded keys have secrets nobody
// knows; tests make usable ones with AddKey.
//
// With Options.StatePath the data survives restarts: the file is written
// atomically (temp file, fsync, rename, mode 0600) and a change is answered
// only once it is in the file, so nothing acknowledged is lost on kill -9.
// Concurrent changes share one write (group commit), which keeps thousands
// of writes per second possible; used_at alone is written at most every 2 s
// (and on Close). A state file that other users could read or change is
// refused at start, as ssh refuses a private key. The file holds hashes
// only, so a restarted server cannot tell the admin secret (AdminKey
// returns ""); giving Options.AdminKey again, or a new one, makes it work.
//
// Options.Timeouts bound how long one client may hold a connection:
// reading headers (10 s), a whole request (30 s), writing an answer (60 s)
// and waiting idle between requests (120 s).
//
// Options.Faults and SetFaults inject latency (honouring cancellation),
// 429 rate_limited with Retry-After, 500 internal_error and dropped
// connections, drawn from seeded dice; AfterEffect makes errors and drops
// strike after the request took effect. FailPod fails every request under
// one pod; RequestCount tells how many requests arrived.
//
// # Trying it with curl
//
//	$ amkeys sandbox --seed demo
//	AGENTMAIL_BASE_URL=http://127.0.0.1:8025
//	AGENTMAIL_API_KEY=am_...
//
//	$ export AGENTMAIL_BASE_URL=http://127.0.0.1:8025 AGENTMAIL_API_KEY=am_...
//	$ curl -s -H "Authorization: Bearer $AGENTMAIL_API_KEY" "$AGENTMAIL_BASE_URL/v0/pods?limit=5"
//	$ curl -s -H "Authorization: Bearer $AGENTMAIL_API_KEY" "$AGENTMAIL_BASE_URL/v0/pods/$POD/api-keys?limit=20"
//	$ curl -s -H "Authorization: Bearer $AGENTMAIL_API_KEY" -d '{"name":"ci","permissions":{"pod_read":true}}' \
//	    "$AGENTMAIL_BASE_URL/v0/pods/$POD/api-keys"
//	$ curl -s -X DELETE -H "Authorization: Bearer $AGENTMAIL_API_KEY" "$AGENTMAIL_BASE_URL/v0/pods/$POD/api-keys/$KEY"
//
// `amkeys sandbox` refuses a non-loopback --listen address unless given
// --allow-remote: the sandbox is a test server, not a hardened one.
package sandbox
