// Package broker fans the ledger's confirmations out to their subscribers,
// and the services' stop requests to the IPC connections that asked for
// them. It owns confirmation filtering: Options, matched here for every
// front end, with the IPC's rules or (Options.NodeWebSocket) the Nano
// node's WebSocket rules.
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
// A Subscriber is what receives a subscription's events: Deliver one
// event, be told (Dropped) why the subscription ended without being asked
// to. The v2 handlers adapt an IPC connection to it (internal/v2api: an
// envelope in the connection's event encoding, pushed through its single
// writer); a WebSocket session is one itself (internal/gateway). Front
// ends reach Subscribe through the seam (internal/service), which decides
// permissions first.
//
// Each Subscription has a bounded queue and one goroutine that delivers.
// Publishing never waits: an event is offered to every subscription whose
// Options it passes with a non-blocking send, and a subscription whose
// queue is full is dropped as a slow consumer (logged, counted, its
// subscriber told ErrSlowConsumer) while every other keeps receiving. A
// subscription is held until Start, which the front end calls once the
// subscribing reply (EventAck, the WebSocket's ack) is written, so the ack
// always comes before the first event; events confirmed in between wait in
// the queue. Subscribing the same Subscriber again replaces the options of
// its subscription and holds it again (the node would add a duplicate). A
// subscription ends with its context (the connection's), Close, or a
// failed Deliver.
//
// Resuming (Resume; NewResumedSubscription for another feed): a
// subscription may ask for every confirmation after sequence N, then the
// live ones, in order, without a gap and without a duplicate. It is
// subscribed live first (held, queueing, like any other), and once started
// its goroutine replays the history (Broker: the ledger, through
// SetHistory and ConfirmationsFrom; a gateway: the stream) in pages of
// ReplayPage, delivering what passes its Options, then delivers the
// queued live events, skipping every sequence the replay already passed.
// Memory stays bounded by the queue: while it catches up, a subscription
// whose queue is full is not dropped; the live event is noted lost
// instead, and when the replay reaches the end of the history the
// subscription empties its queue and replays again from the last sequence
// it passed (everything lost was published after its commit, so the
// history has it). It switches to live only after a replay pass during
// which nothing was lost (the check and the switch happen under the
// lock Offer takes when the queue is full, so no event falls between);
// from then on the usual slow-consumer policy applies. A resume point
// above the history's highest sequence is an error naming the range
// (ErrResumeAhead); resume_after 0 means no resume (sequences start at 1).
//
// All receivers of a confirmation share one Event, read-only: its
// Confirmation is built once, with block and election info, and Rendered
// keeps one rendering per key, made by the first receiver that asks: an
// envelope per distinct (encoding, include_block, include_election_info)
// (Event.Envelope), a WebSocket message per set of WebSocket options. A
// feed other than the broker's (the separate gateway's relay of the
// node's events) wraps each event once in NewEvent and delivers through
// NewSubscription, matching with Options.Matches, with the same queueing,
// order and slow-consumer policy.
//
// The WebSocket's other topics (topics.go) go through the same
// subscriptions: Options.Topic says which, PublishTopic offers an event
// (Event.Payload: Vote, Election, NewBlock, Difficulty, Work, Telemetry,
// Bootstrap) to that topic's subscriptions only, never waiting, and
// SetCurrent queues a topic's current state for each new subscription.
//
// EventServiceStop is not a confirmation: ServiceRegister and
// TopicServiceStop are kept per IPC connection (peer.Conn), and the stop
// is pushed as an envelope in the connection's event encoding. A
// connection that ends takes its subscriptions and service name with it.
package broker
