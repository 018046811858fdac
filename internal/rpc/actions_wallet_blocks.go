package rpc

import (
	"context"
	"errors"
	"sync"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/wallet"
	"github.com/nipc/nipc/nano"
)

// The wallet actions that build blocks: send, receive, and the change
// blocks of wallet_representative_set. Each block is built from the
// account's frontier while holding the account's lock, so two requests for
// one account never build on the same frontier. A Fork or GapPrevious from
// the ledger then only means another writer (process) moved the frontier in
// between: the block is rebuilt on the new frontier, a few times at most,
// and if it still cannot be stored the request fails with the node's
// "Error generating block" — never a reply that names a block the ledger
// does not hold.

// walletBlockRetries is how many times a block is rebuilt after a Fork or
// GapPrevious.
const walletBlockRetries = 3

// Texts of the node for these actions.
const (
	walletTextErrorGenerating = "Error generating block"
	walletTextWorkFailure     = "Work generation cancellation or failure"
)

// walletWorkParam reads the optional "work" (hex, as the node's
// work_optional_impl); 0 means "generate".
func walletWorkParam(req *Request) (uint64, error) {
	s, ok := req.Get("work")
	if !ok {
		return 0, nil
	}
	work, err := nano.ParseWork(s)
	if err != nil {
		return 0, Errorf("Bad work")
	}
	return work, nil
}

// threshold is the work every block of this ledger needs (see package
// ledger: epoch_1 for every block, since there are no epoch upgrades).
func (w *walletActions) threshold() uint64 {
	if w.b.Thresholds.Epoch1 != 0 {
		return w.b.Thresholds.Epoch1
	}
	return nano.DevThresholds().Epoch1
}

// finish gives b its work, the caller's (already checked against b's root
// when given) or a new one, and processes it. done reports that the block
// is in the ledger; retry that it should be rebuilt on a new frontier.
func (w *walletActions) finish(ctx context.Context, b *nano.Block, work uint64) (done, retry bool, result ledger.Result, err error) {
	if work == 0 {
		if work, err = w.b.Work.Generate(ctx, b.Root(), w.threshold()); err != nil {
			return false, false, 0, Errorf(walletTextWorkFailure)
		}
	}
	b.Work = work
	if w.beforeProcess != nil {
		w.beforeProcess(b)
	}
	result, err = w.b.Ledger.Process(ctx, b)
	if err != nil {
		return false, false, 0, err
	}
	switch result {
	case ledger.Progress, ledger.Old: // Old: this very block is already stored
		return true, false, result, nil
	case ledger.Fork, ledger.GapPrevious:
		return false, true, result, nil
	}
	return false, false, result, nil
}

// send: {"block": hash} of a state send from source's frontier. With an
// "id", a repeated request returns the block of the first and sends
// nothing.
func (w *walletActions) send(ctx context.Context, req *Request) (*ptree.Tree, error) {
	// wallet, source and destination are read unconditionally by the node.
	for _, k := range []string{"wallet", "source", "destination"} {
		if _, err := req.Require(k); err != nil {
			return nil, err
		}
	}
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	s, err := req.Require("amount")
	if err != nil {
		return nil, err
	}
	amount, err := nano.ParseAmount(s)
	if err != nil || amount.IsZero() { // a state send of nothing is not a send
		return nil, Errorf("Invalid amount number")
	}
	srcText, _ := req.Get("source")
	source, srcDeprecated, err := walletAccountText(srcText, "Bad source")
	if err != nil {
		return nil, err
	}
	dstText, _ := req.Get("destination")
	destination, dstDeprecated, err := walletAccountText(dstText, "Bad destination account")
	if err != nil {
		return nil, err
	}
	work, err := walletWorkParam(req)
	if err != nil {
		return nil, err
	}
	priv, err := w.b.Wallets.PrivateKey(id, source)
	if err != nil {
		return nil, walletErr(err)
	}
	ai, err := w.b.Ledger.AccountInfo(source)
	if errors.Is(err, ledger.ErrAccountNotFound) {
		return nil, Errorf("%s", ledger.ErrAccountNotFound.Error())
	} else if err != nil {
		return nil, err
	}
	if work != 0 && nano.Difficulty(ai.Frontier, work) < w.threshold() {
		return nil, Errorf("Invalid work")
	}
	sendID, hasID := req.Get("id")
	hash, err := w.sendBlock(ctx, id, priv, destination, amount, work, sendID, hasID)
	if err != nil {
		return nil, err
	}
	t := ptree.New()
	walletPutDeprecated(t, srcDeprecated || dstDeprecated)
	return t.Put("block", hash.String()), nil
}

func (w *walletActions) sendBlock(ctx context.Context, id wallet.ID, priv nano.PrivateKey, destination nano.PublicKey, amount nano.Amount, work uint64, sendID string, hasID bool) (nano.Hash, error) {
	if hasID {
		unlock, err := w.locks.lock(ctx, "id\x00"+string(id[:])+sendID)
		if err != nil {
			return nano.Hash{}, err
		}
		defer unlock()
		// The id is recorded before its block is processed, so a crash in
		// between leaves a record whose block is not in the ledger: that
		// send did not happen and is made now.
		if h, ok := w.b.Wallets.SentBlock(id, sendID); ok {
			stored, err := w.b.Ledger.BlockExists(h)
			if err != nil {
				return nano.Hash{}, err
			}
			if stored {
				return h, nil
			}
		}
	}
	source := priv.PublicKey()
	unlock, err := w.locks.lock(ctx, "account\x00"+string(source[:]))
	if err != nil {
		return nano.Hash{}, err
	}
	defer unlock()
	for attempt := 0; ; attempt++ {
		ai, err := w.b.Ledger.AccountInfo(source)
		if errors.Is(err, ledger.ErrAccountNotFound) {
			return nano.Hash{}, Errorf("Insufficient balance")
		} else if err != nil {
			return nano.Hash{}, err
		}
		balance, ok := ai.Balance.Sub(amount)
		if !ok {
			return nano.Hash{}, Errorf("Insufficient balance")
		}
		if work != 0 && nano.Difficulty(ai.Frontier, work) < w.threshold() {
			if attempt > 0 {
				return nano.Hash{}, Errorf(walletTextErrorGenerating) // the caller's work was for the old frontier
			}
			return nano.Hash{}, Errorf("Invalid work") // the frontier moved since the check
		}
		b := wallet.StateBlock(priv, ai.Frontier, ai.Representative, balance, nano.Hash(destination))
		hash := b.Hash()
		if hasID {
			if err := w.b.Wallets.RecordSend(id, sendID, hash); err != nil {
				return nano.Hash{}, walletErr(err)
			}
		}
		done, retry, _, err := w.finish(ctx, b, work)
		switch {
		case err != nil:
			return nano.Hash{}, err
		case done:
			return hash, nil
		case retry && attempt < walletBlockRetries:
			continue
		}
		return nano.Hash{}, Errorf(walletTextErrorGenerating)
	}
}

// receive: {"block": hash} of the block that receives "block" into
// "account", opening the account (with the wallet's representative) if it
// has no block yet.
func (w *walletActions) receive(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	s, err := req.Require("account")
	if err != nil {
		return nil, err
	}
	account, _, err := walletAccountText(s, "Bad account number")
	if err != nil {
		return nil, err
	}
	s, err = req.Require("block")
	if err != nil {
		return nil, err
	}
	send, err := nano.ParseHash(s)
	if err != nil {
		return nil, Errorf("Invalid block hash")
	}
	priv, err := w.b.Wallets.PrivateKey(id, account)
	if err != nil {
		return nil, walletErr(err)
	}
	unlock, err := w.locks.lock(ctx, "account\x00"+string(account[:]))
	if err != nil {
		return nil, err
	}
	defer unlock()
	for attempt := 0; ; attempt++ {
		sb, err := w.b.Ledger.Block(send)
		if errors.Is(err, ledger.ErrBlockNotFound) {
			return nil, Errorf("%s", ledger.ErrBlockNotFound.Error())
		} else if err != nil {
			return nil, err
		}
		receivable := sb.Subtype == ledger.SubtypeSend && sb.Counterpart == account
		if receivable {
			if receivable, err = w.b.Ledger.ReceivableExists(send); err != nil {
				return nil, err
			}
		}
		if !receivable {
			return nil, Errorf("%s", ledger.Unreceivable.Message())
		}
		work, err := walletWorkParam(req)
		if err != nil {
			return nil, err
		}
		ai, opened, err := w.balanceOf(account)
		if err != nil {
			return nil, err
		}
		root, rep := ai.Frontier, ai.Representative
		if !opened {
			root = nano.Hash(account)
			if rep, err = w.b.Wallets.Representative(id); err != nil {
				return nil, walletErr(err)
			}
		}
		if work != 0 && nano.Difficulty(root, work) < w.threshold() {
			if attempt > 0 {
				return nil, Errorf(walletTextErrorGenerating) // the caller's work was for the old frontier
			}
			return nil, Errorf("Invalid work")
		}
		balance, ok := ai.Balance.Add(sb.Amount)
		if !ok {
			return nil, Errorf(walletTextErrorGenerating)
		}
		b := wallet.StateBlock(priv, ai.Frontier, rep, balance, send)
		done, retry, result, err := w.finish(ctx, b, work)
		switch {
		case err != nil:
			return nil, err
		case done:
			return ptree.New().Put("block", b.Hash().String()), nil
		case retry && attempt < walletBlockRetries:
			continue
		case result == ledger.Unreceivable: // received by another writer meanwhile
			return nil, Errorf("%s", ledger.Unreceivable.Message())
		}
		return nil, Errorf(walletTextErrorGenerating)
	}
}

// change publishes a change block moving account to rep, unless the
// account is not opened or already has rep.
func (w *walletActions) change(ctx context.Context, id wallet.ID, account, rep nano.PublicKey) error {
	priv, err := w.b.Wallets.PrivateKey(id, account)
	if err != nil {
		return walletErr(err)
	}
	unlock, err := w.locks.lock(ctx, "account\x00"+string(account[:]))
	if err != nil {
		return err
	}
	defer unlock()
	for attempt := 0; ; attempt++ {
		ai, opened, err := w.balanceOf(account)
		if err != nil {
			return err
		}
		if !opened || ai.Representative == rep {
			return nil
		}
		b := wallet.StateBlock(priv, ai.Frontier, rep, ai.Balance, nano.Hash{})
		done, retry, _, err := w.finish(ctx, b, 0)
		switch {
		case err != nil:
			return err
		case done:
			return nil
		case retry && attempt < walletBlockRetries:
			continue
		}
		return Errorf(walletTextErrorGenerating)
	}
}

// walletKeyLocks is a set of mutexes by key, created on first use and dropped
// when nobody holds or waits for them. Waiting ends with ctx.
type walletKeyLocks struct {
	mu sync.Mutex
	m  map[string]*walletKeyLock
}

type walletKeyLock struct {
	ch   chan struct{} // holds a token while locked
	refs int           // holders and waiters; guarded by walletKeyLocks.mu
}

func newWalletKeyLocks() *walletKeyLocks { return &walletKeyLocks{m: make(map[string]*walletKeyLock)} }

// lock takes the lock of key and returns its unlock function.
func (k *walletKeyLocks) lock(ctx context.Context, key string) (func(), error) {
	k.mu.Lock()
	l := k.m[key]
	if l == nil {
		l = &walletKeyLock{ch: make(chan struct{}, 1)}
		k.m[key] = l
	}
	l.refs++
	k.mu.Unlock()
	select {
	case l.ch <- struct{}{}:
		return func() {
			<-l.ch
			k.release(key, l)
		}, nil
	case <-ctx.Done():
		k.release(key, l)
		return nil, ctx.Err()
	}
}

func (k *walletKeyLocks) release(key string, l *walletKeyLock) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if l.refs--; l.refs == 0 {
		delete(k.m, key)
	}
}
