package main

import (
	"fmt"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
)

func newDescribeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "describe MESSAGE",
		Short: "a message's fields, permission and reply",
		Long: `Prints a v2 message's table from the schema (nanoapi.fbs) with its comments, its union id,
the permission a request needs and the table of its reply (no node needed).

Arguments:
  MESSAGE   any message of the schema: a request, a reply or an event`,
		Example: `  nipc describe AccountInfo
  nipc describe EventConfirmation`,
		GroupID:           groupOffline,
		Args:              positional(1, 1, "MESSAGE"),
		ValidArgsFunction: completeFirst(func() []string { return messageNames(false) }, cobra.ShellCompDirectiveNoFileComp),
		RunE: func(cmd *cobra.Command, args []string) error {
			stdout := cmd.OutOrStdout()
			m, ok := api.LookupMessageName(args[0])
			if !ok {
				return exitf(exitUsage, "no message %q (%snipc list shows them)", args[0], didYouMean(args[0], messageNames(false)))
			}
			fmt.Fprintf(stdout, "%s (union id %d, %s)\n", m.Name, m.Type, m.Kind)
			if m.Kind == api.KindRequest {
				fmt.Fprintf(stdout, "permission: %s\n", permissionText(m))
			}
			fmt.Fprintln(stdout)
			fmt.Fprint(stdout, schemaTable(m.Name))
			if m.Kind == api.KindRequest && m.Reply != fb.MessageNONE {
				if r, ok := api.LookupMessage(m.Reply); ok {
					fmt.Fprintf(stdout, "\nreply: %s\n\n%s", r.Name, schemaTable(r.Name))
				}
			}
			return nil
		},
	}
}

// schemaTable returns the definition of a table in nanoapi.fbs, with the
// comments just above it.
func schemaTable(name string) string {
	re := regexp.MustCompile(`(?ms)((?:^///?[^\n]*\n)*)^table ` + regexp.QuoteMeta(name) + ` \{.*?^\}\n`)
	if m := re.FindString(api.Schema); m != "" {
		return m
	}
	return "table " + name + " (not found in the schema)\n"
}
