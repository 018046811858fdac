package rpc

import (
	"context"
	"errors"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/wallet"
	"github.com/nipc/nipc/nano"
)

// The wallet actions that build blocks: send, receive, and the change
// blocks of wallet_representative_set. They read and check their
// parameters in the node's order and render the reply; a wallet.Builder
// builds, signs and processes the block (account locks, rebuilds on a moved
// frontier, send ids).

// walletWorkParam reads the optional "work" (hex, as the node's
// work_optional_impl); 0 means "generate".
func walletWorkParam(req *Request) (uint64, error) {
	s, ok := req.Get("work")
	if !ok {
		return 0, nil
	}
	work, err := nano.ParseWork(s)
	if err != nil {
		return 0, Errorf("Bad work")
	}
	return work, nil
}

// threshold is the work every block of this ledger needs (see package
// ledger: epoch_1 for every block, since there are no epoch upgrades).
func (w *walletActions) threshold() uint64 {
	if w.b.Thresholds.Epoch1 != 0 {
		return w.b.Thresholds.Epoch1
	}
	return nano.DevThresholds().Epoch1
}

// checkFrontierWork is the node's check before a wallet block: the
// account has a block ("Account not found"), and the caller's work (0:
// none) is valid on its frontier ("Invalid work").
func (w *walletActions) checkFrontierWork(pub nano.PublicKey, work uint64) error {
	ai, err := w.b.Ledger.AccountInfo(pub)
	if errors.Is(err, ledger.ErrAccountNotFound) {
		return Errorf("%s", ledger.ErrAccountNotFound.Error())
	} else if err != nil {
		return err
	}
	if work != 0 && nano.Difficulty(ai.Frontier, work) < w.threshold() {
		return Errorf("Invalid work")
	}
	return nil
}

// send: {"block": hash} of a state send from source's frontier. With an
// "id", a repeated request returns the block of the first and sends
// nothing.
func (w *walletActions) send(ctx context.Context, req *Request) (*ptree.Tree, error) {
	// wallet, source and destination are read unconditionally by the node.
	for _, k := range []string{"wallet", "source", "destination"} {
		if _, err := req.Require(k); err != nil {
			return nil, err
		}
	}
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	s, err := req.Require("amount")
	if err != nil {
		return nil, err
	}
	amount, err := nano.ParseAmount(s)
	if err != nil || amount.IsZero() { // a state send of nothing is not a send
		return nil, Errorf("Invalid amount number")
	}
	srcText, _ := req.Get("source")
	source, srcDeprecated, err := walletAccountText(srcText, "Bad source")
	if err != nil {
		return nil, err
	}
	dstText, _ := req.Get("destination")
	destination, dstDeprecated, err := walletAccountText(dstText, "Bad destination account")
	if err != nil {
		return nil, err
	}
	work, err := walletWorkParam(req)
	if err != nil {
		return nil, err
	}
	priv, err := w.b.Wallets.PrivateKey(id, source)
	if err != nil {
		return nil, walletErr(err)
	}
	if err := w.checkFrontierWork(source, work); err != nil {
		return nil, err
	}
	sendID, hasID := req.Get("id")
	hash, err := w.build.Send(ctx, id, priv, destination, amount, work, sendID, hasID)
	if err != nil {
		return nil, buildErr(err)
	}
	t := ptree.New()
	walletPutDeprecated(t, srcDeprecated || dstDeprecated)
	return t.Put("block", hash.String()), nil
}

// receive: {"block": hash} of the block that receives "block" into
// "account", opening the account (with the wallet's representative) if it
// has no block yet.
func (w *walletActions) receive(ctx context.Context, req *Request) (*ptree.Tree, error) {
	id, err := w.walletParam(req)
	if err != nil {
		return nil, err
	}
	s, err := req.Require("account")
	if err != nil {
		return nil, err
	}
	account, _, err := walletAccountText(s, "Bad account number")
	if err != nil {
		return nil, err
	}
	s, err = req.Require("block")
	if err != nil {
		return nil, err
	}
	send, err := nano.ParseHash(s)
	if err != nil {
		return nil, Errorf("Invalid block hash")
	}
	priv, err := w.b.Wallets.PrivateKey(id, account)
	if err != nil {
		return nil, walletErr(err)
	}
	// The node reads "work" once the send is known receivable.
	hash, err := w.build.Receive(ctx, id, priv, send, func() (uint64, error) { return walletWorkParam(req) })
	if err != nil {
		return nil, buildErr(err)
	}
	return ptree.New().Put("block", hash.String()), nil
}

// change publishes a change block moving account to rep, unless the
// account is not opened or already has rep.
func (w *walletActions) change(ctx context.Context, id wallet.ID, account, rep nano.PublicKey) error {
	priv, err := w.b.Wallets.PrivateKey(id, account)
	if err != nil {
		return walletErr(err)
	}
	return buildErr(w.build.Change(ctx, priv, rep))
}

// buildErr turns the errors of building a block, which carry the node's
// texts, into action errors; anything else stays as it is (an action error
// such as "Bad work", or an internal error).
func buildErr(err error) error {
	for _, e := range []error{wallet.ErrInsufficientBalance, wallet.ErrInvalidWork, wallet.ErrGenerating,
		wallet.ErrWorkFailure, wallet.ErrUnreceivable, ledger.ErrBlockNotFound} {
		if errors.Is(err, e) {
			return &Error{Text: e.Error()}
		}
	}
	return walletErr(err)
}
