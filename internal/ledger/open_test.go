package ledger

import (
	"context"
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

func TestGenesisAfterOpen(t *testing.T) {
	l := openTest(t, Options{})
	ai, err := l.AccountInfo(genesisPub)
	if err != nil {
		t.Fatal(err)
	}
	want := AccountInfo{
		Account: genesisPub, Frontier: genesisH, OpenBlock: genesisH, RepresentativeBlock: genesisH,
		Representative: genesisPub, Balance: nano.GenesisAmount, Modified: fixedNow,
		BlockCount: 1, ConfirmationHeight: 1, ConfirmationFrontier: genesisH, Epoch: nano.Epoch0,
	}
	if ai != want {
		t.Errorf("genesis AccountInfo = %+v\nwant %+v", ai, want)
	}
	if genesisH.String() != nano.DevGenesisHashHex {
		t.Fatalf("genesis hash %s", genesisH)
	}
	sb, err := l.Block(genesisH)
	if err != nil {
		t.Fatal(err)
	}
	if *sb.Block != *nano.DevGenesisBlock() || sb.Account != genesisPub || sb.Height != 1 ||
		sb.Balance != nano.GenesisAmount || sb.Amount != nano.GenesisAmount || sb.Subtype != SubtypeReceive ||
		sb.Counterpart != genesisPub || !sb.Timestamp.Equal(fixedNow) || !sb.Confirmed {
		t.Errorf("genesis block = %+v", sb)
	}
	if n, c := l.BlockCount(); n != 1 || c != 1 {
		t.Errorf("BlockCount = %d, %d", n, c)
	}
	if n := l.AccountCount(); n != 1 {
		t.Errorf("AccountCount = %d", n)
	}
	if w, err := l.Weight(genesisPub); err != nil || w != nano.GenesisAmount {
		t.Errorf("Weight(genesis) = %s, %v", w, err)
	}
	if reps, err := l.Representatives(); err != nil || len(reps) != 1 || reps[genesisPub] != nano.GenesisAmount {
		t.Errorf("Representatives = %v, %v", reps, err)
	}
	if n, err := l.DelegatorsCount(genesisPub); err != nil || n != 1 {
		t.Errorf("DelegatorsCount = %d, %v", n, err)
	}
	if _, err := l.AccountInfo(pubA); !errors.Is(err, ErrAccountNotFound) || err.Error() != "Account not found" {
		t.Errorf("AccountInfo(unknown) = %v", err)
	}
	if ai, opened, err := l.Account(pubA); err != nil || opened || ai != (AccountInfo{}) {
		t.Errorf("Account(unknown) = %+v, %t, %v", ai, opened, err)
	}
	if ai, opened, err := l.Account(genesisPub); err != nil || !opened || ai != want {
		t.Errorf("Account(genesis) = %+v, %t, %v", ai, opened, err)
	}
	if _, err := l.Block(nano.Hash{1}); !errors.Is(err, ErrBlockNotFound) || err.Error() != "Block not found" {
		t.Errorf("Block(unknown) = %v", err)
	}
	if err := l.Check(context.Background()); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestReopenKeepsState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	bd := builder{t, l}
	send := bd.send(genesisKey, pubA, amt(1000))
	mustProcess(t, l, send, Progress)
	mustProcess(t, l, bd.receive(keyA, send.Hash()), Progress)
	mustProcess(t, l, bd.change(keyA, pubB), Progress)
	mustProcess(t, l, bd.send(genesisKey, pubB, amt(5)), Progress)
	before := snapshot(t, l)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if !sameSnapshot(before, snapshot(t, l)) {
		t.Error("reopened ledger differs")
	}
	if n, c := l.BlockCount(); n != 5 || c != 5 {
		t.Errorf("BlockCount after reopen = %d, %d", n, c)
	}
	if n := l.AccountCount(); n != 2 {
		t.Errorf("AccountCount after reopen = %d", n)
	}
	if w, _ := l.Weight(pubB); w != amt(1000) {
		t.Errorf("Weight(B) after reopen = %s", w)
	}
	if err := l.Check(context.Background()); err != nil {
		t.Errorf("Check: %v", err)
	}
}

// rewrite opens the bbolt file directly and applies fn.
func rewrite(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRejectsOtherFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(tx *bolt.Tx) error
		want  error
	}{
		{"schema version", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, schemaVersion+1))
		}, ErrSchemaVersion},
		{"other genesis", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keyGenesis, make([]byte, 32))
		}, ErrNotLedger},
		{"missing bucket", func(tx *bolt.Tx) error {
			return tx.DeleteBucket(bucketDelegators)
		}, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ledger.db")
			l, err := Open(path, Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			l.Close()
			rewrite(t, path, tt.setup)
			if l, err := Open(path, Options{}); !errors.Is(err, tt.want) {
				if err == nil {
					l.Close()
				}
				t.Errorf("Open = %v, want %v", err, tt.want)
			}
		})
	}

	t.Run("foreign bbolt file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "other.db")
		rewrite(t, path, func(tx *bolt.Tx) error {
			_, err := tx.CreateBucket([]byte("wallets"))
			return err
		})
		if _, err := Open(path, Options{}); !errors.Is(err, ErrNotLedger) {
			t.Errorf("Open = %v, want ErrNotLedger", err)
		}
	})
}
