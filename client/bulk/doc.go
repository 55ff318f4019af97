// Package bulk deletes a reviewed list of API keys: the engine behind
// `amkeys prune --apply` and the dashboard's delete of marked keys.
//
// Nothing may change between review and action. Each key is re-read first
// (one listing per scope, shared by the scope's keys) and deleted only when
// it is still there with the last use seen at review; a key used since is
// skipped. Requests run on a bounded pool (8 in flight by default) that
// waits at the audit's shared rate-limit gate, so one 429 slows them all.
//
// Every key ends with exactly one Result: deleted, already gone, refused
// (with the server's fix), skipped (used since review), unknown (the
// DELETE's answer was lost and a listing could not settle it), failed
// (not deleted: a network or server failure) or not attempted (the run
// was stopped first). A DELETE whose answer was lost is settled by listing
// its scope again: gone means deleted, still there means it was not.
//
// Stop starts no new request but lets those on the wire finish and be
// settled; Pause holds new requests back (while the user is asked).
package bulk
