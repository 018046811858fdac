package node

import (
	"context"

	"github.com/nipc/nipc/internal/wallet"
)

// newAutoReceiver builds the wallets' auto-receive (node.wallets.auto_receive)
// with the one wallet.Builder the wallet actions share, so that both take
// the same account locks.
func (n *Node) newAutoReceiver() *wallet.AutoReceiver {
	return &wallet.AutoReceiver{
		Store:   n.wallets,
		Ledger:  n.ledger,
		Builder: &wallet.Builder{Store: n.wallets, Ledger: n.ledger, Work: n.work},
		Log:     n.log.With("component", "auto-receive"),
		Manual:  !n.opts.Node.Node.Wallets.AutoReceive,
	}
}

// startAutoReceive runs the receiver (openState's ledger hook feeds it
// every confirmation through AutoReceiver.Confirmed, which never blocks);
// the returned function stops it and waits.
func (n *Node) startAutoReceive() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); n.receiver.Run(ctx) }()
	return func() { cancel(); <-done }
}
