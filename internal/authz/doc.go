// Package authz is the IPC v2 access policy: the users, roles and
// permissions of config-access.toml, loaded strictly into an immutable
// [Policy], and a [Store] that reloads it atomically.
//
// # Rules
//
// IsAlive (an open request, [api.MessageInfo.Open]) is permitted to every
// client, even one sending unknown credentials. Every other v2 request
// needs a user whose id equals the envelope's credentials (absent
// credentials are "", the default user) and who holds one of the message's
// permissions ([api.MessageInfo.Allow]) or unrestricted. Unknown
// credentials have no user and are denied: there is no fallback to the
// default user. Legacy encodings 1 and 2 are not subject to the policy.
//
// A request without credentials that comes over the Unix socket from a
// process whose uid (SO_PEERCRED, read once per connection) a user's
// unix_uids lists acts as that user instead of the default user
// ([Policy.UnixUser]; Principal makes the choice). Credentials in the
// envelope always win. No uid is special: unlike NSO, which lets root and
// its own uid in unchecked, nipc maps root and the daemon's uid only when
// the file lists them, because a uid here grants permissions rather than
// admission (the socket's file mode decides who may connect), and the
// daemon's uid is also what a separate gateway or the CLI typically runs
// as.
//
// A user's permissions are computed in this order:
//
//  1. The base. The default user (id "") starts from [DefaultPermissions],
//     {api_account_weight, api_topic_confirmation}: as on the Nano node,
//     clients without credentials may weigh accounts and subscribe to
//     confirmations until the file denies it.
//     Any other user starts from the default user's effective permissions
//     (after the file's edits to it), so changing the default user changes
//     every user that is not bare. A user with bare = true, the default
//     user included, starts from nothing.
//  2. Plus the permissions of every role in roles, plus allow.
//  3. If the result holds unrestricted, it is expanded to every permission.
//  4. Minus deny. Deny beats everything, including unrestricted: a user
//     that holds unrestricted and denies X lacks X, and since it no longer
//     holds every permission it lacks unrestricted too.
//
// A message needs any one of its permissions, so denying one of them does
// not forbid a message another held permission still grants (account_query
// grants AccountWeight even when api_account_weight is denied).
//
// # File format
//
//	[[role]]
//	id = "wallet-admin"
//	allow = "wallet_read, wallet_write"      # or ["wallet_read", "wallet_write"]
//
//	[[user]]
//	id = ""                                  # the default user (also: no id); before every other user
//	deny = "api_account_weight"
//
//	[[user]]
//	id = "secret-key"                        # the credentials a client sends
//	roles = "wallet-admin"
//	allow = "api_topic_confirmation"
//	deny = "wallet_write"
//	bare = false                             # true: start from nothing
//	unix_uids = [1000]                       # Unix-socket peers with uid 1000 act as this user
//
// roles, allow and deny are one comma-separated string (items trimmed,
// empty items skipped) or a TOML array of strings. bare is a boolean, or
// the string "true" or "false". unix_uids is an integer or an array of
// integers, each a uid from 0 to 4294967294. A single [role] or [user] table, and inline
// tables (user = [{ id = "k" }]), are accepted too. Roles may be listed
// anywhere in the file; users are read in file order.
//
// # Strict loading
//
// A missing file is [Default]. Anything else the loader does not
// understand is an error, and no policy: TOML syntax, an unknown table or
// key, a value of the wrong type, an unknown permission name, an unknown
// role, a role without an id, an empty role id, a duplicate role or user
// id (a user without id is the default user, exactly as id = ""), deny in
// a role, changes to the default user after other users, a uid that is
// negative or too large, a uid listed for two users (or twice), and
// unix_uids on the default user. Every problem is an [*Error] whose
// message is one line,
//
//	/data/config-access.toml:3:23: user.allow: unknown permission "walet_write" (did you mean wallet_write?)
//	/data/config-access.toml:3:1: role.deny: only users can have deny entries
//
// with the position of the offending item, key or table header (package
// tomlerr computes positions, formats the line and picks the did-you-mean
// suggestion, as it does for package config). Several
// problems are joined with errors.Join in file order (at most 20). A user
// id is an API key, and these messages reach logs and the Reload reply, so
// no message holds one: a duplicate id is named by its line and a
// fingerprint (sha256: and the first 8 hex digits of its SHA-256).
//
// # The decision
//
// [Permitted] is the one place a permission is decided, for every front
// end (IPC encodings 3 and 4, the gateway's /api/v2 forms, WebSocket
// subscriptions): front ends pass the credentials and the peer
// (peer.Peer) they have, and the service behind the seam calls Permitted.
// The request acts as [Principal]'s user: its own credentials, else the
// user its Unix-socket uid maps to ([UnixUserMapper]), else the default
// user. A nil [Authorizer] is the built-in [Default].
//
// # Concurrency
//
// A [Policy] is immutable and safe for concurrent use. A [Store] holds the
// live policy in an atomic.Pointer: [Store.Current] is one atomic load, and
// [Store.Reload] parses and validates the whole file before swapping the
// new policy in with one atomic store, so readers see either the old
// policy or the new one, never a mix. A failed reload changes nothing.
// Reloads are serialized by the store's mutex. A request calls Current
// once and decides with that policy until it ends, so requests in flight
// finish under the policy they started with.
package authz
