package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nipc/nipc/internal/tomlerr"
)

// Command groups of the root's help.
const (
	groupDaemon  = "daemon"
	groupClient  = "client"
	groupOffline = "offline"
)

// annClient marks a verb that talks to a running node (and so takes the
// client flags).
const annClient = "nipc/client"

func init() {
	cobra.AddTemplateFunc("isClientVerb", isClientVerb)
	cobra.AddTemplateFunc("exitCodes", func() string { return exitCodesText })
}

// newRootCmd builds the whole command tree. Adding a verb: write
// cmd_<verb>.go with func new<Verb>Cmd() *cobra.Command (or
// new<Verb>Cmd(cf *clientFlags) for a verb that talks to the node, wrapped
// in clientVerb), set GroupID, and add it here.
func newRootCmd() *cobra.Command {
	cf := &clientFlags{}
	root := &cobra.Command{
		Use:   "nipc",
		Short: "the IPC port of a Nano dev node",
		Long: `nipc — the IPC port of a Nano dev node, and its command-line client.

The client verbs find the node through NIPC_IPC_PATH (a Unix socket; wins when set),
NIPC_IPC_ADDR and NIPC_IPC_PORT (TCP, default 127.0.0.1:7077); the client flags beat them.
Under systemd, node and gateway report readiness, reloads and shutdown to NOTIFY_SOCKET
(Type=notify-reload) and take sockets passed by LISTEN_FDS, named by FileDescriptorName=
ipc-tcp, ipc-unix, rpc or websocket (docs/CONFIG.md, "Running under systemd").`,
		Example: `  nipc node --data_path /tmp/a
  nipc -P 7177 ping
  nipc rpc block_count
  nipc help rpc`,
		Args:              cobra.ArbitraryArgs,
		RunE:              groupRunE,
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return cf.check(cmd) },
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	cf.register(root.PersistentFlags())
	root.SetFlagErrorFunc(flagError)
	root.SetUsageTemplate(usageTemplate)
	root.SetHelpCommand(newHelpCmd())
	root.AddGroup(
		&cobra.Group{ID: groupDaemon, Title: "Run a node or a gateway:"},
		&cobra.Group{ID: groupClient, Title: "Talk to a running node:"},
		&cobra.Group{ID: groupOffline, Title: "Without a node:"},
	)
	root.AddCommand(
		newNodeCmd(),
		newGatewayCmd(),
		newRPCCmd(cf),
		newPingCmd(cf),
		newStatusCmd(cf),
		newStopCmd(cf),
		newReloadCmd(cf),
		newCallCmd(cf),
		newSubCmd(cf),
		newBenchCmd(cf),
		newListCmd(),
		newDescribeCmd(),
		newConfigCmd(),
		newAccessCmd(),
		newLedgerCmd(),
		newWorkCmd(),
		newWalletCmd(cf),
		newVersionCmd(),
		newCompletionCmd(),
	)
	return root
}

// clientVerb marks c as a verb that talks to the node: it takes the client
// flags, and its errors get the messages a person can act on (cf.explain).
func clientVerb(cf *clientFlags, c *cobra.Command) *cobra.Command {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[annClient] = "yes"
	c.GroupID = groupClient
	run := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error { return cf.explain(run(cmd, args)) }
	return c
}

func isClientVerb(c *cobra.Command) bool { return c.Annotations[annClient] != "" }

// groupRunE is the RunE of a verb that only holds sub-verbs (the root,
// config, access): without one it prints the usage to stderr, with an
// unknown one it says so and suggests the nearest; both are usage errors.
func groupRunE(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		cmd.SetOut(cmd.ErrOrStderr())
		cmd.Usage()
		return usageError(errors.New("missing command"))
	}
	return unknownCommand(cmd, args[0])
}

// unknownCommand is the usage error for a verb name cmd does not have,
// with cobra's suggestions.
func unknownCommand(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, set only on its own path
	}
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return usageError(errors.New(msg))
}

// flagError is the usage error for a bad flag; an unknown long flag names
// the verb's flag it is likely a typo of, as an unknown verb does
// (--data-path: --data_path; --port_base: --port-base).
func flagError(cmd *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return usageError(err)
	}
	// The parse that failed merged the inherited flags into cmd.Flags().
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	if best := tomlerr.Closest(name, names...); best != "" {
		return usageError(fmt.Errorf("%w; did you mean --%s?", err, best))
	}
	return usageError(err)
}

// positional returns an Args check: between min and max arguments (max < 0:
// no limit), what naming the missing ones in the error.
func positional(min, max int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) < min:
			return usageError(fmt.Errorf("missing %s", what))
		case max >= 0 && len(args) > max:
			return usageError(fmt.Errorf("unexpected arguments: %s", strings.Join(args[max:], " ")))
		}
		return nil
	}
}

// noArgs is positional(0, 0, "").
var noArgs = positional(0, 0, "")

// newHelpCmd replaces cobra's help verb so that an unknown topic is a
// usage error (exit 2) with suggestions rather than a page and exit 0.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [VERB [SUB-VERB]]",
		Short: "help about a verb: usage, arguments, flags, examples",
		Long: `Prints the help of a verb: what it does, its arguments, its flags and examples.
The same page comes with -h or --help after any verb.`,
		Example: `  nipc help rpc
  nipc help config generate
  nipc rpc --help`,
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			cmd, _, err := c.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, sub.Name()+"\t"+sub.Short)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil {
				return usageError(err)
			}
			if len(rest) > 0 {
				return unknownCommand(cmd, rest[0])
			}
			cmd.InitDefaultHelpFlag()
			return cmd.Help()
		},
	}
}

// usageTemplate is cobra's, with the client flags shown only for verbs
// that take them, and the exit codes (the same for every verb) at the end.
const usageTemplate = `Usage:{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [command]{{end}}{{if gt (len .Aliases) 0}}

Aliases:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}{{$cmds := .Commands}}{{if eq (len .Groups) 0}}

Available Commands:{{range $cmds}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{else}}{{range $group := .Groups}}

{{.Title}}{{range $cmds}}{{if (and (eq .GroupID $group.ID) (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if not .AllChildCommandsHaveGroup}}

Additional Commands:{{range $cmds}}{{if (and (eq .GroupID "") (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

{{if .HasParent}}Flags:{{else}}Flags (client flags also after the verb):{{end}}
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if and .HasAvailableInheritedFlags (isClientVerb .)}}

Client flags (also before the verb):
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}

Environment: NIPC_IPC_PATH, NIPC_IPC_ADDR, NIPC_IPC_PORT, NIPC_IPC_ACCESS_FILE, NIPC_API_KEY
(the client flags beat them).{{end}}{{if .HasAvailableSubCommands}}

Use "{{.CommandPath}} [command] --help" for more information about a command.{{end}}

{{exitCodes}}
`
