// Package membudget is the node's one limit on request memory: the bytes
// of request payloads being read, handled or answered by the IPC server and
// the HTTP gateway together (config-node.toml's
// node.ipc.max_request_bytes_in_flight). The node builds one Budget and
// gives it to both; the separate `nipc gateway` builds its own from the
// same key.
//
// A request is charged for the memory its payload's buffer actually has,
// as the buffer grows (ipc.ReadFrameCharged and ipc.ReadPayloadCharged call
// a Charge's Grow before each allocation), never for the length a peer
// merely declares: a peer that declares 32 MiB and stalls holds about the
// first chunk it was given (64 KiB), and a whole request holds its own size
// until its reply is written. The transient garbage of growing (under a
// quarter of the size) is not counted.
//
// Taking is one atomic operation while there is room. A taker that finds
// none waits until bytes are given back, its deadline passes (ErrTimeout)
// or its stop channel closes (ErrStopped). Waiters are not queued: whoever
// fits when bytes come back goes first, so a small request is not held up
// behind a large one. Because requests take their memory step by step,
// requests that together need more than the budget can each hold part of
// it and wait for the rest; the waits are bounded, and the ones that time
// out are refused and give back what they held, so the others go on.
//
// A nil *Budget is no limit: every take succeeds and nothing is counted.
package membudget
