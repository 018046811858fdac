package ledger

import (
	"bytes"
	"fmt"
	"maps"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// Representative weights are kept incrementally: every block adjusts the
// weights bucket in its own transaction, recording the new values in the
// writeTx; once the batch has committed they are copied into the ledger's
// in-memory mirror, so Weight is one map lookup under a read lock. The
// delegators index (rep || account) and the per-rep delegator count follow
// each account's representative the same way.

// addWeight adds amount to rep's weight.
func (w *writeTx) addWeight(rep nano.PublicKey, amount nano.Amount) error {
	if amount.IsZero() {
		return nil
	}
	cur, err := decodeWeight(w.weights.Get(rep[:]))
	if err != nil {
		return err
	}
	sum, ok := cur.Add(amount)
	if !ok {
		return fmt.Errorf("%w: weight of %s overflows", ErrCorrupt, rep.Account())
	}
	w.noteWeight(rep, sum)
	v := sum.Bytes()
	return w.put(w.weights, rep[:], v[:])
}

// subWeight takes amount from rep's weight, deleting the entry at zero.
func (w *writeTx) subWeight(rep nano.PublicKey, amount nano.Amount) error {
	if amount.IsZero() {
		return nil
	}
	cur, err := decodeWeight(w.weights.Get(rep[:]))
	if err != nil {
		return err
	}
	diff, ok := cur.Sub(amount)
	if !ok {
		return fmt.Errorf("%w: weight of %s goes negative", ErrCorrupt, rep.Account())
	}
	w.noteWeight(rep, diff)
	if diff.IsZero() {
		return w.del(w.weights, rep[:])
	}
	v := diff.Bytes()
	return w.put(w.weights, rep[:], v[:])
}

// moveWeight takes oldBalance from oldRep and gives newBalance to newRep: the
// node's rep_weights move_add_sub, which covers every state block.
func (w *writeTx) moveWeight(oldRep nano.PublicKey, oldBalance nano.Amount, newRep nano.PublicKey, newBalance nano.Amount) error {
	if err := w.subWeight(oldRep, oldBalance); err != nil {
		return err
	}
	return w.addWeight(newRep, newBalance)
}

// noteWeight records rep's new weight for the in-memory mirror.
func (w *writeTx) noteWeight(rep nano.PublicKey, a nano.Amount) {
	if w.newWeights == nil {
		w.newWeights = make(map[nano.PublicKey]nano.Amount)
	}
	w.newWeights[rep] = a
}

// loadWeights reads the weights bucket into a map, for the mirror.
func loadWeights(b *bolt.Bucket) (map[nano.PublicKey]nano.Amount, error) {
	m := make(map[nano.PublicKey]nano.Amount)
	err := b.ForEach(func(k, v []byte) error {
		a, err := decodeAmount(v)
		if err != nil || len(k) != 32 {
			return fmt.Errorf("%w: weights entry", ErrCorrupt)
		}
		m[nano.PublicKey(k)] = a
		return nil
	})
	return m, err
}

// applyWeights copies a committed batch's new weights into the mirror.
func (l *Ledger) applyWeights(changed map[nano.PublicKey]nano.Amount) {
	if len(changed) == 0 {
		return
	}
	l.weightsMu.Lock()
	for rep, a := range changed {
		if a.IsZero() {
			delete(l.weights, rep)
		} else {
			l.weights[rep] = a
		}
	}
	l.weightsMu.Unlock()
}

func decodeWeight(v []byte) (nano.Amount, error) {
	if v == nil {
		return nano.Amount{}, nil
	}
	return decodeAmount(v)
}

func (w *writeTx) addDelegator(rep, account nano.PublicKey) error {
	if err := w.put(w.delegators, pairKey(rep, account), nil); err != nil {
		return err
	}
	n, err := w.delegatorCount(rep)
	if err != nil {
		return err
	}
	return w.put(w.delegatorCounts, rep[:], u64Bytes(n+1))
}

func (w *writeTx) removeDelegator(rep, account nano.PublicKey) error {
	key := pairKey(rep, account)
	if w.delegators.Get(key) == nil {
		return fmt.Errorf("%w: %s is not a delegator of %s", ErrCorrupt, account.Account(), rep.Account())
	}
	if err := w.del(w.delegators, key); err != nil {
		return err
	}
	n, err := w.delegatorCount(rep)
	if err != nil {
		return err
	}
	if n <= 1 {
		return w.del(w.delegatorCounts, rep[:])
	}
	return w.put(w.delegatorCounts, rep[:], u64Bytes(n-1))
}

func (w *writeTx) delegatorCount(rep nano.PublicKey) (uint64, error) {
	return delegatorCount(w.delegatorCounts, rep)
}

func delegatorCount(counts *bolt.Bucket, rep nano.PublicKey) (uint64, error) {
	v := counts.Get(rep[:])
	if v == nil {
		return 0, nil
	}
	return decodeU64(v)
}

// Weight returns the weight delegated to rep: the sum of the balances of the
// accounts it represents (zero for an account that represents none). It is
// one lookup in the in-memory mirror.
func (l *Ledger) Weight(rep nano.PublicKey) (nano.Amount, error) {
	if l.closed.Load() {
		return nano.Amount{}, ErrClosed
	}
	l.weightsMu.RLock()
	a := l.weights[rep]
	l.weightsMu.RUnlock()
	return a, nil
}

// Representatives returns every representative with a non-zero weight,
// from the in-memory mirror.
func (l *Ledger) Representatives() (map[nano.PublicKey]nano.Amount, error) {
	if l.closed.Load() {
		return nil, ErrClosed
	}
	l.weightsMu.RLock()
	defer l.weightsMu.RUnlock()
	return maps.Clone(l.weights), nil
}

// Delegator is an account and its balance, as Delegators lists them.
type Delegator struct {
	Account nano.PublicKey
	Balance nano.Amount
}

// Delegators lists the accounts whose representative is rep, in account
// order, starting after start (exclusive, as the node's "start"; the zero key
// starts at the beginning), skipping balances below threshold, at most count
// of them (count <= 0: all). It reads the delegators index, one lookup per
// listed account.
func (l *Ledger) Delegators(rep, start nano.PublicKey, threshold nano.Amount, count int) ([]Delegator, error) {
	var out []Delegator
	err := l.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDelegators).Cursor()
		seek := pairKey(rep, start)
		k, _ := c.Seek(seek)
		if bytes.Equal(k, seek) && !start.IsZero() {
			k, _ = c.Next()
		}
		for ; k != nil && bytes.HasPrefix(k, rep[:]); k, _ = c.Next() {
			if count > 0 && len(out) >= count {
				break
			}
			if len(k) != 64 {
				return fmt.Errorf("%w: delegators key of %d bytes", ErrCorrupt, len(k))
			}
			account := nano.PublicKey(k[32:])
			ai, ok, err := getAccount(tx, account)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: delegator %s has no account", ErrCorrupt, account.Account())
			}
			if ai.Balance.Cmp(threshold) >= 0 {
				out = append(out, Delegator{Account: account, Balance: ai.Balance})
			}
		}
		return nil
	})
	return out, err
}

// DelegatorsCount returns how many accounts have rep as representative,
// whatever their balance. It is one lookup.
func (l *Ledger) DelegatorsCount(rep nano.PublicKey) (uint64, error) {
	var n uint64
	err := l.view(func(tx *bolt.Tx) error {
		var err error
		n, err = delegatorCount(tx.Bucket(bucketDelegatorCounts), rep)
		return err
	})
	return n, err
}
