package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/client"
)

// clientFlags are -S/--socket, -A/--addr, -P/--port, --access-file and
// --timeout: persistent flags of the root, so they go before or after the
// verb; they beat the environment.
type clientFlags struct {
	path, addr string
	port       int
	accessFile string
	timeout    time.Duration
}

// clientFlagNames are the long names register gives them.
var clientFlagNames = []string{"socket", "addr", "port", "access-file", "timeout"}

func (c *clientFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&c.path, "socket", "S", "", "Unix socket path (beats NIPC_IPC_PATH)")
	fs.StringVarP(&c.addr, "addr", "A", "", "TCP address (beats NIPC_IPC_ADDR)")
	fs.IntVarP(&c.port, "port", "P", 0, "TCP port (beats NIPC_IPC_PORT)")
	fs.StringVar(&c.accessFile, "access-file", "", "secret file for the node's access check (beats NIPC_IPC_ACCESS_FILE)")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "time limit for the whole call")
}

// check refuses the client flags on a verb that does not talk to a node
// (nipc node -P 7177 would otherwise be silently ignored).
func (c *clientFlags) check(cmd *cobra.Command) error {
	if isClientVerb(cmd) {
		return nil
	}
	for _, name := range clientFlagNames {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			hint := ""
			if cmd.Name() == "node" || cmd.Name() == "gateway" {
				hint = " (the node's own addresses are config keys: --config node.ipc.tcp.port=N, --config node.ipc.local.path=PATH; --port-base N moves them all)"
			}
			return usageError(fmt.Errorf("%s is a client flag, for the verbs that talk to a node; %s takes none%s", flagName(f), cmd.CommandPath(), hint))
		}
	}
	return nil
}

// flagName is how a flag is written: -S for one with a shorthand, else
// --name.
func flagName(f *pflag.Flag) string {
	if f.Shorthand != "" {
		return "-" + f.Shorthand
	}
	return "--" + f.Name
}

// config merges the flags over the environment. A TCP flag given on the
// command line means TCP, even if NIPC_IPC_PATH is set.
func (c *clientFlags) config() (client.Config, error) {
	cfg, err := client.ConfigFromEnv()
	if err != nil {
		return cfg, &exitError{code: exitConfig, err: err}
	}
	if c.addr != "" || c.port != 0 {
		cfg.Path = ""
		cfg.Origin.TCP = "-A/-P"
	}
	if c.addr != "" {
		cfg.Addr = c.addr
	}
	if c.port != 0 {
		cfg.Port = c.port
	}
	if c.path != "" {
		cfg.Path = c.path
		cfg.Origin.Path = "-S"
	}
	if c.accessFile != "" {
		cfg.AccessFile = c.accessFile
		cfg.Origin.AccessFile = "--access-file"
	}
	return cfg, nil
}

// dial connects to the node; done cancels the call's time limit and closes
// the client.
func (c *clientFlags) dial() (cl *client.Client, ctx context.Context, done func(), err error) {
	cfg, err := c.config()
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	cl, err = client.Dial(ctx, cfg)
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	return cl, ctx, func() { cancel(); cl.Close() }, nil
}

// explain turns client errors into messages a person can act on: a
// timeout names the --timeout that ran out, an HTTP port says so and
// names the IPC port. Other errors pass unchanged.
func (c *clientFlags) explain(err error) error {
	if err == nil {
		return nil
	}
	if te, ok := errors.AsType[*client.TimeoutError](err); ok && c.timeout > 0 {
		return &exitError{code: exitTimeout, err: fmt.Errorf("no answer within %v from %s:%s (--timeout)", c.timeout, te.Network, te.Address)}
	}
	if he, ok := errors.AsType[*client.HTTPServerError](err); ok {
		return &exitError{code: exitProtocol, err: fmt.Errorf("%s:%s is an HTTP server: use the IPC port %d (-P %d), or an HTTP client for it (curl, nipc bench --url)",
			he.Network, he.Address, client.DefaultPort, client.DefaultPort)}
	}
	return err
}

// clientExitCode maps client errors to the exit-code table.
func clientExitCode(err error) int {
	if client.IsTimeout(err) {
		return exitTimeout
	}
	if _, ok := errors.AsType[*client.UnreachableError](err); ok {
		return exitUnreachable
	}
	if _, ok := errors.AsType[*client.AccessError](err); ok {
		return exitNoPerm
	}
	if _, ok := errors.AsType[*client.AccessFileError](err); ok {
		return exitConfig
	}
	if _, ok := errors.AsType[*client.ProtocolError](err); ok {
		return exitProtocol
	}
	if e, ok := errors.AsType[*api.Error](err); ok && e.Code == api.CodeAccessDenied {
		return exitNoPerm
	}
	return exitServerError
}

// changedFlags lists, as written (-S, --encoding), those of names the
// command line set.
func changedFlags(cmd *cobra.Command, names ...string) string {
	var set []string
	for _, n := range names {
		if f := cmd.Flags().Lookup(n); f != nil && f.Changed {
			set = append(set, flagName(f))
		}
	}
	return strings.Join(set, ", ")
}
