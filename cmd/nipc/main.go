// Command nipc is the nipc daemon and its command-line client, built on
// github.com/spf13/cobra: one file per verb (cmd_<verb>.go) holding a
// constructor newXxxCmd that returns the verb's *cobra.Command, with its
// usage, arguments and examples; root.go puts them together.
//
//	nipc node [--data_path DIR] [--port-base N] [--config key=value]... [--rpcconfig key=value]...
//	nipc gateway [--data_path DIR] [--port-base N] [--config k=v]... [--rpcconfig k=v]... [--ws_origin PATTERN]...
//	nipc rpc ACTION [key=value ... | JSON | -]   |   nipc rpc JSON   |   nipc rpc -
//	nipc ping | status | stop | reload | version
//	nipc config generate node|rpc|access   |   nipc config check [--data_path DIR]
//	nipc access check [--data_path DIR] [FILE]
//	nipc ledger check [--data_path DIR] [--wait DURATION] [FILE]
//	nipc work bench [-d DURATION] [--threads N]
//	nipc wallet list [--data_path DIR] [--json]
//	nipc call MESSAGE [JSON | @FILE | -] [--encoding json|flatbuffers]
//	nipc list   |   nipc describe MESSAGE
//	nipc sub confirmation [--count N] [--accounts A,B] [--all-local] [--no-block] [--no-election]
//	nipc bench [-c N] [-n N | -d DURATION] [--action NAME | --req JSON] [--url URL]
//	nipc help [VERB]   |   nipc completion bash|zsh|fish
//
// Flags go before or after the arguments. The client flags -S/--socket,
// -A/--addr, -P/--port, --access-file and --timeout belong to the root, so
// they may also come before the verb (nipc -P 7177 ping); they beat
// NIPC_IPC_PATH, NIPC_IPC_ADDR, NIPC_IPC_PORT and NIPC_IPC_ACCESS_FILE, and a
// verb that does not talk to a node refuses them. A long flag written with
// one dash, as the stdlib flag package had it (-count 1, -encoding=json), is
// rewritten to the double-dash form before cobra parses (args.go).
//
// Completion (nipc completion bash|zsh|fish) completes verbs and flags, the
// legacy action names for nipc rpc (from the same registry the node serves:
// complete.go), and the v2 message names for nipc call and nipc describe.
//
// --port-base N moves all of a node's ports together (HTTP N, IPC N+1,
// WebSocket N+2, metrics N+3, the socket DATA/nipc.sock; data_flags.go),
// under the --config and --rpcconfig overrides. Both daemons print a
// banner naming each listener; the node's names the genesis wallet on every
// start.
//
// The daemon verbs (node, gateway) speak systemd's notify and
// socket-activation protocols when NOTIFY_SOCKET and LISTEN_FDS say so
// (internal/systemd). Results go to stdout, diagnostics to stderr. Every
// verb has the same exit codes (the constants below): a usage error is 2
// with a hint to --help, access denied is 77. A newcomer's slips get the
// likely intent: a misspelt verb, flag, v2 message or legacy action names
// the nearest one; a flag given for an environment variable is named
// instead of it; a port or data directory in use names the key or flag
// that moves it (data_flags.go).
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
	exitTimeout     = 75 // timed out, or the data directory is in use; a retry may work
	exitProtocol    = 76 // the peer broke the protocol
	exitNoPerm      = 77 // access check failed or permission denied
	exitConfig      = 78 // configuration invalid or unreadable
)

// exitCodesText is the exit-code table as every help text shows it.
const exitCodesText = "Exit codes: 0 ok, 1 the node answered with an error (ledger check: the ledger is\n" +
	"inconsistent), 2 usage, 69 node unreachable, 75 timeout or data directory in use (node, ledger\n" +
	"check), 76 protocol error, 77 access denied, 78 configuration invalid."

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

// usageError is exit code 2 with err's message.
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(normalizeArgs(root, args))
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	if cmd == nil {
		cmd = root
	}
	code := exitCodeFor(err)
	if msg := err.Error(); msg != "" {
		fmt.Fprintf(stderr, "%s: %s\n", cmd.CommandPath(), msg)
	}
	if code == exitUsage {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// exitCodeFor maps an error to the exit-code table.
func exitCodeFor(err error) int {
	if err == nil {
		return exitOK
	}
	if ee, ok := errors.AsType[*exitError](err); ok {
		return ee.code
	}
	return clientExitCode(err)
}
