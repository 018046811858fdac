package rpc

import "github.com/nipc/nipc/internal/ptree"

// controlActions is the node's enable_control set (spec §9.2, nano-node at
// 9efd849): 43 names, one of which (backoff_info) has no handler.
var controlActions = map[string]bool{
	"account_create": true, "account_move": true, "account_remove": true,
	"account_representative_set": true, "accounts_create": true, "backoff_info": true,
	"block_create": true, "bootstrap_lazy": true, "database_txn_tracker": true,
	"epoch_upgrade": true, "keepalive": true, "ledger": true, "node_id": true,
	"password_change": true, "populate_backlog": true, "receive": true,
	"receive_minimum": true, "receive_minimum_set": true, "search_pending": true,
	"search_receivable": true, "search_pending_all": true, "search_receivable_all": true,
	"send": true, "stop": true, "unchecked_clear": true, "unopened": true,
	"wallet_add": true, "wallet_add_watch": true, "wallet_change_seed": true,
	"wallet_create": true, "wallet_destroy": true, "wallet_lock": true,
	"wallet_representative_set": true, "wallet_republish": true, "wallet_work_get": true,
	"work_generate": true, "work_cancel": true, "work_get": true, "work_set": true,
	"work_peer_add": true, "work_peers": true, "work_peers_clear": true, "wallet_seed": true,
}

// IsControl reports whether a request needs enable_control: an action of the
// control set, "stats" with type "objects", "process" with force true, or
// "sign" naming a wallet; and nipc's wallet_list and wallet_export.
//
// The last is nipc's: the node leaves sign out of its control set, so
// anyone who reaches its RPC and knows a wallet id can have any block signed
// with that wallet's keys and then process it (spend). Every path to a
// wallet's private key is a control action here (TestNoWalletKeyWithoutControl
// walks the whole registry to prove it).
func IsControl(action string, params *ptree.Tree) bool {
	if controlActions[action] || documentedControl[action] {
		return true
	}
	switch action {
	case "wallet_list": // nipc's: it reveals every wallet id
		return true
	case "wallet_export": // nipc's: with an empty password its keys decrypt
		return true
	case "sign":
		return params.Has("wallet")
	case "stats":
		t, _ := params.Get("type")
		return t == "objects"
	case "process":
		f, _ := params.Get("force")
		return f == "true" || f == "1"
	}
	return false
}

// ControlActions returns the control set, for documentation and tests.
func ControlActions() []string {
	names := make([]string, 0, len(controlActions))
	for n := range controlActions {
		names = append(names, n)
	}
	return names
}
