package service

import (
	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/internal/broker"
)

// SubscribeRequest is a confirmation subscription through the seam.
type SubscribeRequest struct {
	// Credentials are checked for api_topic_confirmation, as a v2
	// TopicConfirmation's would be.
	Credentials string
	// Options are the filters, matched by the broker (the node's
	// WebSocket rules with Options.NodeWebSocket).
	Options broker.Options
	// ResumeAfter, if not 0, asks first for every confirmation after this
	// confirmation sequence that passes Options (replayed from the
	// ledger, or a gateway's stream), then the live ones, with no gap and
	// no duplicate; a point beyond the highest sequence, or older than
	// what is kept, is an *api.Error naming the range.
	ResumeAfter uint64
}

// Subscription is a subscription made through the seam (*broker.Subscription
// for both services).
type Subscription interface {
	// Start lets the events flow: the front end calls it once its reply
	// to the subscribing message is written, so that the reply comes
	// first. Until then events wait in the subscription's queue.
	Start()
	// Options are the subscription's options, read-only.
	Options() *broker.Options
	// Update replaces the account filters (Accounts, AccountFilter); a
	// change of AllLocalAccounts needs a new Subscribe.
	Update(opts broker.Options)
	// Close ends the subscription.
	Close()
}

// ErrNoSubscriptions is the answer of a service that has no confirmations
// to give.
var ErrNoSubscriptions = &api.Error{Code: api.CodeGeneric, Message: "Subscriptions are not available on this gateway"}

// ErrNoWallets refuses all_local_accounts where the service cannot tell
// which accounts are local.
var ErrNoWallets = &api.Error{Code: api.CodeGeneric, Message: "all_local_accounts is not available: this gateway does not know the wallets"}
