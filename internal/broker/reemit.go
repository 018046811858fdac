package broker

import "github.com/nipc/nipc/internal/ledger"

// Reemit publishes the confirmation of a block confirmed earlier once
// more, as the node does when block_confirm names a cemented block: with
// confirmation type active_confirmation_height and without a confirmation
// sequence (0: the block keeps its one place in confirmation order, so a
// subscriber's sequence stays gap-free and increasing; the re-emission is
// told apart by its type). Everything else is c's. Like Publish it never
// waits, and it goes to every subscriber whose filters pass it: a
// confirmation_type filter of active_quorum or inactive leaves it out.
func (b *Broker) Reemit(c ledger.Confirmation) {
	c.ConfirmationType = TypeActiveConfirmationHeight
	c.Sequence = 0
	b.Publish(&c)
}
