package config

import (
	_ "embed"
	"reflect"
	"strings"
)

// The keys the C++ node reads. nanonode/config-node.toml and
// nanonode/config-rpc.toml are copies of the project's
// spec/nano-node-config files: every key nano_node V27 reads, taken from
// nano-node 9efd849's core_test/toml.cpp (daemon_config_deserialize_no_defaults
// and rpc_config_deserialize_no_defaults). The key sets below are derived
// from them when the package loads, so an operator's existing files load:
// a key of the node's that nipc does not use is a warning naming it, while
// a key the node does not know either stays an error.
var (
	//go:embed nanonode/config-node.toml
	nanoNodeFile []byte
	//go:embed nanonode/config-rpc.toml
	nanoRPCFile []byte

	nanoNodeKeys = keySet(nanoNodeFile)
	nanoRPCKeys  = keySet(nanoRPCFile)
)

// keySet lists every dotted key and table name of a TOML document.
func keySet(data []byte) map[string]bool {
	set := make(map[string]bool)
	for k := range keyPositions(data) {
		set[k] = true
	}
	return set
}

// nanoKey reports whether the C++ node reads key from the file whose
// schema is t.
func nanoKey(t reflect.Type, key []string) bool {
	k := strings.Join(key, ".")
	switch t {
	case reflect.TypeFor[Node]():
		return nanoNodeKeys[k]
	case reflect.TypeFor[RPC]():
		return nanoRPCKeys[k]
	}
	return false
}

// ignoredKey is the warning for a key the C++ node reads and nipc does not
// use.
func ignoredKey(e *Error) *Error {
	e.Msg = e.Key + ": a nano_node key that nipc does not use; ignored"
	return e
}
