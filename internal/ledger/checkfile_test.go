package ledger

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// checkFileLedger writes a small ledger (a few accounts, sends, receives and
// a change) to a file, closes it and returns its path.
func checkFileLedger(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	bd := builder{t, l}
	for i := range uint32(6) {
		k := testKey(7000 + i)
		send := bd.send(genesisKey, k.PublicKey(), amt(uint64(1000+i)))
		mustProcess(t, l, send, Progress)
		mustProcess(t, l, bd.receive(k, send.Hash()), Progress)
		if i%2 == 0 {
			mustProcess(t, l, bd.change(k, genesisPub), Progress)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckFile(t *testing.T) {
	k0 := testKey(7000).PublicKey()
	tests := []struct {
		name  string
		alter func(t *testing.T, tx *bolt.Tx) error // nil: leave the file as written
		want  string                                // a substring of the problems; "" for none
	}{
		{"consistent", nil, ""},
		{"weight altered", func(t *testing.T, tx *bolt.Tx) error {
			w := amt(12345).Bytes()
			return tx.Bucket(bucketWeights).Put(k0[:], w[:])
		}, "weight of"},
		{"account balance altered", func(t *testing.T, tx *bolt.Tx) error {
			v, err := decodeAccount(k0, tx.Bucket(bucketAccounts).Get(k0[:]))
			if err != nil {
				t.Fatal(err)
			}
			v.Balance = amt(1)
			return tx.Bucket(bucketAccounts).Put(k0[:], encodeAccount(&v))
		}, "balance 1, its frontier block says 1000"},
		{"account record truncated", func(t *testing.T, tx *bolt.Tx) error {
			return tx.Bucket(bucketAccounts).Put(k0[:], []byte{1, 2, 3})
		}, "corrupt"},
		{"block counter altered", func(t *testing.T, tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keyBlockCount, u64Bytes(3))
		}, "block counts disagree"},
		{"receivable without its send", func(t *testing.T, tx *bolt.Tx) error {
			var send nano.Hash
			send[0] = 1
			a := amt(5).Bytes()
			return tx.Bucket(bucketReceivable).Put(append(k0[:32:32], send[:]...), append(genesisPub[:32:32], a[:]...))
		}, "does not match its send"},
		{"other genesis", func(t *testing.T, tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keyGenesis, make([]byte, 32))
		}, "not a dev ledger file"},
		{"foreign bbolt file", func(t *testing.T, tx *bolt.Tx) error {
			return tx.DeleteBucket(bucketMeta)
		}, "no meta bucket"},
		{"confirmation sequence gap", func(t *testing.T, tx *bolt.Tx) error {
			return tx.Bucket(bucketConfirmations).Delete(u64Bytes(5))
		}, "confirmation sequence 6 follows 4"},
		{"highest sequence altered", func(t *testing.T, tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keyConfirmationSeq, u64Bytes(99))
		}, "highest confirmation sequence 99 in meta, 16 blocks"},
		{"sequence index names another block", func(t *testing.T, tx *bolt.Tx) error {
			return tx.Bucket(bucketConfirmations).Put(u64Bytes(4), genesisH[:])
		}, "confirmation sequence 4 names block"},
		{"receive numbered before its send", func(t *testing.T, tx *bolt.Tx) error {
			// Swap the numbers of the first send (2) and its receive (3),
			// in the records and the index alike.
			idx := tx.Bucket(bucketConfirmations)
			send, open := nano.Hash(idx.Get(u64Bytes(2))), nano.Hash(idx.Get(u64Bytes(3)))
			for _, sw := range []struct {
				h   nano.Hash
				seq uint64
			}{{send, 3}, {open, 2}} {
				sb, _, err := getBlock(tx, sw.h)
				if err != nil {
					t.Fatal(err)
				}
				sb.Sequence = sw.seq
				if err := errors.Join(tx.Bucket(bucketBlocks).Put(sw.h[:], encodeBlock(&sb)), idx.Put(u64Bytes(sw.seq), sw.h[:])); err != nil {
					return err
				}
			}
			return nil
		}, "which it depends on"},
		{"schema 1 file", func(t *testing.T, tx *bolt.Tx) error { return downgrade(tx) }, "opening it with this build (the node, at start) upgrades it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := checkFileLedger(t)
			if tt.alter != nil {
				rewrite(t, path, func(tx *bolt.Tx) error { return tt.alter(t, tx) })
			}
			rep, err := CheckFile(context.Background(), path, time.Second)
			if err != nil {
				t.Fatalf("CheckFile: %v", err)
			}
			if tt.want == "" {
				if len(rep.Problems) != 0 {
					t.Fatalf("problems in a consistent ledger: %q", rep.Problems)
				}
				if rep.Blocks != 1+6*2+3 || rep.Accounts != 7 || rep.Pages == 0 {
					t.Errorf("report = %+v, want 16 blocks, 7 accounts, some pages", rep)
				}
				return
			}
			if !strings.Contains(strings.Join(rep.Problems, "\n"), tt.want) {
				t.Errorf("problems = %q, want one containing %q", rep.Problems, tt.want)
			}
		})
	}
}

// TestCheckFilePages damages a page of the file and expects bbolt's page
// check to report it (and the record check, which could not trust the
// page, not to run).
func TestCheckFilePages(t *testing.T) {
	path := checkFileLedger(t)
	var root uint64
	var pageSize int
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	pageSize = db.Info().PageSize
	db.View(func(tx *bolt.Tx) error {
		root = uint64(tx.Bucket(bucketBlocks).Root())
		return nil
	})
	db.Close()
	if root == 0 {
		t.Fatal("the blocks bucket is inline; the test needs a page of its own")
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// A page header is id (8 bytes), flags (2), count (2), overflow (4):
	// flags that name no page type.
	if _, err := f.WriteAt([]byte{0xff, 0x7f}, int64(root)*int64(pageSize)+8); err != nil {
		t.Fatal(err)
	}
	f.Close()

	rep, err := CheckFile(context.Background(), path, time.Second)
	if err != nil {
		t.Fatalf("CheckFile: %v", err)
	}
	if len(rep.Problems) == 0 || !strings.HasPrefix(rep.Problems[0], "bbolt: ") {
		t.Fatalf("problems = %q, want bbolt's page problem first", rep.Problems)
	}
	t.Logf("problems: %q", rep.Problems)
}

func TestCheckFileCannotRun(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		_, err := CheckFile(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), time.Second)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("CheckFile = %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("not bbolt", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ledger.db")
		if err := os.WriteFile(path, make([]byte, 8192), 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := CheckFile(context.Background(), path, time.Second)
		if err != nil || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], "not a readable bbolt file") {
			t.Errorf("CheckFile = %+v, %v, want one 'not a readable bbolt file' problem", rep, err)
		}
	})
	t.Run("locked by an open ledger", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ledger.db")
		l, err := Open(path, Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		start := time.Now()
		_, err = CheckFile(context.Background(), path, 200*time.Millisecond)
		if !errors.Is(err, ErrLocked) {
			t.Errorf("CheckFile = %v, want ErrLocked", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("CheckFile waited %v for a 200ms lock wait", d)
		}
	})
}
