package ledger

import (
	"errors"
	"strings"
	"syscall"
)

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
	// ErrLocked is returned by CheckFile and Open when another process, such
	// as a running node, holds the file's lock past the wait it was given.
	ErrLocked = errors.New("ledger: file locked by another process")
	// ErrWrite is wrapped, with a *WriteError, by the error of every block
	// in a batch whose commit could not write the file.
	ErrWrite = errors.New("ledger write failed")
	// ErrInvalidBlock is returned by Process for a nil block or one whose
	// Type is not a block type; such a block has no hash to judge.
	ErrInvalidBlock = errors.New("ledger: invalid block")
)

// WriteError is a commit that could not write the ledger file (a full
// disk, a file size limit, an I/O error): none of its blocks is stored and
// the ledger stays readable. Its message says what failed in the system's
// words, "ledger write failed: no space left on device", without the path,
// so an RPC reply may carry it.
type WriteError struct {
	Err error // bbolt's error
}

func (e *WriteError) Error() string {
	cause := e.Err.Error()
	if errno, ok := errors.AsType[syscall.Errno](e.Err); ok {
		cause = errno.Error()
	} else if i := strings.LastIndex(cause, ": "); i >= 0 {
		// bbolt formats some errors with %s ("file resize error:
		// truncate PATH: file too large"): the system's words come last.
		cause = cause[i+2:]
	}
	return ErrWrite.Error() + ": " + cause
}

func (e *WriteError) Unwrap() []error { return []error{ErrWrite, e.Err} }
