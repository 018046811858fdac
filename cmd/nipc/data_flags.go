package main

import (
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
}

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
	nc, err := config.LoadNode(dir, d.overrides)
	if err != nil {
		return "", config.Node{}, config.RPC{}, &exitError{code: exitConfig, err: err}
	}
	rc, err := config.LoadRPC(dir, d.rpcOver)
	if err != nil {
		return "", config.Node{}, config.RPC{}, &exitError{code: exitConfig, err: err}
	}
	return dir, nc, rc, nil
}
