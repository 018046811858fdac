package ledger

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// schemaVersionV1 is the layout before confirmation sequences: block
// records without the sequence, no confirmations bucket, no
// keyConfirmationSeq.
const schemaVersionV1 = 1

// upgradeV1 brings a schema-1 file to schemaVersion inside tx, which Open
// commits as a whole (a failure leaves the file as it was). Schema 1 did
// not record the confirmation order, so upgradeV1 makes one up that every
// later reader can rely on: a dependency order, in which each block comes
// after its previous block and, for a receive, after its source send, and
// otherwise by local timestamp, then height, then hash. Each block record
// gets its sequence appended, the confirmations index is built and the
// meta bucket gets the highest sequence and the new schema version.
//
// A read-only transaction (CheckFile) cannot upgrade: the error wraps
// ErrSchemaVersion and says that opening the file upgrades it.
func upgradeV1(tx *bolt.Tx) error {
	if !tx.Writable() {
		return fmt.Errorf("%w: the file has schema %d (written before confirmation sequences); "+
			"opening it with this build (the node, at start) upgrades it to %d", ErrSchemaVersion, schemaVersionV1, schemaVersion)
	}
	blocks, meta := tx.Bucket(bucketBlocks), tx.Bucket(bucketMeta)
	if blocks == nil {
		return fmt.Errorf("%w: bucket %s missing", ErrCorrupt, bucketBlocks)
	}
	type entry struct {
		hash         nano.Hash
		time, height uint64
		prev, source nano.Hash
		seq          uint64
		expanded     bool
	}
	entries := map[nano.Hash]*entry{}
	err := blocks.ForEach(func(k, v []byte) error {
		if len(k) != 32 {
			return fmt.Errorf("%w: block key of %d bytes", ErrCorrupt, len(k))
		}
		if len(v) != blockRecordSizeV1 {
			return corrupt("schema 1 block", len(v))
		}
		sb, err := decodeBlock(nano.Hash(k), append(v[:len(v):len(v)], make([]byte, 8)...))
		if err != nil {
			return err
		}
		prev, source := dependencies(&sb)
		entries[sb.Hash] = &entry{hash: sb.Hash, time: uint64(sb.Timestamp.Unix()), height: sb.Height, prev: prev, source: source}
		return nil
	})
	if err != nil {
		return err
	}
	order := make([]*entry, 0, len(entries))
	for _, e := range entries {
		order = append(order, e)
	}
	slices.SortFunc(order, func(a, b *entry) int {
		return cmp.Or(cmp.Compare(a.time, b.time), cmp.Compare(a.height, b.height), slices.Compare(a.hash[:], b.hash[:]))
	})

	// Depth first, iteratively (a chain may be long): a block gets its
	// number once the blocks it depends on have theirs.
	var seq uint64
	var stack []*entry
	numbered := make([]*entry, 0, len(entries))
	for _, root := range order {
		stack = append(stack[:0], root)
		for len(stack) > 0 {
			e := stack[len(stack)-1]
			if e.seq != 0 {
				stack = stack[:len(stack)-1]
				continue
			}
			e.expanded = true
			waiting := false
			for _, h := range [2]nano.Hash{e.prev, e.source} {
				d, ok := entries[h]
				if !ok || d.seq != 0 {
					continue
				}
				if d.expanded { // an ancestor on the stack: a cycle
					return fmt.Errorf("%w: blocks %s and %s depend on each other", ErrCorrupt, e.hash, d.hash)
				}
				stack = append(stack, d)
				waiting = true
			}
			if !waiting {
				seq++
				e.seq = seq
				numbered = append(numbered, e)
				stack = stack[:len(stack)-1]
			}
		}
	}

	index, err := tx.CreateBucketIfNotExists(bucketConfirmations)
	if err != nil {
		return err
	}
	for _, e := range numbered {
		v := blocks.Get(e.hash[:])
		rec := binary.BigEndian.AppendUint64(append(make([]byte, 0, blockRecordSize), v...), e.seq)
		if err := blocks.Put(e.hash[:], rec); err != nil {
			return err
		}
		if err := index.Put(u64Bytes(e.seq), e.hash[:]); err != nil {
			return err
		}
	}
	if err := meta.Put(keyConfirmationSeq, u64Bytes(seq)); err != nil {
		return err
	}
	return meta.Put(keySchema, binary.BigEndian.AppendUint32(nil, schemaVersion))
}

// dependencies names the blocks a block must follow in confirmation order:
// its previous block (zero for an open) and, for a receive, the send it
// receives (zero otherwise). Either may name no stored block (the genesis's
// source is its own account).
func dependencies(sb *StoredBlock) (prev, source nano.Hash) {
	b := sb.Block
	if sb.Subtype == SubtypeReceive {
		switch b.Type {
		case nano.BlockTypeState:
			source = b.Link
		case nano.BlockTypeOpen, nano.BlockTypeReceive:
			source = b.Source
		}
	}
	return b.Previous, source
}
