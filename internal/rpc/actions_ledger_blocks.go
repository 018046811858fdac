package rpc

import (
	"errors"
	"strconv"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// putBlockInfo writes the members block_info and each blocks_info entry
// share, in the node's order: block_account, [linked_account], amount,
// balance, height, local_timestamp, successor, confirmed ("true"),
// contents, and subtype for a state block.
func (l *ledgerRPC) putBlockInfo(c *ledgerCall, t *ptree.Tree, sb *ledger.StoredBlock) error {
	t.Put("block_account", sb.Account.Account())
	if c.req.Bool("include_linked_account", false) {
		if a, ok := linkedAccount(sb); ok {
			t.Put("linked_account", a.Account())
		} else {
			t.Put("linked_account", "0")
		}
	}
	next, err := l.b.Ledger.Successor(sb.Hash)
	if err != nil {
		return ledgerError(err)
	}
	t.Put("amount", sb.Amount.String())
	t.Put("balance", sb.Balance.String())
	t.Put("height", strconv.FormatUint(sb.Height, 10))
	t.Put("local_timestamp", strconv.FormatInt(sb.Timestamp.Unix(), 10))
	t.Put("successor", next.String())
	t.Put("confirmed", trueFalse(sb.Confirmed))
	if err := c.putBlock(t, "contents", sb.Block); err != nil {
		return err
	}
	if sb.Block.Type == nano.BlockTypeState {
		t.Put("subtype", sb.Subtype.String())
	}
	return nil
}

func (l *ledgerRPC) blockInfo(c *ledgerCall) error {
	h, err := c.hash("hash", textInvalidBlockHash)
	if err != nil {
		return err
	}
	sb, err := l.b.Ledger.Block(h)
	if err != nil {
		return ledgerError(err)
	}
	return l.putBlockInfo(c, c.out, &sb)
}

// blocks returns the contents of each of "hashes", keyed by the hash as
// given. A bad or unknown hash fails the whole request.
func (l *ledgerRPC) blocks(c *ledgerCall) error {
	list, err := c.list("hashes")
	if err != nil {
		return err
	}
	out := ptree.New()
	for _, e := range list.All() {
		h, err := nano.ParseHash(e.Value)
		if err != nil {
			return Errorf(textBadHashNumber)
		}
		sb, err := l.b.Ledger.Block(h)
		if err != nil {
			return ledgerError(err)
		}
		if err := c.putBlock(out, e.Value, sb.Block); err != nil {
			return err
		}
	}
	c.out.PutChild("blocks", out)
	return nil
}

// blocksInfo is block_info for each of "hashes", plus optionally pending
// and receivable ("1"/"0": a send not yet received), receive_hash (the block
// that received a send) and source_account (a receive's sender). With
// include_not_found an unknown hash is listed in blocks_not_found instead
// of failing the request.
func (l *ledgerRPC) blocksInfo(c *ledgerCall) error {
	receivable := c.req.Bool("receivable", c.req.Bool("pending", false))
	receiveHash := c.req.Bool("receive_hash", false)
	source := c.req.Bool("source", false)
	includeNotFound := c.req.Bool("include_not_found", false)
	list, err := c.list("hashes")
	if err != nil {
		return err
	}
	out, notFound := ptree.New(), ptree.New()
	for _, e := range list.All() {
		h, err := nano.ParseHash(e.Value)
		if err != nil {
			return Errorf(textBadHashNumber)
		}
		sb, err := l.b.Ledger.Block(h)
		if errors.Is(err, ledger.ErrBlockNotFound) && includeNotFound {
			notFound.PushValue(e.Value)
			continue
		}
		if err != nil {
			return ledgerError(err)
		}
		entry := ptree.New()
		if err := l.putBlockInfo(c, entry, &sb); err != nil {
			return err
		}
		if receivable || receiveHash {
			waiting := false
			if sb.Subtype == ledger.SubtypeSend {
				if waiting, err = l.b.Ledger.ReceivableExists(h); err != nil {
					return err
				}
			}
			if receivable {
				v := boolText(waiting)
				entry.Put("pending", v).Put("receivable", v)
			}
			if receiveHash {
				var by nano.Hash
				if sb.Subtype == ledger.SubtypeSend && !waiting {
					if by, err = l.findReceive(sb.Counterpart, h); err != nil {
						return err
					}
				}
				entry.Put("receive_hash", by.String())
			}
		}
		if source {
			if sb.Subtype == ledger.SubtypeReceive && sb.Hash != genesisHash {
				entry.Put("source_account", sb.Counterpart.Account())
			} else {
				entry.Put("source_account", "0")
			}
		}
		out.PutChild(e.Value, entry)
	}
	c.out.PutChild("blocks", out)
	if includeNotFound {
		c.out.PutChild("blocks_not_found", notFound)
	}
	return nil
}

// findReceive returns the block of account's chain that received send, or
// the zero hash (the node's find_receive_block_by_send_hash). It walks the
// chain from the frontier.
func (l *ledgerRPC) findReceive(account nano.PublicKey, send nano.Hash) (nano.Hash, error) {
	q := ledger.HistoryQuery{Account: account, Count: historyBatch, Raw: true}
	for {
		page, err := l.b.Ledger.History(q)
		if errors.Is(err, ledger.ErrAccountNotFound) {
			return nano.Hash{}, nil
		}
		if err != nil {
			return nano.Hash{}, err
		}
		for _, sb := range page.Entries {
			b := sb.Block
			switch {
			case b.Type == nano.BlockTypeState && sb.Subtype == ledger.SubtypeReceive && b.Link == send,
				(b.Type == nano.BlockTypeReceive || b.Type == nano.BlockTypeOpen) && b.Source == send:
				return sb.Hash, nil
			}
		}
		if page.Next.IsZero() {
			return nano.Hash{}, nil
		}
		q = ledger.HistoryQuery{Head: page.Next, Count: historyBatch, Raw: true}
	}
}

func (l *ledgerRPC) blockAccount(c *ledgerCall) error {
	h, err := c.hash("hash", textInvalidBlockHash)
	if err != nil {
		return err
	}
	sb, err := l.b.Ledger.Block(h)
	if err != nil {
		return ledgerError(err)
	}
	c.out.Put("account", sb.Account.Account())
	return nil
}

// blockCount: count, unchecked (the blocks kept waiting for a missing
// dependency) and cemented.
func (l *ledgerRPC) blockCount(c *ledgerCall) error {
	count, cemented := l.b.Ledger.BlockCount()
	unchecked, _ := l.b.Ledger.UncheckedCount()
	c.out.Put("count", strconv.FormatUint(count, 10))
	c.out.Put("unchecked", strconv.Itoa(unchecked))
	c.out.Put("cemented", strconv.FormatUint(cemented, 10))
	return nil
}

// chain lists "count" hashes from "block" towards the open block (towards
// the frontier for successors; "reverse" flips either), after skipping
// "offset". An unknown block gives an empty list, as in the node.
func (l *ledgerRPC) chain(c *ledgerCall, successors bool) error {
	successors = successors != c.req.Bool("reverse", false)
	h, err := c.hash("block", textInvalidBlockHash)
	if err != nil {
		return err
	}
	count, err := c.count()
	if err != nil {
		return err
	}
	offset, err := c.optionalOffset()
	if err != nil {
		return err
	}
	hashes, err := l.b.Ledger.Chain(h, offset, clampCount(count), successors)
	if err != nil && !errors.Is(err, ledger.ErrBlockNotFound) {
		return err
	}
	t := ptree.New()
	for _, x := range hashes {
		t.PushValue(x.String())
	}
	c.out.PutChild("blocks", t)
	return nil
}
