package rpc

import (
	"context"

	"github.com/nipc/nipc/internal/ptree"
)

// The wallet password actions: password_change (control), password_enter,
// password_valid, wallet_lock (control) and wallet_locked. A locked wallet
// keeps its accounts listed but signs nothing ("Wallet is locked").

func (w *walletActions) registerPassword(r *Registry) {
	r.Register(Action{Name: "password_change", Func: w.passwordChange})
	r.Register(Action{Name: "password_enter", Func: w.passwordEnter})
	r.Register(Action{Name: "password_valid", Func: w.passwordValid})
	r.Register(Action{Name: "wallet_lock", Func: w.walletLock})
	r.Register(Action{Name: "wallet_locked", Func: w.walletLocked})
}

// passwordChange: {"changed": "1"}; a locked wallet is "Wallet is locked",
// as the node's wallet_locked_impl, before "password" is read.
func (w *walletActions) passwordChange(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	if err := w.walletRequireUnlocked(id); err != nil {
		return nil, err
	}
	password, err := req.Require("password")
	if err != nil {
		return nil, err
	}
	if err := w.b.Wallets.ChangePassword(id, password); err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("changed", "1"), nil
}

// passwordEnter: {"valid": "1"} and the wallet unlocked (its receivables
// are searched, as the node's enter_password does), or {"valid": "0"} and
// the wallet locked.
func (w *walletActions) passwordEnter(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	password, err := req.Require("password")
	if err != nil {
		return nil, err
	}
	ok, err := w.b.Wallets.Enter(id, password)
	if err != nil {
		return nil, walletErr(err)
	}
	if ok && w.b.Receiver != nil {
		w.b.Receiver.Search(id)
	}
	return ptree.New().Put("valid", boolText(ok)), nil
}

// passwordValid: {"valid": "1"} while the wallet is unlocked.
func (w *walletActions) passwordValid(ctx context.Context, req *Request) (*ptree.Tree, error) {
	locked, err := w.lockedParam(req)
	if err != nil {
		return nil, err
	}
	return ptree.New().Put("valid", boolText(!locked)), nil
}

func (w *walletActions) walletLocked(ctx context.Context, req *Request) (*ptree.Tree, error) {
	locked, err := w.lockedParam(req)
	if err != nil {
		return nil, err
	}
	return ptree.New().Put("locked", boolText(locked)), nil
}

func (w *walletActions) lockedParam(req *Request) (bool, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return false, err
	}
	locked, err := w.b.Wallets.Locked(id)
	return locked, walletErr(err)
}

func (w *walletActions) walletLock(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	if err := w.b.Wallets.Lock(id); err != nil {
		return nil, walletErr(err)
	}
	return ptree.New().Put("locked", "1"), nil
}
