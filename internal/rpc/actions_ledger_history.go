package rpc

import (
	"errors"
	"slices"
	"strconv"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// historyBatch is how many blocks account_history reads from the ledger at
// a time.
const historyBatch = 256

// history is the node's deprecated "history": "hash" becomes "head".
func (l *ledgerRPC) history(c *ledgerCall) error {
	h, err := c.req.Require("hash")
	if err != nil {
		return err
	}
	c.req.Params.Set("head", h)
	return l.accountHistory(c)
}

// accountHistory lists an account's blocks from its frontier (or from
// "head", or from its open block with "reverse"), skipping "offset" blocks
// and listing "count" entries: account, history ("" when empty), then
// "previous" (or "next" with reverse) naming the block the next page
// starts at, when there is one. Without "raw" change blocks are not listed
// and do not count. "account_filter" keeps sends to and receives from the
// given accounts.
func (l *ledgerRPC) accountHistory(c *ledgerCall) error {
	var filter []nano.PublicKey
	if fn, ok := c.req.Params.Child("account_filter"); ok {
		for _, e := range fn.All() {
			acct, err := c.accountText(e.Value, textBadAccount)
			if err != nil {
				return err
			}
			filter = append(filter, acct)
		}
	}
	reverse := c.req.Bool("reverse", false)
	headText, hasHead := c.req.Get("head")
	count, err := c.count()
	if err != nil {
		return err
	}
	offset, err := c.optionalOffset()
	if err != nil {
		return err
	}
	q := ledger.HistoryQuery{Offset: offset, Reverse: reverse, Raw: true}
	var account nano.PublicKey
	exists := true
	if hasHead {
		h, err := nano.ParseHash(headText)
		if err != nil {
			return Errorf(textBadHashNumber)
		}
		sb, err := l.b.Ledger.Block(h)
		if err != nil {
			return ledgerError(err)
		}
		account, q.Head = sb.Account, h
	} else {
		if account, err = c.account("account"); err != nil {
			return err
		}
		q.Account = account
		if _, err := l.b.Ledger.AccountInfo(account); err != nil {
			// Walking from the frontier of an account without one lists
			// nothing; walking from its open block is an error.
			if !errors.Is(err, ledger.ErrAccountNotFound) {
				return err
			}
			if reverse {
				return Errorf(textAccountNotFound)
			}
			exists = false
		}
	}
	raw := c.req.Bool("raw", false)
	withLinked := c.req.Bool("include_linked_account", false)
	c.out.Put("account", account.Account())
	list := ptree.New()
	var next nano.Hash
	remaining := count
pages:
	for exists {
		q.Count = historyBatch
		page, err := l.b.Ledger.History(q)
		if err != nil {
			return ledgerError(err)
		}
		for i := range page.Entries {
			sb := &page.Entries[i]
			entry := historyEntry(sb, raw, filter)
			if entry == nil {
				continue
			}
			if withLinked {
				if a, ok := linkedAccount(sb); ok {
					entry.Put("linked_account", a.Account())
				} else {
					entry.Put("linked_account", "0")
				}
			}
			entry.Put("local_timestamp", strconv.FormatInt(sb.Timestamp.Unix(), 10))
			entry.Put("height", strconv.FormatUint(sb.Height, 10))
			entry.Put("hash", sb.Hash.String())
			entry.Put("confirmed", trueFalse(sb.Confirmed))
			if raw {
				entry.Put("work", nano.FormatWork(sb.Block.Work))
				entry.Put("signature", sb.Block.Signature.String())
			}
			list.Push(entry)
			if remaining--; remaining == 0 {
				if i+1 < len(page.Entries) {
					next = page.Entries[i+1].Hash
				} else {
					next = page.Next
				}
				break pages
			}
		}
		if page.Next.IsZero() {
			break
		}
		q = ledger.HistoryQuery{Head: page.Next, Reverse: reverse, Raw: true}
	}
	c.out.PutChild("history", list)
	if !next.IsZero() {
		key := "previous"
		if reverse {
			key = "next"
		}
		c.out.Put(key, next.String())
	}
	return nil
}

// historyEntry is the node's history_visitor: the type-specific members of
// one account_history entry, or nil for a block that is not listed (a
// change block without raw, or a send or receive the filter excludes).
func historyEntry(sb *ledger.StoredBlock, raw bool, filter []nano.PublicKey) *ptree.Tree {
	ignore := func(a nano.PublicKey) bool { return len(filter) > 0 && !slices.Contains(filter, a) }
	b := sb.Block
	t := ptree.New()
	switch b.Type {
	case nano.BlockTypeSend:
		if ignore(b.Destination) {
			return nil
		}
		t.Put("type", "send")
		t.Put("account", b.Destination.Account())
		t.Put("amount", sb.Amount.String())
		if raw {
			t.Put("destination", b.Destination.Account())
			t.Put("balance", b.Balance.String())
			t.Put("previous", b.Previous.String())
		}
	case nano.BlockTypeReceive:
		t.Put("type", "receive")
		t.Put("account", sb.Counterpart.Account())
		t.Put("amount", sb.Amount.String())
		if raw {
			t.Put("source", b.Source.String())
			t.Put("previous", b.Previous.String())
		}
	case nano.BlockTypeOpen:
		if raw {
			t.Put("type", "open")
			t.Put("representative", b.Representative.Account())
			t.Put("source", b.Source.String())
			t.Put("opened", b.Account.Account())
		} else {
			t.Put("type", "receive") // an open is reported as a receive
		}
		// For the genesis this is the genesis account and the genesis amount.
		t.Put("account", sb.Counterpart.Account())
		t.Put("amount", sb.Amount.String())
	case nano.BlockTypeChange:
		if raw && len(filter) == 0 {
			t.Put("type", "change")
			t.Put("representative", b.Representative.Account())
			t.Put("previous", b.Previous.String())
		}
	case nano.BlockTypeState:
		if raw {
			t.Put("type", "state")
			t.Put("representative", b.Representative.Account())
			t.Put("link", b.Link.String())
			t.Put("balance", b.Balance.String())
			t.Put("previous", b.Previous.String())
		}
		kind := "type"
		if raw {
			kind = "subtype"
		}
		switch sb.Subtype {
		case ledger.SubtypeSend:
			if ignore(nano.PublicKey(b.Link)) {
				return nil
			}
			t.Put(kind, "send")
			t.Put("account", b.LinkAsAccount())
			t.Put("amount", sb.Amount.String())
		case ledger.SubtypeReceive:
			if ignore(sb.Counterpart) {
				return nil
			}
			t.Put(kind, "receive")
			t.Put("account", sb.Counterpart.Account())
			t.Put("amount", sb.Amount.String())
		case ledger.SubtypeChange:
			if raw && len(filter) == 0 {
				t.Put("subtype", "change")
			}
		case ledger.SubtypeEpoch:
			if raw && len(filter) == 0 {
				t.Put("subtype", "epoch")
				t.Put("account", genesisAccount.Account()) // the epoch signer
			}
		}
	}
	if t.Len() == 0 {
		return nil
	}
	return t
}
