package ledger

import "errors"

// Errors a query can return. The two not-found errors carry the node's RPC
// text, as the nano package's errors do, so a caller can answer with
// err.Error(); the others start with "ledger:".
var (
	// ErrAccountNotFound is the node's error_common::account_not_found:
	// the account has no block in the ledger.
	ErrAccountNotFound = errors.New("Account not found")
	// ErrBlockNotFound is the node's error_blocks::not_found.
	ErrBlockNotFound = errors.New("Block not found")

	// ErrClosed is returned by every method once Close has been called.
	ErrClosed = errors.New("ledger: closed")
	// ErrSchemaVersion is returned by Open for a file written by another
	// version of this package; the error says which version it holds.
	ErrSchemaVersion = errors.New("ledger: unsupported schema version")
	// ErrNotLedger is returned by Open for a bbolt file that is not a ledger
	// of this network (no schema bucket, or another genesis).
	ErrNotLedger = errors.New("ledger: not a dev ledger file")
	// ErrCorrupt reports a record that cannot be decoded or an invariant that
	// does not hold. Process returns it without storing anything.
	ErrCorrupt = errors.New("ledger: corrupt")
	// ErrLocked is returned by CheckFile when another process, such as a
	// running node, holds the file's lock past the wait it was given.
	ErrLocked = errors.New("ledger: file locked by another process")
	// ErrInvalidBlock is returned by Process for a nil block or one whose
	// Type is not a block type; such a block has no hash to judge.
	ErrInvalidBlock = errors.New("ledger: invalid block")

	// ErrSubscriptionClosed is Subscription.Err after Subscription.Close.
	ErrSubscriptionClosed = errors.New("ledger: subscription closed")
	// ErrSlowSubscriber is Subscription.Err after the subscription was
	// dropped because its buffer was full when an event was published.
	ErrSlowSubscriber = errors.New("ledger: slow subscriber dropped")
)
