package v2api

import (
	"context"
	"errors"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/peer"
)

// TopicHandlers returns the handlers of the subscription and service
// messages: TopicConfirmation, TopicServiceStop, ServiceRegister and
// ServiceStop. stopNode is called (after the reply is on its way) for
// ServiceStop{"node"}.
func TopicHandlers(b *broker.Broker, stopNode func()) map[fb.Message]Handler {
	t := topics{b: b, stopNode: stopNode}
	return map[fb.Message]Handler{
		fb.MessageTopicConfirmation: typed(t.topicConfirmation),
		fb.MessageTopicServiceStop:  typed(t.topicServiceStop),
		fb.MessageServiceRegister:   typed(t.serviceRegister),
		fb.MessageServiceStop:       typed(t.serviceStop),
	}
}

type topics struct {
	b        *broker.Broker
	stopNode func()
}

// errNoConnection is what a subscription over the HTTP gateway gets.
var errNoConnection = &api.Error{Code: api.CodeGeneric, Message: "Subscriptions need a persistent IPC connection"}

func conn(ctx context.Context) peer.Conn {
	if p := peer.From(ctx); p != nil {
		return p.Conn
	}
	return nil
}

func brokerError(err error) error {
	if errors.Is(err, broker.ErrNoConnection) {
		return errNoConnection
	}
	return err
}

// connSubscriber is an IPC connection as a broker.Subscriber: each event
// is pushed as an envelope in the connection's event encoding (that of
// its most recent v2 request), through its single writer; a dropped
// subscriber's connection is closed. It is comparable, so that the
// connection's next TopicConfirmation finds its subscription.
type connSubscriber struct{ conn peer.Conn }

func (c connSubscriber) Deliver(ev *broker.Event, o *broker.Options) error {
	payload := ev.Envelope(c.conn.EventEncoding(), o.IncludeBlock, o.IncludeElectionInfo)
	if payload == nil {
		return nil
	}
	return c.conn.Push(payload)
}

func (c connSubscriber) Dropped(error) { c.conn.Close() }

// topicConfirmation subscribes the connection (replacing the options of
// its subscription, if any) for as long as it lasts (ctx is the
// connection's), from the moment the ack is written; or unsubscribes it.
func (t topics) topicConfirmation(ctx context.Context, m *fb.TopicConfirmationT) (any, error) {
	c := conn(ctx)
	if c == nil {
		return nil, errNoConnection
	}
	if m.Unsubscribe {
		t.b.Unsubscribe(connSubscriber{c})
		return &fb.EventAckT{}, nil
	}
	var sub *broker.Subscription
	if m.Options != nil && m.Options.ResumeAfter > 0 {
		var err error
		if sub, err = t.b.Resume(ctx, broker.OptionsFrom(m.Options), connSubscriber{c}, m.Options.ResumeAfter); err != nil {
			return nil, err
		}
	} else {
		sub = t.b.Subscribe(ctx, broker.OptionsFrom(m.Options), connSubscriber{c})
	}
	c.AfterReply(sub.Start)
	return &fb.EventAckT{}, nil
}

func (t topics) topicServiceStop(ctx context.Context, m *fb.TopicServiceStopT) (any, error) {
	if err := t.b.SubscribeServiceStop(conn(ctx), m.Unsubscribe); err != nil {
		return nil, brokerError(err)
	}
	return &fb.EventAckT{}, nil
}

func (t topics) serviceRegister(ctx context.Context, m *fb.ServiceRegisterT) (any, error) {
	if err := t.b.RegisterService(conn(ctx), m.ServiceName); err != nil {
		return nil, brokerError(err)
	}
	return &fb.SuccessT{}, nil
}

// serviceStop: "node" stops the node gracefully once the reply is written;
// any other name sends EventServiceStop to that service's subscribers.
// restart is ignored, as by the node.
func (t topics) serviceStop(ctx context.Context, m *fb.ServiceStopT) (any, error) {
	if m.ServiceName == "node" {
		if c := conn(ctx); c != nil {
			c.AfterReply(t.stopNode)
		} else {
			go t.stopNode()
		}
		return &fb.SuccessT{}, nil
	}
	t.b.StopService(m.ServiceName)
	return &fb.SuccessT{}, nil
}
