package client

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/ipc"
)

// Subscription is a confirmation subscription on its own connection.
// Next may not be called concurrently; Close may be called at any time.
type Subscription struct {
	nc        net.Conn
	br        *bufio.Reader
	max       uint32
	stopAfter func() bool
	closeOnce sync.Once
}

// Subscribe opens a dedicated connection, subscribes to confirmations with
// opts (nil: every confirmation, with block and election info) and returns
// once the node has acknowledged the subscription. ctx governs the
// subscription's whole lifetime: when it ends, the subscription is closed.
// An Error reply (Access denied, say) is returned as *api.Error.
func (c *Client) Subscribe(ctx context.Context, opts *fb.TopicConfirmationOptionsT) (*Subscription, error) {
	cn, err := c.dial(ctx)
	if err != nil {
		return nil, err
	}
	s := &Subscription{nc: cn.nc, br: cn.br, max: c.cfg.MaxFrameSize}
	s.stopAfter = context.AfterFunc(ctx, func() { s.Close() })
	env := api.NewEnvelope(&fb.TopicConfirmationT{Options: opts}, "", time.Now())
	env.Time = 0
	env.Credentials = c.cfg.APIKey
	req, err := api.Encode(env)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("client: encode subscription: %w", err)
	}
	deadline, _ := ctx.Deadline()
	s.nc.SetDeadline(deadline)
	if _, err := s.nc.Write(ipc.AppendRequest(nil, ipc.EncodingFlatbuffers, req)); err != nil {
		s.Close()
		return nil, err
	}
	ack, err := s.next()
	if err == nil && ack.Message != nil {
		switch v := ack.Message.Value.(type) {
		case *fb.EventAckT:
			s.nc.SetDeadline(time.Time{})
			return s, nil
		case *fb.ErrorT:
			if c.secret == nil && isAccessRequiredError(v) {
				err = c.errAccessRequired()
			} else {
				err = &api.Error{Code: v.Code, Message: v.Message}
			}
		}
	}
	if err == nil {
		err = &ProtocolError{Err: fmt.Errorf("subscription answered with %v instead of EventAck", ack.Message)}
	}
	s.Close()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, err
}

// next reads and decodes one envelope.
func (s *Subscription) next() (*fb.EnvelopeT, error) {
	raw, err := ipc.ReadFrame(s.br, s.max, nil)
	if err != nil {
		if h := httpServerError(err, s.nc); h != nil {
			return nil, h
		}
		return nil, err
	}
	env, err := api.Decode(raw)
	if err != nil {
		return nil, &ProtocolError{Err: fmt.Errorf("event: %w", err)}
	}
	return env, nil
}

// NextEnvelope waits for the next event envelope; ctx bounds the wait.
func (s *Subscription) NextEnvelope(ctx context.Context) (*fb.EnvelopeT, error) {
	deadline, _ := ctx.Deadline()
	s.nc.SetReadDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { s.nc.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	env, err := s.next()
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return env, err
}

// Next waits for the next confirmation; ctx bounds the wait. Its Sequence
// is the block's confirmation sequence: consecutive while the subscription
// keeps up, so a gap means missed events (0 from a node without it).
func (s *Subscription) Next(ctx context.Context) (*fb.EventConfirmationT, error) {
	for {
		env, err := s.NextEnvelope(ctx)
		if err != nil {
			return nil, err
		}
		if env.Message == nil {
			continue
		}
		if ev, ok := env.Message.Value.(*fb.EventConfirmationT); ok {
			return ev, nil
		}
	}
}

// Close ends the subscription and its connection.
func (s *Subscription) Close() error {
	s.closeOnce.Do(func() {
		if s.stopAfter != nil {
			s.stopAfter()
		}
		s.nc.Close()
	})
	return nil
}
