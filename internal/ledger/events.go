package ledger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// Confirmation is the event of one stored block: the fields of the node's
// websocket "confirmation" topic and the block's confirmation sequence.
type Confirmation struct {
	// Sequence is the block's place in confirmation order (StoredBlock.Sequence):
	// durable, gap-free and strictly increasing, 1 for the genesis.
	Sequence uint64
	Account  nano.PublicKey
	Amount   nano.Amount
	Hash     nano.Hash
	// Block is shared by every receiver: read it, do not modify it.
	Block   *nano.Block
	Subtype Subtype
	Height  uint64
	// Counterpart is the other account (StoredBlock.Counterpart): a send's
	// destination, a receive's source account, zero for a change.
	Counterpart nano.PublicKey
	// ConfirmationType is always "active_quorum": the node's own vote
	// confirms the block at once.
	ConfirmationType string
	Election         ElectionInfo
}

// ElectionInfo describes the (trivial) election that confirmed a block.
type ElectionInfo struct {
	Duration time.Duration // from Process being called to the commit
	Time     time.Time     // when the block was committed
	// Tally is the weight of the single voter, the genesis representative
	// the dev node votes with, after the block.
	Tally        nano.Amount
	RequestCount uint32 // always 1
	BlockCount   uint32 // always 1
	VoterCount   uint32 // always 1
}

// ConfirmHook receives the confirmations of one committed transaction (see
// Options.OnConfirm).
type ConfirmHook func([]Confirmation)

// ConfirmationSequence returns the highest confirmation sequence, which is
// the number of stored blocks: the sequence of the last block committed.
func (l *Ledger) ConfirmationSequence() uint64 { return l.seq.Load() }

// ErrBadRange is returned by ConfirmationsFrom for a limit below 1.
var ErrBadRange = errors.New("ledger: ConfirmationsFrom needs a limit of at least 1")

// ConfirmationsFrom returns the confirmations with sequence seq or higher
// (seq 0 reads as 1), at most limit of them, in sequence order: to resume
// after the confirmation with sequence n, ask for n+1. It returns fewer
// than limit (none when seq is above ConfirmationSequence) only at the end
// of the ledger, as of one read transaction.
//
// What was known only at the commit is rebuilt from the stored block:
// Election.Time is the block's local timestamp (whole seconds, where the
// published event has the commit's instant), Election.Duration and
// Election.Tally are zero (not stored), the counts are 1 and
// ConfirmationType is "active_quorum", as published. Every other field is
// what was published.
func (l *Ledger) ConfirmationsFrom(seq uint64, limit int) ([]Confirmation, error) {
	if limit < 1 {
		return nil, ErrBadRange
	}
	seq = max(seq, 1)
	var out []Confirmation
	err := l.view(func(tx *bolt.Tx) error {
		out = out[:0]
		c := tx.Bucket(bucketConfirmations).Cursor()
		for k, v := c.Seek(u64Bytes(seq)); k != nil && len(out) < limit; k, v = c.Next() {
			if len(k) != 8 || len(v) != 32 {
				return corrupt("confirmations", len(k)+len(v))
			}
			sb, ok, err := getBlock(tx, nano.Hash(v))
			if err != nil {
				return err
			}
			if !ok || sb.Sequence != binary.BigEndian.Uint64(k) {
				return fmt.Errorf("%w: confirmation sequence %d names block %s, which has %d", ErrCorrupt, binary.BigEndian.Uint64(k), nano.Hash(v), sb.Sequence)
			}
			out = append(out, confirmationOf(&sb, ElectionInfo{Time: sb.Timestamp}))
		}
		return nil
	})
	return out, err
}

// confirmationOf is the event of a stored block with its election info.
func confirmationOf(sb *StoredBlock, e ElectionInfo) Confirmation {
	e.RequestCount, e.BlockCount, e.VoterCount = 1, 1, 1
	return Confirmation{
		Sequence:         sb.Sequence,
		Account:          sb.Account,
		Amount:           sb.Amount,
		Hash:             sb.Hash,
		Block:            sb.Block,
		Subtype:          sb.Subtype,
		Height:           sb.Height,
		Counterpart:      sb.Counterpart,
		ConfirmationType: "active_quorum",
		Election:         e,
	}
}
