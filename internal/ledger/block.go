package ledger

import (
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// Subtype is what a block did to its account's balance: the node's state
// block subtype, given for legacy blocks too (a legacy or state open is a
// receive, as the node's history reports it).
type Subtype uint8

// The subtypes. SubtypeEpoch is an epoch block's.
const (
	SubtypeUnknown Subtype = iota
	SubtypeSend
	SubtypeReceive
	SubtypeChange
	SubtypeEpoch
)

// String returns the node's name: "send", "receive", "change" or "epoch".
func (s Subtype) String() string {
	switch s {
	case SubtypeSend:
		return "send"
	case SubtypeReceive:
		return "receive"
	case SubtypeChange:
		return "change"
	case SubtypeEpoch:
		return "epoch"
	}
	return "unknown"
}

// StoredBlock is a block and what the ledger knows about it (the node's
// block and sideband).
type StoredBlock struct {
	Hash    nano.Hash
	Block   *nano.Block // a copy owned by the caller
	Account nano.PublicKey
	Height  uint64      // 1 for the open block
	Balance nano.Amount // the account's balance after the block
	Amount  nano.Amount // sent or received; zero for a change
	Subtype Subtype
	// Counterpart is the other account: a send's destination, a receive's
	// source account (the genesis itself for the genesis block), zero for a
	// change.
	Counterpart nano.PublicKey
	Timestamp   time.Time // local time it was stored, whole seconds, UTC
	Confirmed   bool      // always true: blocks are cemented as they are stored
	// Sequence is the block's place in confirmation order: 1 for the
	// genesis, then one more per stored block, gap-free (see
	// ConfirmationsFrom).
	Sequence uint64
}

// Block returns a stored block, or ErrBlockNotFound.
func (l *Ledger) Block(hash nano.Hash) (StoredBlock, error) {
	var sb StoredBlock
	err := l.view(func(tx *bolt.Tx) error {
		var ok bool
		var err error
		sb, ok, err = getBlock(tx, hash)
		if err == nil && !ok {
			err = ErrBlockNotFound
		}
		return err
	})
	return sb, err
}

// BlockExists reports whether hash is in the ledger.
func (l *Ledger) BlockExists(hash nano.Hash) (bool, error) {
	var ok bool
	err := l.view(func(tx *bolt.Tx) error {
		ok = tx.Bucket(bucketBlocks).Get(hash[:]) != nil
		return nil
	})
	return ok, err
}

// Successor returns the block after hash in its account's chain, the zero
// hash for a frontier, or ErrBlockNotFound.
func (l *Ledger) Successor(hash nano.Hash) (nano.Hash, error) {
	var next nano.Hash
	err := l.view(func(tx *bolt.Tx) error {
		sb, ok, err := getBlock(tx, hash)
		if err != nil {
			return err
		}
		if !ok {
			return ErrBlockNotFound
		}
		next, _ = blockAtHeight(tx, sb.Account, sb.Height+1)
		return nil
	})
	return next, err
}

// Chain returns up to count hashes of hash's account chain starting at hash
// and walking towards the open block, or towards the frontier when
// successors is true, after skipping offset of them (the node's chain and
// successors actions). count <= 0 means no limit. An unknown hash is
// ErrBlockNotFound.
func (l *Ledger) Chain(hash nano.Hash, offset uint64, count int, successors bool) ([]nano.Hash, error) {
	var out []nano.Hash
	err := l.view(func(tx *bolt.Tx) error {
		sb, ok, err := getBlock(tx, hash)
		if err != nil {
			return err
		}
		if !ok {
			return ErrBlockNotFound
		}
		for h := range walk(tx, sb.Account, sb.Height, offset, successors) {
			if count > 0 && len(out) >= count {
				break
			}
			out = append(out, h.hash)
		}
		return nil
	})
	return out, err
}

// heightHash is a block of a chain walk.
type heightHash struct {
	height uint64
	hash   nano.Hash
}

// walk yields an account's blocks from height start moved offset steps in
// the walk's direction, towards height 1 or, when up, towards the frontier,
// until the chain ends.
func walk(tx *bolt.Tx, account nano.PublicKey, start, offset uint64, up bool) func(func(heightHash) bool) {
	return func(yield func(heightHash) bool) {
		h := start
		if up {
			if h+offset < h {
				return
			}
			h += offset
		} else {
			if offset >= h {
				return
			}
			h -= offset
		}
		for h > 0 {
			hash, ok := blockAtHeight(tx, account, h)
			if !ok || !yield(heightHash{h, hash}) {
				return
			}
			if up {
				h++
			} else {
				h--
			}
		}
	}
}
