package gateway

import (
	"errors"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/service"
	"github.com/nipc/nipc/nano"
)

// topicSub is a session's subscription to a topic other than
// confirmation: a broker.Subscriber of its own, so that one session holds
// one subscription per topic.
type topicSub struct {
	s   *wsSession
	sub service.Subscription
}

var _ broker.Subscriber = (*topicSub)(nil)

// Deliver implements broker.Subscriber: the topic's message, rendered
// once per event (topic events have no per-subscriber variants).
func (ts *topicSub) Deliver(ev *broker.Event, _ *broker.Options) error {
	msg := ev.Rendered(topicRender{}, func() []byte { return renderTopic(ev) })
	if msg == nil {
		return nil // a payload this gateway cannot render (none today)
	}
	if err := ts.s.write(msg); err != nil {
		ts.s.cancel()
		return err
	}
	return nil
}

// Dropped implements broker.Subscriber, as the session's.
func (ts *topicSub) Dropped(err error) { ts.s.Dropped(err) }

// topicRender is the Event cache key of a topic message.
type topicRender struct{}

// handleTopic answers subscribe, update and unsubscribe for topic t (not
// confirmation), after handle has read the message. Options: the vote
// topic's representatives, include_replays and include_indeterminate;
// the other topics have none (their options are ignored, as by the node).
func (s *wsSession) handleTopic(action string, t broker.Topic, msg, opts *ptree.Tree, ack bool) error {
	switch action {
	case "subscribe":
		o := broker.Options{Topic: t}
		if t == broker.TopicVote && opts != nil {
			var err error
			if o.IncludeReplays, err = parseBool(opts, "include_replays", false); err != nil {
				return err
			}
			if o.IncludeIndeterminate, err = parseBool(opts, "include_indeterminate", false); err != nil {
				return err
			}
			if l, ok := opts.Child("representatives"); ok {
				o.Representatives = addAccounts(nil, l, true)
			}
		}
		s.mu.Lock()
		ts := s.topics[t]
		if ts == nil {
			ts = &topicSub{s: s}
		}
		s.mu.Unlock()
		sub, err := s.srv.backend.Subscribe(s.ctx, service.SubscribeRequest{Credentials: s.credentials(msg), Options: o}, ts)
		if err != nil {
			if !ack && denied(err) {
				return errNoFrame
			}
			return err
		}
		s.mu.Lock()
		ts.sub = sub
		if s.topics == nil {
			s.topics = make(map[broker.Topic]*topicSub)
		}
		s.topics[t] = ts
		s.mu.Unlock()
		s.afterReply(sub.Start)
	case "update":
		// The node updates only confirmation subscriptions (the other
		// topics' options update nothing, and it sends no ack).
		return wsErrorf("Topic " + t.String() + " has no options to update")
	case "unsubscribe":
		s.mu.Lock()
		ts := s.topics[t]
		delete(s.topics, t)
		s.mu.Unlock()
		if ts != nil && ts.sub != nil {
			ts.sub.Close()
		}
	}
	return nil
}

// errNoFrame: a refused subscribe that asked for no ack gets no frame.
var errNoFrame = errors.New("gateway: no frame")

// closeTopics ends the session's topic subscriptions.
func (s *wsSession) closeTopics() {
	s.mu.Lock()
	topics := s.topics
	s.topics = nil
	s.mu.Unlock()
	for _, ts := range topics {
		if ts.sub != nil {
			ts.sub.Close()
		}
	}
}

// parseConfirmationExtras reads the confirmation options beyond those
// parseOptions reads: the node's include_sideband_info, and nipc's
// min_amount (raw, decimal; nano-node issue #3121): only confirmations
// moving at least that amount pass.
func parseConfirmationExtras(opts *ptree.Tree, o *broker.Options) error {
	var err error
	if o.IncludeSideband, err = parseBool(opts, "include_sideband_info", false); err != nil {
		return err
	}
	if v, ok := opts.Get("min_amount"); ok {
		a, err := nano.ParseAmount(v)
		if err != nil {
			return wsErrorf("Invalid option min_amount: expected an amount in raw")
		}
		o.MinAmount = &a
	} else if opts.Has("min_amount") {
		return wsErrorf("Invalid option min_amount: expected an amount in raw")
	}
	return nil
}

// actionError is the reply to a failed action: the message of a *wsError
// or *api.Error, else TextConnectionFailed.
func actionError(action, id string, err error, now time.Time) []byte {
	if e, ok := errors.AsType[*wsError](err); ok {
		return renderError(action, id, e.code, e.text, now)
	}
	if e, ok := errors.AsType[*api.Error](err); ok {
		return renderError(action, id, e.Code, e.Message, now)
	}
	return renderError(action, id, api.CodeGeneric, TextConnectionFailed, now)
}

// topicReply is handle's answer for a topic other than confirmation.
func (s *wsSession) topicReply(action string, t broker.Topic, msg *ptree.Tree, id string, ack bool) []byte {
	err := s.handleTopic(action, t, msg, optionsOf(msg), ack)
	switch {
	case errors.Is(err, errNoFrame):
		return nil
	case err != nil:
		return actionError(action, id, err, time.Now())
	case ack:
		return renderAck(action, id, time.Now())
	}
	return nil
}

// sidebandOf is a confirmation's "sideband" when o asks for it and the
// event has it (not a relayed one: the node's v2 event has no height).
func sidebandOf(ev *broker.Event, o *broker.Options) *Sideband {
	if !o.IncludeSideband {
		return nil
	}
	h, ts, ok := ev.Sideband()
	if !ok {
		return nil
	}
	return &Sideband{Height: h, LocalTimestamp: ts}
}
