package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/nipc/nipc/internal/config"
)

// dataFlags are the flags shared by verbs that read the data directory:
// --data_path, and --config / --rpcconfig (repeatable key=value overrides;
// a value may hold commas).
type dataFlags struct {
	dataPath  string
	overrides []string
	rpcOver   []string
	// portBase, if not 0, moves every port together (--port-base).
	portBase int
	// portRole says which keys --port-base sets: those of a node or of a
	// separate gateway (portBaseOverrides).
	portRole string
}

// The roles of --port-base.
const (
	roleNode    = "node"
	roleGateway = "gateway"
)

// registerPortBase adds --port-base for a node or a gateway.
func (d *dataFlags) registerPortBase(fs *pflag.FlagSet, role string) {
	d.portRole = role
	usage := "move every port together, for nodes side by side: HTTP N, IPC N+1, WebSocket N+2, metrics N+3, the Unix socket DATA/nipc.sock (--config and --rpcconfig still win)"
	if role == roleGateway {
		usage = "move the gateway's ports together: HTTP N, WebSocket N+2, metrics N+3, reaching the node's IPC on 127.0.0.1:N+1 (--config and --rpcconfig still win)"
	}
	fs.IntVar(&d.portBase, "port-base", 0, usage)
}

// portBaseOverrides are the --config and --rpcconfig overrides that
// --port-base stands for in the data directory dir; they go before the
// command line's own, which win.
func (d *dataFlags) portBaseOverrides(dir string) (node, rpc []string, err error) {
	n := d.portBase
	if n == 0 {
		return nil, nil, nil
	}
	if n < 1 || n > 65535-3 {
		return nil, nil, usageError(fmt.Errorf("--port-base %d: want 1..65532 (it uses N to N+3)", n))
	}
	node = []string{
		fmt.Sprintf("node.websocket.port=%d", n+2),
		fmt.Sprintf("node.metrics.port=%d", n+3),
	}
	rpc = []string{fmt.Sprintf("port=%d", n)}
	if d.portRole == roleGateway {
		rpc = append(rpc, fmt.Sprintf("process.ipc_port=%d", n+1), `process.ipc_path=""`)
		return node, rpc, nil
	}
	node = append(node,
		fmt.Sprintf("node.ipc.tcp.port=%d", n+1),
		"node.ipc.local.path="+filepath.Join(dir, PortBaseSocket))
	return node, rpc, nil
}

// PortBaseSocket is the Unix socket's name in the data directory under
// --port-base.
const PortBaseSocket = "nipc.sock"

func (d *dataFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&d.dataPath, "data_path", "", "data directory (default ~/.nipc)")
	fs.StringArrayVar(&d.overrides, "config", nil, "override a config-node.toml key: key=value (repeatable)")
	fs.StringArrayVar(&d.rpcOver, "rpcconfig", nil, "override a config-rpc.toml key: key=value (repeatable)")
}

// dir resolves the data directory.
func (d *dataFlags) dir() (string, error) {
	if d.dataPath != "" {
		return d.dataPath, nil
	}
	dir, err := config.DefaultDataDir()
	if err != nil {
		return "", exitf(exitConfig, "cannot find the home directory for the default data path: %v (use --data_path)", err)
	}
	return dir, nil
}

// load resolves the data directory and loads both config files.
func (d *dataFlags) load() (string, config.Node, config.RPC, error) {
	dir, err := d.dir()
	if err != nil {
		return "", config.Node{}, config.RPC{}, err
	}
	pbNode, pbRPC, err := d.portBaseOverrides(dir)
	if err != nil {
		return "", config.Node{}, config.RPC{}, err
	}
	nc, err := config.LoadNode(dir, append(pbNode, d.overrides...))
	if err != nil {
		return "", config.Node{}, config.RPC{}, &exitError{code: exitConfig, err: err}
	}
	rc, err := config.LoadRPC(dir, append(pbRPC, d.rpcOver...))
	if err != nil {
		return "", config.Node{}, config.RPC{}, &exitError{code: exitConfig, err: err}
	}
	return dir, nc, rc, nil
}

// What each daemon's flags offer when one of its addresses is in use: a
// second node moves all its ports and its socket with --port-base; a
// gateway moves its two ports with overrides.
const (
	nodeInUseHint    = "to run this node next to that one, give it its own --data_path DIR and --port-base N (HTTP N, IPC N+1, WebSocket N+2, metrics N+3, the socket DATA/nipc.sock)"
	gatewayInUseHint = "to run this gateway next to that one, move its ports with --rpcconfig port=N and --config node.websocket.port=M (--port-base N moves them together, and looks for the node at IPC port N+1)"
)

// listenFailed is exit 1 with a daemon's listener error; an address in use
// also gets inUseHint, how the verb's flags move it.
func listenFailed(err error, inUseHint string) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return exitf(1, "%v; %s", err, inUseHint)
	}
	return exitf(1, "%v", err)
}
