package service

import (
	"context"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/internal/v2api"
)

// Local is the node's own service, in its process: the legacy action set,
// the v2 handlers (which decide permissions with authz.Permitted) and the
// broker of the node's confirmations.
type Local struct {
	Legacy *rpc.Legacy       // its EnableControl is enforced here
	V2     *v2api.Dispatcher // its policy authorizes Subscribe too
	Broker *broker.Broker
}

var _ Service = (*Local)(nil)

// Handle implements Service; it never fails.
func (l *Local) Handle(ctx context.Context, req Request, dst []byte) ([]byte, error) {
	switch {
	case req.Tree != nil:
		return l.Legacy.HandleParsed(ctx, req.Encoding, req.Tree, dst), nil
	case req.Encoding.Legacy():
		return l.Legacy.Handle(ctx, req.Encoding, req.Body, dst), nil
	}
	return l.V2.Handle(ctx, req.Encoding, req.Body, dst), nil
}

// EnforcesControl implements Service: the legacy action set refuses
// control actions itself when enable_control is off.
func (l *Local) EnforcesControl() bool { return true }

// Subscribe implements Service: authorized by the v2 handlers' policy as a
// TopicConfirmation would be, then the broker's subscription.
func (l *Local) Subscribe(ctx context.Context, req SubscribeRequest, s broker.Subscriber) (Subscription, error) {
	if l.Broker == nil {
		return nil, ErrNoSubscriptions
	}
	if !l.permitted(ctx, req) {
		return nil, api.ErrAccessDenied
	}
	if req.Options.AllLocalAccounts && !l.Broker.LocalAccounts() {
		return nil, ErrNoWallets
	}
	if req.ResumeAfter > 0 {
		sub, err := l.Broker.Resume(ctx, req.Options, s, req.ResumeAfter)
		if err != nil {
			return nil, err
		}
		return sub, nil
	}
	return l.Broker.Subscribe(ctx, req.Options, s), nil
}
