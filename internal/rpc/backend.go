package rpc

import (
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/wallet"
	"github.com/nipc/nipc/nano"
)

// Backend is the state the ledger and wallet actions answer from.
type Backend struct {
	Ledger         *ledger.Ledger
	Wallets        *wallet.Store
	Thresholds     nano.Thresholds // the work thresholds blocks are checked against
	EnableSignHash bool            // config-node.toml rpc.enable_sign_hash
	Work           *Work           // generates the work of blocks built without it (nil: every core)
	// Receiver receives wallets' incoming sends (search_receivable and
	// password_enter start it); its Builder, if set, is the wallet
	// actions' too. nil: none.
	Receiver *wallet.AutoReceiver
}
