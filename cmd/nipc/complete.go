package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/internal/rpc"
)

// legacyActionNames lists the legacy actions, sorted, from a registry built
// by the same Register functions internal/node calls (nothing is run: the
// backends are only stored). TestActionNamesMatchTheNode compares it with
// a running node's.
func legacyActionNames() []string {
	return legacyRegistry().Names()
}

// messageNames lists the v2 messages of api's registry: the requests only,
// or all of them.
func messageNames(requestsOnly bool) []string {
	var names []string
	for _, m := range api.Messages() {
		if !requestsOnly || m.Kind == api.KindRequest {
			names = append(names, m.Name)
		}
	}
	return names
}

// completeFirst completes the first argument from names() and nothing after
// it (then = cobra.ShellCompDirectiveDefault lets the shell complete file
// names, for @FILE say).
func completeFirst(names func() []string, then cobra.ShellCompDirective) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, then
		}
		var out []string
		for _, n := range names() {
			if strings.HasPrefix(n, toComplete) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// fixedValues completes a flag from a fixed list.
func fixedValues(values ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}

// newCompletionCmd prints a shell's completion script. The scripts ask
// nipc itself (nipc __complete ...) for verbs, flags, legacy actions and v2
// message names.
func newCompletionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "print the shell completion script for bash, zsh or fish",
		Long: `Prints a completion script for the shell. It completes verbs and flags, the legacy
action names after "nipc rpc", and the v2 message names after "nipc call" and
"nipc describe".

Arguments:
  bash|zsh|fish   the shell`,
		Example: `  source <(nipc completion bash)
  nipc completion zsh > "${fpath[1]}/_nipc"
  nipc completion fish > ~/.config/fish/completions/nipc.fish`,
		GroupID:   groupOffline,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args:      positional(1, 1, "the shell: bash, zsh or fish"),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, out := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			}
			return usageError(unknownShell(args[0]))
		},
	}
}

type unknownShell string

func (s unknownShell) Error() string {
	return "no completion for " + string(s) + " (bash, zsh or fish)"
}

// legacyRegistry is the node's legacy action set, built on no state to be
// listed.
func legacyRegistry() *rpc.Registry {
	reg := rpc.NewRegistry()
	rpc.RegisterLegacy(reg, rpc.LegacySet{})
	return reg
}
