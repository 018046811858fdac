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
}
