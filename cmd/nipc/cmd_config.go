package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/internal/config"
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
		Long: `Prints a config file with every key commented out at its default, each with its meaning.
Uncommented as it is, it loads.

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
		Use:   "check [--data_path DIR] [--config key=value]... [--rpcconfig key=value]...",
		Short: "validate the data directory's config files",
		Long: `Loads config-node.toml and config-rpc.toml as nipc node would (strict: an unknown key is an
error with file:line:col and a did-you-mean, exit 78), with the same overrides.`,
		Example: `  nipc config check
  nipc config check --data_path /tmp/a --config node.ipc.tcp.port=7177`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, _, _, err := d.load()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: %s and %s are valid\n", dir, config.NodeFile, config.RPCFile)
			return err
		},
	}
	d.register(cmd.Flags())
	return cmd
}
