package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/rpc"
)

func newStopCmd(cf *clientFlags) *cobra.Command {
	return clientVerb(cf, &cobra.Command{
		Use:   "stop",
		Short: "ask the node to shut down (needs enable_control)",
		Long: `Sends the legacy stop action. The node answers, drains its connections and exits.
It needs enable_control = true in config-rpc.toml (or --rpcconfig enable_control=true at start).`,
		Example: `  nipc stop
  nipc stop -S /tmp/nano`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cl, ctx, done, err := cf.dial()
			if err != nil {
				return err
			}
			defer done()
			reply, err := cl.Legacy(ctx, "stop", nil)
			if se, ok := errors.AsType[*client.ServerError](err); ok && se.Text == rpc.TextControlDisabled {
				return &exitError{code: exitNoPerm, err: fmt.Errorf("%w (start the node with enable_control = true in config-rpc.toml, or --rpcconfig enable_control=true)", err)}
			}
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(reply)
			return err
		},
	})
}
