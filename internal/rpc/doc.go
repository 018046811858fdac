// Package rpc is the node's legacy JSON RPC independent of transport: the
// registry of legacy actions (IPC encodings 1 and 2, the gateway's POST /),
// the dispatch rules around them (Legacy), and the state the actions answer
// from (Backend, with the work generator, Work). The v2 API is package
// v2api; both report requests to a package observe Observer.
//
// A legacy request is a JSON object with an "action" member, read with the
// node's leniency (every scalar becomes a string, so 10, "10", true and
// "true" are all accepted where a string is expected); a reply is rendered as
// the node renders it (package ptree: 4-space pretty, every scalar a string,
// "/" escaped, ASCII only). Dispatch order, and the error each step gives:
//
//  1. the body does not parse or has no "action"  → "Unable to parse JSON"
//  2. the action is in the control set and enable_control is off
//     → "RPC control is disabled" (nipc applies this to IPC too)
//  3. the action is not implemented                → "Unknown command"
//  4. the action is unsafe and the request did not come in encoding 2 over
//     a transport with allow_unsafe                → "Unsafe RPC not allowed"
//  5. a required parameter is missing              → "Unable to parse JSON"
//  6. the action's own errors                      → {"error": "<node text>"}
//  7. a block the ledger could not write (a full disk)
//     → "ledger write failed: <the system's words>", e.g. "ledger write
//     failed: no space left on device"; reads go on
//  8. a panic or another failure in an action      → "Internal server error in RPC"
//
// RegisterLegacy is the one list of the legacy actions (the node, nipc rpc
// --list and docs/PROTOCOL.md's table read it). Stats counts the requests
// answered, per legacy action and per v2 message (it is an observe.Observer),
// for the stats action. The version facts the version action reports are
// package nodeinfo's. Recent keeps the last elections
// (DefaultRecentElections, the node's confirmation_history_size) for
// confirmation_history, fed by the ledger's OnConfirm hook and by
// block_confirm, which also hands a confirmed block's confirmation to
// DevNode.Reemit (the broker's Reemit) to be published again.
//
// Actions are registered once at start-up and must be safe for concurrent
// use; they read the caller's identity from ctx (package peer) and never
// check transport-level permissions themselves. One action outlives its
// request: epoch_upgrade answers at once and upgrades on a goroutine of its
// own (one at a time), which ends when the upgrade is done or the ledger
// or work pool it uses is closed.
package rpc
