// Package broker fans the ledger's confirmations and the services' stop
// requests out to the IPC connections that subscribed to them.
//
// The ledger hands the broker its confirmations directly: the node sets
// the ledger's OnConfirm hook to PublishConfirmations, which the leader of
// each commit calls with that commit's confirmations, in sequence order.
// There is no queue between ledger and broker, so nothing can be lost
// there: every subscriber that keeps up receives every confirmation, each
// with its confirmation sequence (EventConfirmation.sequence), in order and
// without a gap. PublishConfirmations never waits, so it never holds up a
// commit. Reemit publishes a confirmed block's confirmation once more
// (block_confirm), typed active_confirmation_height and without a
// sequence, so the sequence a subscriber sees stays gap-free; the
// confirmation_type filter selects types as the node's WebSocket does.
//
// Each subscribed connection has one subscriber: a bounded queue and one
// goroutine that renders events in the connection's event encoding (that of
// its most recent v2 request: binary or JSON) and pushes them through the
// connection's single writer. Publishing never waits: an event is offered to
// every queue with a non-blocking send, and a subscriber whose queue is full
// is dropped as a slow consumer (logged, counted, its connection closed)
// while every other subscriber keeps receiving.
//
// A new subscriber's goroutine starts writing only after the reply to the
// subscribing request (EventAck) has been written, so the ack always comes
// before the first event; events confirmed in between wait in the queue.
// Subscribing again on the same connection replaces the options of the
// earlier subscription (the node would add a duplicate). A connection that
// ends takes its subscriptions and service name with it.
//
// Each event is rendered once per distinct (encoding, include_block,
// include_election_info) among its receivers, not once per receiver.
//
// A connection that writes events in a format of its own (the gateway's
// WebSocket sessions) implements EventWriter: the broker then hands it
// each confirmation as an *Event, in place of an envelope, and it neither
// decodes nor renders the envelope. All receivers of a confirmation share
// one Event, read-only: its Confirmation is built once, with block and
// election info, and Rendered keeps one rendering per key (say, per set of
// WebSocket options), made by the first receiver that asks. Queueing, the
// order of events and the slow-consumer policy are the same for both
// kinds of connection; EventServiceStop, not a confirmation, reaches an
// EventWriter through Push.
package broker
