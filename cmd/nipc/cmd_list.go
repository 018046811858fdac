package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/api"
)

func newListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "the v2 request messages and the permission each needs",
		Long: `Prints every v2 request message with its union id and the permission it needs,
from the schema compiled into nipc (no node needed).`,
		Example: `  nipc list
  nipc list | grep account_query`,
		GroupID: groupOffline,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, m := range api.Messages() {
				if m.Kind != api.KindRequest {
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%-20s %3d  %s\n", m.Name, m.Type, permissionText(m))
			}
			return nil
		},
	}
}

func permissionText(m api.MessageInfo) string {
	if m.Open() {
		return "(no permission needed)"
	}
	names := make([]string, len(m.Allow))
	for i, p := range m.Allow {
		names[i] = string(p)
	}
	return strings.Join(names, " | ")
}
