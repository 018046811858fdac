// Package config is the daemon's configuration: the values read from
// config-node.toml and config-rpc.toml in the data directory, their defaults,
// their validation, and the generated reference files.
//
// A configuration is a value. [DefaultNode] and [DefaultRPC] return nipc's
// defaults; [LoadNode] and [LoadRPC] decode a file over them, apply the
// `--config key=value` overrides and validate the result once. Nothing in this
// package is mutable package state, so a reload simply loads a new value, and
// values may be shared between goroutines as long as nobody writes to them.
//
// Loading is strict: an unknown key, a value of the wrong type or a TOML
// syntax error is an error, and so is a value [Node.Validate] or
// [RPC.Validate] rejects. Every problem is reported as an [*Error] whose
// message is one line of the form
//
//	/data/config-node.toml:4:1: unknown key node.ipc.tcp.prot (did you mean node.ipc.tcp.port?)
//	/data/config-node.toml:3:8: node.ipc.tcp.port: expected an integer, got a string
//	/data/config-node.toml:3:8: node.ipc.tcp.port: 70000 is out of range 1..65535
//	--config node.ipc.tcp.port=0: node.ipc.tcp.port: 0 is out of range 1..65535
//
// Several problems are joined with [errors.Join], one per line. Package
// tomlerr owns the line's form, the positions and the did-you-mean
// suggestion (the known key of the same table within two edits, case
// ignored), shared with the access file's errors (package authz).
//
// [Generate] prints a complete commented file for each kind; the text is
// derived from the struct tags of the configuration types (`toml:"…"` for the
// key, `comment:"…"` for its one-line description), which are also the source
// of the key tables in docs/CONFIG.md, so code, generated files and docs
// cannot drift apart.
package config
