package apiconv

import (
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/ledger"
)

// ConfirmationEvent is a confirmed block as an EventConfirmation, with or
// without the block and the election information. Unlike the C++ node it
// carries the block hash and the confirmation type the election produced
// (active_quorum on a single node: every block is confirmed by the node's own
// representative at once; active_confirmation_height when block_confirm
// emits it again), and, appended, its confirmation sequence.
func ConfirmationEvent(c *ledger.Confirmation, includeBlock, includeElection bool) *fb.EventConfirmationT {
	ev := &fb.EventConfirmationT{
		ConfirmationType: ConfirmationType(c.ConfirmationType),
		Account:          c.Account.Account(),
		Amount:           c.Amount.String(),
		Hash:             c.Hash.String(),
		Sequence:         c.Sequence,
	}
	if includeBlock && c.Block != nil {
		ev.Block = BlockTable(c.Block, c.Hash, c.Subtype)
	}
	if includeElection {
		e := c.Election
		ev.ElectionInfo = &fb.ElectionInfoT{
			Duration:     uint64(e.Duration.Milliseconds()),
			Time:         uint64(e.Time.UnixMilli()),
			Tally:        e.Tally.String(),
			RequestCount: uint64(e.RequestCount),
			BlockCount:   uint64(e.BlockCount),
			VoterCount:   uint64(e.VoterCount),
		}
	}
	return ev
}

// ConfirmationType is a ledger.Confirmation's ConfirmationType as the v2
// enum (active_quorum unless it names another).
func ConfirmationType(s string) fb.TopicConfirmationType {
	switch s {
	case "active_confirmation_height":
		return fb.TopicConfirmationTypeactive_confirmation_height
	case "inactive":
		return fb.TopicConfirmationTypeinactive
	}
	return fb.TopicConfirmationTypeactive_quorum
}
