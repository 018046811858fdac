package nano

// BlockType is the kind of a block. Its values are the node's
// nano::block_type, which are also the type byte of the wire format.
type BlockType uint8

// The block types. Send, receive, open and change are the legacy blocks; every
// block created today is a state block.
const (
	BlockTypeInvalid  BlockType = 0
	BlockTypeSend     BlockType = 2
	BlockTypeReceive  BlockType = 3
	BlockTypeOpen     BlockType = 4
	BlockTypeChange   BlockType = 5
	BlockTypeState    BlockType = 6
	blockTypeNotBlock BlockType = 1 // the node's not_a_block, never a Block's type
)

// String returns the name the node uses in a block's "type" field.
func (t BlockType) String() string {
	switch t {
	case BlockTypeSend:
		return "send"
	case BlockTypeReceive:
		return "receive"
	case BlockTypeOpen:
		return "open"
	case BlockTypeChange:
		return "change"
	case BlockTypeState:
		return "state"
	case blockTypeNotBlock:
		return "not_a_block"
	}
	return "invalid"
}

// ParseBlockType returns the type named s ("state", "send", "receive",
// "open" or "change"), or false.
func ParseBlockType(s string) (BlockType, bool) {
	switch s {
	case "send":
		return BlockTypeSend, true
	case "receive":
		return BlockTypeReceive, true
	case "open":
		return BlockTypeOpen, true
	case "change":
		return BlockTypeChange, true
	case "state":
		return BlockTypeState, true
	}
	return BlockTypeInvalid, false
}

// Block is a block of any type. Which fields are meaningful depends on Type:
//
//	state:   Account Previous Representative Balance Link
//	send:    Previous Destination Balance
//	receive: Previous Source
//	open:    Source Representative Account
//	change:  Previous Representative
//
// and every type has Signature and Work. Fields a type does not use are
// ignored by Hash and by the JSON encoding.
type Block struct {
	Type           BlockType
	Account        PublicKey // state, open
	Previous       Hash      // state, send, receive, change; zero opens a state chain
	Representative PublicKey // state, open, change
	Balance        Amount    // state, send: the balance after this block
	Link           Hash      // state: destination account, source hash, or epoch link
	Source         Hash      // receive, open: the send block received
	Destination    PublicKey // send
	Signature      Signature
	Work           uint64
}

// statePreamble is the 32-byte number 6 (block_type::state) that the node
// hashes in front of a state block's fields, so a state block can never
// hash like a legacy one.
var statePreamble = [32]byte{31: byte(BlockTypeState)}

// Hash returns the block hash: blake2b-256 of the type's fields in wire
// order. For a state block that is
// preamble || account || previous || representative || balance || link;
// for legacy blocks it is send: previous || destination || balance,
// receive: previous || source, open: source || representative || account,
// change: previous || representative. Balances are 16 big-endian bytes.
// Signature and work are not hashed. An invalid Type hashes to zero.
func (b *Block) Hash() Hash {
	switch b.Type {
	case BlockTypeState:
		bal := b.Balance.Bytes()
		return blake2b256(statePreamble[:], b.Account[:], b.Previous[:], b.Representative[:], bal[:], b.Link[:])
	case BlockTypeSend:
		bal := b.Balance.Bytes()
		return blake2b256(b.Previous[:], b.Destination[:], bal[:])
	case BlockTypeReceive:
		return blake2b256(b.Previous[:], b.Source[:])
	case BlockTypeOpen:
		return blake2b256(b.Source[:], b.Representative[:], b.Account[:])
	case BlockTypeChange:
		return blake2b256(b.Previous[:], b.Representative[:])
	}
	return Hash{}
}

// Root returns the value the block's work is computed on: Previous, or the
// account for a block that opens its chain (an open block, or a state block
// whose Previous is zero).
func (b *Block) Root() Hash {
	switch {
	case b.Type == BlockTypeOpen:
		return Hash(b.Account)
	case b.Type == BlockTypeState && b.Previous.IsZero():
		return Hash(b.Account)
	}
	return b.Previous
}

// Difficulty returns the difficulty of the block's work on its root.
func (b *Block) Difficulty() uint64 { return Difficulty(b.Root(), b.Work) }

// Sign sets the block's signature: priv signs the block hash. For state and
// open blocks priv must be the key of Account for the node to accept it.
func (b *Block) Sign(priv PrivateKey) {
	h := b.Hash()
	b.Signature = Sign(priv, h[:])
}

// VerifySignature reports whether the block's signature is signer's
// signature of its hash. Legacy send, receive and change blocks do not carry
// their account, so the caller names the signer.
func (b *Block) VerifySignature(signer PublicKey) bool {
	h := b.Hash()
	return Verify(signer, h[:], b.Signature)
}

// LinkAsAccount returns a state block's link read as an account (the node's
// "link_as_account" field).
func (b *Block) LinkAsAccount() string { return PublicKey(b.Link).Account() }
