package ledger

// Result is the outcome of processing a block: the node's nano::block_status
// (formerly process_result).
type Result uint8

// The results, in the node's enum order. String gives the node's enum name,
// Message the text the node's RPC "process" action answers with.
const (
	Progress               Result = iota // stored and cemented
	BadSignature                         // signed by the wrong key, or not at all
	Old                                  // already in the ledger
	NegativeSpend                        // legacy send whose balance exceeds the account's
	Fork                                 // previous is not the account's frontier, or the account is already open
	Unreceivable                         // no receivable entry for this account and source
	GapPrevious                          // previous is not in the ledger
	GapSource                            // source block is not in the ledger
	GapEpochOpenPending                  // epoch open of an account nothing was sent to
	OpenedBurnAccount                    // a block for the zero account
	BalanceMismatch                      // balance change does not match the receivable amount or subtype
	RepresentativeMismatch               // epoch block that changes the representative
	BlockPosition                        // legacy block after a state block, or an epoch out of sequence
	InsufficientWork                     // work below the threshold for its root
)

// String returns the node's name for the result (the nano::block_status
// enumerator), e.g. "gap_previous".
func (r Result) String() string {
	switch r {
	case Progress:
		return "progress"
	case BadSignature:
		return "bad_signature"
	case Old:
		return "old"
	case NegativeSpend:
		return "negative_spend"
	case Fork:
		return "fork"
	case Unreceivable:
		return "unreceivable"
	case GapPrevious:
		return "gap_previous"
	case GapSource:
		return "gap_source"
	case GapEpochOpenPending:
		return "gap_epoch_open_pending"
	case OpenedBurnAccount:
		return "opened_burn_account"
	case BalanceMismatch:
		return "balance_mismatch"
	case RepresentativeMismatch:
		return "representative_mismatch"
	case BlockPosition:
		return "block_position"
	case InsufficientWork:
		return "insufficient_work"
	}
	return "unknown"
}

// Message returns what the node's RPC "process" action puts in its "error"
// field for the result (nano::error_process_messages), or "" for Progress.
// Results the node's RPC does not map, RepresentativeMismatch among them,
// read "Error processing block" there, and so here.
func (r Result) Message() string {
	switch r {
	case Progress:
		return ""
	case BadSignature:
		return "Bad signature"
	case Old:
		return "Old block"
	case NegativeSpend:
		return "Negative spend"
	case Fork:
		return "Fork"
	case Unreceivable:
		return "Unreceivable"
	case GapPrevious:
		return "Gap previous block"
	case GapSource:
		return "Gap source block"
	case GapEpochOpenPending:
		return "Gap pending for open epoch block"
	case OpenedBurnAccount:
		return "Burning account"
	case BalanceMismatch:
		return "Balance and amount delta do not match"
	case BlockPosition:
		return "This block cannot follow the previous block"
	case InsufficientWork:
		return "Block work is insufficient"
	}
	return "Error processing block"
}
