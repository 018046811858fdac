package ledger

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// schemaVersion is the layout of the buckets below. Open upgrades a file
// of schema 1 (no confirmation sequence; upgrade.go) and refuses any other.
const schemaVersion = 2

// The buckets. Every processed block writes to several of them in one
// transaction.
var (
	// meta: schema version, genesis hash, block/cemented/account counters,
	// the highest confirmation sequence.
	bucketMeta = []byte("meta")
	// blocks: block hash -> block record (block and sideband).
	bucketBlocks = []byte("blocks")
	// heights: account || be64(height) -> block hash; the chain index behind
	// History, Chain and Successor.
	bucketHeights = []byte("heights")
	// accounts: account -> account record; its head is the frontier.
	bucketAccounts = []byte("accounts")
	// receivable: destination || send hash -> source account || amount.
	bucketReceivable = []byte("receivable")
	// weights: representative -> delegated weight; absent when zero.
	bucketWeights = []byte("weights")
	// delegators: representative || account -> empty.
	bucketDelegators = []byte("delegators")
	// delegatorCounts: representative -> be64 number of delegators; absent when zero.
	bucketDelegatorCounts = []byte("delegator_counts")
	// confirmations: be64(confirmation sequence) -> block hash; the index
	// behind ConfirmationsFrom (schema 2).
	bucketConfirmations = []byte("confirmations")

	allBuckets = [][]byte{
		bucketMeta, bucketBlocks, bucketHeights, bucketAccounts, bucketReceivable,
		bucketWeights, bucketDelegators, bucketDelegatorCounts, bucketConfirmations,
	}
)

// Keys of the meta bucket.
var (
	keySchema       = []byte("schema")
	keyGenesis      = []byte("genesis")
	keyBlockCount   = []byte("block_count")
	keyCemented     = []byte("cemented_count")
	keyAccountCount = []byte("account_count")
	// keyConfirmationSeq is the highest confirmation sequence given, which
	// is the number of stored blocks (schema 2).
	keyConfirmationSeq = []byte("confirmation_seq")
)

// prepare checks an existing ledger's schema and genesis, or lays out an
// empty file with the genesis. It reports whether it created the ledger.
func prepare(tx *bolt.Tx, now time.Time) (bool, error) {
	genesis := nano.DevGenesisBlock()
	genesisHash := genesis.Hash()
	if m := tx.Bucket(bucketMeta); m != nil {
		v := m.Get(keySchema)
		if len(v) != 4 {
			return false, fmt.Errorf("%w: no schema version", ErrNotLedger)
		}
		got := binary.BigEndian.Uint32(v)
		if got != schemaVersion && got != schemaVersionV1 {
			return false, fmt.Errorf("%w: file has %d, this build reads %d", ErrSchemaVersion, got, schemaVersion)
		}
		if g := m.Get(keyGenesis); len(g) != 32 || nano.Hash(g) != genesisHash {
			return false, fmt.Errorf("%w: genesis %X", ErrNotLedger, g)
		}
		if got == schemaVersionV1 {
			if err := upgradeV1(tx); err != nil {
				return false, err
			}
		}
		for _, name := range allBuckets {
			if tx.Bucket(name) == nil {
				return false, fmt.Errorf("%w: bucket %s missing", ErrCorrupt, name)
			}
		}
		return false, nil
	}
	empty := true
	tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
	if !empty {
		return false, fmt.Errorf("%w: no %s bucket", ErrNotLedger, bucketMeta)
	}
	for _, name := range allBuckets {
		if _, err := tx.CreateBucket(name); err != nil {
			return false, err
		}
	}
	return true, storeGenesis(tx, genesis, now)
}

// storeGenesis writes the dev genesis open block: the genesis account holds
// and represents the whole supply, and the block is cemented.
func storeGenesis(tx *bolt.Tx, g *nano.Block, now time.Time) error {
	hash := g.Hash()
	if hash.String() != nano.DevGenesisHashHex || !g.VerifySignature(g.Account) {
		return fmt.Errorf("%w: dev genesis does not verify", ErrCorrupt)
	}
	now = now.Truncate(time.Second)
	w := newWriteTx(tx)
	sb := &StoredBlock{
		Hash: hash, Block: g, Account: g.Account, Height: 1,
		Balance: nano.GenesisAmount, Amount: nano.GenesisAmount,
		Subtype: SubtypeReceive, Counterpart: g.Account, Timestamp: now,
	}
	ai := &AccountInfo{
		Account: g.Account, Frontier: hash, OpenBlock: hash, RepresentativeBlock: hash,
		Representative: g.Representative, Balance: nano.GenesisAmount, Modified: now,
		BlockCount: 1, ConfirmationHeight: 1, ConfirmationFrontier: hash,
	}
	m := tx.Bucket(bucketMeta)
	sv := binary.BigEndian.AppendUint32(nil, schemaVersion)
	for _, err := range []error{
		m.Put(keySchema, sv),
		m.Put(keyGenesis, hash[:]),
		m.Put(keyBlockCount, u64Bytes(0)),
		m.Put(keyCemented, u64Bytes(0)),
		m.Put(keyAccountCount, u64Bytes(0)),
		m.Put(keyConfirmationSeq, u64Bytes(0)),
		w.putBlock(sb),
		w.putAccount(ai, nil),
		w.addWeight(g.Representative, nano.GenesisAmount),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// writeTx wraps a read-write transaction with the ledger's mutations, each
// of which keeps the indexes and counters that depend on it in step.
type writeTx struct {
	tx                                          *bolt.Tx
	meta, blocks, heights, accounts, receivable *bolt.Bucket
	weights, delegators, delegatorCounts        *bolt.Bucket
	confirmations                               *bolt.Bucket

	// writes counts the Puts and Deletes made through put and del, the
	// only way the mutations below write. A batch compares it around each
	// block: a rejected block must not have moved it (see runBatch).
	writes int

	// newWeights holds the weights this transaction set (zero: deleted),
	// for the ledger's in-memory mirror once it commits.
	newWeights map[nano.PublicKey]nano.Amount
}

func newWriteTx(tx *bolt.Tx) *writeTx {
	return &writeTx{
		tx:              tx,
		meta:            tx.Bucket(bucketMeta),
		blocks:          tx.Bucket(bucketBlocks),
		heights:         tx.Bucket(bucketHeights),
		accounts:        tx.Bucket(bucketAccounts),
		receivable:      tx.Bucket(bucketReceivable),
		weights:         tx.Bucket(bucketWeights),
		delegators:      tx.Bucket(bucketDelegators),
		delegatorCounts: tx.Bucket(bucketDelegatorCounts),
		confirmations:   tx.Bucket(bucketConfirmations),
	}
}

// put and del are the writes of every mutation below, counted.
func (w *writeTx) put(b *bolt.Bucket, k, v []byte) error {
	w.writes++
	return b.Put(k, v)
}

func (w *writeTx) del(b *bolt.Bucket, k []byte) error {
	w.writes++
	return b.Delete(k)
}

// addCounter adds delta to a meta counter.
func (w *writeTx) addCounter(key []byte, delta uint64) error {
	v, err := decodeU64(w.meta.Get(key))
	if err != nil {
		return err
	}
	return w.put(w.meta, key, u64Bytes(v+delta))
}

// putBlock stores a new block with the next confirmation sequence (set in
// sb.Sequence), its height and sequence index entries, and counts it as
// stored and cemented. The sequence is read and advanced in the
// transaction, so a transaction that rolls back gives no number away.
func (w *writeTx) putBlock(sb *StoredBlock) error {
	seq, err := decodeU64(w.meta.Get(keyConfirmationSeq))
	if err != nil {
		return err
	}
	sb.Sequence = seq + 1
	if err := w.put(w.blocks, sb.Hash[:], encodeBlock(sb)); err != nil {
		return err
	}
	if err := w.put(w.heights, heightKey(sb.Account, sb.Height), sb.Hash[:]); err != nil {
		return err
	}
	if err := w.put(w.confirmations, u64Bytes(sb.Sequence), sb.Hash[:]); err != nil {
		return err
	}
	if err := w.put(w.meta, keyConfirmationSeq, u64Bytes(sb.Sequence)); err != nil {
		return err
	}
	if err := w.addCounter(keyBlockCount, 1); err != nil {
		return err
	}
	return w.addCounter(keyCemented, 1)
}

// putAccount writes an account's record. old is its previous record, nil
// for a new account; the delegators index follows a representative change.
func (w *writeTx) putAccount(ai *AccountInfo, old *AccountInfo) error {
	if err := w.put(w.accounts, ai.Account[:], encodeAccount(ai)); err != nil {
		return err
	}
	if old == nil {
		if err := w.addCounter(keyAccountCount, 1); err != nil {
			return err
		}
		return w.addDelegator(ai.Representative, ai.Account)
	}
	if old.Representative == ai.Representative {
		return nil
	}
	if err := w.removeDelegator(old.Representative, ai.Account); err != nil {
		return err
	}
	return w.addDelegator(ai.Representative, ai.Account)
}

// block reads a stored block, or returns ok false.
func getBlock(tx *bolt.Tx, hash nano.Hash) (StoredBlock, bool, error) {
	v := tx.Bucket(bucketBlocks).Get(hash[:])
	if v == nil {
		return StoredBlock{}, false, nil
	}
	sb, err := decodeBlock(hash, v)
	return sb, err == nil, err
}

// getAccount reads an account record, or returns ok false.
func getAccount(tx *bolt.Tx, account nano.PublicKey) (AccountInfo, bool, error) {
	v := tx.Bucket(bucketAccounts).Get(account[:])
	if v == nil {
		return AccountInfo{}, false, nil
	}
	ai, err := decodeAccount(account, v)
	return ai, err == nil, err
}

// blockAtHeight returns the hash of an account's block at height, or false.
func blockAtHeight(tx *bolt.Tx, account nano.PublicKey, height uint64) (nano.Hash, bool) {
	v := tx.Bucket(bucketHeights).Get(heightKey(account, height))
	if len(v) != 32 {
		return nano.Hash{}, false
	}
	return nano.Hash(v), true
}
