package ledger

import (
	"context"
	"testing"

	"github.com/nipc/nipc/nano"
)

var (
	epochLink1, _ = nano.EpochLink(nano.Epoch1)
	epochLink2, _ = nano.EpochLink(nano.Epoch2)
	dev           = nano.DevThresholds()
)

// epochOf returns an epoch block of account (at its current frontier, or
// an epoch open when it has none) signed by signer, with work enough for
// any block.
func (bd builder) epochOf(signer nano.PrivateKey, account nano.PublicKey, epoch nano.Epoch) *nano.Block {
	bd.t.Helper()
	link, _ := nano.EpochLink(epoch)
	ai, known := bd.info(account)
	b := &nano.Block{Type: nano.BlockTypeState, Account: account, Link: link}
	if known {
		b.Previous, b.Representative, b.Balance = ai.Frontier, ai.Representative, ai.Balance
	}
	b.Sign(signer)
	b.Work = mustWork(bd.t, b.Root())
	return b
}

// upgrade processes the epoch blocks that bring account to epoch.
func (bd builder) upgrade(t *testing.T, account nano.PublicKey, epoch nano.Epoch) {
	t.Helper()
	for e := nano.Epoch1; e <= epoch; e++ {
		process(t, bd.l, bd.epochOf(genesisKey, account, e))
	}
}

// workIn gives b work whose difficulty is at least lo and below hi (work
// is not signed, so b stays valid).
func workIn(t *testing.T, b *nano.Block, lo, hi uint64) *nano.Block {
	t.Helper()
	for {
		w, err := nano.Generate(context.Background(), b.Root(), lo)
		if err != nil {
			t.Fatal(err)
		}
		if nano.Difficulty(b.Root(), w) < hi {
			b.Work = w
			return b
		}
	}
}

func TestEpochBlocks(t *testing.T) {
	tests := []struct {
		name  string
		want  Result
		epoch nano.Epoch // the account's epoch afterwards, when Progress
		block func(t *testing.T, bd builder) *nano.Block
	}{
		{"epoch 1 of genesis", Progress, nano.Epoch1, func(t *testing.T, bd builder) *nano.Block {
			return bd.epochOf(genesisKey, genesisPub, nano.Epoch1)
		}},
		{"epoch 2 after epoch 1", Progress, nano.Epoch2, func(t *testing.T, bd builder) *nano.Block {
			bd.upgrade(t, genesisPub, nano.Epoch1)
			return bd.epochOf(genesisKey, genesisPub, nano.Epoch2)
		}},
		{"epoch of another account, signed by the epoch signer", Progress, nano.Epoch1, func(t *testing.T, bd builder) *nano.Block {
			process(t, bd.l, bd.receive(keyA, process(t, bd.l, bd.send(genesisKey, pubA, amt(100)))))
			return bd.epochOf(genesisKey, pubA, nano.Epoch1)
		}},
		{"epoch 2 before epoch 1", BlockPosition, 0, func(t *testing.T, bd builder) *nano.Block {
			return bd.epochOf(genesisKey, genesisPub, nano.Epoch2)
		}},
		{"epoch 1 twice", BlockPosition, 0, func(t *testing.T, bd builder) *nano.Block {
			bd.upgrade(t, genesisPub, nano.Epoch1)
			return bd.epochOf(genesisKey, genesisPub, nano.Epoch1)
		}},
		{"epoch signed by its account", BadSignature, 0, func(t *testing.T, bd builder) *nano.Block {
			process(t, bd.l, bd.receive(keyA, process(t, bd.l, bd.send(genesisKey, pubA, amt(100)))))
			return bd.epochOf(keyA, pubA, nano.Epoch1)
		}},
		{"epoch changing the representative", RepresentativeMismatch, 0, func(t *testing.T, bd builder) *nano.Block {
			return stateBlock(t, genesisKey, genesisH, pubA, nano.GenesisAmount, epochLink1)
		}},
		{"epoch off an old block", Fork, 0, func(t *testing.T, bd builder) *nano.Block {
			process(t, bd.l, bd.change(genesisKey, pubA))
			return stateBlock(t, genesisKey, genesisH, genesisPub, nano.GenesisAmount, epochLink1)
		}},
		{"epoch 1 block below the epoch-1 threshold", InsufficientWork, 0, func(t *testing.T, bd builder) *nano.Block {
			return insufficientWork(bd.epochOf(genesisKey, genesisPub, nano.Epoch1))
		}},
		{"epoch 2 block at the epoch-2 receive threshold", Progress, nano.Epoch2, func(t *testing.T, bd builder) *nano.Block {
			bd.upgrade(t, genesisPub, nano.Epoch1)
			return workIn(t, bd.epochOf(genesisKey, genesisPub, nano.Epoch2), dev.Epoch2Receive, dev.Epoch1)
		}},
		{"epoch 2 block below the epoch-2 receive threshold", InsufficientWork, 0, func(t *testing.T, bd builder) *nano.Block {
			bd.upgrade(t, genesisPub, nano.Epoch1)
			return workIn(t, bd.epochOf(genesisKey, genesisPub, nano.Epoch2), 0, dev.Epoch2Receive)
		}},

		{"epoch open with a receivable", Progress, nano.Epoch2, func(t *testing.T, bd builder) *nano.Block {
			process(t, bd.l, bd.send(genesisKey, pubA, amt(100)))
			return bd.epochOf(genesisKey, pubA, nano.Epoch2)
		}},
		{"epoch 1 open", Progress, nano.Epoch1, func(t *testing.T, bd builder) *nano.Block {
			process(t, bd.l, bd.send(genesisKey, pubA, amt(100)))
			return bd.epochOf(genesisKey, pubA, nano.Epoch1)
		}},
		{"epoch open with nothing to receive", GapEpochOpenPending, 0, func(t *testing.T, bd builder) *nano.Block {
			return bd.epochOf(genesisKey, pubA, nano.Epoch2)
		}},
		{"epoch open naming a representative", RepresentativeMismatch, 0, func(t *testing.T, bd builder) *nano.Block {
			process(t, bd.l, bd.send(genesisKey, pubA, amt(100)))
			return finish(t, &nano.Block{Type: nano.BlockTypeState, Account: pubA, Representative: pubA, Link: epochLink1}, genesisKey)
		}},

		{"epoch-2 send at the epoch-1 threshold", InsufficientWork, 0, func(t *testing.T, bd builder) *nano.Block {
			bd.upgrade(t, genesisPub, nano.Epoch2)
			return workIn(t, bd.send(genesisKey, pubA, amt(1)), dev.Epoch1, dev.Epoch2)
		}},
		{"epoch-2 send at the epoch-2 threshold", Progress, nano.Epoch2, func(t *testing.T, bd builder) *nano.Block {
			bd.upgrade(t, genesisPub, nano.Epoch2)
			return workIn(t, bd.send(genesisKey, pubA, amt(1)), dev.Epoch2, ^uint64(0))
		}},
		{"epoch-2 change at the epoch-1 threshold", InsufficientWork, 0, func(t *testing.T, bd builder) *nano.Block {
			bd.upgrade(t, genesisPub, nano.Epoch2)
			return workIn(t, bd.change(genesisKey, pubB), dev.Epoch1, dev.Epoch2)
		}},
		{"epoch-1 send at the epoch-1 threshold", Progress, nano.Epoch1, func(t *testing.T, bd builder) *nano.Block {
			bd.upgrade(t, genesisPub, nano.Epoch1)
			return workIn(t, bd.send(genesisKey, pubA, amt(1)), dev.Epoch1, dev.Epoch2)
		}},
		{"receive of an epoch-2 send by an epoch-0 account is epoch 2", Progress, nano.Epoch2, func(t *testing.T, bd builder) *nano.Block {
			send0 := process(t, bd.l, bd.send(genesisKey, pubA, amt(5)))
			process(t, bd.l, bd.receive(keyA, send0))
			bd.upgrade(t, genesisPub, nano.Epoch2)
			send2 := process(t, bd.l, bd.send(genesisKey, pubA, amt(7)))
			return workIn(t, bd.receive(keyA, send2), dev.Epoch2Receive, dev.Epoch1)
		}},
		{"state open of an epoch-2 send is epoch 2", Progress, nano.Epoch2, func(t *testing.T, bd builder) *nano.Block {
			bd.upgrade(t, genesisPub, nano.Epoch2)
			return bd.receive(keyA, process(t, bd.l, bd.send(genesisKey, pubA, amt(7))))
		}},
		{"epoch-0 receive of an epoch-0 send below the epoch-1 threshold", InsufficientWork, 0, func(t *testing.T, bd builder) *nano.Block {
			return workIn(t, bd.receive(keyA, process(t, bd.l, bd.send(genesisKey, pubA, amt(7)))), dev.Epoch2Receive, dev.Epoch1)
		}},
		{"legacy open of an epoch-2 send", Unreceivable, 0, func(t *testing.T, bd builder) *nano.Block {
			bd.upgrade(t, genesisPub, nano.Epoch2)
			send := process(t, bd.l, bd.send(genesisKey, pubA, amt(7)))
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeOpen, Source: send, Representative: pubA, Account: pubA})
		}},
		{"legacy receive of an epoch-1 send", Unreceivable, 0, func(t *testing.T, bd builder) *nano.Block {
			open := legacyOpenA(t, bd.l)
			bd.upgrade(t, genesisPub, nano.Epoch1)
			send := process(t, bd.l, bd.send(genesisKey, pubA, amt(7)))
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeReceive, Previous: open, Source: send})
		}},
		{"legacy block after an epoch block", BlockPosition, 0, func(t *testing.T, bd builder) *nano.Block {
			legacyOpenA(t, bd.l)
			bd.upgrade(t, pubA, nano.Epoch1)
			ai, _ := bd.info(pubA)
			return legacy(t, keyA, nano.Block{Type: nano.BlockTypeChange, Previous: ai.Frontier, Representative: pubB})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := openTest(t, Options{NoSync: true})
			bd := builder{t, l}
			b := tt.block(t, bd)
			judge(t, l, b, tt.want)
			if tt.want != Progress {
				return
			}
			sb, err := l.Block(b.Hash())
			if err != nil {
				t.Fatal(err)
			}
			ai, err := l.AccountInfo(sb.Account)
			if err != nil {
				t.Fatal(err)
			}
			if ai.Epoch != tt.epoch {
				t.Errorf("account epoch %d, want %d", ai.Epoch, tt.epoch)
			}
			if epochBlock := nano.IsEpochLink(b.Link) && b.Balance == ai.Balance; epochBlock != (sb.Subtype == SubtypeEpoch) {
				t.Errorf("subtype %s", sb.Subtype)
			}
		})
	}
}

// TestEpochOpenThenReceive opens an account with an epoch-2 block, then
// receives into it: the receive keeps epoch 2, names the representative,
// and moves the weight; a send from the account is then an epoch-2 send,
// whose receivable entry carries epoch 2.
func TestEpochOpenThenReceive(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	bd := builder{t, l}
	send := process(t, l, bd.send(genesisKey, pubA, amt(100)))
	open := process(t, l, bd.epochOf(genesisKey, pubA, nano.Epoch2))
	ai, err := l.AccountInfo(pubA)
	if err != nil || ai.OpenBlock != open || ai.Representative != (nano.PublicKey{}) || !ai.Balance.IsZero() || ai.BlockCount != 1 {
		t.Fatalf("after the epoch open: %+v, %v", ai, err)
	}
	rcv := stateBlock(t, keyA, open, pubB, amt(100), send)
	process(t, l, workIn(t, rcv, dev.Epoch2Receive, dev.Epoch1))
	if w, _ := l.Weight(pubB); w != amt(100) {
		t.Errorf("weight of the new representative %s", w)
	}
	out := process(t, l, bd.send(keyA, genesisPub, amt(40)))
	rs, err := l.Receivable(genesisPub, nano.Amount{}, 0)
	if err != nil || len(rs) != 1 || rs[0].Hash != out || rs[0].Epoch != nano.Epoch2 {
		t.Fatalf("Receivable = %+v, %v", rs, err)
	}
	if err := l.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
}
