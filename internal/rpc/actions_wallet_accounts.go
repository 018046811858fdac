package rpc

import (
	"context"
	"fmt"
	"strconv"

	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/wallet"
	"github.com/nipc/nipc/nano"
)

// The wallet actions that change a wallet's accounts or their cached
// work: wallet_change_seed, wallet_add_watch, account_move,
// account_remove, wallet_export, work_get, work_set, wallet_work_get and
// account_representative_set.

func (w *walletActions) registerAccounts(r *Registry) {
	r.Register(Action{Name: "wallet_change_seed", Func: w.walletChangeSeed})
	r.Register(Action{Name: "wallet_add_watch", Func: w.walletAddWatch})
	r.Register(Action{Name: "account_move", Func: w.accountMove})
	r.Register(Action{Name: "account_remove", Func: w.accountRemove})
	r.Register(Action{Name: "wallet_export", Func: w.walletExport})
	r.Register(Action{Name: "work_get", Func: w.workGet})
	r.Register(Action{Name: "work_set", Func: w.workSet})
	r.Register(Action{Name: "wallet_work_get", Func: w.walletWorkGet})
	r.Register(Action{Name: "account_representative_set", Func: w.accountRepresentativeSet})
}

// walletRequireUnlocked is the node's wallet_locked_impl.
func (w *walletActions) walletRequireUnlocked(id wallet.ID) error {
	locked, err := w.b.Wallets.Locked(id)
	if err != nil {
		return walletErr(err)
	}
	if locked {
		return walletErr(wallet.ErrWalletLocked)
	}
	return nil
}

// walletAccountParam reads "account" ("Bad account number") and checks the
// wallet holds it ("Account not found in wallet"), as the node's
// account_impl and wallet_account_impl.
func (w *walletActions) walletAccountParam(req *Request, id wallet.ID) (nano.PublicKey, error) {
	pub, err := req.Account("account")
	if err != nil {
		return pub, err
	}
	found, err := w.b.Wallets.Contains(id, pub)
	if err != nil {
		return pub, walletErr(err)
	}
	if !found {
		return pub, walletErr(wallet.ErrAccountNotFound)
	}
	return pub, nil
}

// walletAccountList reads the array "accounts" ("Bad account number" for
// any entry that is not one).
func walletAccountList(req *Request) ([]nano.PublicKey, error) {
	list, ok := req.Params.Child("accounts")
	if !ok {
		return nil, fmt.Errorf("%w: accounts", ErrMissingParam)
	}
	var pubs []nano.PublicKey
	for _, e := range list.All() {
		pub, err := nano.ParseAccount(e.Value)
		if err != nil {
			return nil, Errorf("Bad account number")
		}
		pubs = append(pubs, pub)
	}
	return pubs, nil
}

// walletChangeSeed: {"success": "", "last_restored_account",
// "restored_count"}. Deterministic accounts of the old seed are removed;
// ad-hoc and watch-only ones stay.
func (w *walletActions) walletChangeSeed(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	seed, err := req.seedParam("seed")
	if err != nil {
		return nil, err
	}
	var count uint64
	if s, ok := req.Get("count"); ok {
		if count, ok = decodeUnsigned(s); !ok || count > walletMaxAccountsCreate {
			return nil, Errorf("Invalid count")
		}
	}
	if err := w.walletRequireUnlocked(id); err != nil {
		return nil, err
	}
	if err := w.b.Wallets.ChangeSeed(id, seed); err != nil {
		return nil, walletErr(err)
	}
	last, restored, err := w.restore(id, seed, uint32(count))
	if err != nil {
		return nil, err
	}
	return ptree.New().
		Put("success", "").
		Put("last_restored_account", last.Account()).
		Put("restored_count", strconv.FormatUint(uint64(restored), 10)), nil
}

func (w *walletActions) walletAddWatch(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	if err := w.walletRequireUnlocked(id); err != nil {
		return nil, err
	}
	pubs, err := walletAccountList(req)
	if err != nil {
		return nil, err
	}
	if err := w.b.Wallets.AddWatch(id, pubs); err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("success", ""), nil
}

// accountMove moves "accounts" from wallet "source" into "wallet" as
// ad-hoc keys: {"moved": "1"}, or "0" when one of them is not in source
// with a key (those before it are moved, as in the node).
func (w *walletActions) accountMove(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	s, err := req.Require("source")
	if err != nil {
		return nil, err
	}
	if _, ok := req.Params.Child("accounts"); !ok {
		return nil, fmt.Errorf("%w: accounts", ErrMissingParam)
	}
	src, err := walletParseID(s)
	if err != nil {
		return nil, Errorf("Bad source")
	}
	if !w.b.Wallets.Exists(src) {
		return nil, Errorf("Source not found")
	}
	pubs, err := walletAccountList(req)
	if err != nil {
		return nil, err
	}
	moved, err := w.b.Wallets.Move(id, src, pubs)
	if err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("moved", boolText(moved)), nil
}

func (w *walletActions) accountRemove(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	pub, err := req.Account("account")
	if err != nil {
		return nil, err
	}
	if err := w.walletRequireUnlocked(id); err != nil {
		return nil, err
	}
	if err := w.b.Wallets.Remove(id, pub); err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("removed", "1"), nil
}

// walletExport: {"json": "..."}, the wallet's entries as a JSON object in
// a string (wallet.Store.Export says which).
func (w *walletActions) walletExport(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	j, err := w.b.Wallets.Export(id)
	if err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("json", j), nil
}

// workText is the node's to_string_hex: 16 lowercase hex digits.
func workText(work uint64) string { return fmt.Sprintf("%016x", work) }

func (w *walletActions) workGet(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	pub, err := w.walletAccountParam(req, id)
	if err != nil {
		return nil, err
	}
	work, err := w.b.Wallets.Work(id, pub)
	if err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("work", workText(work)), nil
}

// workSet caches work for the account's next block; a wallet send,
// receive or change of the account uses it when it fits the root then.
func (w *walletActions) workSet(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	if _, err := req.Account("account"); err != nil {
		return nil, err
	}
	work, err := walletWorkParam(req)
	if err != nil {
		return nil, err
	}
	pub, err := w.walletAccountParam(req, id)
	if err != nil {
		return nil, err
	}
	if err := w.b.Wallets.SetWork(id, pub, work); err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("success", ""), nil
}

// walletWorkGet: {"works": {account: work}} over the wallet's accounts
// ("works": "" for an empty wallet).
func (w *walletActions) walletWorkGet(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, pubs, err := w.walletAccounts(req)
	if err != nil {
		return nil, err
	}
	works := ptree.New()
	for _, pub := range pubs {
		work, err := w.b.Wallets.Work(id, pub)
		if err != nil {
			return nil, walletErr(err)
		}
		works.Put(pub.Account(), workText(work))
	}
	return ptree.New().PutChild("works", works), nil
}

// accountRepresentativeSet publishes a change block of a wallet account:
// {"block": hash}. With "work", the node's checks come first (wallet
// locked, account in wallet, account opened, work valid on its frontier).
func (w *walletActions) accountRepresentativeSet(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	pub, err := req.Account("account")
	if err != nil {
		return nil, err
	}
	s, err := req.Require("representative")
	if err != nil {
		return nil, err
	}
	rep, _, err := walletAccountText(s, "Bad representative number")
	if err != nil {
		return nil, err
	}
	work, err := walletWorkParam(req)
	if err != nil {
		return nil, err
	}
	if work != 0 {
		if err := w.walletRequireUnlocked(id); err != nil {
			return nil, err
		}
		if _, err := w.walletAccountParam(req, id); err != nil {
			return nil, err
		}
		if err := w.checkFrontierWork(pub, work); err != nil {
			return nil, err
		}
	}
	priv, err := w.b.Wallets.PrivateKey(id, pub)
	if err != nil { // the node's change_async finds no key: no block
		return nil, Errorf("Error generating block")
	}
	hash, err := w.build.SetRepresentative(ctx, priv, rep, work)
	if err != nil {
		return nil, buildErr(err)
	}
	return ptree.New().Put("block", hash.String()), nil
}
