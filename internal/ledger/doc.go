// Package ledger is a single-node Nano dev-network ledger stored in one
// bbolt file: it validates blocks as the node's ledger_processor does,
// stores and cements each valid one in a single write transaction, answers
// the node's ledger queries, and publishes a confirmation event per block.
//
// # Genesis and scope
//
// Open creates the file with the dev genesis (nano.DevGenesisBlock): the
// genesis account holds and represents nano.GenesisAmount (2^128-1 raw), and
// the block is cemented. Later opens check the schema version
// (ErrSchemaVersion) and the genesis (ErrNotLedger). State blocks and the
// four legacy block types are accepted; epoch blocks (an epoch link with an
// unchanged balance) are refused with EpochUnsupported, so every account
// stays at epoch 0 and GapEpochOpenPending and RepresentativeMismatch are
// never returned.
//
// # Validation
//
// Process applies the node's checks in the node's order and returns its
// block_status (Result; Message is the RPC "process" text). For a state
// block: Old if stored; BadSignature unless signed by its account;
// OpenedBurnAccount for the zero account; for an open account Fork if
// previous is zero, GapPrevious if previous is unknown, Fork if previous is
// not the frontier; for a new account GapPrevious if previous is not zero
// and GapSource if link is zero. A lower balance is a send to link (the
// amount becomes receivable by that account). Otherwise a non-zero link is
// a receive: GapSource if the link block is unknown, Unreceivable if no
// receivable entry (account, link) exists, BalanceMismatch unless the
// balance rises by exactly its amount; a zero link is a change and the
// balance must not move (BalanceMismatch). Legacy send, receive and change
// blocks take their account from the previous block and may only follow a
// legacy block (BlockPosition); a legacy send may not raise the balance
// (NegativeSpend). Amounts use nano.Amount's overflow-checked arithmetic.
//
// Work rule: the node's work_thresholds::threshold(block_details) gives
// epoch_2 and epoch_2_receive only to epoch-2 blocks and epoch_1 to every
// epoch-0 and epoch-1 block. With no epoch upgrades here, every block,
// send, receive, open or change, state or legacy, needs difficulty at least
// Thresholds.Epoch1 on its root (0xfe00000000000000 on the dev network),
// else InsufficientWork. It is computed with nano.Thresholds.Threshold for
// epoch 0.
//
// # Atomicity and crashes
//
// One processed block is one bbolt read-write transaction holding the block
// record, its chain-index entry, the account record (frontier, balance,
// representative, block count, confirmation height and frontier), the
// receivable entry it creates or consumes, the representative weights and
// the delegators index it moves, and the block, cemented and account
// counters. A rejected block rolls its transaction back and writes nothing.
// bbolt commits by writing a new meta page after the data pages, so a crash
// at any moment leaves the last committed state; with Options.NoSync unset
// the commit is fsynced before Process returns, so a block Process reported
// as Progress survives a crash.
//
// # Concurrency
//
// Many readers, one writer, as bbolt: queries run in read-only transactions
// and see a consistent snapshot while Process writes. Process calls are
// serialized by a writer slot; ctx bounds the wait for it and nothing else.
// Representative weights and delegator counts are kept incrementally, so
// Weight and DelegatorsCount are one lookup; History, Chain and Successor
// use a per-account height index, so offsets cost nothing.
//
// # Confirmations
//
// Each stored block is cemented in its own transaction (a single node's
// vote is a quorum), and after that transaction has committed one
// Confirmation is published to every Subscription, in commit order, before
// the next Process starts its transaction. Publishing never waits: a
// subscriber whose buffer is full is dropped (its channel is closed, Err
// returns ErrSlowSubscriber, SlowSubscribers counts it). Events of blocks
// whose commit failed are never published. The package starts no
// goroutines.
package ledger
