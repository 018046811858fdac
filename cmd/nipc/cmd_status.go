package main

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/client"
)

func newStatusCmd(cf *clientFlags) *cobra.Command {
	return clientVerb(cf, &cobra.Command{
		Use:   "status",
		Short: "version, uptime, confirmation sequence and NATS state of the node",
		Long: `Prints one JSON object: where the node is, the members of its version reply, its uptime,
the ledger's confirmation sequence (the highest; a subscriber resumes after one it saw) and
whether the node publishes to NATS ([node.nats]): connected, the sequence the stream
acknowledged and the lag between the two (nats_status).`,
		Example: `  nipc status
  nipc status -P 7177`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cl, ctx, done, err := cf.dial()
			if err != nil {
				return err
			}
			defer done()
			status := map[string]any{}
			network, addr := cl.Config().Network()
			status["node"] = network + ":" + addr
			for _, action := range []string{"version", "uptime", "nats_status"} {
				reply, err := cl.Legacy(ctx, action, nil)
				if err != nil {
					return err
				}
				var m map[string]any
				if err := json.Unmarshal(reply, &m); err != nil {
					return &client.ProtocolError{Err: err}
				}
				for k, v := range m {
					status[k] = v
				}
			}
			return writeJSON(cmd.OutOrStdout(), status)
		},
	})
}
