package rpc

import (
	"context"
	"math"
	"slices"
	"strconv"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// The wallet actions that read the ledger for a wallet's accounts
// (wallet_history, wallet_ledger, wallet_receivable, wallet_pending,
// wallet_republish) and those about receiving (receive_minimum,
// receive_minimum_set, search_receivable, search_receivable_all and their
// deprecated search_pending names).

func (w *walletActions) registerQueries(r *Registry) {
	r.Register(Action{Name: "wallet_history", Func: w.walletHistory})
	r.Register(Action{Name: "wallet_ledger", Func: w.walletLedger})
	r.Register(Action{Name: "wallet_receivable", Func: ledgerAction(w.walletReceivable)})
	r.Register(Action{Name: "wallet_pending", Func: ledgerAction(deprecated(w.walletReceivable))})
	r.Register(Action{Name: "wallet_republish", Func: ledgerAction(w.walletRepublish)})
	r.Register(Action{Name: "receive_minimum", Func: w.receiveMinimum})
	r.Register(Action{Name: "receive_minimum_set", Func: w.receiveMinimumSet})
	r.Register(Action{Name: "search_receivable", Func: w.searchReceivable})
	r.Register(Action{Name: "search_pending", Func: w.searchReceivable})
	r.Register(Action{Name: "search_receivable_all", Func: w.searchReceivableAll})
	r.Register(Action{Name: "search_pending_all", Func: w.searchReceivableAll})
}

// walletHistory lists the sends and receives of the wallet's accounts
// stored at or after "modified_since" (default 1), newest first; each
// entry is account_history's with block_account, hash and local_timestamp.
func (w *walletActions) walletHistory(ctx context.Context, req *Request) (*ptree.Tree, error) {
	since, err := optionalUnsigned(req, "modified_since", 1, textInvalidTimestamp)
	if err != nil {
		return nil, err
	}
	_, pubs, err := w.walletAccounts(req)
	if err != nil {
		return nil, err
	}
	infos, err := w.openedAccounts(pubs, since)
	if err != nil {
		return nil, err
	}
	type entry struct {
		ts uint64
		t  *ptree.Tree
	}
	var entries []entry
	for _, ai := range infos {
		for h := ai.Frontier; !h.IsZero(); {
			sb, err := w.b.Ledger.Block(h)
			if err != nil {
				return nil, err
			}
			ts := uint64(sb.Timestamp.Unix())
			if ts < since {
				break
			}
			if t := historyEntry(&sb, false, nil); t != nil {
				t.Put("block_account", ai.Account.Account())
				t.Put("hash", h.String())
				t.Put("local_timestamp", strconv.FormatUint(ts, 10))
				entries = append(entries, entry{ts, t})
			}
			h = sb.Block.Previous
		}
	}
	// The node's multimap: newest first, equal times in insertion order.
	slices.SortStableFunc(entries, func(a, b entry) int {
		switch {
		case a.ts > b.ts:
			return -1
		case a.ts < b.ts:
			return 1
		}
		return 0
	})
	history := ptree.New()
	for _, e := range entries {
		history.Push(e.t)
	}
	return ptree.New().PutChild("history", history), nil
}

// walletLedger: each opened account of the wallet modified at or after
// "modified_since", with representative, weight and receivable on request.
func (w *walletActions) walletLedger(ctx context.Context, req *Request) (*ptree.Tree, error) {
	representative := req.Bool("representative", false)
	weight := req.Bool("weight", false)
	receivable := req.Bool("receivable", req.Bool("pending", false))
	var since uint64
	if s, ok := req.Get("modified_since"); ok {
		since, _ = strconv.ParseUint(s, 10, 64) // the node's strtoul: junk is 0
	}
	_, pubs, err := w.walletAccounts(req)
	if err != nil {
		return nil, err
	}
	infos, err := w.openedAccounts(pubs, since)
	if err != nil {
		return nil, err
	}
	accounts := ptree.New()
	for _, ai := range infos {
		pub := ai.Account
		e := putLedgerEntry(ptree.New(), ai)
		if representative {
			e.Put("representative", ai.Representative.Account())
		}
		if weight {
			wt, err := w.b.Ledger.Weight(pub)
			if err != nil {
				return nil, err
			}
			e.Put("weight", wt.String())
		}
		if receivable {
			r, err := w.b.Ledger.ReceivableTotal(pub)
			if err != nil {
				return nil, err
			}
			e.Put("pending", r.String()).Put("receivable", r.String())
		}
		accounts.PutChild(pub.Account(), e)
	}
	return ptree.New().PutChild("accounts", accounts), nil
}

// walletReceivable lists what waits for each of the wallet's accounts, at
// most "count" per account: hashes, or with a threshold or source the
// amounts (and source, min_version) by hash. Every block here is
// confirmed, so include_active and include_only_confirmed change nothing.
func (w *walletActions) walletReceivable(c *ledgerCall) error {
	_, pubs, err := w.walletAccounts(c.req)
	if err != nil {
		return err
	}
	count, err := c.optionalCount(math.MaxUint64)
	if err != nil {
		return err
	}
	threshold, err := c.threshold()
	if err != nil {
		return err
	}
	o := receivableOptions{threshold: threshold, source: c.req.Bool("source", false), minVersion: c.req.Bool("min_version", false)}
	blocks := ptree.New()
	for _, pub := range pubs {
		entries, err := w.b.Ledger.Receivable(pub, nano.Amount{}, 0)
		if err != nil {
			return err
		}
		peers := ptree.New()
		for _, e := range entries {
			if uint64(peers.Len()) >= count {
				break
			}
			switch {
			case threshold.IsZero() && !o.source:
				peers.PushValue(e.Hash.String())
			case e.Amount.Cmp(threshold) >= 0:
				o.put(peers, e)
			}
		}
		if peers.Len() > 0 {
			blocks.PutChild(pub.Account(), peers)
		}
	}
	c.out.PutChild("blocks", blocks)
	return nil
}

// walletRepublish lists, per account, up to "count" blocks ending at its
// frontier, oldest first. A single node has no peers to flood them to.
func (w *walletActions) walletRepublish(c *ledgerCall) error {
	_, pubs, err := w.walletAccounts(c.req)
	if err != nil {
		return err
	}
	count, err := c.count()
	if err != nil {
		return err
	}
	infos, err := w.openedAccounts(pubs, 0)
	if err != nil {
		return err
	}
	blocks := ptree.New()
	for _, ai := range infos {
		hashes, err := w.b.Ledger.Chain(ai.Frontier, 0, int(min(count, math.MaxInt32)), false)
		if err != nil {
			return err
		}
		slices.Reverse(hashes)
		for _, h := range hashes {
			blocks.PushValue(h.String())
		}
	}
	c.out.PutChild("blocks", blocks)
	return nil
}

// openedAccounts is the ledger's record of each opened account of pubs
// modified at or after since (Unix seconds), in pubs' order.
func (w *walletActions) openedAccounts(pubs []nano.PublicKey, since uint64) ([]ledger.AccountInfo, error) {
	var infos []ledger.AccountInfo
	for _, pub := range pubs {
		ai, opened, err := w.b.Ledger.Account(pub)
		if err != nil {
			return nil, err
		}
		if opened && uint64(ai.Modified.Unix()) >= since {
			infos = append(infos, ai)
		}
	}
	return infos, nil
}

func (w *walletActions) receiveMinimum(ctx context.Context, req *Request) (*ptree.Tree, error) {
	return ptree.New().Put("amount", w.b.Wallets.ReceiveMinimum().String()), nil
}

// receiveMinimumSet stores "amount" ("Bad amount number"); unlike the
// node's, it survives a restart.
func (w *walletActions) receiveMinimumSet(ctx context.Context, req *Request) (*ptree.Tree, error) {
	s, err := req.Require("amount")
	if err != nil {
		return nil, err
	}
	a, err := nano.ParseAmount(s)
	if err != nil {
		return nil, Errorf("Bad amount number")
	}
	if err := w.b.Wallets.SetReceiveMinimum(a); err != nil {
		return nil, err
	}
	return ptree.New().Put("success", ""), nil
}

// searchReceivable starts receiving what waits for the wallet's accounts:
// {"started": "1"}, or "0" for a locked wallet, as the node.
func (w *walletActions) searchReceivable(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	started := w.b.Receiver != nil && w.b.Receiver.Search(id) == nil
	return ptree.New().Put("started", boolText(started)), nil
}

func (w *walletActions) searchReceivableAll(ctx context.Context, req *Request) (*ptree.Tree, error) {
	if w.b.Receiver != nil {
		w.b.Receiver.SearchAll()
	}
	return ptree.New().Put("success", ""), nil
}
