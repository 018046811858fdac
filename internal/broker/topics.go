package broker

import (
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// Topic is what a subscription receives: confirmations (the zero value,
// the only topic of the IPC's TopicConfirmation) or one of the Nano node's
// other WebSocket topics. A subscription is to one topic; a WebSocket
// session subscribed to several holds one subscription per topic, each
// with its own Subscriber.
type Topic uint8

// The Nano WebSocket documentation's topics (active_difficulty is the
// node's up to V21).
const (
	TopicConfirmation Topic = iota
	TopicVote
	TopicStartedElection
	TopicStoppedElection
	TopicNewUnconfirmedBlock
	TopicActiveDifficulty
	TopicWork
	TopicTelemetry
	TopicBootstrap
	numTopics
)

var topicNames = [numTopics]string{"confirmation", "vote", "started_election", "stopped_election",
	"new_unconfirmed_block", "active_difficulty", "work", "telemetry", "bootstrap"}

// Topics lists every topic in order.
func Topics() []Topic {
	out := make([]Topic, numTopics)
	for i := range out {
		out[i] = Topic(i)
	}
	return out
}

// String is the topic's WebSocket name.
func (t Topic) String() string {
	if t < numTopics {
		return topicNames[t]
	}
	return "invalid"
}

// ParseTopic reads a WebSocket topic name.
func ParseTopic(name string) (Topic, bool) {
	for i, n := range topicNames {
		if n == name {
			return Topic(i), true
		}
	}
	return 0, false
}

// Permission is what credentials need to subscribe to the topic:
// api_topic_<name> (api_topic_confirmation for confirmations).
func (t Topic) Permission() api.Permission { return api.Permission("api_topic_" + t.String()) }

// The payloads of the topics' events (Event.Payload), as the node's
// message_builder has them; the front end renders them.
type (
	// Vote is a vote of a representative this node votes with.
	Vote struct {
		Account   nano.PublicKey
		Signature nano.Signature
		// Timestamp is the vote's: milliseconds, or VoteFinal.
		Timestamp uint64
		Duration  uint8 // the duration bits (15 for a final vote)
		Hashes    []nano.Hash
		Type      string // "vote", "replay", "indeterminate"
	}
	// Election is a started_election or stopped_election event.
	Election struct{ Hash nano.Hash }
	// NewBlock is a block the node has just processed, before its
	// confirmation (new_unconfirmed_block).
	NewBlock struct {
		Hash    nano.Hash
		Block   *nano.Block // shared: read-only
		Subtype string
	}
	// Difficulty is active_difficulty: thresholds and the current
	// difficulty (the node's V21 difficulty_changed).
	Difficulty struct {
		Minimum, ReceiveMinimum, Current, ReceiveCurrent uint64
		Multiplier                                       float64
	}
	// Work is one work generation's end (the node's work_generation,
	// work_cancelled and work_failed).
	Work struct {
		Version    string
		Root       nano.Hash
		Difficulty uint64 // asked for
		Base       uint64 // the publish threshold multipliers are relative to
		Duration   time.Duration
		Success    bool
		Cancelled  bool   // when not Success: cancelled, else failed
		Source     string // with Success: "local"
		Work       uint64 // with Success
		BadPeers   []string
	}
	// Telemetry is a node's telemetry (the telemetry action's tree) and
	// the endpoint it came from.
	Telemetry struct {
		Data    *ptree.Tree // read-only
		Address string
		Port    uint16
	}
	// Bootstrap is a bootstrap attempt's start or exit.
	Bootstrap struct {
		Reason, ID, Mode string
		TotalBlocks      uint64
		Duration         time.Duration
	}
)

// VoteFinal is a final vote's timestamp (the node's
// vote::timestamp_max).
const VoteFinal = ^uint64(0)

// Topic is the event's topic.
func (ev *Event) Topic() Topic { return ev.topic }

// Payload is a topic event's payload (one of the types above; nil for a
// confirmation). Shared by every receiver: read-only.
func (ev *Event) Payload() any { return ev.payload }

// NewTopicEvent makes an event of a topic other than confirmation.
func NewTopicEvent(t Topic, payload any, at time.Time) *Event {
	return &Event{topic: t, payload: payload, time: at}
}

// Wants reports whether some subscription is to topic t, so that a
// publisher can skip building an event nobody receives.
func (b *Broker) Wants(t Topic) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, sub := range b.subs {
		if sub.Options().Topic == t {
			return true
		}
	}
	return false
}

// PublishTopic offers an event of topic t (not TopicConfirmation) to every
// subscription to t whose filters it passes, as Publish does: never
// waiting, a full queue dropping its subscriber as a slow consumer.
func (b *Broker) PublishTopic(t Topic, payload any) {
	ev := NewTopicEvent(t, payload, b.now())
	var slow []*Subscription
	b.mu.RLock()
	for _, sub := range b.subs {
		if o := sub.Options(); o.Topic == t && o.MatchesTopic(ev) && !sub.Offer(ev) {
			slow = append(slow, sub)
		}
	}
	b.mu.RUnlock()
	b.dropSlow(slow)
}

// SetCurrent makes the broker offer a new subscription to t the event
// current returns (its payload; nil: none) before any other: the state a
// topic reports periodically (active_difficulty, telemetry), so that a
// subscriber need not wait for the next report. Call it before the first
// Subscribe.
func (b *Broker) SetCurrent(t Topic, current func() any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.current == nil {
		b.current = make(map[Topic]func() any)
	}
	b.current[t] = current
}

// offerCurrent queues t's current state for a new subscription (the
// caller holds b.mu).
func (b *Broker) offerCurrent(sub *Subscription) {
	t := sub.Options().Topic
	if f := b.current[t]; f != nil {
		if p := f(); p != nil {
			sub.Offer(NewTopicEvent(t, p, b.now()))
		}
	}
}

// MatchesTopic reports whether a topic event passes the options' filters:
// a vote's type (include_replays, include_indeterminate) and
// representative (Representatives); every other topic has none.
func (o *Options) MatchesTopic(ev *Event) bool {
	if ev.topic != o.Topic {
		return false
	}
	v, ok := ev.payload.(*Vote)
	if !ok {
		return true
	}
	switch v.Type {
	case "replay":
		if !o.IncludeReplays {
			return false
		}
	case "indeterminate":
		if !o.IncludeIndeterminate {
			return false
		}
	}
	return len(o.Representatives) == 0 || o.Representatives[v.Account]
}

// passesMinAmount is the nipc filter MinAmount (nano-node issue #3121).
func (o *Options) passesMinAmount(s *subject) bool {
	return o.MinAmount == nil || s.amount.Cmp(*o.MinAmount) >= 0
}

// Sideband is a confirmation's sideband (include_sideband_info): the
// block's height in its account and its local timestamp in seconds (when
// it was committed). ok is false for an event that does not carry it (one
// relayed from a node's v2 event, which has no height).
func (ev *Event) Sideband() (height, localTimestamp uint64, ok bool) {
	if c := ev.conf; c != nil && c.Height != 0 {
		return c.Height, uint64(c.Election.Time.Unix()), true
	}
	return ev.height, ev.localTimestamp, ev.height != 0
}
