package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/node"
	"github.com/nipc/nipc/ipc"
)

// clientFlags are -S, -A, -P, -access-file and -timeout, which beat the
// environment.
type clientFlags struct {
	path, addr string
	port       int
	accessFile string
	timeout    time.Duration
}

func (c *clientFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.path, "S", "", "Unix socket path (beats NIPC_IPC_PATH)")
	fs.StringVar(&c.addr, "A", "", "TCP address (beats NIPC_IPC_ADDR)")
	fs.IntVar(&c.port, "P", 0, "TCP port (beats NIPC_IPC_PORT)")
	fs.StringVar(&c.accessFile, "access-file", "", "secret file for the node's access check (beats NIPC_IPC_ACCESS_FILE)")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "time limit for the whole call")
}

// config merges the flags over the environment. A TCP flag given on the
// command line means TCP, even if NIPC_IPC_PATH is set.
func (c *clientFlags) config() (client.Config, error) {
	cfg, err := client.ConfigFromEnv()
	if err != nil {
		return cfg, &exitError{code: exitConfig, err: err}
	}
	if c.addr != "" || c.port != 0 {
		cfg.Path = ""
	}
	if c.addr != "" {
		cfg.Addr = c.addr
	}
	if c.port != 0 {
		cfg.Port = c.port
	}
	if c.path != "" {
		cfg.Path = c.path
	}
	if c.accessFile != "" {
		cfg.AccessFile = c.accessFile
	}
	return cfg, nil
}

// dial connects to the node; done cancels the call's time limit and closes
// the client.
func (c *clientFlags) dial() (cl *client.Client, ctx context.Context, done func(), err error) {
	cfg, err := c.config()
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	cl, err = client.Dial(ctx, cfg)
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	return cl, ctx, func() { cancel(); cl.Close() }, nil
}

// clientVerb parses the flags of a verb that takes only the client flags,
// and connects.
func clientVerb(name string, args []string, stderr io.Writer) (*client.Client, context.Context, func(), error) {
	fs := newFlagSet(name, stderr)
	var cf clientFlags
	cf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return nil, nil, nil, err
	}
	return cf.dial()
}

// exitCodeFor maps client errors to the exit-code table.
func exitCodeFor(err error) int {
	switch {
	case err == nil:
		return exitOK
	case client.IsTimeout(err):
		return exitTimeout
	}
	if _, ok := errors.AsType[*client.UnreachableError](err); ok {
		return exitUnreachable
	}
	if _, ok := errors.AsType[*client.AccessError](err); ok {
		return exitNoPerm
	}
	if _, ok := errors.AsType[*client.AccessFileError](err); ok {
		return exitConfig
	}
	if _, ok := errors.AsType[*client.ProtocolError](err); ok {
		return exitProtocol
	}
	if _, ok := errors.AsType[*client.ServerError](err); ok {
		return exitServerError
	}
	return 1
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

func cmdRPC(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("rpc", stderr)
	var cf clientFlags
	cf.register(fs)
	unsafe := fs.Bool("unsafe", false, "send in encoding 2 (unsafe actions, where the transport allows them)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		return exitf(exitUsage, "usage: nipc rpc ACTION [key=value ... | JSON | -]")
	}
	params, err := rpcParams(fs.Args()[1:], stdin)
	if err != nil {
		return err
	}
	cl, ctx, done, err := cf.dial()
	if err != nil {
		return err
	}
	defer done()
	enc := ipc.EncodingJSON
	if *unsafe {
		enc = ipc.EncodingJSONUnsafe
	}
	reply, err := cl.LegacyEncoding(ctx, enc, fs.Arg(0), params)
	if reply != nil {
		stdout.Write(reply)
	}
	return err
}

func cmdPing(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cl, ctx, done, err := clientVerb("ping", args, stderr)
	if err != nil {
		return err
	}
	defer done()
	start := time.Now()
	if _, err := cl.Legacy(ctx, "uptime", nil); err != nil {
		return err
	}
	network, addr := cl.Config().Network()
	return writeJSON(stdout, map[string]any{"alive": true, "node": network + ":" + addr, "round_trip_us": time.Since(start).Microseconds()})
}

func cmdStatus(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cl, ctx, done, err := clientVerb("status", args, stderr)
	if err != nil {
		return err
	}
	defer done()
	status := map[string]any{}
	network, addr := cl.Config().Network()
	status["node"] = network + ":" + addr
	for _, action := range []string{"version", "uptime"} {
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
	return writeJSON(stdout, status)
}

func cmdStop(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cl, ctx, done, err := clientVerb("stop", args, stderr)
	if err != nil {
		return err
	}
	defer done()
	reply, err := cl.Legacy(ctx, "stop", nil)
	if se, ok := errors.AsType[*client.ServerError](err); ok && se.Text == "RPC control is disabled" {
		return &exitError{code: exitNoPerm, err: fmt.Errorf("%w (start the node with enable_control = true in config-rpc.toml, or --rpcconfig enable_control=true)", err)}
	}
	if err != nil {
		return err
	}
	_, err = stdout.Write(reply)
	return err
}

func cmdVersion(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return writeJSON(stdout, map[string]string{"version": node.Version, "go": runtime.Version()})
}

func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
