package natsgw_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nipc/nipc/nano"
)

// TestCluster's accounts: each submitter's chain, and the destinations
// its sends go to in turn.
var (
	chainKeys    = keys(21, clusterSubmitters)
	destinations = keys(22, 6)
)

func keys(seed byte, n int) []nano.PrivateKey {
	out := make([]nano.PrivateKey, n)
	for i := range out {
		out[i] = nano.DeriveKey(nano.Seed{seed}, uint32(i))
	}
	return out
}

func account(k nano.PrivateKey) string { return k.PublicKey().Account() }

// clusterFilter is client i's accounts filter: every confirmation, one
// chain's, one destination's, a chain's and a destination's, or two
// chains'.
func clusterFilter(i int) []string {
	c, d := chainKeys[i%len(chainKeys)], destinations[i%len(destinations)]
	switch i % 5 {
	case 1:
		return []string{account(c)}
	case 2:
		return []string{account(d)}
	case 3:
		return []string{account(c), account(destinations[(i/5)%len(destinations)])}
	case 4:
		return []string{account(c), account(chainKeys[(i+3)%len(chainKeys)])}
	}
	return nil
}

// clusterChains signs the setup (a send from the genesis to each chain's
// account and its open) and perChain sends of 1 raw on each chain, with
// work at the dev threshold.
func clusterChains(t *testing.T, n, perChain int) (setup []*nano.Block, chains [][]*nano.Block) {
	t.Helper()
	gk := nano.DevGenesisKey()
	rep := gk.PublicKey()
	prev, bal := nano.DevGenesisBlock().Hash(), nano.GenesisAmount
	chains = make([][]*nano.Block, n)
	var wg sync.WaitGroup
	for i := range n {
		k := chainKeys[i]
		fund := nano.NewAmount(uint64(perChain))
		bal, _ = bal.Sub(fund)
		send := signed(t, &nano.Block{Type: nano.BlockTypeState, Account: gk.PublicKey(), Previous: prev,
			Representative: rep, Balance: bal, Link: nano.Hash(k.PublicKey())}, gk)
		open := signed(t, &nano.Block{Type: nano.BlockTypeState, Account: k.PublicKey(),
			Representative: rep, Balance: fund, Link: send.Hash()}, k)
		setup = append(setup, send, open)
		prev = send.Hash()
		wg.Go(func() {
			p, b := open.Hash(), fund
			for j := range perChain {
				b, _ = b.Sub(nano.NewAmount(1))
				s := signed(t, &nano.Block{Type: nano.BlockTypeState, Account: k.PublicKey(), Previous: p,
					Representative: rep, Balance: b, Link: nano.Hash(destinations[(i+j)%len(destinations)].PublicKey())}, k)
				chains[i] = append(chains[i], s)
				p = s.Hash()
			}
		})
	}
	wg.Wait()
	return setup, chains
}

func signed(t testing.TB, b *nano.Block, k nano.PrivateKey) *nano.Block {
	b.Sign(k)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w, err := nano.Generate(ctx, b.Root(), nano.DevThresholds().Epoch1)
	if err != nil {
		t.Error(err)
	}
	b.Work = w
	return b
}

// expected is, for each client, the hashes of the chains' blocks its
// filter matches (a block's account or its destination).
func expected(chains [][]*nano.Block, clients int) []map[string]bool {
	out := make([]map[string]bool, clients)
	for i := range out {
		f := clusterFilter(i)
		out[i] = map[string]bool{}
		for _, chain := range chains {
			for _, b := range chain {
				if f == nil || slices.Contains(f, b.Account.Account()) || slices.Contains(f, b.LinkAsAccount()) {
					out[i][b.Hash().String()] = true
				}
			}
		}
	}
	return out
}

// checkClients fails t unless every client got exactly the confirmations
// want names, each once, in increasing sequence, every block with the same
// sequence at every client, and the unfiltered clients the sequences
// after start without a gap.
func checkClients(t *testing.T, clients []*resumer, want []map[string]bool, start uint64) {
	t.Helper()
	seqOf := map[string]uint64{}
	reconnects, bad := 0, 0
	for i, r := range clients {
		reconnects += r.reconnects
		if len(r.refusals) > 0 {
			t.Logf("client %d: %d subscriptions refused (then retried), the first: %s", i, len(r.refusals), r.refusals[0])
		}
		var errs []string
		got := map[string]bool{}
		prev := start
		for k, c := range r.got {
			switch {
			case c.seq <= prev:
				errs = append(errs, fmt.Sprintf("confirmation %d has sequence %d after %d (a duplicate or out of order)", k, c.seq, prev))
			case !want[i][c.hash]:
				errs = append(errs, fmt.Sprintf("confirmation %d (sequence %d) is block %s, which its filter does not match", k, c.seq, c.hash))
			case clusterFilter(i) == nil && c.seq != prev+1:
				errs = append(errs, fmt.Sprintf("unfiltered: sequence %d after %d", c.seq, prev))
			}
			if s, ok := seqOf[c.hash]; ok && s != c.seq {
				errs = append(errs, fmt.Sprintf("block %s has sequence %d here and %d at another client", c.hash, c.seq, s))
			}
			seqOf[c.hash], got[c.hash], prev = c.seq, true, c.seq
		}
		if len(got) != len(want[i]) {
			errs = append(errs, fmt.Sprintf("%d of the %d confirmations its filter matches", len(got), len(want[i])))
		}
		if len(errs) > 0 {
			if bad++; bad <= 5 {
				t.Errorf("client %d (filter %v, %d reconnects): %s", i, clusterFilter(i), r.reconnects, strings.Join(errs[:min(len(errs), 5)], "; "))
			}
		}
	}
	if bad > 5 {
		t.Errorf("... and %d more clients", bad-5)
	}
	t.Logf("%d clients, %d reconnects in all", len(clients), reconnects)
}
