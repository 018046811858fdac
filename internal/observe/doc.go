// Package observe is how request handlers report what they answered: an
// Observer is told of every request once its reply is ready (the API,
// "legacy" or "v2"; the action or message name, or Unknown; the IPC
// encoding; the Outcome; the time taken).
//
// The legacy action set (internal/rpc) and the v2 handlers
// (internal/v2api) report to it; the metrics (internal/metrics) and the
// stats action's counters (rpc.Stats) implement it. It depends on nothing
// but package ipc, so that neither handler package imports the other.
package observe
