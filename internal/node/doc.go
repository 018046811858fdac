// Package node assembles the nipc daemon: it turns validated configuration
// into the IPC server, the legacy RPC registry and (as later parts land) the
// ledger, the v2 handlers, the broker and the gateway, and runs them until a
// signal, a stop action or its ctx ends them.
//
// Run returns after an orderly shutdown: listeners closed, requests in
// flight answered (bounded by the drain timeout), sessions closed, the Unix
// socket removed.
package node
