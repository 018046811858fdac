package wallet

import "github.com/nipc/nipc/nano"

// StateBlock returns a state block of the account of priv, signed by it and
// without work: a send when balance is below the account's current balance
// (link is the destination account), a receive or open when it is above
// (link is the send block), a change when it is equal (link is zero).
// previous is zero for the block that opens the account.
func StateBlock(priv nano.PrivateKey, previous nano.Hash, representative nano.PublicKey, balance nano.Amount, link nano.Hash) *nano.Block {
	b := &nano.Block{
		Type:           nano.BlockTypeState,
		Account:        priv.PublicKey(),
		Previous:       previous,
		Representative: representative,
		Balance:        balance,
		Link:           link,
	}
	b.Sign(priv)
	return b
}
