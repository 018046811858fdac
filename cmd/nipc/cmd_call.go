package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/tomlerr"
	"github.com/nipc/nipc/ipc"
)

func newCallCmd(cf *clientFlags) *cobra.Command {
	var encName, corr string
	cmd := &cobra.Command{
		Use:   "call MESSAGE [JSON | @FILE | -] [--encoding json|flatbuffers]",
		Short: "send a v2 message (credentials from NIPC_API_KEY)",
		Long: `Sends one IPC v2 message and prints the reply envelope as the node renders it. An Error
reply exits 1, or 77 for Access denied. Credentials come from NIPC_API_KEY.

Arguments:
  MESSAGE   a request message (nipc list shows them; nipc completion completes them)
  JSON      the message's fields as JSON (default {})
  @FILE     read them from FILE
  -         read them from stdin`,
		Example: `  nipc call IsAlive
  nipc call IsAlive --encoding flatbuffers
  nipc call AccountWeight '{"account": "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo"}'
  NIPC_API_KEY=my-key nipc call BlockCount`,
		Args:              positional(1, 2, "MESSAGE"),
		ValidArgsFunction: completeFirst(func() []string { return messageNames(true) }, cobra.ShellCompDirectiveDefault),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCall(cmd, cf, args, encName, corr)
		},
	}
	cmd.Flags().StringVar(&encName, "encoding", "json", "json (encoding 4) or flatbuffers (encoding 3)")
	cmd.Flags().StringVar(&corr, "correlation-id", "", "correlation id to send (echoed in the reply)")
	cmd.RegisterFlagCompletionFunc("encoding", fixedValues("json", "flatbuffers"))
	return clientVerb(cf, cmd)
}

// runCall sends one v2 message: MESSAGE [JSON | @FILE | -]. The body is
// the message's JSON (default {}); credentials come from NIPC_API_KEY. The
// reply envelope is printed as the node renders it.
func runCall(cmd *cobra.Command, cf *clientFlags, args []string, encName, corr string) error {
	stdin, stdout := cmd.InOrStdin(), cmd.OutOrStdout()
	if encName != "json" && encName != "flatbuffers" {
		return exitf(exitUsage, "--encoding must be json or flatbuffers")
	}
	name := args[0]
	info, ok := api.LookupMessageName(name)
	if !ok || info.Kind != api.KindRequest {
		return exitf(exitUsage, "%q is not a request message (%snipc list shows them)", name, didYouMean(name, messageNames(true)))
	}
	body := []byte("{}")
	if len(args) == 2 {
		var err error
		switch a := args[1]; {
		case a == "-":
			body, err = io.ReadAll(stdin)
		case strings.HasPrefix(a, "@"):
			body, err = os.ReadFile(a[1:])
		case !strings.HasPrefix(strings.TrimSpace(a), "{"):
			return exitf(exitUsage, "%q is not JSON: give the message's fields as one JSON object, as in %s (nipc describe %s shows them)", a, jsonExample(args[1:]), info.Name)
		default:
			body = []byte(a)
		}
		if err != nil {
			return exitf(exitUsage, "reading the message: %v", err)
		}
	}
	cl, ctx, done, err := cf.dial()
	if err != nil {
		return err
	}
	defer done()
	text := fbjson.AppendEnvelope(nil, cl.Config().APIKey, corr, name, body)
	var reply []byte
	switch encName {
	case "json":
		if reply, err = cl.Do(ctx, ipc.EncodingFlatbuffersJSON, text); err != nil {
			return err
		}
	case "flatbuffers":
		// Build the binary envelope locally with the same JSON rules the
		// node uses, so both encodings take the same input.
		env, perr := fbjson.ParseEnvelope(text, fbjson.Options{})
		if perr != nil {
			return exitf(exitUsage, "%v", perr)
		}
		renv, err := cl.CallEnvelope(ctx, env)
		if err != nil {
			return err
		}
		if reply, err = fbjson.RenderEnvelope(renv); err != nil {
			return &client.ProtocolError{Err: err}
		}
	}
	stdout.Write(reply)
	if !bytes.HasSuffix(reply, []byte("\n")) {
		fmt.Fprintln(stdout)
	}
	return deniedHint(cmd, replyError(reply), info, cl.Config().APIKey)
}

// deniedHint adds to an Access denied (exit 77), on a line of its own,
// the permission the message needs and whose credentials were refused.
func deniedHint(cmd *cobra.Command, err error, m api.MessageInfo, apiKey string) error {
	ee, ok := errors.AsType[*exitError](err)
	if !ok || ee.code != exitNoPerm {
		return err
	}
	need := strings.ReplaceAll(permissionText(m), " | ", " or ")
	who := "NIPC_API_KEY is unset, and the user without credentials does not hold it"
	if apiKey != "" {
		who = "the key in NIPC_API_KEY does not hold it, or names no user of config-access.toml"
	}
	return &exitError{code: exitNoPerm, err: fmt.Errorf("%w\n%s: %s needs %s; %s (nipc access check shows who holds what)", ee.err, cmd.CommandPath(), m.Name, need, who)}
}

// replyError maps an Error reply to an exit status: 77 for Access denied,
// 1 for anything else.
func replyError(reply []byte) error {
	var env struct {
		MessageType string `json:"message_type"`
		Message     struct {
			Code    int32  `json:"code"`
			Message string `json:"message"`
		} `json:"message"`
	}
	if json.Unmarshal(reply, &env) != nil || env.MessageType != "Error" {
		return nil
	}
	code := exitServerError
	if env.Message.Code == api.CodeAccessDenied {
		code = exitNoPerm
	}
	return &exitError{code: code, err: fmt.Errorf("node: error %d: %s", env.Message.Code, env.Message.Message)}
}

// jsonExample is the JSON object a key=value argument (as nipc rpc takes
// them) would be, quoted for a shell; any other argument gets a generic
// example.
func jsonExample(args []string) string {
	k, v, ok := strings.Cut(args[0], "=")
	if !ok || k == "" {
		return `'{"account": "nano_..."}'`
	}
	b, _ := json.Marshal(map[string]string{k: v})
	return "'" + strings.ReplaceAll(string(b), ":", ": ") + "'"
}

// didYouMean is "did you mean X? " for the name of names closest to name
// (case ignored, at most two edits), or "".
func didYouMean(name string, names []string) string {
	if best := tomlerr.Closest(name, names...); best != "" {
		return "did you mean " + best + "? "
	}
	return ""
}
