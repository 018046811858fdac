package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestNanoNodeCopies: the embedded key lists are the project's
// spec/nano-node-config files, unchanged (checked where ../shared is
// beside the repository, as in CI).
func TestNanoNodeCopies(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{{"config-node.toml", nanoNodeFile}, {"config-rpc.toml", nanoRPCFile}} {
		spec, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "spec", "nano-node-config", tc.name))
		if os.IsNotExist(err) {
			t.Skip("../shared/spec/nano-node-config is not beside the repository")
		}
		if err != nil {
			t.Fatal(err)
		}
		if string(spec) != string(tc.data) {
			t.Errorf("internal/config/nanonode/%s differs from shared/spec/nano-node-config/%s: copy it again", tc.name, tc.name)
		}
	}
}

// TestNanoNodeFilesLoad: the C++ node's files with every key it reads load
// with one warning per key nipc does not use, and the keys nipc shares
// with the node take effect.
func TestNanoNodeFilesLoad(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{NodeFile: nanoNodeFile, RPCFile: nanoRPCFile} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The test values' ports (999) and paths are overridden as an operator
	// starting nipc beside a node would.
	nc, err := LoadNode(dir, []string{"node.ipc.tcp.port=7177", "node.websocket.port=7178", "node.ipc.local.path=" + filepath.Join(dir, "sock")})
	if err != nil {
		t.Fatalf("LoadNode: %v", err)
	}
	rc, err := LoadRPC(dir, []string{"port=7176", "process.ipc_port=7177", "address=127.0.0.1", "process.ipc_address=127.0.0.1"})
	if err != nil {
		t.Fatalf("LoadRPC: %v", err)
	}
	var keys []string
	for _, w := range nc.Warnings {
		if !strings.HasSuffix(w.Error(), "; ignored") || !strings.Contains(w.Error(), ": "+w.Key+": ") || w.Line == 0 {
			t.Errorf("warning %q: want file:line:col: key: a nano_node key ...", w)
		}
		keys = append(keys, w.Key)
	}
	for _, want := range []string{"node.peering_port", "node.work_threads", "opencl", "node.lmdb", "node.logging.log_ipc", "node.httpcallback", "rpc.child_process.enable"} {
		if !slices.Contains(keys, want) {
			t.Errorf("no warning for %s; warnings: %v", want, keys)
		}
	}
	for _, shared := range []string{"node.ipc.tcp.enable", "node.ipc.local.allow_unsafe", "node.websocket.enable", "node.ipc.flatbuffers.verify_buffers"} {
		if slices.Contains(keys, shared) {
			t.Errorf("a key nipc uses was ignored: %s", shared)
		}
	}
	if len(rc.Warnings) != 0 {
		t.Errorf("config-rpc.toml warnings: %v (nipc reads every key nano_rpc does)", rc.Warnings)
	}
	// The node's test values for shared keys took effect.
	ipc := nc.Node.IPC
	if !ipc.Local.AllowUnsafe || ipc.Local.IOTimeout != 999 || ipc.Flatbuffers.VerifyBuffers || ipc.Flatbuffers.SkipUnexpectedFieldsInJSON || !nc.RPC.EnableSignHash {
		t.Errorf("shared keys not applied: %+v, rpc %+v", ipc, nc.RPC)
	}
	if !rc.EnableControl || rc.MaxJSONDepth != 9 || rc.MaxRequestSize != 999 || rc.Process.NumIPCConnections != 999 {
		t.Errorf("config-rpc.toml keys not applied: %+v", rc)
	}
}

// TestNanoNodeKeyNotEverything: a key neither nipc nor the node knows is
// still an error, with did-you-mean, also inside a table of the node's.
func TestNanoNodeKeyNotEverything(t *testing.T) {
	for text, want := range map[string]string{
		"[node]\npeering_prot = 7075\n":                       "unknown key node.peering_prot",
		"[opencl]\nenable = true\n[node.ipc.tcp]\nprot = 1\n": "unknown key node.ipc.tcp.prot (did you mean node.ipc.tcp.port?)",
		"[node.lmdbx]\nsync = 1\n":                            "unknown table [node.lmdbx]",
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, NodeFile), []byte(text), 0o600)
		_, err := LoadNode(dir, nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", text, err, want)
		}
	}
}
