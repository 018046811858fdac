package ledger

import (
	"context"
	"errors"
	"testing"

	"filippo.io/edwards25519"

	"github.com/nipc/nipc/nano"
)

var (
	keyA = testKey(1)
	pubA = keyA.PublicKey()
	keyB = testKey(2)
	pubB = keyB.PublicKey()
)

// legacy returns a signed, worked legacy block.
func legacy(t tester, key nano.PrivateKey, b nano.Block) *nano.Block {
	t.Helper()
	return finish(t, &b, key)
}

// process processes b, which must be accepted, and returns its hash.
func process(t tester, l *Ledger, b *nano.Block) nano.Hash {
	t.Helper()
	mustProcess(t, l, b, Progress)
	return b.Hash()
}

// legacyOpenA opens account A with a legacy send of 100 raw from genesis and
// a legacy open; it returns the open's hash.
func legacyOpenA(t testing.TB, l *Ledger) nano.Hash {
	t.Helper()
	send := process(t, l, legacy(t, genesisKey, nano.Block{Type: nano.BlockTypeSend, Previous: genesisH, Destination: pubA, Balance: maxMinus(100)}))
	return process(t, l, legacy(t, keyA, nano.Block{Type: nano.BlockTypeOpen, Source: send, Representative: pubA, Account: pubA}))
}

func maxMinus(v uint64) nano.Amount {
	a, _ := nano.GenesisAmount.Sub(amt(v))
	return a
}

// insufficientWork gives b a work value below the epoch-1 threshold.
func insufficientWork(b *nano.Block) *nano.Block {
	for b.Work = 0; b.Difficulty() >= nano.DevThresholds().Epoch1; b.Work++ {
	}
	return b
}

// forgeBurnSignature signs a state block of the zero account: the zero key
// is a point of order 4, so some R of its subgroup with S = 0 verifies for
// about two messages in three. The representative is varied until one does.
func forgeBurnSignature(t tester, b *nano.Block) *nano.Block {
	t.Helper()
	a, err := new(edwards25519.Point).SetBytes(make([]byte, 32))
	if err != nil {
		t.Fatalf("zero key: %v", err)
	}
	for i := range uint32(64) {
		b.Representative = testKey(100 + i).PublicKey()
		h := b.Hash()
		r := edwards25519.NewIdentityPoint()
		for range 4 {
			var sig nano.Signature
			copy(sig[:32], r.Bytes())
			if nano.Verify(nano.PublicKey{}, h[:], sig) {
				b.Signature = sig
				b.Work = mustWork(t, b.Root())
				return b
			}
			r.Add(r, a)
		}
	}
	t.Fatal("no forged signature for the zero key")
	return nil
}

func TestProcessResults(t *testing.T) {
	tests := []struct {
		name string
		want Result
		// block prepares the ledger and returns the block to judge.
		block func(t *testing.T, l *Ledger, bd builder) *nano.Block
	}{
		{"state send", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return bd.send(genesisKey, pubA, amt(100))
		}},
		{"state open", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return bd.receive(keyA, process(t, l, bd.send(genesisKey, pubA, amt(100))))
		}},
		{"state receive", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			s1 := process(t, l, bd.send(genesisKey, pubA, amt(100)))
			s2 := process(t, l, bd.send(genesisKey, pubA, amt(7)))
			process(t, l, bd.receive(keyA, s2))
			return bd.receive(keyA, s1)
		}},
		{"state change", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return bd.change(genesisKey, pubA)
		}},
		{"state send to an epoch link account", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return stateBlock(t, genesisKey, genesisH, genesisPub, maxMinus(1), epochLink1)
		}},
		{"state send to the burn account", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return bd.send(genesisKey, nano.PublicKey{}, amt(1))
		}},
		{"legacy send", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return legacy(t, genesisKey, nano.Block{Type: nano.BlockTypeSend, Previous: genesisH, Destination: pubA, Balance: maxMinus(100)})
		}},
		{"legacy zero send", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return legacy(t, genesisKey, nano.Block{Type: nano.BlockTypeSend, Previous: genesisH, Destination: pubA, Balance: nano.GenesisAmount})
		}},
		{"legacy open", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			send := process(t, l, legacy(t, genesisKey, nano.Block{Type: nano.BlockTypeSend, Previous: genesisH, Destination: pubA, Balance: maxMinus(100)}))
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeOpen, Source: send, Representative: pubB, Account: pubA})
		}},
		{"legacy receive", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			open := legacyOpenA(t, l)
			send := process(t, l, bd.send(genesisKey, pubA, amt(5)))
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeReceive, Previous: open, Source: send})
		}},
		{"legacy change", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return legacy(t, genesisKey, nano.Block{Type: nano.BlockTypeChange, Previous: genesisH, Representative: pubA})
		}},
		{"state after legacy", Progress, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			legacyOpenA(t, l)
			return bd.send(keyA, pubB, amt(1))
		}},

		{"old state", Old, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			b := bd.send(genesisKey, pubA, amt(100))
			process(t, l, b)
			return b
		}},
		{"old genesis", Old, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return nano.DevGenesisBlock()
		}},
		{"old epoch-linked", Old, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			b := stateBlock(t, genesisKey, genesisH, genesisPub, maxMinus(1), epochLink2)
			process(t, l, b)
			return b
		}},

		{"fork: previous is not the frontier", Fork, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			process(t, l, bd.send(genesisKey, pubA, amt(100)))
			return stateBlock(t, genesisKey, genesisH, genesisPub, maxMinus(5), nano.Hash(pubB))
		}},
		{"fork: second state open", Fork, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			s1 := process(t, l, bd.send(genesisKey, pubA, amt(100)))
			s2 := process(t, l, bd.send(genesisKey, pubA, amt(3)))
			process(t, l, bd.receive(keyA, s1))
			return stateBlock(t, keyA, nano.Hash{}, pubA, amt(3), s2)
		}},
		{"fork: second legacy open", Fork, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			legacyOpenA(t, l)
			send := process(t, l, bd.send(genesisKey, pubA, amt(5)))
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeOpen, Source: send, Representative: pubA, Account: pubA})
		}},
		{"fork: legacy send off an old block", Fork, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			process(t, l, legacy(t, genesisKey, nano.Block{Type: nano.BlockTypeChange, Previous: genesisH, Representative: pubA}))
			return legacy(t, genesisKey, nano.Block{Type: nano.BlockTypeSend, Previous: genesisH, Destination: pubA, Balance: maxMinus(1)})
		}},

		{"gap previous: state", GapPrevious, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return stateBlock(t, genesisKey, nano.Hash{9}, genesisPub, maxMinus(5), nano.Hash(pubA))
		}},
		{"gap previous: new account", GapPrevious, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			send := process(t, l, bd.send(genesisKey, pubA, amt(100)))
			return stateBlock(t, keyA, nano.Hash{9}, pubA, amt(100), send)
		}},
		{"gap previous: legacy", GapPrevious, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return legacy(t, genesisKey, nano.Block{Type: nano.BlockTypeChange, Previous: nano.Hash{9}, Representative: pubA})
		}},
		{"gap previous: epoch link", GapPrevious, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return stateBlock(t, genesisKey, nano.Hash{9}, genesisPub, nano.GenesisAmount, epochLink1)
		}},

		{"gap source: unknown link", GapSource, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return stateBlock(t, keyA, nano.Hash{}, pubA, amt(100), nano.Hash{7})
		}},
		{"gap source: open with zero link", GapSource, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return stateBlock(t, keyA, nano.Hash{}, pubA, amt(0), nano.Hash{})
		}},
		{"gap source: legacy open", GapSource, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeOpen, Source: nano.Hash{7}, Representative: pubA, Account: pubA})
		}},
		{"gap source: legacy receive", GapSource, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			open := legacyOpenA(t, l)
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeReceive, Previous: open, Source: nano.Hash{7}})
		}},

		{"bad signature: state", BadSignature, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			b := bd.send(genesisKey, pubA, amt(100))
			b.Sign(keyA)
			return b
		}},
		{"bad signature: legacy send", BadSignature, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeSend, Previous: genesisH, Destination: pubA, Balance: maxMinus(1)})
		}},
		{"bad signature: legacy open", BadSignature, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			send := process(t, l, bd.send(genesisKey, pubA, amt(100)))
			return legacy(t, keyB, nano.Block{Type: nano.BlockTypeOpen, Source: send, Representative: pubA, Account: pubA})
		}},
		{"bad signature: epoch link with unknown previous", BadSignature, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return finish(t, &nano.Block{Type: nano.BlockTypeState, Account: pubA, Previous: nano.Hash{9},
				Representative: pubA, Balance: amt(5), Link: epochLink2}, keyB)
		}},

		{"negative spend", NegativeSpend, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			open := legacyOpenA(t, l)
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeSend, Previous: open, Destination: pubB, Balance: amt(101)})
		}},

		{"unreceivable: received twice", Unreceivable, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			send := process(t, l, bd.send(genesisKey, pubA, amt(100)))
			open := process(t, l, bd.receive(keyA, send))
			return stateBlock(t, keyA, open, pubA, amt(200), send)
		}},
		{"unreceivable: not a send", Unreceivable, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return stateBlock(t, keyA, nano.Hash{}, pubA, amt(100), genesisH)
		}},
		{"unreceivable: send to another account", Unreceivable, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			send := process(t, l, bd.send(genesisKey, pubB, amt(100)))
			return stateBlock(t, keyA, nano.Hash{}, pubA, amt(100), send)
		}},
		{"unreceivable: legacy receive twice", Unreceivable, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			send := process(t, l, legacy(t, genesisKey, nano.Block{Type: nano.BlockTypeSend, Previous: genesisH, Destination: pubA, Balance: maxMinus(100)}))
			open := process(t, l, legacy(t, keyA, nano.Block{Type: nano.BlockTypeOpen, Source: send, Representative: pubA, Account: pubA}))
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeReceive, Previous: open, Source: send})
		}},
		{"unreceivable: legacy open of another's send", Unreceivable, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			send := process(t, l, bd.send(genesisKey, pubB, amt(100)))
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeOpen, Source: send, Representative: pubA, Account: pubA})
		}},

		{"balance mismatch: wrong receive amount", BalanceMismatch, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			send := process(t, l, bd.send(genesisKey, pubA, amt(100)))
			return stateBlock(t, keyA, nano.Hash{}, pubA, amt(99), send)
		}},
		{"balance mismatch: change that adds", BalanceMismatch, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			send := process(t, l, bd.send(genesisKey, pubA, amt(100)))
			open := process(t, l, bd.receive(keyA, send))
			return stateBlock(t, keyA, open, pubB, amt(101), nano.Hash{})
		}},

		{"block position", BlockPosition, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			s := process(t, l, bd.send(genesisKey, pubA, amt(100)))
			return legacy(t, genesisKey, nano.Block{Type: nano.BlockTypeSend, Previous: s, Destination: pubA, Balance: maxMinus(200)})
		}},

		{"insufficient work: state", InsufficientWork, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			return insufficientWork(bd.send(genesisKey, pubA, amt(100)))
		}},
		{"insufficient work: legacy open", InsufficientWork, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			send := process(t, l, bd.send(genesisKey, pubA, amt(100)))
			return insufficientWork(legacy(t, keyA, nano.Block{Type: nano.BlockTypeOpen, Source: send, Representative: pubA, Account: pubA}))
		}},

		{"opened burn account", OpenedBurnAccount, func(t *testing.T, l *Ledger, bd builder) *nano.Block {
			send := process(t, l, bd.send(genesisKey, nano.PublicKey{}, amt(100)))
			return forgeBurnSignature(t, &nano.Block{Type: nano.BlockTypeState, Balance: amt(100), Link: send})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := openTest(t, Options{NoSync: true})
			judge(t, l, tt.block(t, l, builder{t, l}), tt.want)
		})
	}
}

// judge processes b, which must get want: an accepted block is stored and
// counted, a rejected one changes nothing; either way Check passes.
func judge(t *testing.T, l *Ledger, b *nano.Block, want Result) {
	t.Helper()
	before := snapshot(t, l)
	blocks, _ := l.BlockCount()
	mustProcess(t, l, b, want)
	after := snapshot(t, l)
	n, cemented := l.BlockCount()
	if want == Progress {
		if n != blocks+1 || cemented != n {
			t.Errorf("BlockCount = %d, %d after a block; was %d", n, cemented, blocks)
		}
		if _, err := l.Block(b.Hash()); err != nil {
			t.Errorf("Block(accepted): %v", err)
		}
	} else if !sameSnapshot(before, after) || n != blocks {
		t.Errorf("rejected block changed the ledger")
	}
	if err := l.Check(context.Background()); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestResultText(t *testing.T) {
	for _, tt := range []struct {
		r          Result
		name, text string
	}{
		{Progress, "progress", ""},
		{Old, "old", "Old block"},
		{Fork, "fork", "Fork"},
		{GapPrevious, "gap_previous", "Gap previous block"},
		{GapSource, "gap_source", "Gap source block"},
		{BadSignature, "bad_signature", "Bad signature"},
		{NegativeSpend, "negative_spend", "Negative spend"},
		{Unreceivable, "unreceivable", "Unreceivable"},
		{BalanceMismatch, "balance_mismatch", "Balance and amount delta do not match"},
		{RepresentativeMismatch, "representative_mismatch", "Error processing block"},
		{BlockPosition, "block_position", "This block cannot follow the previous block"},
		{InsufficientWork, "insufficient_work", "Block work is insufficient"},
		{OpenedBurnAccount, "opened_burn_account", "Burning account"},
		{GapEpochOpenPending, "gap_epoch_open_pending", "Gap pending for open epoch block"},
	} {
		if tt.r.String() != tt.name || tt.r.Message() != tt.text {
			t.Errorf("%d: %q %q, want %q %q", tt.r, tt.r.String(), tt.r.Message(), tt.name, tt.text)
		}
	}
}

func TestProcessInvalidInput(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	if _, err := l.Process(context.Background(), nil); !errors.Is(err, ErrInvalidBlock) {
		t.Errorf("Process(nil) = %v", err)
	}
	if _, err := l.Process(context.Background(), &nano.Block{Type: nano.BlockTypeInvalid}); !errors.Is(err, ErrInvalidBlock) {
		t.Errorf("Process(invalid type) = %v", err)
	}
}

func TestProcessWaitsForWriterWithContext(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	b := builder{t, l}.send(genesisKey, pubA, amt(1))
	l.writer <- struct{}{} // hold the writer slot
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Process(ctx, b); !errors.Is(err, context.Canceled) {
		t.Errorf("Process with a cancelled ctx while the writer is busy = %v", err)
	}
	<-l.writer
	mustProcess(t, l, b, Progress)
}

func TestProcessAfterClose(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	b := builder{t, l}.send(genesisKey, pubA, amt(1))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Process(context.Background(), b); !errors.Is(err, ErrClosed) {
		t.Errorf("Process after Close = %v", err)
	}
	if _, err := l.AccountInfo(genesisPub); !errors.Is(err, ErrClosed) {
		t.Errorf("AccountInfo after Close = %v", err)
	}
	if err := l.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close = %v", err)
	}
}
