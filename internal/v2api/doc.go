// Package v2api answers the node's v2 API (IPC encodings 3 and 4, the
// gateway's /api/v2 and /api/v2/<Name>), independent of transport: the
// Dispatcher and the handlers of the v2 messages.
//
// A request is an Envelope: binary (encoding 3, verified with api.OpenWithin
// before it is read) or JSON (encoding 4 and the gateway, read with
// fbjson.Scan: the flatbuffers JSON parser's leniency, the limits and,
// unless skip_unexpected_fields_in_json, unknown fields refused; parsed
// straight into the Go objects, no FlatBuffer built). Dispatch
// order, and the reply each step gives:
//
//  1. the body does not parse or verify → binary: Error 1 "Envelope buffer
//     did not pass verifier";
//     JSON: the flatbuffers parser's one-line error text
//  2. the message type is unknown, not a request, or has no handler
//     → Error "Unknown message type" (no correlation_id)
//  3. authz.Permitted refuses the credentials (or the Unix peer's mapped
//     user) the message's permission → Error "Access denied"
//  4. the envelope has no message body → Error 1 "Invalid message"
//  5. the handler's error: an *api.Error with its code and text, anything
//     else (and a panic) "Unknown exception"
//  6. the handler's reply message
//
// Steps 2 and 3 read only the envelope's header: the message is built
// (decoded into its *fb.XxxT value) only once the request is admitted.
// Every reply carries time (ms) and echoes correlation_id from step 3 on;
// credentials are never echoed. A JSON reply is rendered the flatbuffers
// way (pretty, 2-space, schema order, ASCII only). An Observer (package
// observe) is told of every request.
//
// Handlers: Queries (IsAlive and AccountWeight as the node has them, and
// the queries nipc appended, over the ledger and the node's version facts,
// package nodeinfo); TopicHandlers (TopicConfirmation, TopicServiceStop,
// ServiceRegister, ServiceStop: subscriptions and services on the broker,
// which need the persistent IPC connection in ctx, package peer; an IPC
// connection is adapted to a broker.Subscriber); ReloadHandler (Reload).
// Permitted decides, with the same policy, for a subscription made without
// a v2 request (the WebSocket's, through service.Local).
//
// Handlers are registered once at start-up and must be safe for concurrent
// use; they never check permissions themselves.
package v2api
