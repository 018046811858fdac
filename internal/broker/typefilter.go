package broker

// The confirmation types an event can have (ledger.Confirmation's
// ConfirmationType), as the node names them.
const (
	// TypeActiveQuorum is a block confirmed by its election: every block
	// as it is stored, on a single node.
	TypeActiveQuorum = "active_quorum"
	// TypeActiveConfirmationHeight is a block already confirmed whose
	// confirmation is emitted again (block_confirm; see Reemit).
	TypeActiveConfirmationHeight = "active_confirmation_height"
	// TypeInactive is a block cemented without an election of its own
	// (never, on a single node).
	TypeInactive = "inactive"
)
