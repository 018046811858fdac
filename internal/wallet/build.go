package wallet

import (
	"context"
	"errors"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

// Errors of building a wallet account's block, carrying the node's texts
// for the send, receive and wallet_representative_set actions.
var (
	ErrInsufficientBalance = errors.New("Insufficient balance")
	ErrInvalidWork         = errors.New("Invalid work")
	ErrGenerating          = errors.New("Error generating block")
	ErrWorkFailure         = errors.New("Work generation cancellation or failure")
	ErrUnreceivable        = errors.New(ledger.Unreceivable.Message())
)

// buildRetries is how many times a block is rebuilt after a Fork or
// GapPrevious.
const buildRetries = 3

// WorkGenerator computes the work of a block root to a threshold.
type WorkGenerator interface {
	Generate(ctx context.Context, root nano.Hash, threshold uint64) (uint64, error)
}

// Builder builds, signs and processes the state blocks of a wallet's
// accounts: sends (with idempotency ids), receives and representative
// changes. Each block is built from the account's frontier while holding
// the account's lock, so two requests for one account never build on the
// same frontier. A Fork or GapPrevious from the ledger then only means
// another writer moved the frontier in between: the block is rebuilt on the
// new frontier, a few times at most, and if it still cannot be stored the
// result is ErrGenerating, never a hash the ledger does not hold.
//
// A Builder is safe for concurrent use; its fields are set before first use.
type Builder struct {
	Store  *Store
	Ledger *ledger.Ledger
	Work   WorkGenerator // generates at the ledger's threshold for the block (ledger.WorkThreshold)
	// BeforeProcess, if set, is called with each built block just before
	// it is processed (tests use it to move a frontier under a send).
	BeforeProcess func(*nano.Block)

	locks keyLocks // by account, and by send id
}

// Send sends amount from the account of priv to destination in a state
// block and returns its hash. work is the caller's (0: generate); it must
// reach the ledger's threshold for the block. With hasID, a send already recorded
// under sendID whose block is in the ledger is returned as is, and nothing
// is sent again.
func (bd *Builder) Send(ctx context.Context, id ID, priv nano.PrivateKey, destination nano.PublicKey, amount nano.Amount, work uint64, sendID string, hasID bool) (nano.Hash, error) {
	if hasID {
		unlock, err := bd.locks.lock(ctx, "id\x00"+string(id[:])+sendID)
		if err != nil {
			return nano.Hash{}, err
		}
		defer unlock()
		// The id is recorded before its block is processed, so a crash in
		// between leaves a record whose block is not in the ledger: that
		// send did not happen and is made now.
		if h, ok := bd.Store.SentBlock(id, sendID); ok {
			stored, err := bd.Ledger.BlockExists(h)
			if err != nil {
				return nano.Hash{}, err
			}
			if stored {
				return h, nil
			}
		}
	}
	var record func(*nano.Block) error
	if hasID {
		record = func(b *nano.Block) error { return bd.Store.RecordSend(id, sendID, b.Hash()) }
	}
	source := priv.PublicKey()
	h, _, err := bd.build(ctx, source, record, func() (*nano.Block, uint64, error) {
		ai, err := bd.Ledger.AccountInfo(source)
		if errors.Is(err, ledger.ErrAccountNotFound) {
			return nil, 0, ErrInsufficientBalance
		} else if err != nil {
			return nil, 0, err
		}
		balance, ok := ai.Balance.Sub(amount)
		if !ok {
			return nil, 0, ErrInsufficientBalance
		}
		return StateBlock(priv, ai.Frontier, ai.Representative, balance, nano.Hash(destination)), work, nil
	})
	return h, err
}

// Receive receives the send block send into the account of priv, opening
// it with wallet id's representative if it has no block yet, and returns
// the new block's hash. A send that is not in the ledger is
// ledger.ErrBlockNotFound; one not receivable by the account,
// ErrUnreceivable. work is called once the send is known receivable, for
// the caller's work (0: generate) or its error.
func (bd *Builder) Receive(ctx context.Context, id ID, priv nano.PrivateKey, send nano.Hash, work func() (uint64, error)) (nano.Hash, error) {
	account := priv.PublicKey()
	h, result, err := bd.build(ctx, account, nil, func() (*nano.Block, uint64, error) {
		sb, err := bd.Ledger.Block(send)
		if err != nil {
			return nil, 0, err
		}
		receivable := sb.Subtype == ledger.SubtypeSend && sb.Counterpart == account
		if receivable {
			if receivable, err = bd.Ledger.ReceivableExists(send); err != nil {
				return nil, 0, err
			}
		}
		if !receivable {
			return nil, 0, ErrUnreceivable
		}
		w, err := work()
		if err != nil {
			return nil, 0, err
		}
		ai, opened, err := bd.Ledger.Account(account)
		if err != nil {
			return nil, 0, err
		}
		rep := ai.Representative
		if !opened {
			if rep, err = bd.Store.Representative(id); err != nil {
				return nil, 0, err
			}
		}
		balance, ok := ai.Balance.Add(sb.Amount)
		if !ok {
			return nil, 0, ErrGenerating
		}
		return StateBlock(priv, ai.Frontier, rep, balance, send), w, nil
	})
	if errors.Is(err, ErrGenerating) && result == ledger.Unreceivable { // received by another writer meanwhile
		return nano.Hash{}, ErrUnreceivable
	}
	return h, err
}

// Change publishes a change block moving the account of priv to rep,
// unless the account is not opened or already has rep.
func (bd *Builder) Change(ctx context.Context, priv nano.PrivateKey, rep nano.PublicKey) error {
	_, err := bd.change(ctx, priv, rep, 0, false)
	return err
}

// SetRepresentative publishes a change block moving the account of priv
// to rep, even to the representative it has (as the node's
// account_representative_set), and returns its hash; work is the
// caller's (0: the cached or a generated one). An account with no block
// is ErrGenerating.
func (bd *Builder) SetRepresentative(ctx context.Context, priv nano.PrivateKey, rep nano.PublicKey, work uint64) (nano.Hash, error) {
	return bd.change(ctx, priv, rep, work, true)
}

func (bd *Builder) change(ctx context.Context, priv nano.PrivateKey, rep nano.PublicKey, work uint64, always bool) (nano.Hash, error) {
	account := priv.PublicKey()
	h, _, err := bd.build(ctx, account, nil, func() (*nano.Block, uint64, error) {
		ai, opened, err := bd.Ledger.Account(account)
		if err != nil {
			return nil, 0, err
		}
		if !opened && always {
			return nil, 0, ErrGenerating
		}
		if !opened || (!always && ai.Representative == rep) {
			return nil, 0, nil
		}
		return StateBlock(priv, ai.Frontier, rep, ai.Balance, nano.Hash{}), work, nil
	})
	return h, err
}

// build holds account's lock and places the block next builds on the
// account's frontier, with next's work (0: the cached or a generated one)
// and before (place's); when place says to rebuild, next is called again
// on the new frontier. A nil block from next is nothing to do: a zero
// hash. result is the ledger's last result.
func (bd *Builder) build(ctx context.Context, account nano.PublicKey, before func(*nano.Block) error, next func() (*nano.Block, uint64, error)) (nano.Hash, ledger.Result, error) {
	unlock, err := bd.lockAccount(ctx, account)
	if err != nil {
		return nano.Hash{}, 0, err
	}
	defer unlock()
	for attempt := 0; ; attempt++ {
		b, work, err := next()
		if err != nil || b == nil {
			return nano.Hash{}, 0, err
		}
		again, result, err := bd.place(ctx, b, work, attempt, before)
		switch {
		case again:
			continue
		case err != nil:
			return nano.Hash{}, result, err
		}
		return b.Hash(), result, nil
	}
}

func (bd *Builder) lockAccount(ctx context.Context, account nano.PublicKey) (func(), error) {
	return bd.locks.lock(ctx, "account\x00"+string(account[:]))
}

// checkWork checks the caller's work for b against threshold, the
// ledger's for b. On a rebuild (attempt > 0) the work was for the old
// frontier, which is ErrGenerating.
func checkWork(b *nano.Block, work, threshold uint64, attempt int) error {
	if work == 0 || nano.Difficulty(b.Root(), work) >= threshold {
		return nil
	}
	if attempt > 0 {
		return ErrGenerating
	}
	return ErrInvalidWork
}

// place stores b, built on the frontier on the attempt-th try: it checks
// the caller's work (0: none given), runs before with b (if not nil: the
// send id's record), then finish. again says to rebuild on the new frontier;
// once the tries are used up that is ErrGenerating, with the ledger's last
// result.
func (bd *Builder) place(ctx context.Context, b *nano.Block, work uint64, attempt int, before func(*nano.Block) error) (again bool, result ledger.Result, err error) {
	threshold, err := bd.Ledger.WorkThreshold(b)
	if err != nil {
		return false, 0, err
	}
	if err := checkWork(b, work, threshold, attempt); err != nil {
		return false, 0, err
	}
	if before != nil {
		if err := before(b); err != nil {
			return false, 0, err
		}
	}
	done, retry, result, err := bd.finish(ctx, b, work, threshold)
	switch {
	case err != nil:
		return false, result, err
	case done:
		return false, result, nil
	case retry && attempt < buildRetries:
		return true, result, nil
	}
	return false, result, ErrGenerating
}

// finish gives b its work, the caller's (already checked against b's root
// when given) or a new one at threshold, and processes it. done reports
// that the block is in the ledger; retry that it should be rebuilt on a
// new frontier.
func (bd *Builder) finish(ctx context.Context, b *nano.Block, work, threshold uint64) (done, retry bool, result ledger.Result, err error) {
	if work == 0 { // the work cached with work_set, if it fits this block
		if cw := bd.Store.cachedWork(b.Account); cw != 0 && nano.Difficulty(b.Root(), cw) >= threshold {
			work = cw
		}
	}
	if work == 0 {
		if work, err = bd.Work.Generate(ctx, b.Root(), threshold); err != nil {
			return false, false, 0, ErrWorkFailure
		}
	}
	b.Work = work
	if bd.BeforeProcess != nil {
		bd.BeforeProcess(b)
	}
	result, err = bd.Ledger.Process(ctx, b)
	if err != nil {
		return false, false, 0, err
	}
	switch result {
	case ledger.Progress, ledger.Old: // Old: this very block is already stored
		bd.Store.clearWork(b.Account) // it was for this block's root
		return true, false, result, nil
	case ledger.Fork, ledger.GapPrevious:
		return false, true, result, nil
	}
	return false, false, result, nil
}
