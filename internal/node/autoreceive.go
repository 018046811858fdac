package node

import (
	"context"
	"errors"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/wallet"
)

// newAutoReceiver builds the wallets' auto-receive (node.wallets.auto_receive)
// with the one wallet.Builder the wallet actions share, so that both take
// the same account locks.
func (n *Node) newAutoReceiver() *wallet.AutoReceiver {
	return &wallet.AutoReceiver{
		Store:   n.wallets,
		Ledger:  n.ledger,
		Builder: &wallet.Builder{Store: n.wallets, Ledger: n.ledger, Work: n.work, Threshold: n.thresholds().Epoch1},
		Log:     n.log.With("component", "auto-receive"),
		Manual:  !n.opts.Node.Node.Wallets.AutoReceive,
	}
}

// startAutoReceive feeds the receiver every confirmation from its own
// ledger subscription (the seam: AutoReceiver.Confirmed, which never
// blocks) and runs it; the returned function stops both and waits. A
// subscription that falls behind is replaced, with a full scan of the
// wallets' receivables so that no send is missed.
func (n *Node) startAutoReceive() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	sub := n.ledger.Subscribe(1 << 12)
	go func() { defer func() { done <- struct{}{} }(); n.receiver.Run(ctx) }()
	go func() {
		defer func() { done <- struct{}{} }()
		for {
			select {
			case c, ok := <-sub.C():
				if ok {
					n.receiver.Confirmed(c)
					continue
				}
				if ctx.Err() != nil || !errors.Is(sub.Err(), ledger.ErrSlowSubscriber) {
					return // stopping, or the ledger closed
				}
				sub = n.ledger.Subscribe(1 << 12)
				n.receiver.SearchAll()
			case <-ctx.Done():
				sub.Close()
				return
			}
		}
	}()
	return func() { cancel(); <-done; <-done }
}
