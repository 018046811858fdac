package service

import (
	"context"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/ipc"
)

// Service is the seam: what every front end calls. Implementations are
// safe for concurrent use. The peer (*peer.Peer) is in ctx; credentials
// travel in the request (v2 envelope) or the SubscribeRequest.
type Service interface {
	// Handle answers one request, appending the reply payload to dst, in
	// the request's encoding, exactly as the node writes it on its IPC
	// port. An error means the service could not be asked at all (a
	// remote node that is away: a *NodeError); dst is then unchanged.
	Handle(ctx context.Context, req Request, dst []byte) ([]byte, error)
	// EnforcesControl reports whether the service itself refuses control
	// actions when enable_control is off (then a front end need not).
	EnforcesControl() bool
	// Subscribe subscribes s to the confirmations that req's options
	// pass, for as long as ctx lasts or until the subscription is closed
	// or s is dropped. The service decides whether req's credentials may
	// (api_topic_confirmation: else api.ErrAccessDenied) and whether it
	// can honour all_local_accounts (else ErrNoWallets). The subscription
	// is held until Start. Subscribing s again replaces its subscription
	// (its options, and what feeds it) with no gap and no duplicate, and
	// holds it again; a refused one leaves it as it was.
	Subscribe(ctx context.Context, req SubscribeRequest, s broker.Subscriber) (Subscription, error)
}

// Request is one request through the seam.
type Request struct {
	// Encoding is the IPC encoding: 1 or 2 legacy JSON, 3 a binary
	// Envelope, 4 the Envelope as JSON.
	Encoding ipc.Encoding
	// Body is the payload as received (legacy JSON, or the envelope).
	Body []byte
	// Tree, for a legacy request, is Body already parsed by the front end
	// (the HTTP gateway parses to apply its rules): the service does not
	// parse again, and Body may be nil.
	Tree *ptree.Tree
	// Name, for encoding 4 through /api/v2/<Name>, is the message name the
	// front end built the envelope with ("" when the client sent the
	// envelope): a remote service tells subscriptions apart by it without
	// parsing.
	Name string
}

// Legacy reports whether the request is a legacy JSON RPC request.
func (r *Request) Legacy() bool { return r.Encoding.Legacy() }
