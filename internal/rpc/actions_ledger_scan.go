package rpc

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strconv"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// The node's error texts of the scanning actions.
const (
	textInvalidTimestamp    = "Invalid timestamp"
	textInvalidSources      = "Invalid sources number"
	textInvalidDestinations = "Invalid destinations number"
)

// RegisterLedgerScanActions adds the actions that walk the ledger: ledger
// and unopened (both control) and republish. republish answers the hashes
// the node would flood; a single dev node has no peer to send them to.
func RegisterLedgerScanActions(r *Registry, b *Backend) {
	l := &ledgerRPC{b: b}
	r.Register(Action{Name: "ledger", Func: ledgerAction(l.ledgerDump)})
	r.Register(Action{Name: "unopened", Func: ledgerAction(l.unopened)})
	r.Register(Action{Name: "republish", Func: ledgerAction(l.republish)})
}

// ledgerDump is the node's ledger action: accounts from "account" (default
// the zero account) in account order, or with sorting by balance, highest
// first; count (default all) bounds the reply in both cases.
func (l *ledgerRPC) ledgerDump(c *ledgerCall) error {
	count, threshold, start, _, err := c.scanParams()
	if err != nil {
		return err
	}
	since, err := optionalUnsigned(c.req, "modified_since", 0, textInvalidTimestamp)
	if err != nil {
		return err
	}
	sorting := c.req.Bool("sorting", false)
	withRep := c.req.Bool("representative", false)
	withWeight := c.req.Bool("weight", false)
	withReceivable := c.req.Bool("receivable", c.req.Bool("pending", false))

	infos, err := l.b.Ledger.Accounts(start, 0)
	if err != nil {
		return err
	}
	infos = slices.DeleteFunc(infos, func(ai ledger.AccountInfo) bool { return uint64(ai.Modified.Unix()) < since })
	if sorting {
		slices.SortFunc(infos, func(a, b ledger.AccountInfo) int {
			if c := b.Balance.Cmp(a.Balance); c != 0 {
				return c
			}
			return cmp.Compare(string(b.Account[:]), string(a.Account[:]))
		})
	}
	accounts := ptree.New()
	for _, ai := range infos {
		if uint64(accounts.Len()) >= count {
			break
		}
		if !withReceivable && ai.Balance.Cmp(threshold) < 0 {
			continue
		}
		entry := ptree.New()
		if withReceivable {
			receivable, err := l.b.Ledger.ReceivableTotal(ai.Account)
			if err != nil {
				return err
			}
			if total, _ := ai.Balance.Add(receivable); total.Cmp(threshold) < 0 {
				continue
			}
			entry.Put("pending", receivable.String()).Put("receivable", receivable.String())
		}
		putLedgerEntry(entry, ai)
		if withRep {
			entry.Put("representative", ai.Representative.Account())
		}
		if withWeight {
			w, err := l.b.Ledger.Weight(ai.Account)
			if err != nil {
				return err
			}
			entry.Put("weight", w.String())
		}
		accounts.PutChild(ai.Account.Account(), entry)
	}
	c.out.PutChild("accounts", accounts)
	return nil
}

// putLedgerEntry adds the account fields of a ledger or wallet_ledger
// entry to t.
func putLedgerEntry(t *ptree.Tree, ai ledger.AccountInfo) *ptree.Tree {
	return t.Put("frontier", ai.Frontier.String()).
		Put("open_block", ai.OpenBlock.String()).
		Put("representative_block", ai.RepresentativeBlock.String()).
		Put("balance", ai.Balance.String()).
		Put("modified_timestamp", strconv.FormatInt(ai.Modified.Unix(), 10)).
		Put("block_count", strconv.FormatUint(ai.BlockCount, 10))
}

// scanParams reads the options ledger and unopened share, in the node's
// order: "count" (default all), "threshold", and the start "account".
func (c *ledgerCall) scanParams() (count uint64, threshold nano.Amount, start nano.PublicKey, given bool, err error) {
	if count, err = c.optionalCount(math.MaxUint64); err != nil {
		return
	}
	if threshold, err = c.threshold(); err != nil {
		return
	}
	start, given, err = c.optionalAccount("account", textBadAccount)
	return
}

// unopened is the node's unopened action: accounts with receivable sends
// and no block, from "account" (default account 1, leaving out the burn
// account), with the sum waiting for each.
func (l *ledgerRPC) unopened(c *ledgerCall) error {
	count, threshold, start, given, err := c.scanParams()
	if err != nil {
		return err
	}
	if !given {
		start = nano.PublicKey{31: 1}
	}
	list, err := l.b.Ledger.Unopened(start, threshold, clampCount(count))
	if err != nil {
		return err
	}
	accounts := ptree.New()
	if count > 0 {
		for _, u := range list {
			accounts.Put(u.Account.Account(), u.Receivable.String())
		}
	}
	c.out.PutChild("accounts", accounts)
	return nil
}

// republish is the node's republish action: from "hash", up to count
// (default 1024) blocks of its chain, each preceded by up to "sources"
// blocks of the chain its source came from and followed by up to
// "destinations" blocks of the chain that received it.
func (l *ledgerRPC) republish(c *ledgerCall) error {
	count, err := c.optionalCount(1024)
	if err != nil {
		return err
	}
	sources, err := optionalUnsigned(c.req, "sources", 0, textInvalidSources)
	if err != nil {
		return err
	}
	destinations, err := optionalUnsigned(c.req, "destinations", 0, textInvalidDestinations)
	if err != nil {
		return err
	}
	hash, err := c.hash("hash", textInvalidBlockHash)
	if err != nil {
		return err
	}
	if _, err := l.b.Ledger.Block(hash); err != nil {
		return ledgerError(err)
	}
	blocks := ptree.New()
	push := func(hs []nano.Hash) {
		for _, h := range hs {
			blocks.PushValue(h.String())
		}
	}
	for i := uint64(0); hash != (nano.Hash{}) && i < count; i++ {
		sb, err := l.b.Ledger.Block(hash)
		if err != nil {
			return err
		}
		if sources != 0 {
			chain, err := l.chainBack(sourceOf(sb.Block), sources)
			if err != nil {
				return err
			}
			push(chain)
		}
		push([]nano.Hash{hash})
		if destinations != 0 && sb.Subtype == ledger.SubtypeSend {
			chain, err := l.destinationChain(sb, destinations)
			if err != nil {
				return err
			}
			push(chain)
		}
		if hash, err = l.b.Ledger.Successor(hash); err != nil {
			return err
		}
	}
	c.out.Put("success", "")
	c.out.PutChild("blocks", blocks)
	return nil
}

// destinationChain is the part of the receiving account's chain that
// republish adds after a received send: its blocks from the open block up
// to the receive of send, at most limit of them, oldest first. Nothing for a
// send not yet received.
func (l *ledgerRPC) destinationChain(send ledger.StoredBlock, limit uint64) ([]nano.Hash, error) {
	waiting, err := l.b.Ledger.ReceivableExists(send.Hash)
	if err != nil || waiting {
		return nil, err
	}
	ai, err := l.b.Ledger.AccountInfo(send.Counterpart)
	if errors.Is(err, ledger.ErrAccountNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	// Walk back from the head until the block that received send.
	var hashes []nano.Hash
	for h := ai.Frontier; ; {
		sb, err := l.b.Ledger.Block(h)
		if errors.Is(err, ledger.ErrBlockNotFound) {
			break
		} else if err != nil {
			return nil, err
		}
		hashes = append(hashes, h)
		if sb.Subtype != ledger.SubtypeSend && sourceOf(sb.Block) == send.Hash {
			break
		}
		h = sb.Block.Previous
	}
	slices.Reverse(hashes)
	return hashes[:min(uint64(len(hashes)), limit)], nil
}

// chainBack returns up to limit blocks of the chain ending at hash, oldest
// first.
func (l *ledgerRPC) chainBack(hash nano.Hash, limit uint64) ([]nano.Hash, error) {
	var hashes []nano.Hash
	for uint64(len(hashes)) < limit {
		sb, err := l.b.Ledger.Block(hash)
		if errors.Is(err, ledger.ErrBlockNotFound) {
			break
		} else if err != nil {
			return nil, err
		}
		hashes = append(hashes, hash)
		hash = sb.Block.Previous
	}
	slices.Reverse(hashes)
	return hashes, nil
}

// sourceOf is the node's source_field, else link_field as a hash: the
// source of a legacy receive or open, the link of a state block (a send's
// link is an account, which names no block).
func sourceOf(b *nano.Block) nano.Hash {
	switch b.Type {
	case nano.BlockTypeReceive, nano.BlockTypeOpen:
		return b.Source
	case nano.BlockTypeState:
		return b.Link
	}
	return nano.Hash{}
}
