package main

import (
	"time"

	"github.com/spf13/cobra"
)

func newPingCmd(cf *clientFlags) *cobra.Command {
	return clientVerb(cf, &cobra.Command{
		Use:   "ping",
		Short: "check that the node answers; prints the round trip",
		Long:  `Calls the legacy uptime action and prints where the node is and the round trip in µs.`,
		Example: `  nipc ping
  nipc -P 7177 ping
  nipc ping -S /tmp/nano`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cl, ctx, done, err := cf.dial()
			if err != nil {
				return err
			}
			defer done()
			start := time.Now()
			if _, err := cl.Legacy(ctx, "uptime", nil); err != nil {
				return err
			}
			network, addr := cl.Config().Network()
			return writeJSON(cmd.OutOrStdout(), map[string]any{"alive": true, "node": network + ":" + addr, "round_trip_us": time.Since(start).Microseconds()})
		},
	})
}
