package ledger

import (
	"context"
	"time"

	"github.com/nipc/nipc/nano"
)

// Process validates b against the ledger and, when the result is Progress,
// stores and cements it and then publishes its Confirmation. Any other
// Result means nothing was written. Blocks submitted concurrently may be
// applied together, in arrival order, in one transaction with one fsync
// (group commit, see commit.go); each block is still all or nothing, and
// Process returns Progress only once the transaction holding the block has
// committed (and, unless Options.NoSync, been fsynced).
//
// The error is non-nil only when the block could not be judged or stored:
// ctx ended while the block was queued (ctx.Err(); the block is not
// applied), the ledger is closed or was closed while the block was queued
// (ErrClosed; not applied), b is nil or of no block type (ErrInvalidBlock),
// or the file failed (every block of that transaction gets the error and
// none is stored). ctx bounds only the wait in the queue: once a batch has
// taken the block, Process waits for that batch and returns its outcome
// whatever ctx does. b is not modified; a copy is retained while it waits
// in the unchecked store.
//
// A block that got GapPrevious, GapSource or GapEpochOpenPending is kept
// in the unchecked store (unchecked.go) under what it waits for; once b is
// accepted, the blocks waiting for it are processed, cascading, before
// Process returns (their results are not returned; Unchecked shows those
// still waiting).
func (l *Ledger) Process(ctx context.Context, b *nano.Block) (Result, error) {
	p, r, err := l.process(ctx, b)
	if err == nil {
		l.settle(p, r)
	}
	return r, err
}

// processOne is Process for a block taken from the unchecked store: no
// caller's ctx bounds its wait, and its cascade is the caller's.
func (l *Ledger) processOne(b *nano.Block) (*proc, Result, error) {
	return l.process(context.Background(), b)
}

// process judges and, on Progress, stores one block (Process without the
// unchecked store).
func (l *Ledger) process(ctx context.Context, b *nano.Block) (*proc, Result, error) {
	start := l.opts.Now()
	blk := canonical(b)
	if blk == nil {
		return nil, 0, ErrInvalidBlock
	}
	p := &proc{
		thresholds: l.opts.Thresholds,
		b:          blk,
		hash:       blk.Hash(),
	}
	// State and open blocks name their signer, so their signature is
	// checked before queueing, in parallel with other callers.
	if blk.Type == nano.BlockTypeState || blk.Type == nano.BlockTypeOpen {
		p.signedByAccount = blk.VerifySignature(blk.Account)
	}
	if blk.Type == nano.BlockTypeState && nano.IsEpochLink(blk.Link) {
		p.signedByEpochSigner = blk.VerifySignature(epochSigner)
	}
	r, err := l.submit(&request{ctx: ctx, p: p, start: start, done: make(chan struct{})})
	return p, r, err
}

// canonical returns a copy of b holding only its type's fields, or nil if
// b is nil or has no block type.
func canonical(b *nano.Block) *nano.Block {
	if b == nil {
		return nil
	}
	c := &nano.Block{Type: b.Type, Signature: b.Signature, Work: b.Work}
	switch b.Type {
	case nano.BlockTypeState:
		c.Account, c.Previous, c.Representative, c.Balance, c.Link = b.Account, b.Previous, b.Representative, b.Balance, b.Link
	case nano.BlockTypeSend:
		c.Previous, c.Destination, c.Balance = b.Previous, b.Destination, b.Balance
	case nano.BlockTypeReceive:
		c.Previous, c.Source = b.Previous, b.Source
	case nano.BlockTypeOpen:
		c.Source, c.Representative, c.Account = b.Source, b.Representative, b.Account
	case nano.BlockTypeChange:
		c.Previous, c.Representative = b.Previous, b.Representative
	default:
		return nil
	}
	return c
}

// proc is one block being processed inside a write transaction. run only
// reads until the block has passed every check: each Result other than
// Progress is returned before the first write (runBatch relies on this).
type proc struct {
	w               *writeTx
	thresholds      nano.Thresholds
	now             time.Time
	b               *nano.Block
	hash            nano.Hash
	signedByAccount bool // state and open blocks: checked before the transaction
	// signedByEpochSigner: state blocks with an epoch link, checked before
	// the transaction.
	signedByEpochSigner bool

	// Set by a successful run.
	stored StoredBlock
	opened bool        // the block opened its account
	tally  nano.Amount // the genesis representative's weight afterwards
}

func (p *proc) run() (Result, error) {
	switch p.b.Type {
	case nano.BlockTypeState:
		return p.state()
	case nano.BlockTypeSend:
		return p.legacySend()
	case nano.BlockTypeReceive:
		return p.legacyReceive()
	case nano.BlockTypeOpen:
		return p.legacyOpen()
	case nano.BlockTypeChange:
		return p.legacyChange()
	}
	return 0, ErrInvalidBlock
}

func (p *proc) exists(h nano.Hash) bool { return p.w.blocks.Get(h[:]) != nil }

// workOK applies the work rule, the node's work_thresholds::threshold:
// Epoch1 for blocks of epochs 0 and 1, Epoch2Receive for epoch-2 receives
// and epoch blocks, Epoch2 for other epoch-2 blocks.
func (p *proc) workOK(epoch nano.Epoch, receiveOrEpoch bool) bool {
	return p.b.Difficulty() >= p.thresholds.Threshold(epoch, receiveOrEpoch)
}

// state follows the node's ledger_processor::state_block: a block with an
// epoch link and an unchanged balance is an epoch block (epoch.go); any
// other goes through old, signature, burn account, previous and fork, source and
// receivable, amounts, and work, in that order.
func (p *proc) state() (Result, error) {
	b := p.b
	if nano.IsEpochLink(b.Link) {
		isEpoch, r, err := p.epochShape()
		if err != nil || r != Progress {
			return r, err
		}
		if isEpoch {
			return p.epochBlock()
		}
	}
	info, known, r, err := p.stateAccount(p.signedByAccount)
	if err != nil || r != Progress {
		return r, err
	}
	epoch := info.Epoch // the block's epoch: the account's, or its source's if later
	var isSend, isReceive bool
	amount := b.Balance
	if known {
		if b.Previous.IsZero() {
			return Fork, nil
		}
		if !p.exists(b.Previous) {
			return GapPrevious, nil
		}
		isSend = b.Balance.Cmp(info.Balance) < 0
		isReceive = !isSend && !b.Link.IsZero()
		if isSend {
			amount, _ = info.Balance.Sub(b.Balance)
		} else {
			amount, _ = b.Balance.Sub(info.Balance)
		}
		if b.Previous != info.Frontier {
			return Fork, nil
		}
	} else {
		if !b.Previous.IsZero() {
			return GapPrevious, nil
		}
		isReceive = true
		if b.Link.IsZero() {
			return GapSource, nil
		}
	}
	var source ReceivableEntry
	if !isSend {
		if !b.Link.IsZero() {
			if !p.exists(b.Link) {
				return GapSource, nil
			}
			var ok bool
			source, ok, err = p.w.getReceivable(b.Account, b.Link)
			if err != nil {
				return 0, err
			}
			if !ok {
				return Unreceivable, nil
			}
			if amount != source.Amount {
				return BalanceMismatch, nil
			}
			epoch = max(epoch, source.Epoch)
		} else if !amount.IsZero() {
			return BalanceMismatch, nil
		}
	}
	if !p.workOK(epoch, isReceive) {
		return InsufficientWork, nil
	}

	sb := p.newStored(b.Account, info.BlockCount+1, b.Balance, amount)
	next := p.advance(info, known, b.Balance)
	next.Representative, next.RepresentativeBlock = b.Representative, p.hash
	next.Epoch = epoch
	switch {
	case isSend:
		sb.Subtype, sb.Counterpart = SubtypeSend, nano.PublicKey(b.Link)
		if err := p.w.putReceivable(nano.PublicKey(b.Link), p.hash, b.Account, amount, epoch); err != nil {
			return 0, err
		}
	case isReceive:
		sb.Subtype, sb.Counterpart = SubtypeReceive, source.Source
		if err := p.w.deleteReceivable(b.Account, b.Link); err != nil {
			return 0, err
		}
	default:
		sb.Subtype = SubtypeChange
	}
	if known {
		err = p.w.moveWeight(info.Representative, info.Balance, b.Representative, b.Balance)
	} else {
		err = p.w.addWeight(b.Representative, b.Balance)
	}
	if err != nil {
		return 0, err
	}
	return p.commit(sb, next, known, info)
}

// stateAccount makes the first checks of a state or epoch block, in the
// node's order: Old, BadSignature (signed tells whether the block has its
// signer's signature), OpenedBurnAccount; then it reads the account's
// record (known false for an unopened account).
func (p *proc) stateAccount(signed bool) (info AccountInfo, known bool, r Result, err error) {
	switch {
	case p.exists(p.hash):
		return info, false, Old, nil
	case !signed:
		return info, false, BadSignature, nil
	case p.b.Account.IsZero():
		return info, false, OpenedBurnAccount, nil
	}
	info, known, err = getAccount(p.w.tx, p.b.Account)
	info.Account = p.b.Account
	return info, known, Progress, err
}

// newStored returns the record of the block being processed.
func (p *proc) newStored(account nano.PublicKey, height uint64, balance, amount nano.Amount) StoredBlock {
	return StoredBlock{
		Hash: p.hash, Block: p.b, Account: account, Height: height,
		Balance: balance, Amount: amount, Timestamp: p.now, Confirmed: true,
	}
}

// advance returns the account record after appending the block: new
// frontier, balance and count, cemented up to the block. For a new account
// (known false) the block is also the open block.
func (p *proc) advance(info AccountInfo, known bool, balance nano.Amount) AccountInfo {
	next := info
	if !known {
		next.OpenBlock = p.hash
	}
	next.Frontier = p.hash
	next.Balance = balance
	next.Modified = p.now
	next.BlockCount = info.BlockCount + 1
	next.ConfirmationHeight = next.BlockCount
	next.ConfirmationFrontier = p.hash
	return next
}

// commit writes the block and the account record (the weights and
// receivable entries are already written) and reads the tally.
func (p *proc) commit(sb StoredBlock, next AccountInfo, known bool, old AccountInfo) (Result, error) {
	if err := p.w.putBlock(&sb); err != nil {
		return 0, err
	}
	var prev *AccountInfo
	if known {
		prev = &old
	}
	if err := p.w.putAccount(&next, prev); err != nil {
		return 0, err
	}
	tally, err := decodeWeight(p.w.weights.Get(genesisAccount[:]))
	if err != nil {
		return 0, err
	}
	p.stored, p.opened, p.tally = sb, !known, tally
	return Progress, nil
}

// genesisAccount is the dev genesis account: the key the dev node votes
// with. epochSigner signs both epochs' blocks (the same key on the dev
// network).
var (
	genesisAccount = nano.DevGenesisBlock().Account
	epochSigner    = nano.DevEpochSigner()
)
