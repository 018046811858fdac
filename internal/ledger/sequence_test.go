package ledger

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// fillChain stores a send to A, A's open, and then n sends from A to B,
// and returns the stored blocks' hashes in commit order (without the
// genesis).
func fillChain(t *testing.T, l *Ledger, n int) []nano.Hash {
	bd := builder{t, l}
	s := bd.send(genesisKey, pubA, amt(1000))
	mustProcess(t, l, s, Progress)
	open := bd.receive(keyA, s.Hash())
	mustProcess(t, l, open, Progress)
	out := []nano.Hash{s.Hash(), open.Hash()}
	for range n {
		b := bd.send(keyA, pubB, amt(1))
		mustProcess(t, l, b, Progress)
		out = append(out, b.Hash())
	}
	return out
}

// seqHashes is the hashes of cs, checking that their sequences run from
// first without a gap.
func seqHashes(t *testing.T, cs []Confirmation, first uint64) []nano.Hash {
	t.Helper()
	var out []nano.Hash
	for i, c := range cs {
		if c.Sequence != first+uint64(i) {
			t.Fatalf("confirmation %d has sequence %d, want %d", i, c.Sequence, first+uint64(i))
		}
		out = append(out, c.Hash)
	}
	return out
}

func TestSequenceSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	stored := fillChain(t, l, 3)
	l.Close()

	rec := &recorder{}
	l, err = Open(path, Options{NoSync: true, OnConfirm: rec.hook})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if n := l.ConfirmationSequence(); n != uint64(len(stored))+1 {
		t.Fatalf("ConfirmationSequence after reopen = %d, want %d", n, len(stored)+1)
	}
	for i, h := range stored {
		sb, err := l.Block(h)
		if err != nil || sb.Sequence != uint64(i)+2 {
			t.Errorf("block %d: sequence %d, err %v", i, sb.Sequence, err)
		}
	}
	if g, _ := l.Block(genesisH); g.Sequence != 1 {
		t.Errorf("genesis sequence %d", g.Sequence)
	}
	b := builder{t, l}.send(keyA, pubB, amt(1))
	mustProcess(t, l, b, Progress)
	if got := rec.take(); len(got) != 1 || got[0].Sequence != uint64(len(stored))+2 {
		t.Errorf("event after reopen: %+v", got)
	}
	if err := l.Check(context.Background()); err != nil {
		t.Error(err)
	}
}

// TestSequenceNoGapAfterRollback: a batch that fails after taking numbers
// gives none away; the next committed block takes the next number.
func TestSequenceNoGapAfterRollback(t *testing.T) {
	rec := &recorder{}
	l := openTest(t, Options{NoSync: true, OnConfirm: rec.hook})
	blocks, _ := batchBlocks(t)
	blocks = blocks[:4] // s1, openA, fork, sA: the error comes at sA
	boom := errors.New("boom")
	l.testAfterRun = func(w *writeTx, p *proc, r Result) error {
		if p.hash == blocks[3].Hash() {
			return boom
		}
		return nil
	}
	for i, o := range submitInOrder(t, l, blocks) {
		if !errors.Is(o.err, boom) {
			t.Errorf("block %d: %v %v, want boom", i, o.r, o.err)
		}
	}
	if n := l.ConfirmationSequence(); n != 1 || rec.calls != 0 {
		t.Fatalf("after a rolled-back batch: ConfirmationSequence %d, %d hook calls", n, rec.calls)
	}
	l.testAfterRun = nil
	mustProcess(t, l, blocks[0], Progress)
	mustProcess(t, l, blocks[1], Progress)
	seqHashes(t, rec.take(), 2)
	got, err := l.ConfirmationsFrom(1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if h := seqHashes(t, got, 1); len(h) != 3 || h[1] != blocks[0].Hash() || h[2] != blocks[1].Hash() {
		t.Errorf("ConfirmationsFrom = %v", h)
	}
	if err := l.Check(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestConfirmationsFromPaging(t *testing.T) {
	rec := &recorder{}
	l := openTest(t, Options{NoSync: true, OnConfirm: rec.hook})
	fillChain(t, l, 8) // sequences 1..11
	published := rec.take()
	top := l.ConfirmationSequence()
	if top != 11 {
		t.Fatalf("ConfirmationSequence = %d", top)
	}

	// Page through everything, 3 at a time, resuming after the last seen.
	var all []Confirmation
	for next := uint64(0); ; {
		page, err := l.ConfirmationsFrom(next, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 3 {
			t.Fatalf("page of %d", len(page))
		}
		all = append(all, page...)
		if len(page) < 3 {
			break
		}
		next = page[len(page)-1].Sequence + 1
	}
	seqHashes(t, all, 1)
	if uint64(len(all)) != top || all[0].Hash != genesisH {
		t.Fatalf("paged %d confirmations, want %d from the genesis", len(all), top)
	}
	// The rebuilt confirmations equal the published ones but for what is
	// not stored (Election's duration, tally and instant).
	for i, p := range published {
		r := all[i+1]
		if r.Hash != p.Hash || *r.Block != *p.Block || r.Account != p.Account || r.Amount != p.Amount ||
			r.Subtype != p.Subtype || r.Height != p.Height || r.Sequence != p.Sequence || r.ConfirmationType != p.ConfirmationType {
			t.Errorf("rebuilt %d = %+v, published %+v", i, r, p)
		}
		if !r.Election.Time.Equal(fixedNow) || r.Election.Duration != 0 || !r.Election.Tally.IsZero() || r.Election.VoterCount != 1 {
			t.Errorf("rebuilt %d election %+v", i, r.Election)
		}
	}

	tests := []struct {
		seq   uint64
		limit int
		want  []uint64 // first and count
	}{
		{0, 1, []uint64{1, 1}},
		{1, 100, []uint64{1, 11}},
		{5, 2, []uint64{5, 2}},
		{11, 5, []uint64{11, 1}},
		{12, 5, []uint64{12, 0}},
		{1 << 63, 5, []uint64{1 << 63, 0}},
	}
	for _, tt := range tests {
		got, err := l.ConfirmationsFrom(tt.seq, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if uint64(len(got)) != tt.want[1] {
			t.Errorf("ConfirmationsFrom(%d, %d): %d confirmations, want %d", tt.seq, tt.limit, len(got), tt.want[1])
			continue
		}
		seqHashes(t, got, tt.want[0])
	}
	if _, err := l.ConfirmationsFrom(1, 0); !errors.Is(err, ErrBadRange) {
		t.Errorf("limit 0: %v", err)
	}
}

// downgrade turns a ledger file into what schema 1 wrote: block records
// without the sequence, no confirmations bucket, no highest sequence.
func downgrade(tx *bolt.Tx) error {
	b := tx.Bucket(bucketBlocks)
	recs := map[string][]byte{}
	if err := b.ForEach(func(k, v []byte) error {
		recs[string(k)] = append([]byte(nil), v[:blockRecordSizeV1]...)
		return nil
	}); err != nil {
		return err
	}
	for k, v := range recs {
		if err := b.Put([]byte(k), v); err != nil {
			return err
		}
	}
	m := tx.Bucket(bucketMeta)
	return errors.Join(tx.DeleteBucket(bucketConfirmations), m.Delete(keyConfirmationSeq),
		m.Put(keySchema, binary.BigEndian.AppendUint32(nil, schemaVersionV1)))
}

// TestUpgradeSchema1 opens files without sequences: a committed one made
// by the build before sequences (testdata/schema1.db), and one downgraded
// here from a ledger whose commit order interleaves accounts.
func TestUpgradeSchema1(t *testing.T) {
	t.Run("downgraded", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ledger.db")
		// Every block has the same timestamp: the order must come from
		// the dependencies, not the clock.
		l, err := Open(path, Options{NoSync: true, Now: func() time.Time { return fixedNow }})
		if err != nil {
			t.Fatal(err)
		}
		bd := builder{t, l}
		s1 := bd.send(genesisKey, pubA, amt(100))
		mustProcess(t, l, s1, Progress)
		s2 := bd.send(genesisKey, pubB, amt(50))
		mustProcess(t, l, s2, Progress)
		mustProcess(t, l, bd.receive(keyB, s2.Hash()), Progress)
		openA := bd.receive(keyA, s1.Hash())
		mustProcess(t, l, openA, Progress)
		sA := bd.send(keyA, pubB, amt(1))
		mustProcess(t, l, sA, Progress)
		mustProcess(t, l, bd.receive(keyB, sA.Hash()), Progress)
		before, _ := l.BlockCount()
		l.Close()
		rewrite(t, path, downgrade)
		checkUpgrade(t, path, before)
	})
	t.Run("written by the build before", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ledger.db")
		copyFile(t, filepath.Join("testdata", "schema1.db"), path)
		rep, err := CheckFile(context.Background(), path, time.Second)
		if err != nil || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], "opening it with this build") {
			t.Fatalf("CheckFile before the upgrade: %+v %v", rep, err)
		}
		checkUpgrade(t, path, 8) // the genesis and the 7 blocks of TestMakeSchema1 (the commit adding the file)
	})
}

// checkUpgrade opens path (a schema-1 file of blocks blocks) and checks
// that every block got a sequence in a dependency order.
func checkUpgrade(t *testing.T, path string, blocks uint64) {
	t.Helper()
	l, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatalf("Open of a schema-1 file: %v", err)
	}
	defer l.Close()
	if err := l.Check(context.Background()); err != nil { // dependency order included
		t.Fatal(err)
	}
	if n := l.ConfirmationSequence(); n != blocks || blocks < 2 {
		t.Fatalf("ConfirmationSequence = %d for %d blocks", n, blocks)
	}
	all, err := l.ConfirmationsFrom(1, int(blocks)+1)
	if err != nil {
		t.Fatal(err)
	}
	if seqHashes(t, all, 1); uint64(len(all)) != blocks || all[0].Hash != genesisH {
		t.Errorf("%d confirmations after the upgrade", len(all))
	}
	bd := builder{t, l}
	mustProcess(t, l, bd.send(genesisKey, pubA, amt(1)), Progress)
	if n := l.ConfirmationSequence(); n != blocks+1 {
		t.Errorf("next block got sequence %d", n)
	}
}

// copyFile copies the fixture src to dst, which the test may change.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
