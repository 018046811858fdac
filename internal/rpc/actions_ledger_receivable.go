package rpc

import (
	"math"
	"slices"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// receivableOptions are the shaping parameters receivable and
// accounts_receivable share. Every block is confirmed here, so
// include_only_confirmed and include_active change nothing.
type receivableOptions struct {
	count      uint64
	threshold  nano.Amount
	source     bool
	minVersion bool
	sorting    bool
}

// simple: the node answers a bare list of hashes when nothing asks for
// amounts.
func (o receivableOptions) simple() bool {
	return o.threshold.IsZero() && !o.source && !o.minVersion && !o.sorting
}

// entryTree is an entry with amounts: "hash": "amount", or with source or
// min_version an object {amount, [source], [min_version]}.
func (o receivableOptions) put(t *ptree.Tree, e ledger.ReceivableEntry) {
	if !o.source && !o.minVersion {
		t.Put(e.Hash.String(), e.Amount.String())
		return
	}
	c := ptree.New().Put("amount", e.Amount.String())
	if o.source {
		c.Put("source", e.Source.Account())
	}
	if o.minVersion {
		c.Put("min_version", "0") // every send is an epoch-0 block here
	}
	t.PutChild(e.Hash.String(), c)
}

// sortByAmount orders entries by amount, largest first, keeping the
// ledger's order among equal amounts (the node's stable sorts).
func sortByAmount(es []ledger.ReceivableEntry) {
	slices.SortStableFunc(es, func(a, b ledger.ReceivableEntry) int { return b.Amount.Cmp(a.Amount) })
}

// receivable lists what waits for "account", in send-hash order, skipping
// "offset" entries, at most "count": hashes only, or amounts when a
// threshold, source, min_version or sorting is asked for.
func (l *ledgerRPC) receivable(c *ledgerCall) error {
	acct, err := c.account("account")
	if err != nil {
		return err
	}
	var o receivableOptions
	if o.count, err = c.optionalCount(math.MaxUint64); err != nil {
		return err
	}
	offset, err := c.optionalOffset()
	if err != nil {
		return err
	}
	if o.threshold, err = c.threshold(); err != nil {
		return err
	}
	o.source = c.req.Bool("source", false)
	o.minVersion = c.req.Bool("min_version", false)
	o.sorting = c.req.Bool("sorting", false)
	entries, err := l.b.Ledger.Receivable(acct, nano.Amount{}, 0)
	if err != nil {
		return err
	}
	out := ptree.New()
	if o.sorting && !o.simple() {
		// Sorted: filter, sort, then page.
		var kept []ledger.ReceivableEntry
		for _, e := range entries {
			if e.Amount.Cmp(o.threshold) >= 0 {
				kept = append(kept, e)
			}
		}
		sortByAmount(kept)
		for i := offset; i < uint64(len(kept)) && i-offset < o.count; i++ {
			o.put(out, kept[i])
		}
	} else {
		// Unsorted, as the node: the offset skips entries whatever their
		// amount; entries below the threshold are then dropped.
		skip := offset
		for _, e := range entries {
			if uint64(out.Len()) >= o.count {
				break
			}
			if skip > 0 {
				skip--
				continue
			}
			switch {
			case o.simple():
				out.PushValue(e.Hash.String())
			case e.Amount.Cmp(o.threshold) >= 0:
				o.put(out, e)
			}
		}
	}
	c.out.PutChild("blocks", out)
	return nil
}

// accountsReceivable is receivable for each of "accounts" (no offset),
// keyed by nano_ address; accounts with nothing waiting are left out. One
// bad account fails the request.
func (l *ledgerRPC) accountsReceivable(c *ledgerCall) error {
	list, err := c.list("accounts")
	if err != nil {
		return err
	}
	var o receivableOptions
	if o.count, err = c.optionalCount(math.MaxUint64); err != nil {
		return err
	}
	if o.threshold, err = c.threshold(); err != nil {
		return err
	}
	o.source = c.req.Bool("source", false)
	o.sorting = c.req.Bool("sorting", false)
	blocks := ptree.New()
	for _, e := range list.All() {
		acct, err := c.accountText(e.Value, textBadAccount)
		if err != nil {
			return err
		}
		entries, err := l.b.Ledger.Receivable(acct, nano.Amount{}, 0)
		if err != nil {
			return err
		}
		var kept []ledger.ReceivableEntry
		peers := ptree.New()
		for _, en := range entries {
			if uint64(len(kept)+peers.Len()) >= o.count {
				break
			}
			switch {
			case o.simple():
				peers.PushValue(en.Hash.String())
			case en.Amount.Cmp(o.threshold) >= 0:
				kept = append(kept, en)
			}
		}
		// The node sorts what it collected (after the count), largest first.
		if o.sorting {
			sortByAmount(kept)
		}
		for _, en := range kept {
			o.put(peers, en)
		}
		if peers.Len() > 0 {
			blocks.PutChild(acct.Account(), peers)
		}
	}
	c.out.PutChild("blocks", blocks)
	return nil
}

// receivableExists: "1" if the block is a send not yet received.
func (l *ledgerRPC) receivableExists(c *ledgerCall) error {
	h, err := c.hash("hash", textInvalidBlockHash)
	if err != nil {
		return err
	}
	ok, err := l.b.Ledger.ReceivableExists(h)
	if err != nil {
		return ledgerError(err)
	}
	c.out.Put("exists", boolText(ok))
	return nil
}
