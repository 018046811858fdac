package ledger

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// testSeed derives the test accounts.
var testSeed = nano.Seed{1, 2, 3}

// testKey returns test account i's private key.
func testKey(i uint32) nano.PrivateKey { return nano.DeriveKey(testSeed, i) }

var (
	genesisKey = nano.DevGenesisKey()
	genesisPub = genesisKey.PublicKey()
	genesisH   = nano.DevGenesisBlock().Hash()
)

// fixedNow is the clock of tests that compare timestamps.
var fixedNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// openTest opens a ledger in a fresh temporary directory (NoSync: the tests
// that need fsync set it back) and closes it at the end of the test.
func openTest(t testing.TB, opts Options) *Ledger {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	l, err := Open(filepath.Join(t.TempDir(), "ledger.db"), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// tester is what the block helpers need from a *testing.T or *rapid.T.
type tester interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// mustWork returns work for root at the highest dev threshold (epoch 2),
// enough for any block.
func mustWork(t tester, root nano.Hash) uint64 {
	t.Helper()
	w, err := nano.Generate(context.Background(), root, nano.DevThresholds().Base())
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return w
}

// finish signs b with key and gives it work.
func finish(t tester, b *nano.Block, key nano.PrivateKey) *nano.Block {
	t.Helper()
	b.Sign(key)
	b.Work = mustWork(t, b.Root())
	return b
}

// stateBlock returns a signed, worked state block of key's account.
func stateBlock(t tester, key nano.PrivateKey, previous nano.Hash, rep nano.PublicKey, balance nano.Amount, link nano.Hash) *nano.Block {
	t.Helper()
	return finish(t, &nano.Block{
		Type: nano.BlockTypeState, Account: key.PublicKey(), Previous: previous,
		Representative: rep, Balance: balance, Link: link,
	}, key)
}

// builder makes valid blocks from the ledger's current state.
type builder struct {
	t tester
	l *Ledger
}

func (bd builder) info(pub nano.PublicKey) (AccountInfo, bool) {
	bd.t.Helper()
	ai, err := bd.l.AccountInfo(pub)
	if err == ErrAccountNotFound {
		return AccountInfo{Account: pub, Representative: pub}, false
	}
	if err != nil {
		bd.t.Fatalf("AccountInfo: %v", err)
	}
	return ai, true
}

// send returns a state send of amount from key's account to to.
func (bd builder) send(key nano.PrivateKey, to nano.PublicKey, amount nano.Amount) *nano.Block {
	bd.t.Helper()
	ai, _ := bd.info(key.PublicKey())
	bal, ok := ai.Balance.Sub(amount)
	if !ok {
		bd.t.Fatalf("send of %s exceeds balance %s", amount, ai.Balance)
	}
	return stateBlock(bd.t, key, ai.Frontier, ai.Representative, bal, nano.Hash(to))
}

// receive returns a state receive (or open) of the send block by key's
// account; a new account takes itself as representative.
func (bd builder) receive(key nano.PrivateKey, send nano.Hash) *nano.Block {
	bd.t.Helper()
	sb, err := bd.l.Block(send)
	if err != nil {
		bd.t.Fatalf("Block(%s): %v", send, err)
	}
	ai, _ := bd.info(key.PublicKey())
	bal, _ := ai.Balance.Add(sb.Amount)
	return stateBlock(bd.t, key, ai.Frontier, ai.Representative, bal, send)
}

// change returns a state change of key's representative.
func (bd builder) change(key nano.PrivateKey, rep nano.PublicKey) *nano.Block {
	bd.t.Helper()
	ai, _ := bd.info(key.PublicKey())
	return stateBlock(bd.t, key, ai.Frontier, rep, ai.Balance, nano.Hash{})
}

// mustProcess processes b and fails unless the result is want.
func mustProcess(t tester, l *Ledger, b *nano.Block, want Result) {
	t.Helper()
	got, err := l.Process(context.Background(), b)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	if got != want {
		t.Fatalf("Process(%s %s) = %v, want %v", b.Type, b.Hash(), got, want)
	}
}

// snapshot copies every bucket's contents.
func snapshot(t tester, l *Ledger) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := l.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				out[string(name)+"/"+string(k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return out
}

func sameSnapshot(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func amt(v uint64) nano.Amount { return nano.NewAmount(v) }
