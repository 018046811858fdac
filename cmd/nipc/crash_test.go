package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/nano"
)

// crashSeed derives the writers' accounts of TestKillNineUnderWriters.
var crashSeed = nano.Seed{9, 9, 9}

// crashBlock returns a signed, worked state block.
func crashBlock(t *testing.T, key nano.PrivateKey, previous nano.Hash, rep nano.PublicKey, balance nano.Amount, link nano.Hash) *nano.Block {
	b := &nano.Block{Type: nano.BlockTypeState, Account: key.PublicKey(), Previous: previous,
		Representative: rep, Balance: balance, Link: link}
	b.Sign(key)
	w, err := nano.Generate(context.Background(), b.Root(), nano.DevThresholds().Epoch1)
	if err != nil {
		t.Error(err)
	}
	b.Work = w
	return b
}

// processBlock sends b with the process action and returns the hash the
// node acknowledged.
func processBlock(ctx context.Context, cl *client.Client, b *nano.Block) (nano.Hash, error) {
	reply, err := cl.Legacy(ctx, "process", map[string]any{"json_block": "true", "block": b})
	if err != nil {
		return nano.Hash{}, err
	}
	var r struct{ Hash string }
	if err := json.Unmarshal(reply, &r); err != nil {
		return nano.Hash{}, err
	}
	return nano.ParseHash(r.Hash)
}

// TestKillNineUnderWriters is the campaign's crash test on the real
// binary: 8 writers process blocks over IPC while `nipc node` is killed
// with SIGKILL, three times. After each kill `nipc ledger check` passes on
// the data directory, and after each restart every block whose process
// reply arrived is in the ledger (block_info).
func TestKillNineUnderWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts the node three times")
	}
	const writers = 8
	const funds = 1 << 40
	dir := tempDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	node := func() (*daemon, *client.Client) {
		d := startNodeIn(t, dir, "--rpcconfig", "enable_control=true")
		cl, err := client.Dial(ctx, client.Config{Path: d.sock, PoolSize: writers})
		if err != nil {
			t.Fatal(err)
		}
		return d, cl
	}

	// Fund and open one account per writer.
	d, cl := node()
	keys := make([]nano.PrivateKey, writers)
	genesis := nano.DevGenesisKey()
	prev, balance := nano.DevGenesisBlock().Hash(), nano.GenesisAmount
	var acked []nano.Hash
	for i := range keys {
		keys[i] = nano.DeriveKey(crashSeed, uint32(i))
		balance, _ = balance.Sub(nano.NewAmount(funds))
		send := crashBlock(t, genesis, prev, genesis.PublicKey(), balance, nano.Hash(keys[i].PublicKey()))
		open := crashBlock(t, keys[i], nano.Hash{}, genesis.PublicKey(), nano.NewAmount(funds), send.Hash())
		for _, b := range []*nano.Block{send, open} {
			h, err := processBlock(ctx, cl, b)
			if err != nil {
				t.Fatalf("setup block: %v", err)
			}
			acked = append(acked, h)
		}
		prev = send.Hash()
	}

	for cycle := range 3 {
		// Each writer continues its chain from the frontier the ledger has:
		// a block processed but not acknowledged before the kill counts.
		frontiers := make([]nano.Hash, writers)
		for i, k := range keys {
			reply, err := cl.Legacy(ctx, "account_info", map[string]any{"account": k.PublicKey().Account()})
			if err != nil {
				t.Fatalf("cycle %d: account_info: %v", cycle, err)
			}
			var ai struct{ Frontier string }
			json.Unmarshal(reply, &ai)
			if frontiers[i], err = nano.ParseHash(ai.Frontier); err != nil {
				t.Fatalf("cycle %d: frontier %q: %v", cycle, ai.Frontier, err)
			}
		}
		var mu sync.Mutex
		var cycleAcks int
		var wg sync.WaitGroup
		for i, k := range keys {
			wg.Go(func() {
				prev := frontiers[i]
				for n := 0; ; n++ {
					// Change blocks: the representative alternates.
					rep := k.PublicKey()
					if n%2 == 1 {
						rep = genesis.PublicKey()
					}
					b := crashBlock(t, k, prev, rep, nano.NewAmount(funds), nano.Hash{})
					h, err := processBlock(ctx, cl, b)
					if err != nil {
						return // the node is gone
					}
					mu.Lock()
					acked = append(acked, h)
					cycleAcks++
					mu.Unlock()
					prev = h
				}
			})
		}
		// Kill at a random moment once the writers are committing.
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			n := cycleAcks
			mu.Unlock()
			if n >= 40 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cycle %d: %d blocks acknowledged in 30 s", cycle, n)
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(200)) * time.Millisecond)
		if err := d.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		d.wait(t, 10*time.Second)
		wg.Wait()
		cl.Close()

		out, errOut, code := nipc(t, nil, "", "ledger", "check", "--data_path", dir)
		if code != exitOK {
			t.Fatalf("cycle %d: nipc ledger check after SIGKILL: exit %d\n%s%s", cycle, code, out, errOut)
		}
		t.Logf("cycle %d: killed after %d acknowledged blocks (%d in all); %s", cycle, cycleAcks, len(acked), out)

		d, cl = node()
		for _, h := range acked {
			if _, err := cl.Legacy(ctx, "block_info", map[string]any{"hash": h.String()}); err != nil {
				t.Errorf("cycle %d: acknowledged block %s lost: %v", cycle, h, err)
			}
		}
		if t.Failed() {
			return
		}
	}
	cl.Close()
}
