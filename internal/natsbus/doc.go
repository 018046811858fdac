// Package natsbus is nipc on NATS JetStream: the connection, the
// confirmation stream and its subjects, the node's outbox publisher, and
// the API as a NATS micro service. The node (internal/node) and "nipc
// gateway" use it alike; configuration is config.NATS ([node.nats] in
// config-node.toml, [nats] in config-rpc.toml).
//
// # Connection
//
// Connect dials c.Servers with the one kind of credentials c names (a
// creds file, an nkey seed file, or user and password) and TLS (CA, client
// certificate). Creds and nkey files are read with ipc.ReadSecretFile: a
// file others may read, or its group write, is refused with the chmod that
// fixes it, as the access-check secret is. Connect does not wait for a
// server: the client retries the first connection and every later one for
// ever, from 100 ms doubling to 5 s, with jitter; the node serves
// everything else meanwhile.
//
// # Subjects (P = subject_prefix, "nano.dev" when empty)
//
//	P.confirmation.<account>.<counterparty>  one confirmation (the stream)
//	P.api.legacy                             legacy JSON request → the node's reply
//	P.api.v2                                 v2 JSON envelope → encoding-4 reply
//	P.api.v2.<Message>                       message without envelope → encoding-4 envelope reply
//
// account is the block's account and counterparty a send's destination, a
// receive's source account, or the account itself for a change; both are
// nano_ addresses. So P.confirmation.<a>.* is what a sent or changed,
// P.confirmation.*.<a> what was sent to a, and P.confirmation.> all.
//
// # The stream
//
// Stream (stream, "NANO_DEV_CONFIRMATIONS" when empty) holds
// P.confirmation.> in file storage with replicas copies, limits max_age
// and max_bytes (the oldest go first) and a two-minute duplicate window:
// [node.nats]'s keys (config.NodeNATS), since only the node creates the
// stream (EnsureStream) and publishes to it; a gateway's [nats]
// (config.NATS) names the stream it reads as it is. Each message is one
// confirmation:
//
//	headers  Nats-Msg-Id: <block hash, 64 hex digits>
//	         Nano-Sequence: <confirmation sequence, decimal>
//	         Nats-Expected-Last-Sequence: <the stream sequence before it>
//	payload  the WebSocket "confirmation" message with block, election info
//	         and sideband (include_block, include_election_info,
//	         include_sideband_info), plus the top-level "sequence" (a
//	         string, as every scalar of those messages):
//	         {"topic", "time", "message": {account, amount, hash,
//	         confirmation_type, election_info, block, sideband: {height,
//	         local_timestamp}}, "sequence"}
//
// ParseConfirmation reads a payload back into the v2 event and its
// sideband; a gateway fans Confirmation.BrokerEvent out with each WebSocket
// client's options.
//
// The payload is rendered from the ledger (ledger.ConfirmationsFrom), so
// "time" is the block's local timestamp in milliseconds (whole seconds)
// and election_info's duration and tally are 0 (not stored).
//
// Confirmations are in the stream in confirmation order, each once, with
// no gap: stream sequence order is confirmation order, so a consumer maps
// Nano-Sequence N to a stream sequence by reading one message's header
// (stream sequence S holds confirmation N, then S+k holds N+k as long as
// nothing was purged in between).
//
// # The outbox and the acknowledged mark
//
// The ledger is the outbox. The acknowledged mark is the highest
// confirmation sequence the stream has acknowledged together with every
// one below it; the node keeps it in MarkFile ("nats-acked" in the data
// directory, decimal, replaced atomically) at least once a second while it
// moves, at the end of every publishing round and at shutdown. Outbox.Run
// publishes the confirmations after the mark, read from the ledger, with
// at most publish_window in flight (async publishes), and moves the mark
// only over a contiguous prefix of acknowledgements. The first round, and
// the first after a failed one, begins by reading the stream (created or
// updated to the configuration if needed): the Nano-Sequence of its last
// message, when it is still there, is the mark (so a mark file behind the
// stream after a crash costs nothing); the other rounds go on from the
// stream sequence the previous one ended at. Each message carries
// Nats-Expected-Last-Sequence, so the stream refuses anything that would
// not directly follow what it holds: a message lost in a disconnection (or
// a stream changed meanwhile) fails the ones after it instead of leaving a
// gap, and the next round starts again from what the stream holds. A round that
// fails (NATS away, JetStream unavailable) is retried with backoff up to
// one second; the ledger's OnConfirm hook only wakes the outbox
// (Outbox.Notify never blocks).
//
// A stream whose last message is past the ledger's confirmation sequence
// belongs to another ledger: the outbox publishes nothing and says so.
//
// # The API
//
// ServeAPI adds the micro service "nipc" (nats micro ls/stats/info) with
// the endpoints legacy, v2 and v2_message on the subjects above, in the
// micro queue group, through a service.Service (the seam): the node passes
// service.Local. The peer is transport "nats" (peer.NATS), without an
// access check or Unix credentials; v2 credentials travel in the envelope,
// or for P.api.v2.<Message> in the Nano-Api-Key header, the correlation id
// in Nano-Correlation-Id. Legacy requests are encoding 1 (unsafe actions
// never), control actions are refused with "RPC control is disabled" when
// config-rpc.toml's enable_control is off (by the service itself when it
// enforces it), and every reply and error text is the node's, as over IPC.
// Requests are answered concurrently, up to 64 per CPU.
package natsbus
