// Package service is the seam between nipc's front ends and what answers
// them: one explicit interface, Service, that every front end calls and
// nothing type-asserts.
//
// Front ends: the IPC session (internal/server, through IPCHandler), the
// HTTP gateway and its WebSocket sessions in the node's process
// (internal/gateway with Local), the gateway in a process of its own
// (internal/gateway's IPC service: a pool of IPC connections to the node
// and a relay of its confirmations), and the NATS API (natsbus). A gateway
// with [nats] uses internal/natsgw's Service: the node over NATS.
//
// Requests: a front end builds a Request (the IPC encoding; the body; for
// legacy JSON the tree it has parsed already, so that nothing is parsed
// twice; for /api/v2/<Name> the name, so that a remote service tells
// subscriptions apart without parsing), puts the peer (peer.Peer:
// transport, credentials of a Unix socket, access check) in ctx, and
// calls Handle. Credentials travel in the request (the v2 envelope).
//
// Subscriptions: a front end without v2 requests of its own (the
// WebSocket) calls Subscribe with the credentials, the broker.Options
// (the node's WebSocket rules are an option of the broker's) and a
// broker.Subscriber, and calls Start on the Subscription once its reply is
// written. An IPC connection subscribes with a v2 TopicConfirmation
// through Handle; the v2 handlers adapt the connection to a
// broker.Subscriber.
//
// Front ends never decide permissions: authz.Permitted does, behind the
// seam, for every front end: in the v2 dispatch of Local (requests, and
// Subscribe through v2api.Dispatcher.Permitted, with the same policy), or on the
// node for the IPC service (its requests and its relay's subscriptions
// carry the credentials). Whether all_local_accounts can be honoured is
// decided there too (Local: the broker knows the wallets; IPC: the node
// picks the local accounts).
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
