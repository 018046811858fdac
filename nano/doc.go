// Package nano is the Nano cryptocurrency's primitives as the C++ node
// (nanocurrency/nano-node) defines them: accounts, keys and signatures,
// blocks and their hashes and JSON, proof of work, and 128-bit amounts.
//
// Accounts. A PublicKey is an account. Account encodes it as nano_ followed
// by 60 characters of Nano's base32 alphabet (13456789abcdefghijkmnopqrstuwxyz):
// 4 zero bits and the 256 key bits (52 characters), then the 5-byte blake2b
// digest of the key, byte-reversed (8 characters). ParseAccount also accepts
// xrb_, the deprecated nano- and xrb- (IsDeprecatedFormat), and node_; any
// other input is ErrBadAccount, whose text is the node's "Bad account number".
//
// Keys and signatures. DeriveKey(seed, i) is blake2b-256(seed || be32(i)).
// Signatures are ed25519 with blake2b-512 in place of SHA-512, built on
// filippo.io/edwards25519; Sign is deterministic and reproduces the node's
// signatures bit for bit, and Verify accepts exactly what the node's
// ed25519-donna accepts.
//
// Blocks. A Block holds a state block or one of the legacy send, receive,
// open and change blocks. Hash is blake2b-256 of its fields in wire order
// (state blocks behind a 32-byte preamble holding 6); Root is what its work
// is computed on. MarshalJSON writes the node's JSON shape; ParseBlockJSON,
// ParseBlockMap and ParseBlockFields read it the way the node's property
// tree and deserialize_block_json do, lenient where the node is lenient
// (short hex is right-aligned, "0" is a valid signature or work), and report
// a *BlockFieldError that matches ErrInvalidBlock ("Block is invalid") and
// the field's own node error (ErrBadBalance, ErrBadLink, ...).
//
// Work. Difficulty is the 8-byte blake2b of the work (little-endian) and the
// root, read little-endian; work is valid when its difficulty reaches the
// threshold. Thresholds holds a network's three thresholds (DevThresholds,
// LiveThresholds, BetaThresholds, from the node's work_thresholds); Generate
// searches on every CPU with package pow's engine (nano/pow: AVX-512, AVX2 or
// portable kernels) until it finds work or its context ends; Multiplier,
// DifficultyFromMultiplier and FormatMultiplier compute and print
// multipliers as the node's RPC does.
//
// Amounts. An Amount is an unsigned 128-bit number of raw with overflow-checked
// arithmetic; ParseAmount and String use the node's decimal form. 1 nano is
// 10^30 raw (RawPerNano); NanoToRaw and RawToNano convert whole nano as the
// node's nano_to_raw and raw_to_nano do.
//
// Epochs. EpochLink and EpochOfLink map Epoch1 and Epoch2 to their links
// ("epoch v1 block", "epoch v2 block", zero padded); DevEpochSigner is the
// dev network's signer of both (the genesis account).
//
// The dev network's genesis (key, block, hash) is in genesis.go; its test
// recomputes the hash and checks the signature and work against the node's
// published values, which exercises every primitive at once.
//
// Hex output is uppercase (hashes, keys, signatures) except work, which is
// 16 lowercase digits, as in the node. Errors are sentinels carrying the
// node's exact message, so a caller can put err.Error() in an RPC answer, or
// typed errors whose text starts with "nano:". Nothing here starts a
// goroutine that outlives the call, and everything is safe for concurrent
// use except mutating a Block that another goroutine reads.
package nano
