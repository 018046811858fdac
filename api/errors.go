package api

import (
	"errors"
	"strconv"
	"time"

	"github.com/nipc/nipc/api/fb"
)

// Error is a failure that crosses the wire: an Envelope whose message is an
// Error table {code, message}. The codes are the node's error_common values
// (the node never sets the table's category, and neither does nipc).
type Error struct {
	Code    int32
	Message string
}

func (e *Error) Error() string { return "api: error " + strconv.Itoa(int(e.Code)) + ": " + e.Message }

// Is reports whether target is an *Error with the same code and message, so
// errors.Is(err, api.ErrAccessDenied) works on a freshly built error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && e != nil && t.Code == e.Code && t.Message == e.Message
}

// Table returns the Error table that carries e.
func (e *Error) Table() *fb.ErrorT { return &fb.ErrorT{Code: e.Code, Message: e.Message} }

// Error codes: nano::error_common, numbered as the node numbers them.
const (
	CodeGeneric                     int32 = 1  // generic: "Unknown error"; also every parse/verify/dispatch failure
	CodeException                   int32 = 2  // "Exception thrown"
	CodeAccessDenied                int32 = 3  // "Access denied"
	CodeAccountNotFound             int32 = 4  // "Account not found"
	CodeAccountNotFoundWallet       int32 = 5  // "Account not found in wallet"
	CodeAccountExists               int32 = 6  // "Account already exists"
	CodeBadAccountNumber            int32 = 7  // "Bad account number"
	CodeBadBalance                  int32 = 8  // "Bad balance"
	CodeBadLink                     int32 = 9  // "Bad link value"
	CodeBadPrevious                 int32 = 10 // "Bad previous hash"
	CodeBadRepresentativeNumber     int32 = 11 // "Bad representative"
	CodeBadSource                   int32 = 12 // "Bad source"
	CodeBadSignature                int32 = 13 // "Bad signature"
	CodeBadPrivateKey               int32 = 14 // "Bad private key"
	CodeBadPublicKey                int32 = 15 // "Bad public key"
	CodeBadSeed                     int32 = 16 // "Bad seed"
	CodeBadThreshold                int32 = 17 // "Bad threshold number"
	CodeBadWalletNumber             int32 = 18 // "Bad wallet number"
	CodeBadWorkFormat               int32 = 19 // "Bad work"
	CodeDisabledLocalWorkGeneration int32 = 20 // "Local work generation is disabled"
	CodeDisabledWorkGeneration      int32 = 21 // "Work generation is disabled"
	CodeFailureWorkGeneration       int32 = 22 // "Work generation cancellation or failure"
	CodeMissingAccount              int32 = 23 // "Missing account"
	CodeMissingBalance              int32 = 24 // "Missing balance"
	CodeMissingLink                 int32 = 25 // "Missing link, source or destination"
	CodeMissingPrevious             int32 = 26 // "Missing previous"
	CodeMissingRepresentative       int32 = 27 // "Missing representative"
	CodeMissingSignature            int32 = 28 // "Missing signature"
	CodeMissingWork                 int32 = 29 // "Missing work"
	CodeInvalidAmount               int32 = 30 // "Invalid amount number"
	CodeInvalidAmountBig            int32 = 31 // "Amount too big"
	CodeInvalidCount                int32 = 32 // "Invalid count"
	CodeInvalidIndex                int32 = 33 // "Invalid index"
	CodeInvalidIPAddress            int32 = 34 // "Invalid IP address"
	CodeInvalidPort                 int32 = 35 // "Invalid port"
	CodeInvalidTypeConversion       int32 = 36 // "Invalid type conversion"
	CodeInvalidWork                 int32 = 37 // "Invalid work"
	CodeInsufficientBalance         int32 = 38 // "Insufficient balance"
	CodeIsNotStateBlock             int32 = 39 // the node has no text for it ("Invalid error code")
	CodeNumericConversion           int32 = 40 // "Numeric conversion error"
	CodeTrackingNotEnabled          int32 = 41 // "Database transaction tracking is not enabled in the config"
	CodeWalletLMDBMaxDBs            int32 = 42 // "Failed to create wallet. Increase lmdb_max_dbs in node config"
	CodeWalletLocked                int32 = 43 // "Wallet is locked"
	CodeWalletNotFound              int32 = 44 // "Wallet not found"

	// nipc extension: 100 + the node's error_blocks value, for the block
	// queries nipc adds (the node's v2 API has none, so no code clashes).
	CodeBadHashNumber int32 = 102 // "Bad hash number"
	CodeBlockNotFound int32 = 106 // "Block not found"
)

var codeTexts = map[int32]string{
	1: "Unknown error", 2: "Exception thrown", 3: "Access denied", 4: "Account not found",
	5: "Account not found in wallet", 6: "Account already exists", 7: "Bad account number",
	8: "Bad balance", 9: "Bad link value", 10: "Bad previous hash", 11: "Bad representative",
	12: "Bad source", 13: "Bad signature", 14: "Bad private key", 15: "Bad public key",
	16: "Bad seed", 17: "Bad threshold number", 18: "Bad wallet number", 19: "Bad work",
	20: "Local work generation is disabled", 21: "Work generation is disabled",
	22: "Work generation cancellation or failure", 23: "Missing account", 24: "Missing balance",
	25: "Missing link, source or destination", 26: "Missing previous",
	27: "Missing representative", 28: "Missing signature", 29: "Missing work",
	30: "Invalid amount number", 31: "Amount too big", 32: "Invalid count", 33: "Invalid index",
	34: "Invalid IP address", 35: "Invalid port", 36: "Invalid type conversion",
	37: "Invalid work", 38: "Insufficient balance", 39: "Invalid error code",
	40: "Numeric conversion error",
	41: "Database transaction tracking is not enabled in the config",
	42: "Failed to create wallet. Increase lmdb_max_dbs in node config",
	43: "Wallet is locked", 44: "Wallet not found",
	102: "Bad hash number", 106: "Block not found",
}

// CodeText is the node's text for code ("Invalid error code" for codes it
// does not know, as the node says).
func CodeText(code int32) string {
	if s, ok := codeTexts[code]; ok {
		return s
	}
	return "Invalid error code"
}

// NewError returns the error with code and the node's text for it.
func NewError(code int32) *Error { return &Error{Code: code, Message: CodeText(code)} }

// The errors the IPC v2 dispatch produces, with the node's exact texts.
// Compare with errors.Is; do not modify them.
var (
	// ErrVerify: a binary buffer failed verification (or could not be decoded).
	ErrVerify = &Error{CodeGeneric, "Envelope buffer did not pass verifier"}
	// ErrUnknownMessageType: no handler for the message type (NONE, a reply
	// or event type, or an id this schema does not know).
	ErrUnknownMessageType = &Error{CodeGeneric, "Unknown message type"}
	// ErrInvalidMessage: a handled type whose message table is absent (the
	// node crashes instead; see spec §5.3).
	ErrInvalidMessage = &Error{CodeGeneric, "Invalid message"}
	// ErrAccessDenied: the credentials lack the message's permission.
	ErrAccessDenied = &Error{CodeAccessDenied, "Access denied"}
	// ErrBadAccountNumber: an account field is not a valid address.
	ErrBadAccountNumber = &Error{CodeBadAccountNumber, "Bad account number"}
	// ErrUnknownException: what an unexpected internal failure becomes
	// (the node's text for a non-nano exception).
	ErrUnknownException = &Error{CodeGeneric, "Unknown exception"}
)

// AsError returns the *Error in err's chain, or ErrUnknownException for any
// other non-nil error, so internal error texts never reach a client. It
// returns nil for nil.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	if e, ok := errors.AsType[*Error](err); ok && e != nil {
		return e
	}
	return ErrUnknownException
}

// Millis is t as the Envelope's time: milliseconds since the Unix epoch.
func Millis(t time.Time) uint64 { return uint64(t.UnixMilli()) }

// ErrorEnvelope is the reply for err (see AsError) stamped with now. Pass the
// request's correlation id where the node echoes it (access denied, handler
// errors) and "" where it does not (parse, verify, unknown message type).
func ErrorEnvelope(err error, correlationID string, now time.Time) *fb.EnvelopeT {
	e := AsError(err)
	if e == nil {
		e = NewError(CodeGeneric)
	}
	return &fb.EnvelopeT{
		Time:          Millis(now),
		CorrelationId: correlationID,
		Message:       &fb.MessageT{Type: fb.MessageError, Value: e.Table()},
	}
}
