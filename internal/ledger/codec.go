package ledger

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/nipc/nipc/nano"
)

// Records are fixed-size big-endian byte strings; each decoder checks the
// length and returns ErrCorrupt otherwise. Keys that iterate (heights,
// receivable, delegators) start with the account so that one account's
// entries are adjacent and in order.

// writer appends fixed-size fields to a record.
type writer struct{ b []byte }

func (w *writer) bytes(p []byte) { w.b = append(w.b, p...) }
func (w *writer) u8(v uint8)     { w.b = append(w.b, v) }
func (w *writer) u64(v uint64)   { w.b = binary.BigEndian.AppendUint64(w.b, v) }
func (w *writer) amount(a nano.Amount) {
	v := a.Bytes()
	w.b = append(w.b, v[:]...)
}

// reader consumes fixed-size fields; the caller checks the length first.
type reader struct{ b []byte }

func (r *reader) take(n int) []byte {
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}
func (r *reader) hash() (h nano.Hash)     { copy(h[:], r.take(32)); return h }
func (r *reader) key() (k nano.PublicKey) { copy(k[:], r.take(32)); return k }
func (r *reader) u8() uint8               { return r.take(1)[0] }
func (r *reader) u64() uint64             { return binary.BigEndian.Uint64(r.take(8)) }
func (r *reader) amount() nano.Amount     { return nano.AmountFromBytes([16]byte(r.take(16))) }
func (r *reader) sig() (s nano.Signature) { copy(s[:], r.take(64)); return s }
func (r *reader) seconds() time.Time      { return time.Unix(int64(r.u64()), 0).UTC() }

func corrupt(what string, n int) error {
	return fmt.Errorf("%w: %s record of %d bytes", ErrCorrupt, what, n)
}

// blockRecordSize is a block's fields (281 bytes: type, account, previous,
// representative, balance, link, source, destination, signature, work) and
// its sideband (121 bytes: account, height, balance, amount, subtype,
// timestamp, counterpart, confirmation sequence). Schema 1 had no
// sequence: its records are blockRecordSizeV1 bytes, the same fields
// without the last (upgrade.go appends it).
const (
	blockRecordSizeV1 = 1 + 32*3 + 16 + 32*3 + 64 + 8 + 32 + 8 + 16 + 16 + 1 + 8 + 32
	blockRecordSize   = blockRecordSizeV1 + 8
)

// encodeBlock returns the record stored under a block's hash.
func encodeBlock(sb *StoredBlock) []byte {
	b := sb.Block
	w := writer{make([]byte, 0, blockRecordSize)}
	w.u8(uint8(b.Type))
	w.bytes(b.Account[:])
	w.bytes(b.Previous[:])
	w.bytes(b.Representative[:])
	w.amount(b.Balance)
	w.bytes(b.Link[:])
	w.bytes(b.Source[:])
	w.bytes(b.Destination[:])
	w.bytes(b.Signature[:])
	w.u64(b.Work)
	w.bytes(sb.Account[:])
	w.u64(sb.Height)
	w.amount(sb.Balance)
	w.amount(sb.Amount)
	w.u8(uint8(sb.Subtype))
	w.u64(uint64(sb.Timestamp.Unix()))
	w.bytes(sb.Counterpart[:])
	w.u64(sb.Sequence)
	return w.b
}

// decodeBlock parses a block record; hash is its key. Confirmed is always
// true: every stored block is cemented in the same transaction.
func decodeBlock(hash nano.Hash, v []byte) (StoredBlock, error) {
	if len(v) != blockRecordSize {
		return StoredBlock{}, corrupt("block", len(v))
	}
	r := reader{v}
	b := &nano.Block{Type: nano.BlockType(r.u8())}
	b.Account = r.key()
	b.Previous = r.hash()
	b.Representative = r.key()
	b.Balance = r.amount()
	b.Link = r.hash()
	b.Source = r.hash()
	b.Destination = r.key()
	b.Signature = r.sig()
	b.Work = r.u64()
	sb := StoredBlock{Hash: hash, Block: b}
	sb.Account = r.key()
	sb.Height = r.u64()
	sb.Balance = r.amount()
	sb.Amount = r.amount()
	sb.Subtype = Subtype(r.u8())
	sb.Timestamp = r.seconds()
	sb.Counterpart = r.key()
	sb.Sequence = r.u64()
	sb.Confirmed = true
	return sb, nil
}

// accountRecordSize: head, open block, representative block,
// representative, balance, modified, block count, confirmation height,
// confirmation frontier, epoch.
const accountRecordSize = 32*4 + 16 + 8*3 + 32 + 1

func encodeAccount(ai *AccountInfo) []byte {
	w := writer{make([]byte, 0, accountRecordSize)}
	w.bytes(ai.Frontier[:])
	w.bytes(ai.OpenBlock[:])
	w.bytes(ai.RepresentativeBlock[:])
	w.bytes(ai.Representative[:])
	w.amount(ai.Balance)
	w.u64(uint64(ai.Modified.Unix()))
	w.u64(ai.BlockCount)
	w.u64(ai.ConfirmationHeight)
	w.bytes(ai.ConfirmationFrontier[:])
	w.u8(uint8(ai.Epoch))
	return w.b
}

func decodeAccount(account nano.PublicKey, v []byte) (AccountInfo, error) {
	if len(v) != accountRecordSize {
		return AccountInfo{}, corrupt("account", len(v))
	}
	r := reader{v}
	return AccountInfo{
		Account:              account,
		Frontier:             r.hash(),
		OpenBlock:            r.hash(),
		RepresentativeBlock:  r.hash(),
		Representative:       r.key(),
		Balance:              r.amount(),
		Modified:             r.seconds(),
		BlockCount:           r.u64(),
		ConfirmationHeight:   r.u64(),
		ConfirmationFrontier: r.hash(),
		Epoch:                nano.Epoch(r.u8()),
	}, nil
}

// receivableRecordSize: source account, amount; a send of epoch 1 or 2
// adds one byte, its epoch (an entry of 48 bytes is of epoch 0).
const receivableRecordSize = 32 + 16

func encodeReceivable(source nano.PublicKey, amount nano.Amount, epoch nano.Epoch) []byte {
	w := writer{make([]byte, 0, receivableRecordSize+1)}
	w.bytes(source[:])
	w.amount(amount)
	if epoch != nano.Epoch0 {
		w.u8(uint8(epoch))
	}
	return w.b
}

func decodeReceivable(v []byte) (ReceivableEntry, error) {
	if len(v) != receivableRecordSize && len(v) != receivableRecordSize+1 {
		return ReceivableEntry{}, corrupt("receivable", len(v))
	}
	r := reader{v}
	e := ReceivableEntry{Source: r.key(), Amount: r.amount()}
	if len(r.b) == 1 {
		e.Epoch = nano.Epoch(r.u8())
	}
	return e, nil
}

func decodeAmount(v []byte) (nano.Amount, error) {
	if len(v) != 16 {
		return nano.Amount{}, corrupt("amount", len(v))
	}
	return nano.AmountFromBytes([16]byte(v)), nil
}

func decodeU64(v []byte) (uint64, error) {
	if len(v) != 8 {
		return 0, corrupt("counter", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

func u64Bytes(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// pairKey is a 64-byte key: an account followed by a hash or another
// account (receivable: destination || send hash; delegators: rep || account).
func pairKey(a nano.PublicKey, b [32]byte) []byte {
	k := make([]byte, 64)
	copy(k, a[:])
	copy(k[32:], b[:])
	return k
}

// heightKey is account || height (8 bytes big-endian), so that heights sort
// numerically within an account.
func heightKey(a nano.PublicKey, height uint64) []byte {
	k := make([]byte, 40)
	copy(k, a[:])
	binary.BigEndian.PutUint64(k[32:], height)
	return k
}
