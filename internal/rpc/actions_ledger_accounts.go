package rpc

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// Values the node's confirmation_quorum reports from its configuration:
// node.online_weight_quorum and the dev/live online_weight_minimum (60M nano).
const (
	onlineWeightQuorum  = 67
	onlineWeightMinimum = "60000000000000000000000000000000000000"
)

// The two live-network accounts whose balances available_supply also
// subtracts (the node checks them on every network).
var (
	landingAccount = mustPublicKey("059F68AAB29DE0D3A27443625C7EA9CDDB6517A8B76FE37727EF6A4D76832AD5")
	faucetAccount  = mustPublicKey("8E319CE6F3025E5B2DF66DA7AB1467FE48F1679C13DD43BFDB29FA2E9FC40D3B")
	genesisAccount = nano.DevGenesisBlock().Account
)

func mustPublicKey(s string) nano.PublicKey {
	k, err := nano.ParsePublicKey(s)
	if err != nil {
		panic(err)
	}
	return k
}

// epochText is the node's epoch_as_string.
func epochText(e nano.Epoch) string {
	switch e {
	case nano.Epoch2:
		return "2"
	case nano.Epoch1:
		return "1"
	}
	return "0"
}

// accountBalance: balance, pending, receivable. An account without blocks
// has balance 0 (no error), as in the node.
func (l *ledgerRPC) accountBalance(c *ledgerCall) error {
	acct, err := c.account("account")
	if err != nil {
		return err
	}
	return l.putBalances(c.out, acct)
}

// putBalances writes balance, pending and receivable for acct.
func (l *ledgerRPC) putBalances(t *ptree.Tree, acct nano.PublicKey) error {
	bal, err := l.b.Ledger.Balance(acct)
	if err != nil {
		return err
	}
	rec, err := l.b.Ledger.ReceivableTotal(acct)
	if err != nil {
		return err
	}
	t.Put("balance", bal.String()).Put("pending", rec.String()).Put("receivable", rec.String())
	return nil
}

func (l *ledgerRPC) accountBlockCount(c *ledgerCall) error {
	acct, err := c.account("account")
	if err != nil {
		return err
	}
	ai, err := l.b.Ledger.AccountInfo(acct)
	if err != nil {
		return ledgerError(err)
	}
	c.out.Put("block_count", strconv.FormatUint(ai.BlockCount, 10))
	return nil
}

// accountInfo follows the node's member order (spec §9.5). Every block is
// cemented, so the confirmed_* values equal the current ones.
func (l *ledgerRPC) accountInfo(c *ledgerCall) error {
	acct, err := c.account("account")
	if err != nil {
		return err
	}
	representative := c.req.Bool("representative", false)
	weight := c.req.Bool("weight", false)
	receivable := c.req.Bool("receivable", c.req.Bool("pending", false))
	includeConfirmed := c.req.Bool("include_confirmed", false)
	ai, err := l.b.Ledger.AccountInfo(acct)
	if err != nil {
		return ledgerError(err)
	}
	o := c.out
	o.Put("frontier", ai.Frontier.String())
	o.Put("open_block", ai.OpenBlock.String())
	o.Put("representative_block", ai.RepresentativeBlock.String())
	o.Put("balance", ai.Balance.String())
	if includeConfirmed {
		o.Put("confirmed_balance", ai.Balance.String())
	}
	o.Put("modified_timestamp", strconv.FormatInt(ai.Modified.Unix(), 10))
	o.Put("block_count", strconv.FormatUint(ai.BlockCount, 10))
	o.Put("account_version", epochText(ai.Epoch))
	if includeConfirmed {
		o.Put("confirmed_height", strconv.FormatUint(ai.ConfirmationHeight, 10))
		o.Put("confirmed_frontier", ai.ConfirmationFrontier.String())
	} else {
		o.Put("confirmation_height", strconv.FormatUint(ai.ConfirmationHeight, 10))
		o.Put("confirmation_height_frontier", ai.ConfirmationFrontier.String())
	}
	if representative {
		o.Put("representative", ai.Representative.Account())
		if includeConfirmed {
			o.Put("confirmed_representative", ai.Representative.Account())
		}
	}
	if weight {
		w, err := l.b.Ledger.Weight(acct)
		if err != nil {
			return err
		}
		o.Put("weight", w.String())
	}
	if receivable {
		rec, err := l.b.Ledger.ReceivableTotal(acct)
		if err != nil {
			return err
		}
		o.Put("pending", rec.String()).Put("receivable", rec.String())
		if includeConfirmed {
			o.Put("confirmed_pending", rec.String()).Put("confirmed_receivable", rec.String())
		}
	}
	return nil
}

func (l *ledgerRPC) accountRepresentative(c *ledgerCall) error {
	acct, err := c.account("account")
	if err != nil {
		return err
	}
	ai, err := l.b.Ledger.AccountInfo(acct)
	if err != nil {
		return ledgerError(err)
	}
	c.out.Put("representative", ai.Representative.Account())
	return nil
}

// accountWeight answers for any valid account, 0 if it represents nobody.
func (l *ledgerRPC) accountWeight(c *ledgerCall) error {
	acct, err := c.account("account")
	if err != nil {
		return err
	}
	w, err := l.b.Ledger.Weight(acct)
	if err != nil {
		return err
	}
	c.out.Put("weight", w.String())
	return nil
}

// perAccount runs put on every element of the "accounts" list, keyed by
// the text as given, building one tree that goes under key; an element
// whose put fails with an *Error goes to "errors" under that text (boost
// put: a repeated text keeps one entry). Like the node's accounts_*
// actions, key and "errors" are left out when empty.
func (c *ledgerCall) perAccount(key string, put func(out *ptree.Tree, text string, acct nano.PublicKey) error) error {
	list, err := c.list("accounts")
	if err != nil {
		return err
	}
	out, errs := ptree.New(), ptree.New()
	for _, e := range list.All() {
		acct, err := c.accountText(e.Value, textBadAccount)
		if err == nil {
			err = put(out, e.Value, acct)
		}
		if rerr, ok := errors.AsType[*Error](err); ok {
			errs.Set(e.Value, rerr.Text)
		} else if err != nil {
			return err
		}
	}
	putNonEmpty(c.out, key, out)
	putNonEmpty(c.out, "errors", errs)
	return nil
}

// putNonEmpty adds t under key only if it has members.
func putNonEmpty(out *ptree.Tree, key string, t *ptree.Tree) {
	if t.Len() > 0 {
		out.PutChild(key, t)
	}
}

func (l *ledgerRPC) accountsBalances(c *ledgerCall) error {
	return c.perAccount("balances", func(balances *ptree.Tree, text string, acct nano.PublicKey) error {
		entry := ptree.New()
		if err := l.putBalances(entry, acct); err != nil {
			return err
		}
		setChild(balances, text, entry)
		return nil
	})
}

// accountsFrontiers keys frontiers by the nano_ address, errors by the text
// given, as the node does.
func (l *ledgerRPC) accountsFrontiers(c *ledgerCall) error {
	return c.perAccount("frontiers", func(frontiers *ptree.Tree, _ string, acct nano.PublicKey) error {
		ai, err := l.b.Ledger.AccountInfo(acct)
		if err != nil {
			return ledgerError(err)
		}
		frontiers.Set(acct.Account(), ai.Frontier.String())
		return nil
	})
}

func (l *ledgerRPC) accountsRepresentatives(c *ledgerCall) error {
	return c.perAccount("representatives", func(reps *ptree.Tree, text string, acct nano.PublicKey) error {
		ai, err := l.b.Ledger.AccountInfo(acct)
		if err != nil {
			return ledgerError(err)
		}
		reps.Set(text, ai.Representative.Account())
		return nil
	})
}

// delegators lists the accounts represented by "account" whose balance is
// at least threshold, after start (exclusive), at most count (1024 by
// default).
func (l *ledgerRPC) delegators(c *ledgerCall) error {
	rep, err := c.account("account")
	if err != nil {
		return err
	}
	count, err := c.optionalCount(1024)
	if err != nil {
		return err
	}
	threshold, err := c.threshold()
	if err != nil {
		return err
	}
	start, _, err := c.optionalAccount("start", textBadAccount)
	if err != nil {
		return err
	}
	t := ptree.New()
	if count > 0 {
		ds, err := l.b.Ledger.Delegators(rep, start, threshold, clampCount(count))
		if err != nil {
			return err
		}
		for _, d := range ds {
			t.Put(d.Account.Account(), d.Balance.String())
		}
	}
	c.out.PutChild("delegators", t)
	return nil
}

func (l *ledgerRPC) delegatorsCount(c *ledgerCall) error {
	rep, err := c.account("account")
	if err != nil {
		return err
	}
	n, err := l.b.Ledger.DelegatorsCount(rep)
	if err != nil {
		return err
	}
	c.out.Put("count", strconv.FormatUint(n, 10))
	return nil
}

// frontiers lists accounts and heads from "account" (inclusive), "count"
// of them (required).
func (l *ledgerRPC) frontiers(c *ledgerCall) error {
	start, err := c.account("account")
	if err != nil {
		return err
	}
	count, err := c.count()
	if err != nil {
		return err
	}
	fs, err := l.b.Ledger.Frontiers(start, clampCount(count))
	if err != nil {
		return err
	}
	t := ptree.New()
	for _, f := range fs {
		t.Put(f.Account.Account(), f.Hash.String())
	}
	c.out.PutChild("frontiers", t)
	return nil
}

func (l *ledgerRPC) accountCount(c *ledgerCall) error {
	c.out.Put("count", strconv.FormatUint(l.b.Ledger.AccountCount(), 10))
	return nil
}

// availableSupply is the genesis amount less the genesis balance, the two
// live-network reserve accounts' balances and what was sent to the burn
// account, as the node computes it.
func (l *ledgerRPC) availableSupply(c *ledgerCall) error {
	avail := nano.GenesisAmount
	for _, acct := range []nano.PublicKey{genesisAccount, landingAccount, faucetAccount} {
		bal, err := l.b.Ledger.Balance(acct)
		if err != nil {
			return err
		}
		avail, _ = avail.Sub(bal)
	}
	burned, err := l.b.Ledger.ReceivableTotal(nano.PublicKey{})
	if err != nil {
		return err
	}
	avail, _ = avail.Sub(burned)
	c.out.Put("available", avail.String())
	return nil
}

// representatives lists representatives and their weights, at most count.
//
// Deliberate deviation: without sorting the node walks an unordered map and,
// by an off-by-one (it breaks only once the tree holds more than count),
// returns up to count+1 entries in no stable order. nipc returns at most
// count entries in account order, so that pages are deterministic. With
// sorting it is the node's order: weight descending, ties by address
// descending.
func (l *ledgerRPC) representatives(c *ledgerCall) error {
	count, err := c.optionalCount(math.MaxUint64)
	if err != nil {
		return err
	}
	sorting := c.req.Bool("sorting", false)
	weights, err := l.b.Ledger.Representatives()
	if err != nil {
		return err
	}
	type rep struct {
		key     nano.PublicKey
		account string
		weight  nano.Amount
	}
	reps := make([]rep, 0, len(weights))
	for k, w := range weights {
		reps = append(reps, rep{k, k.Account(), w})
	}
	if sorting {
		slices.SortFunc(reps, func(a, b rep) int {
			if c := b.weight.Cmp(a.weight); c != 0 {
				return c
			}
			return strings.Compare(b.account, a.account)
		})
	} else {
		slices.SortFunc(reps, func(a, b rep) int { return bytes.Compare(a.key[:], b.key[:]) })
	}
	t := ptree.New()
	for _, r := range reps {
		if uint64(t.Len()) >= count {
			break
		}
		t.Put(r.account, r.weight.String())
	}
	c.out.PutChild("representatives", t)
	return nil
}

// onlineReps are the representatives that vote: on this single node, the
// genesis key it votes with.
func onlineReps() []nano.PublicKey { return []nano.PublicKey{genesisAccount} }

// representativesOnline lists the online representatives, optionally only
// those in "accounts", optionally with their weights.
func (l *ledgerRPC) representativesOnline(c *ledgerCall) error {
	filterNode, filtered := c.req.Params.Child("accounts")
	weight := c.req.Bool("weight", false)
	var filter []nano.PublicKey
	if filtered {
		for _, e := range filterNode.All() {
			acct, err := c.accountText(e.Value, textBadAccount)
			if err != nil {
				return err
			}
			filter = append(filter, acct)
		}
	}
	t := ptree.New()
	for _, rep := range onlineReps() {
		if filtered {
			if len(filter) == 0 {
				break
			}
			i := slices.Index(filter, rep)
			if i < 0 {
				continue
			}
			filter = slices.Delete(filter, i, i+1)
		}
		if weight {
			w, err := l.b.Ledger.Weight(rep)
			if err != nil {
				return err
			}
			t.PutChild(rep.Account(), ptree.New().Put("weight", w.String()))
		} else {
			t.PushValue(rep.Account())
		}
	}
	c.out.PutChild("representatives", t)
	return nil
}

// confirmationQuorum: on a single node the online stake is the weight of
// the genesis representative it votes with, the trended stake is the same
// (floored at the minimum, as the node's trended()), there are no peers,
// and quorum_delta is max(online, trended, minimum) × 67 / 100, computed
// without overflow as the node does.
func (l *ledgerRPC) confirmationQuorum(c *ledgerCall) error {
	var online nano.Amount
	for _, rep := range onlineReps() {
		w, err := l.b.Ledger.Weight(rep)
		if err != nil {
			return err
		}
		online, _ = online.Add(w)
	}
	minimum, err := nano.ParseAmount(onlineWeightMinimum)
	if err != nil {
		return err
	}
	trended := maxAmount(online, minimum)
	delta := mulDiv(maxAmount(online, trended), onlineWeightQuorum, 100)
	o := c.out
	o.Put("quorum_delta", delta.String())
	o.Put("online_weight_quorum_percent", strconv.Itoa(onlineWeightQuorum))
	o.Put("online_weight_minimum", onlineWeightMinimum)
	o.Put("online_stake_total", online.String())
	o.Put("trended_stake_total", trended.String())
	o.Put("peers_stake_total", "0")
	if c.req.Bool("peer_details", false) {
		o.PutChild("peers", ptree.New())
	}
	return nil
}

func maxAmount(a, b nano.Amount) nano.Amount {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}
