package rpc

import (
	"errors"

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

// ReceivableTotal is the sum waiting to be received by an account.
func (b *Backend) ReceivableTotal(account nano.PublicKey) (nano.Amount, error) {
	entries, err := b.Ledger.Receivable(account, nano.Amount{}, 0)
	if err != nil {
		return nano.Amount{}, err
	}
	var sum nano.Amount
	for _, e := range entries {
		sum, _ = sum.Add(e.Amount) // cannot overflow: the supply is 2^128-1
	}
	return sum, nil
}

// Balance is an account's balance, zero for an account with no block.
func (b *Backend) Balance(account nano.PublicKey) (nano.Amount, error) {
	ai, err := b.Ledger.AccountInfo(account)
	if errors.Is(err, ledger.ErrAccountNotFound) {
		return nano.Amount{}, nil
	}
	return ai.Balance, err
}
