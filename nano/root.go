package nano

import "errors"

// ErrInvalidRoot is error_rpc::invalid_root, the node's answer to a
// qualified root that does not parse.
var ErrInvalidRoot = errors.New("Invalid root hash")

// QualifiedRoot names an election: the block's root followed by its
// previous hash (the root and previous of the node's qualified_root; for
// an open block the account and zero). It is printed as 128 uppercase hex
// digits.
type QualifiedRoot [64]byte

// ParseQualifiedRoot parses a qualified root the way the node's
// uint512_union::decode_hex does: 1 to 128 hex digits of either case,
// right-aligned. It returns ErrInvalidRoot otherwise.
func ParseQualifiedRoot(s string) (QualifiedRoot, error) {
	var r QualifiedRoot
	if !decodeHexNumber(r[:], s) {
		return QualifiedRoot{}, ErrInvalidRoot
	}
	return r, nil
}

// String returns the root as 128 uppercase hex digits.
func (r QualifiedRoot) String() string { return encodeHexUpper(r[:]) }
