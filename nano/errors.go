package nano

import (
	"errors"
	"fmt"
)

// Errors whose text is exactly the message the C++ node puts in an RPC
// "error" field, so a caller can hand err.Error() straight to a client. The
// node's enum is named after each one (nano/lib/errors.cpp).
var (
	// ErrBadAccount is error_common::bad_account_number.
	ErrBadAccount = errors.New("Bad account number")
	// ErrBadBalance is error_common::bad_balance.
	ErrBadBalance = errors.New("Bad balance")
	// ErrBadLink is error_common::bad_link.
	ErrBadLink = errors.New("Bad link value")
	// ErrBadPrevious is error_common::bad_previous.
	ErrBadPrevious = errors.New("Bad previous hash")
	// ErrBadRepresentative is error_common::bad_representative_number.
	ErrBadRepresentative = errors.New("Bad representative")
	// ErrBadSource is error_common::bad_source.
	ErrBadSource = errors.New("Bad source")
	// ErrBadDestination is error_rpc::bad_destination.
	ErrBadDestination = errors.New("Bad destination account")
	// ErrBadSignature is error_common::bad_signature.
	ErrBadSignature = errors.New("Bad signature")
	// ErrBadWork is error_common::bad_work_format.
	ErrBadWork = errors.New("Bad work")
	// ErrBadPrivateKey is error_common::bad_private_key.
	ErrBadPrivateKey = errors.New("Bad private key")
	// ErrBadPublicKey is error_common::bad_public_key.
	ErrBadPublicKey = errors.New("Bad public key")
	// ErrBadSeed is error_common::bad_seed.
	ErrBadSeed = errors.New("Bad seed")
	// ErrBadHash is error_blocks::bad_hash_number.
	ErrBadHash = errors.New("Bad hash number")
	// ErrInvalidAmount is error_common::invalid_amount.
	ErrInvalidAmount = errors.New("Invalid amount number")
	// ErrAmountTooBig is error_common::invalid_amount_big.
	ErrAmountTooBig = errors.New("Amount too big")
	// ErrInvalidBlock is error_blocks::invalid_block: the node's one answer
	// to any block it cannot deserialize.
	ErrInvalidBlock = errors.New("Block is invalid")
	// ErrInvalidBlockType is error_blocks::invalid_type.
	ErrInvalidBlockType = errors.New("Invalid block type")
)

// BlockFieldError reports the field of a block that failed to parse. It
// matches ErrInvalidBlock (what the node reports for the whole block) and the
// field's own sentinel (ErrBadBalance for "balance", and so on) under
// errors.Is.
type BlockFieldError struct {
	Field   string // the JSON key, e.g. "balance"
	Missing bool   // the key was absent
	Err     error  // the field's sentinel, e.g. ErrBadBalance
}

func (e *BlockFieldError) Error() string {
	if e.Missing {
		return fmt.Sprintf("nano: block has no %q field", e.Field)
	}
	return fmt.Sprintf("nano: block field %q: %v", e.Field, e.Err)
}

// Unwrap returns ErrInvalidBlock and the field's sentinel.
func (e *BlockFieldError) Unwrap() []error { return []error{ErrInvalidBlock, e.Err} }
