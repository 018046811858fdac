package rpc

import (
	"context"
	"errors"
	"math"
	"strconv"

	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/wallet"
	"github.com/nipc/nipc/nano"
)

// RegisterWalletActions adds the legacy wallet actions: wallet_create,
// wallet_add, wallet_destroy, account_create, accounts_create,
// wallet_representative_set, send, receive, wallet_list (nipc's) and
// wallet_seed (control; the last also unsafe), and the read-only account_list, wallet_balances,
// wallet_info, wallet_contains, wallet_frontiers and wallet_representative.
//
// Parameters are read in the node's order (json_handler.cpp), so that a
// request with several faults gets the node's answer: a parameter the node
// reads unconditionally is "Unable to parse JSON" when absent even after an
// earlier error, one it reads only while there is no error yet is not.
func RegisterWalletActions(r *Registry, b *Backend) {
	newWalletActions(b).register(r)
}

func (w *walletActions) register(r *Registry) {
	r.Register(Action{Name: "wallet_create", Func: w.walletCreate})
	r.Register(Action{Name: "wallet_add", Func: w.walletAdd})
	r.Register(Action{Name: "wallet_destroy", Func: w.walletDestroy})
	r.Register(Action{Name: "account_create", Func: w.accountCreate})
	r.Register(Action{Name: "accounts_create", Func: w.accountsCreate})
	r.Register(Action{Name: "account_list", Func: w.accountList})
	r.Register(Action{Name: "wallet_list", Func: w.walletList})
	r.Register(Action{Name: "wallet_balances", Func: w.walletBalances})
	r.Register(Action{Name: "wallet_info", Func: w.walletInfo})
	r.Register(Action{Name: "wallet_contains", Func: w.walletContains})
	r.Register(Action{Name: "wallet_frontiers", Func: w.walletFrontiers})
	r.Register(Action{Name: "wallet_representative", Func: w.walletRepresentative})
	r.Register(Action{Name: "wallet_representative_set", Func: w.walletRepresentativeSet})
	r.Register(Action{Name: "wallet_seed", Unsafe: true, Func: w.walletSeed})
	r.Register(Action{Name: "send", Func: w.send})
	r.Register(Action{Name: "receive", Func: w.receive})
	w.registerPassword(r)
	w.registerAccounts(r)
	w.registerQueries(r)
}

// walletMaxAccountsCreate bounds accounts_create. The node has no bound (a huge
// count keeps a worker thread busy for hours); a larger count is refused
// with the node's "Invalid count".
const walletMaxAccountsCreate = 10000

// walletActions answers the wallet actions from a Backend.
type walletActions struct {
	b *Backend
	// build builds, signs and processes the blocks of send, receive and
	// change.
	build *wallet.Builder
}

func newWalletActions(b *Backend) *walletActions {
	w := &walletActions{b: b}
	if b == nil { // a registry only to be listed (LegacySet)
		return w
	}
	if b.Receiver != nil && b.Receiver.Builder != nil {
		w.build = b.Receiver.Builder // one set of account locks with auto-receive
	} else {
		w.build = &wallet.Builder{Store: b.Wallets, Ledger: b.Ledger, Work: b.Work}
	}
	return w
}

// walletErr turns the wallet store's errors, which carry the node's texts,
// into action errors; anything else stays an internal error.
func walletErr(err error) error {
	for _, e := range []error{wallet.ErrBadWalletNumber, wallet.ErrWalletNotFound, wallet.ErrAccountNotFound, wallet.ErrWalletLocked} {
		if errors.Is(err, e) {
			return &Error{Text: e.Error()}
		}
	}
	if errors.Is(err, wallet.ErrWatchOnly) { // the node's fetch fails: no block
		return &Error{Text: wallet.ErrGenerating.Error()}
	}
	return err
}

// walletParseID reads a wallet id as the node's wallet_id::decode_hex does
// (1 to 64 hex digits, right-aligned).
func walletParseID(s string) (wallet.ID, error) {
	h, err := nano.ParseHash(s)
	if err != nil {
		return wallet.ID{}, Errorf("%s", wallet.ErrBadWalletNumber.Error())
	}
	return wallet.ID(h), nil
}

// walletAccounts reads the "wallet" parameter and lists the wallet's
// accounts in the store's order.
func (w *walletActions) walletAccounts(req *Request) (wallet.ID, []nano.PublicKey, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return id, nil, err
	}
	pubs, err := w.b.Wallets.Accounts(id)
	if err != nil {
		return id, nil, walletErr(err)
	}
	return id, pubs, nil
}

// walletParam reads "wallet" as the node's wallet_impl: a missing one is
// "Unable to parse JSON", then "Bad wallet number", then "Wallet not found".
func (w *walletActions) walletParam(req *Request) (wallet.ID, error) {
	s, err := req.Require("wallet")
	if err != nil {
		return wallet.ID{}, err
	}
	id, err := walletParseID(s)
	if err != nil {
		return id, err
	}
	if !w.b.Wallets.Exists(id) {
		return id, walletErr(wallet.ErrWalletNotFound)
	}
	return id, nil
}

// walletAccountText decodes an account as the node's account_impl does:
// errText if it is not an account, and whether it uses the deprecated
// dash form (the node then adds "deprecated_account_format": "1").
func walletAccountText(text, errText string) (pub nano.PublicKey, deprecated bool, err error) {
	pub, err = nano.ParseAccount(text)
	if err != nil {
		return pub, false, Errorf("%s", errText)
	}
	return pub, nano.IsDeprecatedFormat(text), nil
}

func walletPutDeprecated(t *ptree.Tree, deprecated bool) {
	if deprecated {
		t.Set("deprecated_account_format", "1")
	}
}

func walletAccountsTree(pubs []nano.PublicKey) *ptree.Tree {
	t := ptree.New()
	for _, p := range pubs {
		t.PushValue(p.Account())
	}
	return t
}

// walletCreate: {"wallet"}, and with a seed the accounts restored from it
// (the node's change_seed: index 0, then every index up to the last one
// with a block or a receivable entry, looking 64 ahead).
func (w *walletActions) walletCreate(ctx context.Context, req *Request) (*ptree.Tree, error) {
	var seed *nano.Seed
	if s, ok := req.Get("seed"); ok {
		sd, err := nano.ParseSeed(s)
		if err != nil {
			return nil, Errorf("Bad seed")
		}
		seed = &sd
	}
	genesis, err := nano.ParsePublicKey(nano.DevGenesisPublicKeyHex)
	if err != nil {
		return nil, err
	}
	// The node's default representative is a random preconfigured one,
	// which on the dev network is always the genesis account.
	id, err := w.b.Wallets.Create(seed, genesis)
	if err != nil {
		return nil, walletErr(err)
	}
	t := ptree.New().Put("wallet", id.String())
	if seed == nil {
		return t, nil
	}
	last, restored, err := w.restore(id, *seed, 0)
	if err != nil {
		return nil, err
	}
	t.Put("last_restored_account", last.Account())
	t.Put("restored_count", strconv.FormatUint(uint64(restored), 10))
	return t, nil
}

// restore derives the accounts of a wallet's (new) seed as the node's
// change_seed: index 0, then count more, or with count 0 every index up to
// the last one with a block or a receivable entry (deterministicCheck). It
// returns the last account derived and the wallet's next index.
func (w *walletActions) restore(id wallet.ID, seed nano.Seed, count uint32) (nano.PublicKey, uint32, error) {
	created, err := w.b.Wallets.CreateAccounts(id, 1)
	if err != nil {
		return nano.PublicKey{}, 0, walletErr(err)
	}
	last := created[0]
	if count == 0 {
		if count, err = w.deterministicCheck(seed, 0); err != nil {
			return last, 0, err
		}
	}
	if count > 0 {
		created, err = w.b.Wallets.CreateAccounts(id, int(count))
		if err != nil {
			return last, 0, walletErr(err)
		}
		last = created[len(created)-1]
	}
	sum, err := w.b.Wallets.Summarize(id)
	if err != nil {
		return last, 0, walletErr(err)
	}
	return last, sum.DeterministicIndex, nil
}

// deterministicCheck is the node's wallet::deterministic_check: the highest
// index after index whose account has a block or a receivable entry,
// searching 64 indexes past the last one found (plus one per 64 found).
func (w *walletActions) deterministicCheck(seed nano.Seed, index uint32) (uint32, error) {
	for i, n := uint64(index)+1, uint64(index)+64; i < n && i <= math.MaxUint32; i++ {
		pub := nano.DeriveKey(seed, uint32(i)).PublicKey()
		_, opened, err := w.b.Ledger.Account(pub)
		if err != nil {
			return 0, err
		}
		used := opened
		if !used {
			r, err := w.b.Ledger.Receivable(pub, nano.Amount{}, 1)
			if err != nil {
				return 0, err
			}
			used = len(r) > 0
		}
		if used {
			index = uint32(i)
			n = i + 64 + i/64
		}
	}
	return index, nil
}

func (w *walletActions) walletAdd(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	priv, err := req.privateKeyParam("key")
	if err != nil {
		return nil, err
	}
	pub, err := w.b.Wallets.AddKey(id, priv)
	if err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("account", pub.Account()), nil
}

func (w *walletActions) walletDestroy(ctx context.Context, req *Request) (*ptree.Tree, error) {
	s, err := req.Require("wallet")
	if err != nil {
		return nil, err
	}
	id, err := walletParseID(s)
	if err != nil {
		return nil, err
	}
	if err := w.b.Wallets.Destroy(id); err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("destroyed", "1"), nil
}

// accountCreate derives the wallet's next account, or the one at "index"
// (which does not move the wallet's next index, as in the node).
func (w *walletActions) accountCreate(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	var pub nano.PublicKey
	if s, ok := req.Get("index"); ok {
		index, ok := decodeUnsigned(s)
		if !ok || index > math.MaxUint32 {
			return nil, Errorf("Invalid index")
		}
		if pub, err = w.b.Wallets.InsertDeterministic(id, uint32(index)); err != nil {
			return nil, walletErr(err)
		}
	} else {
		pubs, err := w.b.Wallets.CreateAccounts(id, 1)
		if err != nil {
			return nil, walletErr(err)
		}
		pub = pubs[0]
	}
	return ptree.New().Put("account", pub.Account()), nil
}

func (w *walletActions) accountsCreate(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	s, err := req.Require("count")
	if err != nil {
		return nil, err
	}
	count, ok := decodeUnsigned(s)
	if !ok || count == 0 || count > walletMaxAccountsCreate {
		return nil, Errorf("Invalid count")
	}
	pubs, err := w.b.Wallets.CreateAccounts(id, int(count))
	if err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().PutChild("accounts", walletAccountsTree(pubs)), nil
}

// accountList lists the wallet's accounts in key order, as the node's
// wallet store iterates them; an empty wallet gives "accounts": "".
func (w *walletActions) accountList(ctx context.Context, req *Request) (*ptree.Tree, error) {
	_, pubs, err := w.walletAccounts(req)
	if err != nil {
		return nil, err
	}
	return ptree.New().PutChild("accounts", walletAccountsTree(pubs)), nil
}

func (w *walletActions) walletBalances(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	var threshold nano.Amount
	if s, ok := req.Get("threshold"); ok {
		if threshold, err = nano.ParseAmount(s); err != nil {
			return nil, Errorf("Bad threshold number")
		}
	}
	pubs, err := w.b.Wallets.Accounts(id)
	if err != nil {
		return nil, walletErr(err)
	}
	balances := ptree.New()
	for _, pub := range pubs {
		ai, _, err := w.b.Ledger.Account(pub)
		if err != nil {
			return nil, err
		}
		if ai.Balance.Cmp(threshold) < 0 {
			continue
		}
		receivable, err := w.b.Ledger.ReceivableTotal(pub)
		if err != nil {
			return nil, err
		}
		balances.PutChild(pub.Account(), ptree.New().
			Put("balance", ai.Balance.String()).
			Put("pending", receivable.String()).
			Put("receivable", receivable.String()))
	}
	return ptree.New().PutChild("balances", balances), nil
}

// walletInfo sums over the wallet's accounts, with the node's members in
// the node's order.
func (w *walletActions) walletInfo(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, pubs, err := w.walletAccounts(req)
	if err != nil {
		return nil, err
	}
	var balance, receivable nano.Amount
	var blocks, cemented uint64
	for _, pub := range pubs {
		ai, opened, err := w.b.Ledger.Account(pub)
		if err != nil {
			return nil, err
		}
		if opened {
			blocks += ai.BlockCount
			cemented += ai.ConfirmationHeight
			if s, ok := balance.Add(ai.Balance); ok {
				balance = s
			}
		}
		r, err := w.b.Ledger.ReceivableTotal(pub)
		if err != nil {
			return nil, err
		}
		if s, ok := receivable.Add(r); ok {
			receivable = s
		}
	}
	sum, err := w.b.Wallets.Summarize(id)
	if err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().
		Put("balance", balance.String()).
		Put("pending", receivable.String()).
		Put("receivable", receivable.String()).
		Put("accounts_count", strconv.Itoa(len(pubs))).
		Put("accounts_block_count", strconv.FormatUint(blocks, 10)).
		Put("accounts_cemented_block_count", strconv.FormatUint(cemented, 10)).
		Put("deterministic_count", strconv.Itoa(sum.Deterministic)).
		Put("adhoc_count", strconv.Itoa(sum.Adhoc)).
		Put("deterministic_index", strconv.FormatUint(uint64(sum.DeterministicIndex), 10)), nil
}

// walletContains reads the account before the wallet, as the node does.
func (w *walletActions) walletContains(ctx context.Context, req *Request) (*ptree.Tree, error) {
	s, err := req.Require("account")
	if err != nil {
		return nil, err
	}
	pub, deprecated, err := walletAccountText(s, "Bad account number")
	if err != nil {
		return nil, err
	}
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	found, err := w.b.Wallets.Contains(id, pub)
	if err != nil {
		return nil, walletErr(err)
	}
	t := ptree.New()
	walletPutDeprecated(t, deprecated)
	return t.Put("exists", boolText(found)), nil
}

// walletFrontiers lists the head block of each of the wallet's opened
// accounts; with none, "frontiers": "".
func (w *walletActions) walletFrontiers(ctx context.Context, req *Request) (*ptree.Tree, error) {
	_, pubs, err := w.walletAccounts(req)
	if err != nil {
		return nil, err
	}
	frontiers := ptree.New()
	for _, pub := range pubs {
		ai, opened, err := w.b.Ledger.Account(pub)
		if err != nil {
			return nil, err
		}
		if opened {
			frontiers.Put(pub.Account(), ai.Frontier.String())
		}
	}
	return ptree.New().PutChild("frontiers", frontiers), nil
}

func (w *walletActions) walletRepresentative(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	rep, err := w.b.Wallets.Representative(id)
	if err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("representative", rep.Account()), nil
}

// walletRepresentativeSet sets the representative new accounts open with
// and, with update_existing_accounts, publishes a change block for every
// opened account of the wallet that has another representative. Unlike the
// node, which queues those changes and answers at once, it answers once
// they are in the ledger, and reports a change that could not be made.
func (w *walletActions) walletRepresentativeSet(ctx context.Context, req *Request) (*ptree.Tree, error) {
	if _, err := req.Require("wallet"); err != nil {
		return nil, err
	}
	if _, err := req.Require("representative"); err != nil {
		return nil, err
	}
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	text, _ := req.Get("representative")
	rep, deprecated, err := walletAccountText(text, "Bad representative number")
	if err != nil {
		return nil, err
	}
	if err := w.b.Wallets.SetRepresentative(id, rep); err != nil {
		return nil, walletErr(err)
	}
	t := ptree.New()
	walletPutDeprecated(t, deprecated)
	t.Put("set", "1")
	if !req.Bool("update_existing_accounts", false) {
		return t, nil
	}
	pubs, err := w.b.Wallets.Accounts(id)
	if err != nil {
		return nil, walletErr(err)
	}
	for _, pub := range pubs {
		if err := w.change(ctx, id, pub, rep); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (w *walletActions) walletSeed(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	seed, err := w.b.Wallets.Seed(id)
	if err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("seed", seed.Hex()), nil
}
