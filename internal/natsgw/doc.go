// Package natsgw is the back end of a stateless "nipc gateway": a
// service.Service (the seam) over NATS instead of IPC, for a gateway with
// [nats] in config-rpc.toml. It holds no connection to the node.
//
// Requests: Handle sends a legacy request to P.api.legacy and a v2 JSON
// envelope (encoding 4) to P.api.v2, the node's micro service "nipc"
// (package natsbus), and returns the reply as it is. No responder, or no
// reply within the timeout, is a *gateway.NodeError with the gateway's
// unreachable text, as a node away over IPC is. The node applies its own
// enable_control (EnforcesControl is false: the HTTP layer applies the
// gateway's too).
//
// Confirmations: one ordered consumer per gateway (ephemeral, in memory on
// the server, flow-controlled; the client recreates it from the last
// stream sequence it delivered after a reconnect or a server loss, so it
// has no gap and nothing to clean up when the gateway dies) reads the
// stream from the moment the gateway starts. Each message is read back
// into the v2 event, sideband included, once (natsbus.ParseConfirmation,
// Confirmation.BrokerEvent) and
// offered to every WebSocket client's broker.Subscription whose options it
// passes (the node's WebSocket rules, matched by the broker); a client
// whose queue is full is dropped as a slow consumer, as on the node.
//
// Lag: the feed knows the stream's last confirmation sequence from each
// delivered message's pending count and from reading the stream's last
// sequence every second; Lag is that minus the last confirmation it
// offered (stream and confirmation sequences advance one for one).
// RegisterMetrics adds it, the two sequences, the subscribers, the drops
// and the connection to nipc gateway's /metrics (docs/METRICS.md).
//
// Permissions stay the node's: Subscribe asks the node (a TopicConfirmation
// with the client's credentials over P.api.v2; the node answers "Access
// denied" or, having allowed it, that subscriptions need a connection)
// before it attaches the client. all_local_accounts is refused
// (service.ErrNoWallets): a gateway does not know the wallets.
//
// Resume: a client that asks for resume_after N first gets, from the
// stream, every confirmation after N that passes its options, then the
// live ones (broker.NewResumedSubscription: no gap, no duplicate, bounded
// memory). The node publishes every confirmation once, in order, so stream
// sequence = confirmation sequence + a constant, read from the Nano-Sequence
// header of the stream's last message. A point below the oldest
// confirmation the stream keeps (the node's max_age and max_bytes) is an
// error naming that oldest sequence; a point beyond the newest one names
// the newest.
// The replay reads the stream with an ordered consumer of its own that
// starts at the mapped stream sequence and stops at the newest sequence the
// gateway's feed had seen when the page began: everything after that was
// offered to the client's queue.
package natsgw
