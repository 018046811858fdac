package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"syscall"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/node"
	"github.com/nipc/nipc/internal/systemd"
	"github.com/nipc/nipc/nano"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// dataFlags are the flags shared by verbs that read the data directory.
type dataFlags struct {
	dataPath  string
	overrides listFlag
	rpcOver   listFlag
}

func (d *dataFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.dataPath, "data_path", "", "data directory (default ~/.nipc)")
	fs.Var(&d.overrides, "config", "override a config-node.toml key: key=value (repeatable)")
	fs.Var(&d.rpcOver, "rpcconfig", "override a config-rpc.toml key: key=value (repeatable)")
}

// load resolves the data directory and loads both config files.
func (d *dataFlags) load() (string, config.Node, config.RPC, error) {
	dir := d.dataPath
	if dir == "" {
		var err error
		if dir, err = config.DefaultDataDir(); err != nil {
			return "", config.Node{}, config.RPC{}, exitf(exitConfig, "cannot find the home directory for the default data path: %v (use --data_path)", err)
		}
	}
	nc, err := config.LoadNode(dir, d.overrides)
	if err != nil {
		return "", config.Node{}, config.RPC{}, &exitError{code: exitConfig, err: err}
	}
	rc, err := config.LoadRPC(dir, d.rpcOver)
	if err != nil {
		return "", config.Node{}, config.RPC{}, &exitError{code: exitConfig, err: err}
	}
	return dir, nc, rc, nil
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("nipc "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args and maps a usage error to exit code 2.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &exitError{code: exitOK, err: errors.New("")}
		}
		return &exitError{code: exitUsage, err: errors.New("")}
	}
	return nil
}

func cmdNode(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("node", stderr)
	var d dataFlags
	d.register(fs)
	fs.Bool("dev", true, "run the dev network (the only one nipc has); accepted for the node's command line")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitf(exitUsage, "unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	dir, nc, rc, err := d.load()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return exitf(exitConfig, "create data directory: %v", err)
	}
	level := new(slog.LevelVar)
	level.Set(nc.Node.Logging.SlogLevel())
	log := newLogger(stderr, nc.Node.Logging, level)
	for _, w := range append(nc.Warnings, rc.Warnings...) {
		log.Warn(w.Error())
	}
	notify := systemd.NotifierFromEnv(log)
	sockets, err := systemd.Activated(systemd.RoleIPCTCP, systemd.RoleIPCUnix, systemd.RoleRPC, systemd.RoleWebSocket)
	if err != nil {
		return exitf(exitConfig, "socket activation: %v", err)
	}
	reloadConfig := func() (func(), error) { return reloadLogLevel(&d, nc, rc, level, log) }
	n, err := node.New(node.Options{DataDir: dir, Node: nc, RPC: rc, Log: log, Listeners: sockets, Notify: notify, ReloadConfig: reloadConfig})
	if err != nil {
		return exitf(exitConfig, "%v", err)
	}
	// The first SIGINT/SIGTERM drains; a second one forces the exit. The
	// handlers are in place before anything listens: a client that sees
	// the socket may signal at once.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	force := make(chan struct{})
	go func() {
		terms := 0
		for s := range sigs {
			if s == syscall.SIGHUP {
				n.Reload() // logs the outcome; a bad file leaves the old policy
				continue
			}
			terms++
			if terms == 1 {
				cancel()
			} else {
				close(force)
				return
			}
		}
	}()
	if err := n.Listen(); err != nil {
		return exitf(1, "%v", err)
	}
	if id := n.GenesisWallet; id != nil {
		fmt.Fprintf(stdout, "created wallet %s holding the dev genesis account %s (all %s raw)\n", id, nano.DevGenesisAccount, nano.GenesisAmount)
	}
	fmt.Fprintf(stdout, "nipc node %s: IPC on tcp %s and unix %s, data in %s\n", node.Version, orNone(n.TCPAddr()), orNone(n.UnixPath()), dir)
	if err := n.Run(ctx, force); err != nil {
		return exitf(1, "%v", err)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(off)"
	}
	return s
}

// reloadLogLevel re-reads the configuration files (with the command line's
// overrides, as at start) and returns what applies node.logging.level;
// other changed keys are reported as waiting for a restart. A file that no
// longer loads is an error, and nothing is applied.
func reloadLogLevel(d *dataFlags, running config.Node, runningRPC config.RPC, level *slog.LevelVar, log *slog.Logger) (apply func(), err error) {
	_, nc, rc, err := d.load()
	if err != nil {
		if ee, ok := errors.AsType[*exitError](err); ok {
			return nil, ee.err
		}
		return nil, err
	}
	l := nc.Node.Logging.SlogLevel()
	nc.Node.Logging.Level = running.Node.Logging.Level
	restart := !reflect.DeepEqual(nc, running) || !reflect.DeepEqual(rc, runningRPC)
	return func() {
		if l != level.Level() {
			log.Info("log level changed", "from", level.Level().String(), "to", l.String())
			level.Set(l)
		}
		if restart {
			log.Warn("the configuration files changed in keys that take effect at the next start; only node.logging.level applies now")
		}
	}, nil
}

// newLogger writes c.Format to w at the level level holds (nil: c.Level).
func newLogger(w io.Writer, c config.Logging, level *slog.LevelVar) *slog.Logger {
	var lv slog.Leveler = c.SlogLevel()
	if level != nil {
		lv = level
	}
	opts := &slog.HandlerOptions{Level: lv}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
