package wallet

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

// AutoReceiver receives, by itself, the sends to the accounts of unlocked
// wallets, as the node's wallets do: each confirmed send to a wallet
// account of at least the store's ReceiveMinimum is received into it (a
// receive, or an open with the wallet's representative). Watch-only
// accounts and locked wallets are skipped; entering a wallet's password
// (Search) or search_receivable_all (SearchAll) picks up what waits.
//
// The seam: Confirmed is called with each confirmed block, from whatever
// delivers confirmations (the node feeds it from a ledger subscription);
// it never blocks. Run works the queue with at most Workers receives at a
// time. A send that does not fit in the queue is not lost: the queue
// remembers a full scan of every wallet's receivables instead.
type AutoReceiver struct {
	Store   *Store
	Builder *Builder
	Ledger  *ledger.Ledger
	Log     *slog.Logger
	// Workers bounds the receives in flight (default 2).
	Workers int
	// Manual turns auto-receive off (node.wallets.auto_receive = false):
	// confirmed sends and the start are ignored, only Search and
	// SearchAll receive.
	Manual bool

	once   sync.Once
	queue  chan receiveJob
	mu     sync.Mutex
	rescan bool          // a scan of every wallet is due
	wake   chan struct{} // signals rescan
}

// receiveJob is one send to receive into account.
type receiveJob struct {
	account nano.PublicKey
	send    nano.Hash
	amount  nano.Amount
}

// autoReceiveQueue is how many confirmed sends wait for a worker before
// the receiver falls back to a full scan.
const autoReceiveQueue = 1024

func (r *AutoReceiver) init() {
	r.once.Do(func() {
		r.queue = make(chan receiveJob, autoReceiveQueue)
		r.wake = make(chan struct{}, 1)
		if r.Log == nil {
			r.Log = slog.New(slog.DiscardHandler)
		}
	})
}

// Confirmed notes a confirmed block: a send to a local account is queued
// for receiving. It never blocks.
func (r *AutoReceiver) Confirmed(c ledger.Confirmation) {
	r.init()
	if r.Manual || c.Subtype != ledger.SubtypeSend || c.Block == nil {
		return
	}
	dest := nano.PublicKey(c.Block.Link)
	if !r.Store.IsLocal(dest) {
		return
	}
	select {
	case r.queue <- receiveJob{account: dest, send: c.Hash, amount: c.Amount}:
	default:
		r.SearchAll()
	}
}

// SearchAll asks for a scan of every unlocked wallet's receivables, as the
// node's search_receivable_all. It never blocks.
func (r *AutoReceiver) SearchAll() {
	r.init()
	r.mu.Lock()
	r.rescan = true
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Search asks for a scan of one wallet's receivables, as the node's
// search_receivable: ErrWalletLocked for a locked wallet.
func (r *AutoReceiver) Search(id ID) error {
	locked, err := r.Store.Locked(id)
	if err != nil {
		return err
	}
	if locked {
		return ErrWalletLocked
	}
	r.SearchAll() // scanning the others too receives nothing they would not
	return nil
}

// Run receives until ctx ends, starting with a scan of every wallet
// (unless Manual).
func (r *AutoReceiver) Run(ctx context.Context) {
	r.init()
	if !r.Manual {
		r.SearchAll()
	}
	workers := r.Workers
	if workers <= 0 {
		workers = 2
	}
	jobs := make(chan receiveJob)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r.receive(ctx, j)
			}
		}()
	}
	defer func() { close(jobs); wg.Wait() }()
	for {
		var j receiveJob
		select {
		case <-ctx.Done():
			return
		case j = <-r.queue:
		case <-r.wake:
			r.mu.Lock()
			due := r.rescan
			r.rescan = false
			r.mu.Unlock()
			if due {
				r.scan(ctx, jobs)
			}
			continue
		}
		select {
		case jobs <- j:
		case <-ctx.Done():
			return
		}
	}
}

// scan queues every receivable of every unlocked wallet's accounts.
func (r *AutoReceiver) scan(ctx context.Context, jobs chan<- receiveJob) {
	min := r.Store.ReceiveMinimum()
	for _, id := range r.Store.Wallets() {
		if locked, _ := r.Store.Locked(id); locked {
			continue
		}
		pubs, err := r.Store.signingAccounts(id)
		if err != nil {
			continue
		}
		for _, pub := range pubs {
			entries, err := r.Ledger.Receivable(pub, min, 0)
			if err != nil {
				r.Log.Warn("auto-receive: reading receivables", "account", pub.Account(), "err", err)
				continue
			}
			for _, e := range entries {
				select {
				case jobs <- receiveJob{account: pub, send: e.Hash, amount: e.Amount}:
				case <-ctx.Done():
					return
				}
			}
		}
	}
}

// receive receives one send with the first unlocked wallet holding the
// account's key, if the amount reaches the receive minimum.
func (r *AutoReceiver) receive(ctx context.Context, j receiveJob) {
	if j.amount.Cmp(r.Store.ReceiveMinimum()) < 0 {
		return
	}
	for _, id := range r.Store.Wallets() {
		priv, err := r.Store.PrivateKey(id, j.account)
		if err != nil {
			continue // not there, watch-only, or locked
		}
		_, err = r.Builder.Receive(ctx, id, priv, j.send, func() (uint64, error) { return 0, nil })
		switch {
		case err == nil:
			r.Log.Info("auto-receive: received", "account", j.account.Account(), "send", j.send.String(), "amount", j.amount.String())
		case errors.Is(err, ErrUnreceivable), errors.Is(err, context.Canceled):
			// received meanwhile (by a client or an earlier job), or stopping
		default:
			r.Log.Warn("auto-receive: receive failed", "account", j.account.Account(), "send", j.send.String(), "err", err)
		}
		return
	}
}
