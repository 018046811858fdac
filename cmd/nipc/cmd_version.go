package main

import (
	"runtime"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/internal/node"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "print nipc's version",
		Long:    `Prints nipc's version and the Go version it was built with, as JSON. It does not ask a node.`,
		Example: `  nipc version`,
		GroupID: groupOffline,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return writeJSON(cmd.OutOrStdout(), map[string]string{"version": node.Version, "go": runtime.Version()})
		},
	}
}
