package broker

import "github.com/nipc/nipc/api/fb"

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

// typeSelected reports whether a confirmation of type typ passes the type
// filter f, as the node's WebSocket filter decides it: all passes every
// type, active both active types, and each of active_quorum,
// active_confirmation_height and inactive only its own. (The node's IPC v2
// broker makes no difference between the active filters, but it also
// sends every event as active_quorum; nipc sends the real type, so it
// filters on it the WebSocket's way.)
func typeSelected(f fb.TopicConfirmationTypeFilter, typ string) bool {
	switch f {
	case fb.TopicConfirmationTypeFilterall:
		return true
	case fb.TopicConfirmationTypeFilteractive:
		return typ == TypeActiveQuorum || typ == TypeActiveConfirmationHeight
	case fb.TopicConfirmationTypeFilteractive_quorum:
		return typ == TypeActiveQuorum
	case fb.TopicConfirmationTypeFilteractive_confirmation_height:
		return typ == TypeActiveConfirmationHeight
	case fb.TopicConfirmationTypeFilterinactive:
		return typ == TypeInactive
	}
	return false
}
