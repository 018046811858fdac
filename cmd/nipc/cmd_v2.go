package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/ipc"
)

// cmdCall sends one v2 message: nipc call MESSAGE [JSON | @FILE | -].
// The body is the message's JSON (default {}); credentials come from
// NIPC_API_KEY. The reply envelope is printed as the node renders it.
func cmdCall(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("call", stderr)
	var cf clientFlags
	cf.register(fs)
	encName := fs.String("encoding", "json", "json (encoding 4) or flatbuffers (encoding 3)")
	corr := fs.String("correlation-id", "", "correlation id to send (echoed in the reply)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		return exitf(exitUsage, "usage: nipc call MESSAGE [JSON | @FILE | -]")
	}
	name := fs.Arg(0)
	info, ok := api.LookupMessageName(name)
	if !ok || info.Kind != api.KindRequest {
		return exitf(exitUsage, "%q is not a request message (nipc list shows them)", name)
	}
	body := []byte("{}")
	if fs.NArg() == 2 {
		var err error
		switch a := fs.Arg(1); {
		case a == "-":
			body, err = io.ReadAll(stdin)
		case strings.HasPrefix(a, "@"):
			body, err = os.ReadFile(a[1:])
		default:
			body = []byte(a)
		}
		if err != nil {
			return exitf(exitUsage, "reading the message: %v", err)
		}
	}
	cfg, err := cf.config()
	if err != nil {
		return err
	}
	text := envelopeText(cfg.APIKey, *corr, name, body)

	cl, ctx, done, err := cf.dial()
	if err != nil {
		return err
	}
	defer done()
	var reply []byte
	switch *encName {
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
	default:
		return exitf(exitUsage, "-encoding must be json or flatbuffers")
	}
	stdout.Write(reply)
	if !bytes.HasSuffix(reply, []byte("\n")) {
		fmt.Fprintln(stdout)
	}
	return replyError(reply)
}

// envelopeText wraps a message body in an envelope, escaping the header
// values (the node's gateway splices them raw; nipc does not).
func envelopeText(credentials, correlationID, name string, body []byte) []byte {
	var b bytes.Buffer
	b.WriteString("{")
	if credentials != "" {
		c, _ := json.Marshal(credentials)
		fmt.Fprintf(&b, `"credentials": %s, `, c)
	}
	if correlationID != "" {
		c, _ := json.Marshal(correlationID)
		fmt.Fprintf(&b, `"correlation_id": %s, `, c)
	}
	n, _ := json.Marshal(name)
	fmt.Fprintf(&b, `"message_type": %s, "message": `, n)
	b.Write(body)
	b.WriteString("}")
	return b.Bytes()
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

// cmdList prints the v2 request messages with their ids and permissions.
func cmdList(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("list", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, m := range api.Messages() {
		if m.Kind != api.KindRequest {
			continue
		}
		fmt.Fprintf(stdout, "%-20s %3d  %s\n", m.Name, m.Type, permissionText(m))
	}
	return nil
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

// cmdDescribe prints a message's schema table, its permission and its reply.
func cmdDescribe(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("describe", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return exitf(exitUsage, "usage: nipc describe MESSAGE")
	}
	m, ok := api.LookupMessageName(fs.Arg(0))
	if !ok {
		return exitf(exitUsage, "no message %q (nipc list shows them)", fs.Arg(0))
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
