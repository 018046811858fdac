package rpc

import (
	"context"

	"github.com/nipc/nipc/internal/ptree"
)

// walletList is nipc's wallet_list (the node has no such RPC; its command
// line has --wallet_list): every wallet with its accounts, and the genesis
// wallet the node created, if it still exists:
//
//	{"wallets": {"ID": ["nano_...", ...], ...}, "genesis_wallet": "ID"}
//
// It is a control action (IsControl): a wallet id is what send, receive
// and the other control actions spend with. nipc wallet list asks it only
// when a running node holds wallets.db.
func (w *walletActions) walletList(ctx context.Context, req *Request) (*ptree.Tree, error) {
	list, genesis, err := w.b.Wallets.List()
	if err != nil {
		return nil, walletErr(err)
	}
	wallets := ptree.New()
	for _, l := range list {
		wallets.PutChild(l.ID.String(), walletAccountsTree(l.Accounts))
	}
	t := ptree.New().PutChild("wallets", wallets)
	if genesis != nil && w.b.Wallets.Exists(*genesis) {
		t.Put("genesis_wallet", genesis.String())
	}
	return t, nil
}
