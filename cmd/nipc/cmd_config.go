package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/internal/authz"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/ipc"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "print a config file with every key, or validate the data directory's",
		Long: `Works on the config files of a data directory: config-node.toml, config-rpc.toml and
config-access.toml (docs/CONFIG.md). No node needed.`,
		Example: `  nipc config generate node > ~/.nipc/config-node.toml
  nipc config check --data_path /tmp/a`,
		GroupID: groupOffline,
		Args:    cobra.ArbitraryArgs,
		RunE:    groupRunE,
	}
	cmd.AddCommand(newConfigGenerateCmd(), newConfigCheckCmd())
	return cmd
}

func newConfigGenerateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "generate node|rpc|access",
		Short: "print a config file with every key, its default and its meaning",
		Long: `Prints a config file with every key at its default, its meaning in a comment above it; as it
is, it loads back to exactly the defaults. access prints an example with every line commented
out: as it is, a valid, empty access file.

Arguments:
  node     config-node.toml
  rpc      config-rpc.toml
  access   config-access.toml (an example)`,
		Example: `  nipc config generate node > ~/.nipc/config-node.toml
  nipc config generate rpc
  nipc config generate access`,
		ValidArgs: []string{"node", "rpc", "access"},
		Args:      positional(1, 1, "the file: node, rpc or access"),
		RunE: func(cmd *cobra.Command, args []string) error {
			text, err := config.Generate(args[0])
			if err != nil {
				return exitf(exitUsage, "%v", err)
			}
			_, err = io.WriteString(cmd.OutOrStdout(), text)
			return err
		},
	}
}

func newConfigCheckCmd() *cobra.Command {
	var d dataFlags
	cmd := &cobra.Command{
		Use:   "check [--data_path DIR] [--port-base N] [--config key=value]... [--rpcconfig key=value]...",
		Short: "validate the data directory's config files and the access-check secret",
		Long: `Checks what nipc node would read at start, with the same overrides: config-node.toml and
config-rpc.toml (strict: an unknown key is an error with file:line:col and a did-you-mean),
config-access.toml (as nipc access check does), and, when node.ipc.access_check.enable or
process.access_check_file is set, the secret file (it must exist and grant nothing to
others: the error names the chmod). Keys of the C++ node that nipc does not use are warnings
on stderr. Any error: exit 78, each error on its own line.`,
		Example: `  nipc config check
  nipc config check --data_path /tmp/a --config node.ipc.tcp.port=7177`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return configCheck(cmd.OutOrStdout(), cmd.ErrOrStderr(), &d)
		},
	}
	d.register(cmd.Flags())
	d.registerPortBase(cmd.Flags(), roleNode)
	return cmd
}

// configCheck loads the three files of the data directory and the secret
// files they name, reporting every error (not only the first).
func configCheck(stdout, stderr io.Writer, d *dataFlags) error {
	dir, err := d.dir()
	if err != nil {
		return err
	}
	pbNode, pbRPC, err := d.portBaseOverrides(dir)
	if err != nil {
		return err
	}
	var errs []error
	nc, nerr := config.LoadNode(dir, append(pbNode, d.overrides...))
	rc, rerr := config.LoadRPC(dir, append(pbRPC, d.rpcOver...))
	for _, e := range []error{nerr, rerr} {
		if e != nil {
			errs = append(errs, e)
		}
	}
	// A port clash stops nipc node, not the files: the C++ node's own
	// test files (999 for every port) stay valid, with the warning.
	if nerr == nil && rerr == nil {
		if err := config.PortClash(nc, rc, false); err != nil {
			fmt.Fprintf(stderr, "warning: %v; nipc node will not start on these ports\n", err)
		}
	}
	for _, w := range append(nc.Warnings, rc.Warnings...) {
		fmt.Fprintf(stderr, "warning: %v\n", w)
	}
	accessPath := filepath.Join(dir, config.AccessFile)
	valid := fmt.Sprintf("%s: %s, %s and %s are valid", dir, config.NodeFile, config.RPCFile, config.AccessFile)
	if _, err := os.Stat(accessPath); errors.Is(err, fs.ErrNotExist) {
		valid = fmt.Sprintf("%s: %s and %s are valid; no %s: the built-in default", dir, config.NodeFile, config.RPCFile, config.AccessFile)
	} else if _, err := authz.Load(accessPath); err != nil {
		errs = append(errs, err)
	}
	if nerr == nil && nc.Node.IPC.AccessCheck.Enable {
		if _, err := ipc.ReadSecretFile(nc.Node.IPC.AccessCheck.File); err != nil {
			errs = append(errs, fmt.Errorf("node.ipc.access_check.file: %w", err))
		}
	}
	if rerr == nil && rc.Process.AccessCheckFile != "" {
		if _, err := ipc.ReadSecretFile(rc.Process.AccessCheckFile); err != nil {
			errs = append(errs, fmt.Errorf("process.access_check_file: %w", err))
		}
	}
	if len(errs) > 0 {
		return &exitError{code: exitConfig, err: errors.Join(errs...)}
	}
	_, err = fmt.Fprintln(stdout, valid)
	return err
}
