package ledger

import (
	"context"
	"fmt"
	"maps"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// Check reads the whole ledger in one read transaction and verifies the
// invariants every committed block maintains:
//
//   - the balances of all accounts plus all receivable amounts add up to
//     nano.GenesisAmount;
//   - each representative's stored weight equals the sum of its delegators'
//     balances (and zero weights are not stored);
//   - the delegators index and counts match the accounts' representatives;
//   - each account's chain index holds heights 1..BlockCount, whose blocks
//     belong to it, with the open block first and the frontier last, and the
//     frontier's balance is the account's; confirmation height and frontier
//     equal the block count and frontier;
//   - every receivable entry names a stored send of that amount to that
//     destination;
//   - the block, cemented and account counters match what is stored;
//   - the confirmation sequence (checkseq.go): every block has one, they
//     run 1..blocks without a gap, the index matches the records, each
//     block comes after its previous block and its source, and the meta
//     bucket's highest sequence is the block count;
//   - the in-memory weights Weight answers from equal the stored ones.
//
// It returns nil or an error wrapping ErrCorrupt that names the first
// violation. Its cost is linear in the ledger; ctx is checked between
// accounts. It holds the writer slot, so blocks wait while it runs: it is
// meant for tests and for an operator's consistency check.
func (l *Ledger) Check(ctx context.Context) error {
	select {
	case l.writer <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer l.release()
	return l.view(func(tx *bolt.Tx) error {
		if err := check(ctx, tx); err != nil {
			return err
		}
		stored, err := loadWeights(tx.Bucket(bucketWeights))
		if err != nil {
			return err
		}
		l.weightsMu.RLock()
		defer l.weightsMu.RUnlock()
		if !maps.Equal(stored, l.weights) {
			return fmt.Errorf("%w: in-memory weights (%d representatives) differ from the stored ones (%d)", ErrCorrupt, len(l.weights), len(stored))
		}
		return nil
	})
}

func check(ctx context.Context, tx *bolt.Tx) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
	}
	var (
		total      nano.Amount
		weights    = map[nano.PublicKey]nano.Amount{}
		delegators = map[[64]byte]bool{}
		counts     = map[nano.PublicKey]uint64{}
		blockSum   uint64
		accounts   uint64
	)
	add := func(a *nano.Amount, b nano.Amount, what string) error {
		s, ok := a.Add(b)
		if !ok {
			return bad("%s overflows", what)
		}
		*a = s
		return nil
	}

	err := tx.Bucket(bucketAccounts).ForEach(func(k, v []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(k) != 32 {
			return bad("account key of %d bytes", len(k))
		}
		ai, err := decodeAccount(nano.PublicKey(k), v)
		if err != nil {
			return fmt.Errorf("account %s: %w", nano.PublicKey(k).Account(), err)
		}
		accounts++
		blockSum += ai.BlockCount
		if err := add(&total, ai.Balance, "supply"); err != nil {
			return err
		}
		w := weights[ai.Representative]
		if err := add(&w, ai.Balance, "weight"); err != nil {
			return err
		}
		weights[ai.Representative] = w
		delegators[[64]byte(pairKey(ai.Representative, ai.Account))] = true
		counts[ai.Representative]++
		return checkChain(tx, &ai, bad)
	})
	if err != nil {
		return err
	}

	err = tx.Bucket(bucketReceivable).ForEach(func(k, v []byte) error {
		if len(k) != 64 {
			return bad("receivable key of %d bytes", len(k))
		}
		dest, send := nano.PublicKey(k[:32]), nano.Hash(k[32:])
		e, err := decodeReceivable(v)
		if err != nil {
			return err
		}
		source, amount := e.Source, e.Amount
		sb, ok, err := getBlock(tx, send)
		if err != nil {
			return err
		}
		if !ok || sb.Subtype != SubtypeSend || sb.Counterpart != dest || sb.Account != source || sb.Amount != amount {
			return bad("receivable %s for %s does not match its send", send, dest.Account())
		}
		return add(&total, amount, "supply")
	})
	if err != nil {
		return err
	}
	if total != nano.GenesisAmount {
		return bad("balances and receivables add up to %s, not the supply", total)
	}

	stored := 0
	err = tx.Bucket(bucketWeights).ForEach(func(k, v []byte) error {
		a, err := decodeAmount(v)
		if err != nil {
			return err
		}
		if len(k) != 32 || a.IsZero() || weights[nano.PublicKey(k)] != a {
			return bad("weight of %X is %s, delegators hold %s", k, a, weights[nano.PublicKey(k)])
		}
		stored++
		return nil
	})
	if err != nil {
		return err
	}
	nonZero := 0
	for _, w := range weights {
		if !w.IsZero() {
			nonZero++
		}
	}
	if stored != nonZero {
		return bad("%d weights stored, %d representatives have weight", stored, nonZero)
	}

	n := 0
	err = tx.Bucket(bucketDelegators).ForEach(func(k, _ []byte) error {
		if len(k) != 64 || !delegators[[64]byte(k)] {
			return bad("stray delegators entry %X", k)
		}
		n++
		return nil
	})
	if err != nil {
		return err
	}
	if n != len(delegators) {
		return bad("%d delegators entries for %d accounts", n, len(delegators))
	}
	n = 0
	err = tx.Bucket(bucketDelegatorCounts).ForEach(func(k, v []byte) error {
		c, err := decodeU64(v)
		if err != nil {
			return err
		}
		if len(k) != 32 || counts[nano.PublicKey(k)] != c {
			return bad("delegator count of %X is %d, not %d", k, c, counts[nano.PublicKey(k)])
		}
		n++
		return nil
	})
	if err != nil {
		return err
	}
	if n != len(counts) {
		return bad("%d delegator counts for %d representatives", n, len(counts))
	}

	m := tx.Bucket(bucketMeta)
	metaBlocks, err := decodeU64(m.Get(keyBlockCount))
	if err != nil {
		return err
	}
	metaCemented, err := decodeU64(m.Get(keyCemented))
	if err != nil {
		return err
	}
	metaAccounts, err := decodeU64(m.Get(keyAccountCount))
	if err != nil {
		return err
	}
	blocks := uint64(tx.Bucket(bucketBlocks).Stats().KeyN)
	heights := uint64(tx.Bucket(bucketHeights).Stats().KeyN)
	if blocks != blockSum || heights != blockSum || metaBlocks != blockSum || metaCemented != blockSum {
		return bad("block counts disagree: %d stored, %d indexed, %d in chains, counter %d, cemented %d",
			blocks, heights, blockSum, metaBlocks, metaCemented)
	}
	if metaAccounts != accounts {
		return bad("account counter %d, %d accounts stored", metaAccounts, accounts)
	}
	return checkSequences(tx, blockSum, bad)
}

// checkChain verifies one account's chain index and record.
func checkChain(tx *bolt.Tx, ai *AccountInfo, bad func(string, ...any) error) error {
	if ai.BlockCount == 0 || ai.ConfirmationHeight != ai.BlockCount || ai.ConfirmationFrontier != ai.Frontier {
		return bad("account %s: %d blocks, confirmed to %d", ai.Account.Account(), ai.BlockCount, ai.ConfirmationHeight)
	}
	var prev nano.Hash
	for h := uint64(1); h <= ai.BlockCount; h++ {
		hash, ok := blockAtHeight(tx, ai.Account, h)
		if !ok {
			return bad("account %s has no block at height %d", ai.Account.Account(), h)
		}
		sb, ok, err := getBlock(tx, hash)
		if err != nil {
			return err
		}
		if !ok || sb.Account != ai.Account || sb.Height != h {
			return bad("account %s height %d names block %s of another place", ai.Account.Account(), h, hash)
		}
		if sb.Block.Previous != prev {
			return bad("account %s height %d: block %s does not follow %s", ai.Account.Account(), h, hash, prev)
		}
		prev = hash
		if h == 1 && hash != ai.OpenBlock {
			return bad("account %s: open block %s, chain starts with %s", ai.Account.Account(), ai.OpenBlock, hash)
		}
		if h == ai.BlockCount && hash != ai.Frontier {
			return bad("account %s: frontier %s, chain ends with %s", ai.Account.Account(), ai.Frontier, hash)
		}
		if h == ai.BlockCount && sb.Balance != ai.Balance {
			return bad("account %s: balance %s, its frontier block says %s", ai.Account.Account(), ai.Balance, sb.Balance)
		}
	}
	return nil
}
