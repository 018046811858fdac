// Package wallet is nipc's wallet store: wallets of Nano keys kept encrypted
// at rest in their own bbolt file (wallets.db in the data directory), as the
// node keeps its wallets apart from its ledger.
//
// A wallet has an id (32 random bytes, shown as 64 hex digits), a seed from
// which deterministic accounts are derived in index order, ad-hoc keys added
// with wallet_add, and a representative for the accounts it opens.
//
// Encryption: each wallet has a random 32-byte wallet key that encrypts its
// seed and every private key with AES-256-GCM. The wallet key itself is
// encrypted with a key derived from the wallet's password and a per-wallet
// salt by Argon2id. The password is empty by default, as in the node, so a
// new wallet is unlocked at once; the derived wallet key lives only in memory.
//
// The meta bucket records the genesis wallet the node created
// (SetGenesis), so that a later start can tell a destroyed one from one never
// made. ReadList lists wallets and accounts from a file opened read-only
// (nipc wallet list); a running node holds the file locked, which is
// ErrInUse.
//
// A Store is safe for concurrent use. Writes are bbolt transactions: a wallet
// and its accounts change all together or not at all.
package wallet
