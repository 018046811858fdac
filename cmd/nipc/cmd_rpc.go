package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/ipc"
)

func newRPCCmd(cf *clientFlags) *cobra.Command {
	var unsafe, list bool
	cmd := &cobra.Command{
		Use:   "rpc (ACTION [key=value ... | JSON | -] | JSON | - | --list)",
		Short: "call a legacy RPC action; prints the reply",
		Long: `Sends one legacy RPC request (encoding 1, or 2 with --unsafe) and prints the node's reply.

Arguments:
  ACTION      the action (nipc completion completes the names)
  key=value   its parameters; a value that is a JSON array or object is passed as one
              (accounts=["nano_1...","nano_3..."]), anything else as a string
  JSON        after ACTION: the parameters as one JSON object;
              alone: the whole request, {"action": "version", ...}
  -           read that JSON object from stdin`,
		Example: `  nipc rpc block_count
  nipc rpc account_balance account=nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo
  nipc rpc '{"action": "version"}'
  echo '{"action": "uptime"}' | nipc rpc -
  nipc rpc uptime -S /tmp/nano
  nipc rpc --list`,
		Args: func(cmd *cobra.Command, args []string) error {
			if list {
				return noArgs(cmd, args)
			}
			return positional(1, -1, "ACTION (or a JSON request)")(cmd, args)
		},
		ValidArgsFunction: completeFirst(legacyActionNames, cobra.ShellCompDirectiveNoFileComp),
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				return writeActionList(cmd.OutOrStdout())
			}
			action, params, err := rpcRequest(args, cmd.InOrStdin())
			if err != nil {
				return err
			}
			cl, ctx, done, err := cf.dial()
			if err != nil {
				return err
			}
			defer done()
			enc := ipc.EncodingJSON
			if unsafe {
				enc = ipc.EncodingJSONUnsafe
			}
			reply, err := cl.LegacyEncoding(ctx, enc, action, params)
			if reply != nil {
				cmd.OutOrStdout().Write(reply)
			}
			return unknownActionHint(unsafeHint(err, cl.Config().Path != "", action, unsafe), action)
		},
	}
	cmd.Flags().BoolVar(&unsafe, "unsafe", false, "send in encoding 2 (unsafe actions, where the transport allows them)")
	cmd.Flags().BoolVar(&list, "list", false, "list every legacy action and whether it needs enable_control (no node needed)")
	return clientVerb(cf, cmd)
}

// rpcRequest reads the action and its parameters from the arguments:
// ACTION [key=value ... | JSON | -], or a whole JSON request (an argument
// starting with "{", or "-" for stdin) holding "action".
func rpcRequest(args []string, stdin io.Reader) (string, map[string]any, error) {
	if first := strings.TrimSpace(args[0]); first != "-" && !strings.HasPrefix(first, "{") {
		params, err := rpcParams(args[1:], stdin)
		return args[0], params, err
	}
	if len(args) > 1 {
		return "", nil, exitf(exitUsage, "a JSON request is the only argument; got %d", len(args))
	}
	params, err := rpcParams(args, stdin)
	if err != nil {
		return "", nil, err
	}
	action, ok := params["action"].(string)
	if !ok || action == "" {
		return "", nil, exitf(exitUsage, `the JSON request has no "action" string`)
	}
	delete(params, "action")
	return action, params, nil
}

// rpcParams builds a legacy request from the arguments after the action:
// key=value pairs, one JSON object, or "-" for a JSON object on stdin.
func rpcParams(args []string, stdin io.Reader) (map[string]any, error) {
	params := map[string]any{}
	switch {
	case len(args) == 0:
		return params, nil
	case len(args) == 1 && args[0] == "-":
		if err := json.NewDecoder(stdin).Decode(&params); err != nil {
			return nil, exitf(exitUsage, "stdin is not a JSON object: %v", err)
		}
		return params, nil
	case len(args) == 1 && strings.HasPrefix(strings.TrimSpace(args[0]), "{"):
		if err := json.Unmarshal([]byte(args[0]), &params); err != nil {
			return nil, exitf(exitUsage, "argument is not a JSON object: %v", err)
		}
		return params, nil
	}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, exitf(exitUsage, "%q is not key=value", a)
		}
		// A value that is a JSON array or object is passed as one
		// (accounts=["nano_1...","nano_3..."]); anything else is a string.
		if t := strings.TrimSpace(v); strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
			var j any
			if err := json.Unmarshal([]byte(t), &j); err != nil {
				return nil, exitf(exitUsage, "value of %s is not valid JSON: %v", k, err)
			}
			params[k] = j
			continue
		}
		params[k] = v
	}
	return params, nil
}

// unsafeHint adds to the node's "Unsafe RPC not allowed" what lets the
// action through: encoding 2 (--unsafe) on a transport whose allow_unsafe
// is on. The reply on stdout stays the node's.
func unsafeHint(err error, overUnix bool, action string, sentUnsafe bool) error {
	se, ok := errors.AsType[*client.ServerError](err)
	if !ok || se.Text != rpc.TextUnsafeNotAllow {
		return err
	}
	key := "node.ipc.tcp.allow_unsafe"
	if overUnix {
		key = "node.ipc.local.allow_unsafe"
	}
	hint := fmt.Sprintf("%s is an unsafe action: send it with --unsafe (encoding 2) to a node whose %s = true (config-node.toml)", action, key)
	if sentUnsafe {
		hint = fmt.Sprintf("this transport does not allow unsafe actions: start the node with %s = true (config-node.toml, or --config %s=true)", key, key)
	}
	return &exitError{code: exitServerError, err: fmt.Errorf("%w (%s)", err, hint)}
}

// unknownActionHint adds to the node's "Unknown command" the action the
// name is likely a typo of, and where the list is. The reply on stdout
// stays the node's.
func unknownActionHint(err error, action string) error {
	se, ok := errors.AsType[*client.ServerError](err)
	if !ok || se.Text != rpc.TextUnknownCommand {
		return err
	}
	return &exitError{code: exitServerError, err: fmt.Errorf("%w (%snipc rpc --list shows every action)", err, didYouMean(action, legacyActionNames()))}
}
