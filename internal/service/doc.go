// Package service is the seam between nipc's front ends and what answers
// them: one explicit interface, Service, that every front end calls and
// nothing type-asserts.
//
// Front ends: the IPC session (internal/server, through IPCHandler), the
// HTTP gateway in the node's process (internal/gateway with Local), the
// gateway in a process of its own (internal/gateway's IPC service: a pool
// of IPC connections to the node), and, later, NATS. Each one builds a
// Request (the IPC encoding; the body; for legacy JSON the tree it has
// parsed already, so that nothing is parsed twice; for /api/v2/<Name> the
// name, so that a remote service tells subscriptions apart without
// parsing), puts the peer (peer.Peer: transport, credentials of a Unix
// socket, access check) in ctx, and calls Handle. Credentials travel in
// the request (the v2 envelope); front ends never decide permissions:
// authz.Permitted does, behind the seam (in the v2 dispatch of Local, or
// on the node for the IPC service).
//
// Whether the service enforces enable_control itself is explicit
// (EnforcesControl): Local does (its legacy action set refuses control
// actions when it is off), the IPC service does not (the node applies its
// own setting), so the HTTP layer applies the gateway's.
//
// AppendRefusal renders a refusal (an error the front end gives without
// asking the service: "Access check required", "Server busy") in any
// encoding, so that transports need not know the API's schema.
package service
