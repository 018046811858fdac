// Package wallet is nipc's wallet store and the builder of its accounts'
// blocks: wallets of Nano keys kept encrypted at rest in their own bbolt
// file (wallets.db in the data directory), as the node keeps its wallets
// apart from its ledger.
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
// Building blocks. A Builder builds, signs and processes the state blocks of
// a wallet account (StateBlock makes and signs one): Send (with an optional
// idempotency id whose block is recorded before it is processed, so a
// repeated id returns the first send's block), Receive (opening the account
// with the wallet's representative) and Change. Each holds the account's
// lock (and a send id's) while it builds on the frontier; a Fork or
// GapPrevious from the ledger means another writer moved the frontier, and
// the block is rebuilt, at most 3 times, before ErrGenerating. Its errors
// carry the node's texts (ErrInsufficientBalance, ErrInvalidWork,
// ErrWorkFailure, ErrUnreceivable), so the legacy actions, which keep
// parameter parsing and reply rendering, answer them as they are.
//
// Locking (password.go): Lock forgets a wallet's key, Enter derives it
// again from the password (a wrong one leaves the wallet locked),
// ChangePassword reseals the wallet key under a new password and salt. A
// locked wallet lists its accounts but PrivateKey, Seed, AddKey,
// CreateAccounts, ChangeSeed, AddWatch, Move and Remove are
// ErrWalletLocked. Wallets whose password is not empty start locked.
//
// Accounts (accounts.go): ChangeSeed replaces the seed and drops the
// deterministic accounts (the caller derives the new ones); AddWatch adds
// watch-only accounts, for which PrivateKey is ErrWatchOnly; Move moves
// keys between wallets as ad-hoc keys; Remove; Export renders the
// wallet's (still sealed) entries as JSON. workcache.go keeps a work value
// per account (SetWork), which a Builder uses for the account's next block
// when it fits the root (one read transaction per block over all wallets;
// a write one to drop it only when some wallet cached work for the
// account), and the receive minimum (stored in the meta
// bucket, default 10^24 raw).
//
// Auto-receive (autoreceive.go): an AutoReceiver is told of each confirmed
// block (Confirmed, never blocking) and receives the sends to accounts of
// unlocked wallets of at least the receive minimum, with a bounded number
// of workers sharing the Builder's account locks; Search and SearchAll
// scan the wallets' receivables, Run starts with one. When its queue is
// full it falls back to a full scan, so no send is lost.
//
// A Store is safe for concurrent use. Writes are bbolt transactions: a wallet
// and its accounts change all together or not at all.
package wallet
