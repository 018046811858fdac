// Package server is nipc's IPC listener: it accepts connections on TCP and a
// Unix domain socket, runs one session per connection, and hands each framed
// request to a Handler.
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
// Shutdown stops the listeners, closes idle sessions at once, lets sessions in
// the middle of a request finish and write their reply, and removes the Unix
// socket file. Its ctx bounds the wait; when it ends, the remaining
// connections are closed.
package server
