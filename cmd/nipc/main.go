// Command nipc is the nipc daemon and its command-line client.
//
//	nipc node [--data_path DIR] [--config key=value]... [--rpcconfig key=value]...
//	nipc rpc <action> [key=value ... | JSON | -]
//	nipc ping | status | stop | version
//	nipc config generate node|rpc|access
//	nipc config check [--data_path DIR]
//	nipc call MESSAGE [JSON | @FILE | -] [-encoding json|flatbuffers]
//	nipc list | describe MESSAGE
//	nipc bench [-c N] [-n N | -d DURATION] [-action NAME | -req JSON] [-url URL]
//
// Client verbs find the daemon through NIPC_IPC_PATH, NIPC_IPC_ADDR and
// NIPC_IPC_PORT; the flags -S path, -A addr and -P port beat them. The
// daemon verbs (node, gateway) speak systemd's notify and socket-activation
// protocols when NOTIFY_SOCKET and LISTEN_FDS say so (internal/systemd). Results go
// to stdout as JSON, diagnostics to stderr. Exit codes are listed by usage().
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Exit codes (docs: README, `nipc help`).
const (
	exitOK          = 0
	exitServerError = 1  // the daemon answered with an error
	exitUsage       = 2  // bad command line
	exitUnreachable = 69 // no daemon at the address
	exitTimeout     = 75 // timed out; a retry may work
	exitProtocol    = 76 // the peer broke the protocol
	exitNoPerm      = 77 // access check failed or permission denied
	exitConfig      = 78 // configuration invalid or unreadable
)

// exitError carries an exit code up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitf(code int, format string, a ...any) error {
	return &exitError{code: code, err: fmt.Errorf(format, a...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	verbs := map[string]func([]string, io.Reader, io.Writer, io.Writer) error{
		"node":     cmdNode,
		"rpc":      cmdRPC,
		"ping":     cmdPing,
		"status":   cmdStatus,
		"stop":     cmdStop,
		"version":  cmdVersion,
		"config":   cmdConfig,
		"bench":    cmdBench,
		"call":     cmdCall,
		"list":     cmdList,
		"describe": cmdDescribe,
		"sub":      cmdSub,
		"reload":   cmdReload,
		"access":   cmdAccess,
		"gateway":  cmdGateway,
		"work":     cmdWork,
	}
	verb := args[0]
	if verb == "help" || verb == "-h" || verb == "--help" || verb == "-help" {
		usage(stdout)
		return exitOK
	}
	f, ok := verbs[verb]
	if !ok {
		fmt.Fprintf(stderr, "nipc: unknown command %q\n\n", verb)
		usage(stderr)
		return exitUsage
	}
	err := f(args[1:], stdin, stdout, stderr)
	if err == nil {
		return exitOK
	}
	if ee, ok := errors.AsType[*exitError](err); ok {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintf(stderr, "nipc %s: %v\n", verb, ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "nipc %s: %v\n", verb, err)
	return exitCodeFor(err)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `nipc — the IPC port of a Nano dev node

Usage:
  nipc node [--data_path DIR] [--config key=value]... [--rpcconfig key=value]...
                      run the daemon (IPC on TCP and a Unix socket)
  nipc gateway [--data_path DIR] [--config k=v]... [--rpcconfig k=v]... [--ws_origin PATTERN]...
                      run the HTTP(S)/WebSocket gateway as its own process, reaching the node over IPC
  nipc rpc ACTION [key=value ... | JSON | -]
                      call a legacy RPC action; prints the reply
  nipc ping           check that the node answers; prints the round trip
  nipc status         version and uptime of the node
  nipc stop           ask the node to shut down (needs enable_control)
  nipc version        print nipc's version
  nipc config generate node|rpc|access
                      print a config file with every key, default and meaning
  nipc config check [--data_path DIR]
                      validate the data directory's config files
  nipc call MESSAGE [JSON | @FILE | -] [-encoding json|flatbuffers]
                      send a v2 message (credentials from NIPC_API_KEY)
  nipc list           the v2 request messages and the permission each needs
  nipc describe MESSAGE
                      a message's fields, permission and reply
  nipc sub confirmation [-accounts A,B] [-all-local] [-count N] [-no-block] [-no-election]
                      print confirmations as they happen, one JSON object per line
  nipc reload         reload the node's access file and log level (needs api_reload; SIGHUP does the same)
  nipc access check [--data_path DIR] [FILE]
                      validate an access file and print each user's permissions
  nipc bench [-c CONNS] [-n REQUESTS | -d DURATION] [-action NAME | -req JSON] [-url URL]
                      load-test the node (or, with -url, an HTTP server such as the gateway);
                      prints p50/p90/p99 and calls/s

Client flags (after the verb): -S PATH (Unix socket), -A ADDR, -P PORT,
-access-file FILE (the IPC access check's secret), -timeout DURATION. Environment: NIPC_IPC_PATH (wins when set), NIPC_IPC_ADDR,
NIPC_IPC_PORT, NIPC_IPC_ACCESS_FILE, NIPC_API_KEY.

Under systemd, node and gateway report readiness, reloads and shutdown to NOTIFY_SOCKET
(Type=notify-reload) and take sockets passed by LISTEN_FDS, named by FileDescriptorName=
ipc-tcp, ipc-unix, rpc or websocket (docs/CONFIG.md, "Running under systemd").

Exit codes: 0 ok, 1 the node answered with an error, 2 usage, 69 node unreachable,
75 timeout, 76 protocol error, 77 access denied, 78 configuration invalid.
`)
}
