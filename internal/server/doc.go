// Package server is nipc's IPC listener: it accepts connections on TCP and a
// Unix domain socket, runs one session per connection, and hands each framed
// request to a Handler.
//
// Before its first request a session runs the server's handshakers
// (Handshaker, containerd/ttrpc's shape): the Unix peer's credentials
// (SO_PEERCRED), then, when Config.AccessSecret is set, the access check
// (access.go). What they establish (peer.Identity) goes into the
// connection's peer.Peer before the Peer enters the request context; it
// never changes after. Refusals the server gives without handling a
// request ("Access check required", "Server busy") are rendered by
// Handler.Refuse: the server knows no API schema.
//
// A session is one goroutine that reads a request, handles it and writes the
// reply before it reads the next one, so replies leave in request order and a
// pipelining client needs nothing more than to read them back in order. There
// is no per-request hand-off to another goroutine: that keeps the round trip
// near the cost of the socket itself. Anything else that writes to the
// connection later (pushed events) goes through the session's writer, which
// serialises writes and bounds each one with io_timeout.
//
// Time limits, as the node has them: waiting for the next preamble is
// unbounded (idle connections stay open) unless an idle limit is configured;
// once a preamble has arrived, reading the length and the payload each get
// io_timeout; every write gets io_timeout. A framing error (bad preamble,
// unknown encoding, zero or oversized length, a timeout or EOF inside a frame)
// closes the connection without a reply. A panic in a handler is recovered,
// logged, and closes that connection only.
//
// Memory, which the node does not bound: a payload's buffer grows as its
// bytes arrive (ipc.ReadFrame). The payloads being read, handled and
// answered on all connections together are bounded by
// Config.Budget (a membudget.Budget the node shares with its HTTP gateway):
// a session charges it for what its payload's buffer takes as it grows
// (ipc.ReadFrameCharged), before each allocation, and gives it back once the
// reply is written. A frame that arrived whole with its preamble (at most
// the 4 KiB read buffer) is not counted. A payload's first chunk waits up to
// io_timeout for room; a request that already holds part of the budget
// never waits (membudget.Charge). A refused request is read and dropped,
// never stored, and answered "Server busy" in its encoding; the connection
// stays open. Request and reply buffers come
// from a pool shared by all sessions, so an idle connection holds only its
// goroutine and read buffer; Config.MaxConnections caps how many there are.
//
// Warnings a peer can cause at will (a failed access check, a request
// refused for the budget, a connection over the cap) are logged at most once
// a second each, the next one carrying the count of those left out.
//
// Shutdown stops the listeners, closes idle sessions at once, lets sessions in
// the middle of a request finish and write their reply, and removes the Unix
// socket file. Its ctx bounds the wait; when it ends, the remaining
// connections are closed.
package server
