// Package client is the Go client of nipc's IPC port (and of any Nano node's
// IPC): it finds the daemon from a Config or the environment, keeps a pool of
// persistent connections, and sends requests in any of the four encodings.
//
// Finding the daemon (ConfigFromEnv): NIPC_IPC_PATH names a Unix socket and
// wins when set; otherwise TCP to NIPC_IPC_ADDR (default 127.0.0.1) and
// NIPC_IPC_PORT (default 7077). NIPC_IPC_ACCESS_FILE names the shared-secret
// file of the access check and NIPC_API_KEY the credentials sent with v2
// messages. ConfigFromEnv reads them; a caller (the CLI's -S/-A/-P, say)
// overrides its fields afterwards, so explicit settings beat the environment.
//
// A Client is safe for concurrent use. Each call takes one connection from the
// pool for the duration of one request and reply (the protocol answers in
// order, one request at a time per connection), so concurrency is bounded by
// Config.PoolSize. ctx bounds each call: its deadline becomes the connection's
// I/O deadline and cancelling it interrupts a blocked read or write (that
// connection is then discarded). A pooled connection that turns out to be
// broken (the daemon restarted) is replaced and the request sent once more;
// IsBroken is that test, for callers that keep their own retry loop (the
// gateway's IPC backend).
//
// Access check: with Config.AccessFile (NIPC_IPC_ACCESS_FILE) set, the secret
// file is read once at Dial (refused with *AccessFileError if it is not a
// regular file private to its owner and group) and every new connection runs
// the shared-secret handshake of docs/PROTOCOL.md §3 before its first
// request, checking the node's proof too; a failure is an *AccessError.
//
// Errors: *UnreachableError when no connection can be made, *ProtocolError
// when the peer breaks the framing (wrapping an *HTTPServerError when the
// address is an HTTP port: the reply began with "HTTP"), *TimeoutError when
// ctx's deadline passes first ("no answer within 5s from tcp:..."; IsTimeout
// is true), *ServerError when a legacy action answers {"error": ...}. Use
// errors.AsType to tell them apart.
package client
