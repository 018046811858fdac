package wallet

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

// devWork generates work with package nano on every core.
type devWork struct{}

func (devWork) Generate(ctx context.Context, root nano.Hash, threshold uint64) (uint64, error) {
	return nano.Generate(ctx, root, threshold)
}

// failWork never finds work.
type failWork struct{}

func (failWork) Generate(context.Context, nano.Hash, uint64) (uint64, error) {
	return 0, errors.New("cancelled")
}

type buildEnv struct {
	bd    *Builder
	led   *ledger.Ledger
	id    ID
	gen   nano.PrivateKey
	other nano.PrivateKey
}

// newBuildEnv is a ledger holding the dev genesis and a wallet holding the
// genesis key and one unopened key.
func newBuildEnv(t *testing.T) *buildEnv {
	t.Helper()
	dir := t.TempDir()
	led, err := ledger.Open(filepath.Join(dir, "ledger.db"), ledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t, filepath.Join(dir, "wallets.db"))
	t.Cleanup(func() { led.Close() })
	gen := nano.DevGenesisKey()
	id, err := s.Create(nil, gen.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	other := nano.DeriveKey(nano.Seed{1}, 0)
	for _, k := range []nano.PrivateKey{gen, other} {
		if _, err := s.AddKey(id, k); err != nil {
			t.Fatal(err)
		}
	}
	bd := &Builder{Store: s, Ledger: led, Work: devWork{}}
	return &buildEnv{bd: bd, led: led, id: id, gen: gen, other: other}
}

func (e *buildEnv) stored(t *testing.T, h nano.Hash) ledger.StoredBlock {
	t.Helper()
	sb, err := e.led.Block(h)
	if err != nil {
		t.Fatalf("block %s is not in the ledger: %v", h, err)
	}
	return sb
}

// TestBuilderSendReceiveChange: a send, the receive that opens the other
// account with the wallet's representative, and a change, each signed by
// the account and stored.
func TestBuilderSendReceiveChange(t *testing.T) {
	e := newBuildEnv(t)
	ctx := context.Background()
	dst := e.other.PublicKey()
	sent, err := e.bd.Send(ctx, e.id, e.gen, dst, nano.NewAmount(100), 0, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if sb := e.stored(t, sent); sb.Subtype != ledger.SubtypeSend || sb.Counterpart != dst {
		t.Fatalf("send stored as %+v", sb)
	}
	recv, err := e.bd.Receive(ctx, e.id, e.other, sent, func() (uint64, error) { return 0, nil })
	if err != nil {
		t.Fatal(err)
	}
	sb := e.stored(t, recv)
	if sb.Block.Account != dst || !sb.Block.Previous.IsZero() || sb.Block.Balance != nano.NewAmount(100) ||
		sb.Block.Representative != e.gen.PublicKey() || !nano.Verify(dst, hashBytes(sb.Block.Hash()), sb.Block.Signature) {
		t.Fatalf("open block %+v", sb.Block)
	}
	if _, err := e.bd.Receive(ctx, e.id, e.other, sent, func() (uint64, error) { return 0, nil }); !errors.Is(err, ErrUnreceivable) {
		t.Fatalf("second receive: %v, want ErrUnreceivable", err)
	}
	if err := e.bd.Change(ctx, e.other, nano.PublicKey{7}); err != nil {
		t.Fatal(err)
	}
	ai, err := e.led.AccountInfo(dst)
	if err != nil || ai.Representative != (nano.PublicKey{7}) || ai.Balance != nano.NewAmount(100) {
		t.Fatalf("after change: %+v %v", ai, err)
	}
}

var errBadWork = errors.New("Bad work")

// TestBuilderErrors: each refusal is its node text's error and stores
// nothing.
func TestBuilderErrors(t *testing.T) {
	ctx := context.Background()
	noWork := func() (uint64, error) { return 0, nil }
	tests := []struct {
		name string
		do   func(e *buildEnv) error
		want error
	}{
		{"send more than the balance", func(e *buildEnv) error {
			_, err := e.bd.Send(ctx, e.id, e.other, e.gen.PublicKey(), nano.NewAmount(1), 0, "", false)
			return err
		}, ErrInsufficientBalance},
		{"send with work below the threshold", func(e *buildEnv) error {
			_, err := e.bd.Send(ctx, e.id, e.gen, e.other.PublicKey(), nano.NewAmount(1), 1, "", false)
			return err
		}, ErrInvalidWork},
		{"work generation fails", func(e *buildEnv) error {
			e.bd.Work = failWork{}
			_, err := e.bd.Send(ctx, e.id, e.gen, e.other.PublicKey(), nano.NewAmount(1), 0, "", false)
			return err
		}, ErrWorkFailure},
		{"receive an unknown block", func(e *buildEnv) error {
			_, err := e.bd.Receive(ctx, e.id, e.other, nano.Hash{1}, noWork)
			return err
		}, ledger.ErrBlockNotFound},
		{"receive a block that is not a send to the account", func(e *buildEnv) error {
			_, err := e.bd.Receive(ctx, e.id, e.other, mustGenesisHash(t), noWork)
			return err
		}, ErrUnreceivable},
		{"receive with the caller's bad work", func(e *buildEnv) error {
			h, err := e.bd.Send(ctx, e.id, e.gen, e.other.PublicKey(), nano.NewAmount(1), 0, "", false)
			if err != nil {
				return err
			}
			_, err = e.bd.Receive(ctx, e.id, e.other, h, func() (uint64, error) { return 0, errBadWork })
			return err
		}, errBadWork},
		{"receive with work below the threshold", func(e *buildEnv) error {
			h, err := e.bd.Send(ctx, e.id, e.gen, e.other.PublicKey(), nano.NewAmount(1), 0, "", false)
			if err != nil {
				return err
			}
			_, err = e.bd.Receive(ctx, e.id, e.other, h, func() (uint64, error) { return 1, nil })
			return err
		}, ErrInvalidWork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newBuildEnv(t)
			if err := tt.do(e); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// TestBuilderRetry: when another writer moves the frontier between building
// a send and processing it, the send is rebuilt on the new frontier and the
// hash returned is the stored block's; with the frontier moved every time,
// the send gives up with ErrGenerating.
func TestBuilderRetry(t *testing.T) {
	for _, tt := range []struct {
		interfere int
		want      error
	}{{1, nil}, {buildRetries, nil}, {buildRetries + 1, ErrGenerating}} {
		e := newBuildEnv(t)
		left := tt.interfere
		rep := byte(0)
		e.bd.BeforeProcess = func(b *nano.Block) {
			if left == 0 {
				return
			}
			left--
			rep++
			ai, _ := e.led.AccountInfo(e.gen.PublicKey())
			c := StateBlock(e.gen, ai.Frontier, nano.PublicKey{rep}, ai.Balance, nano.Hash{})
			c.Work, _ = nano.Generate(context.Background(), c.Root(), nano.DevThresholds().Epoch1)
			if r, err := e.led.Process(context.Background(), c); r != ledger.Progress || err != nil {
				t.Errorf("interfering block: %v %v", r, err)
			}
		}
		h, err := e.bd.Send(context.Background(), e.id, e.gen, e.other.PublicKey(), nano.NewAmount(9), 0, "", false)
		if !errors.Is(err, tt.want) {
			t.Fatalf("%d interferences: %v, want %v", tt.interfere, err, tt.want)
		}
		if err != nil {
			continue
		}
		sb := e.stored(t, h)
		if sb.Height != uint64(tt.interfere)+2 || sb.Block.Representative != (nano.PublicKey{rep}) {
			t.Fatalf("%d interferences: send not rebuilt on the new frontier: %+v", tt.interfere, sb)
		}
	}
}

// TestBuilderReceiveRaced: when another writer receives the send between
// building the receive and processing it, the receive is rebuilt, finds the
// send received, and is ErrUnreceivable; the other writer's block stays the
// account's only one.
func TestBuilderReceiveRaced(t *testing.T) {
	e := newBuildEnv(t)
	ctx := context.Background()
	sent, err := e.bd.Send(ctx, e.id, e.gen, e.other.PublicKey(), nano.NewAmount(3), 0, "", false)
	if err != nil {
		t.Fatal(err)
	}
	var first nano.Hash
	e.bd.BeforeProcess = func(b *nano.Block) {
		if !first.IsZero() {
			return
		}
		c := StateBlock(e.other, nano.Hash{}, e.other.PublicKey(), nano.NewAmount(3), sent) // not the wallet's representative: another block
		threshold, err := e.led.WorkThreshold(c)
		if err != nil {
			t.Fatal(err)
		}
		c.Work, _ = nano.Generate(ctx, c.Root(), threshold)
		if r, err := e.led.Process(ctx, c); r != ledger.Progress || err != nil {
			t.Errorf("interfering receive: %v %v", r, err)
		}
		first = c.Hash()
	}
	if _, err := e.bd.Receive(ctx, e.id, e.other, sent, func() (uint64, error) { return 0, nil }); !errors.Is(err, ErrUnreceivable) {
		t.Fatalf("raced receive: %v, want ErrUnreceivable", err)
	}
	ai, err := e.led.AccountInfo(e.other.PublicKey())
	if err != nil || ai.Frontier != first || ai.BlockCount != 1 {
		t.Fatalf("account after the race: %+v %v, want only the other writer's %s", ai, err, first)
	}
}

// TestBuilderSendID: concurrent sends with one id make one block, and all
// of them return its hash; another id sends again.
func TestBuilderSendID(t *testing.T) {
	e := newBuildEnv(t)
	const workers = 8
	hashes := make([]nano.Hash, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			h, err := e.bd.Send(context.Background(), e.id, e.gen, e.other.PublicKey(), nano.NewAmount(5), 0, "pay-1", true)
			if err != nil {
				t.Error(err)
			}
			hashes[i] = h
		})
	}
	wg.Wait()
	for _, h := range hashes[1:] {
		if h != hashes[0] {
			t.Fatalf("one id, several blocks: %v", hashes)
		}
	}
	wantBalance, _ := nano.MaxAmount.Sub(nano.NewAmount(5))
	ai, err := e.led.AccountInfo(e.gen.PublicKey())
	if err != nil || ai.Frontier != hashes[0] || ai.Balance != wantBalance {
		t.Fatalf("genesis after the sends: %+v %v", ai, err)
	}
	h, err := e.bd.Send(context.Background(), e.id, e.gen, e.other.PublicKey(), nano.NewAmount(5), 0, "pay-2", true)
	if err != nil || h == hashes[0] {
		t.Fatalf("another id: %s %v", h, err)
	}
}

func TestKeyLocks(t *testing.T) {
	var k keyLocks
	unlock, err := k.lock(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := k.lock(ctx, "a"); err == nil {
		t.Fatal("a held lock was taken")
	}
	unlockB, err := k.lock(ctx, "b") // another key is free (even with ctx done, the slot is taken at once or not)
	if err == nil {
		unlockB()
	}
	unlock()
	if len(k.m) != 0 {
		t.Fatalf("%d locks left after unlocking", len(k.m))
	}
}

func hashBytes(h nano.Hash) []byte { return h[:] }

func mustGenesisHash(t *testing.T) nano.Hash {
	h, err := nano.ParseHash(nano.DevGenesisHashHex)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
