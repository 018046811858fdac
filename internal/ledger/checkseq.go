package ledger

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// checkSequences verifies the confirmation sequence of a ledger holding
// blocks blocks: the confirmations index holds exactly the keys 1..blocks,
// each naming a stored block whose record carries that sequence (so every
// block has one, and no two share one); each block's previous block and
// source send come earlier; the meta bucket's highest sequence is blocks.
func checkSequences(tx *bolt.Tx, blocks uint64, bad func(string, ...any) error) error {
	want := uint64(1)
	err := tx.Bucket(bucketConfirmations).ForEach(func(k, v []byte) error {
		if len(k) != 8 || len(v) != 32 {
			return bad("confirmations entry of %d and %d bytes", len(k), len(v))
		}
		seq := binary.BigEndian.Uint64(k)
		if seq != want {
			return bad("confirmation sequence %d follows %d", seq, want-1)
		}
		want++
		sb, ok, err := getBlock(tx, [32]byte(v))
		if err != nil {
			return err
		}
		if !ok || sb.Sequence != seq {
			return bad("confirmation sequence %d names block %X, which has sequence %d", seq, v, sb.Sequence)
		}
		prev, source := dependencies(&sb)
		for _, h := range [2][32]byte{prev, source} {
			d, ok, err := getBlock(tx, h)
			if err != nil {
				return err
			}
			if ok && d.Sequence >= seq {
				return bad("block %s (sequence %d) comes before %s (sequence %d), which it depends on", sb.Hash, seq, d.Hash, d.Sequence)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n := want - 1; n != blocks {
		return bad("%d confirmation sequences for %d blocks", n, blocks)
	}
	top, err := decodeU64(tx.Bucket(bucketMeta).Get(keyConfirmationSeq))
	if err != nil {
		return err
	}
	if top != blocks {
		return bad("highest confirmation sequence %d in meta, %d blocks", top, blocks)
	}
	return nil
}
