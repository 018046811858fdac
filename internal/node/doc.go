// Package node assembles the nipc daemon from validated configuration: the
// ledger and the wallets (the data directory's ledger.db and wallets.db),
// the broker and the recent elections (confirmation_history), both fed by
// the ledger's OnConfirm hook from the first commit on,
// the access policy (config-access.toml, reloaded by Reload), the legacy
// RPC registry and the v2 handlers, the IPC server, the in-process HTTP and
// WebSocket gateway when configured, proof-of-work generation and the
// optional metrics endpoint. Run serves them until a signal, a stop action
// or its ctx ends them; Reload swaps what can change while it runs.
//
// Run returns after an orderly shutdown: listeners closed, requests in
// flight answered (bounded by the drain timeout), sessions closed, the Unix
// socket removed, the ledger and then the wallets closed.
package node
