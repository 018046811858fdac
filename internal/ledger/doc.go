// Package ledger is a single-node Nano dev-network ledger stored in one
// bbolt file: it validates blocks as the node's ledger_processor does,
// stores and cements each valid one atomically (blocks submitted
// concurrently may share one commit), answers the node's ledger queries,
// and hands a confirmation event per block, numbered by a durable
// confirmation sequence, to a hook (Options.OnConfirm).
//
// # Genesis and scope
//
// Open creates the file with the dev genesis (nano.DevGenesisBlock): the
// genesis account holds and represents nano.GenesisAmount (2^128-1 raw), and
// the block is cemented. Later opens check the schema version
// (ErrSchemaVersion; a schema-1 file is upgraded, see below) and the
// genesis (ErrNotLedger); a file another process holds open (a running
// node) is ErrLocked after a second. State blocks and the four legacy
// block types are accepted, and so are the dev network's epoch v1 and v2
// blocks (see Epochs).
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
// A legacy receive or open of a send of epoch 1 or 2 is Unreceivable (a
// state-only send).
//
// # Epochs
//
// A state block whose link is an epoch link (nano.EpochLink: "epoch v1
// block", "epoch v2 block") and whose balance equals its previous block's
// (zero for a first block) is an epoch block, judged as the node's
// epoch_block_impl: Old; BadSignature unless signed by the epoch signer
// (nano.DevEpochSigner, the genesis key; never the account's own key);
// OpenedBurnAccount; for an opened account Fork if previous is zero or not
// the frontier and RepresentativeMismatch if the representative changes;
// for an unopened account RepresentativeMismatch unless the representative
// is zero, GapPrevious unless previous is zero (the node does not look), and
// GapEpochOpenPending unless something was sent to it; BlockPosition unless
// the epoch is the account's plus one (an unopened account may open at
// either); InsufficientWork. An epoch block moves no weight and no balance
// (subtype SubtypeEpoch, amount zero); it sets the account's epoch
// (AccountInfo.Epoch). An epoch link with a changed balance is an ordinary
// send or receive. An unknown previous is GapPrevious, or BadSignature if
// signed neither by the account nor by the epoch signer.
//
// A state block's epoch is its account's, raised to the send's epoch when
// it receives (so receiving an epoch-2 send, or opening from one, makes the
// account epoch 2); the receivable entry a send creates carries the send's
// epoch (ReceivableEntry.Epoch).
//
// Work rule: the node's work_thresholds::threshold(block_details), with
// nano.Thresholds.Threshold: every block of epoch 0 or 1 (legacy blocks are
// always epoch 0) needs Thresholds.Epoch1 (0xfe00000000000000 on the dev
// network); an epoch-2 receive or epoch block Thresholds.Epoch2Receive
// (0xf000000000000000); an epoch-2 send or change Thresholds.Epoch2
// (0xffc0000000000000); else InsufficientWork.
//
// # Unchecked blocks
//
// As the node's block processor and unchecked_map: a block that got
// GapPrevious, GapSource or GapEpochOpenPending is kept, in memory, under
// what it waits for (its previous, its source or link, or for an epoch
// open its account), and Process still returns that result. When a block
// is accepted, the blocks waiting for its hash (and, for a send, for its
// destination account) are processed again, and so on for those they let
// in (cascading), on the accepting caller's goroutine before its Process
// returns. A block kept just as its dependency committed is looked at
// again at once, so none is left waiting for a block already there. The
// store holds at most Options.MaxUnchecked blocks (DefaultMaxUnchecked,
// the node's 65536): beyond it the oldest is evicted and counted
// (UncheckedCount). Unchecked, UncheckedGet, UncheckedKeys and
// UncheckedClear answer the node's unchecked actions. The store does not
// survive Close, as the node's does not survive a restart.
//
// # Atomicity, group commit and crashes
//
// Each block is applied atomically: its block record, chain-index entry,
// account record (frontier, balance, representative, block count,
// confirmation height and frontier), the receivable entry it creates or
// consumes, the representative weights and delegators index it moves, and
// the block, cemented and account counters are all written, or none is.
// Validation only reads: every result other than Progress is decided
// before the block's first write, so a rejected block writes nothing (a
// write counter enforces this; should a rejected block ever have written,
// its transaction is rolled back and run again without it).
//
// Blocks submitted concurrently may share one commit (one fsync): group
// commit. Process queues its block; whichever caller holds the single
// writer slot takes every block queued at that moment and any queued while
// it works (at most 256, never waiting for more, so a lone caller is not
// delayed), validates and applies them in arrival order in one bbolt
// read-write transaction, each block seeing the effects of those before it
// (a send and its receive may share a transaction), and commits once. A storage error fails the whole
// transaction: every block in it gets the error and none is stored. A
// commit that cannot write the file (a full disk) fails its blocks with a
// *WriteError ("ledger write failed: no space left on device", wrapping
// ErrWrite and bbolt's error), counted by WriteErrors; reads go on.
//
// A block is acknowledged only once durable: Process returns Progress
// after the transaction holding the block has committed, and with
// Options.NoSync unset that commit has been fsynced, so a block Process
// reported as Progress survives a crash. bbolt commits by writing a new
// meta page after the data pages, so a crash at any moment leaves the last
// committed state. CheckFile is the check to run after one, offline: it
// opens the file read-only (waiting a bounded time for the lock a running
// node holds), runs bbolt's page check and then Check's invariants, and
// lists what is wrong (`nipc ledger check`).
//
// # Concurrency
//
// Many readers, one writer, as bbolt: queries run in read-only transactions
// and see a consistent snapshot while blocks are written. Transactions
// that write run one at a time. ctx bounds only the wait in the queue: if
// it ends before the block has been taken into a transaction, Process
// returns ctx.Err() and the block is not applied; once taken, Process
// waits for that transaction and returns its outcome whatever ctx does.
// Close stops accepting blocks, waits for the transaction in progress and
// fails the blocks still queued with ErrClosed (they are not applied).
// Representative weights and delegator counts are kept incrementally, so
// DelegatorsCount is one lookup and Weight one map read: the weights are
// also mirrored in memory, as the node keeps its rep_weights, updated after
// each commit and before its callers are answered (a reader racing a batch
// may see the weights before or after it, never half of it); History,
// Chain and Successor
// use a per-account height index, so offsets cost nothing.
//
// # Confirmations and their sequence
//
// Each stored block is cemented in the transaction that stores it (a
// single node's vote is a quorum) and gets the next number of the ledger's
// confirmation sequence (StoredBlock.Sequence, Confirmation.Sequence): its
// place in confirmation order, 1 for the genesis, then one more per stored
// block, strictly increasing and without a gap. The number is stored in
// the block's record, indexed (sequence → hash) and its highest value kept
// in the meta bucket, all in the block's transaction, so it is known after
// a restart and a transaction that rolls back gives no number away.
// ConfirmationSequence is the highest number; ConfirmationsFrom(seq,
// limit) reads the confirmations from seq on, in order (for a subscriber
// that resumes), rebuilding what was known only at the commit (see there).
//
// After a transaction has committed, the block and account counters are
// updated and the Options.OnConfirm hook gets one Confirmation per stored
// block, in sequence order, before the callers are answered and before the
// next transaction starts: the calls carry every number once and in
// order. The hook runs on the caller that leads the batch, holding the
// writer slot, so it must not block. Events of blocks whose commit failed
// are never given to it. The package starts no goroutines: the caller
// holding the writer slot does the work of its transaction.
//
// Schema 1 files (written before the sequence) are upgraded by Open, in one
// transaction: every block is numbered in a dependency order (after its
// previous block and, for a receive, its source send; otherwise by
// timestamp, height and hash). CheckFile, read-only, reports such a file as
// one that Open will upgrade; Check verifies the sequence's invariants.
package ledger
