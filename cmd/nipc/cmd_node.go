package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/node"
	"github.com/nipc/nipc/internal/systemd"
)

func newNodeCmd() *cobra.Command {
	var d dataFlags
	cmd := &cobra.Command{
		Use:   "node [--data_path DIR] [--port-base N] [--config key=value]... [--rpcconfig key=value]...",
		Short: "run the daemon (IPC on TCP and a Unix socket, HTTP, WebSocket)",
		Long: `Runs the node: the IPC port on TCP (127.0.0.1:7077) and a Unix socket, the HTTP RPC
(127.0.0.1:7076) and WebSocket (127.0.0.1:7078), with its ledger and wallets in the data
directory. Keys come from config-node.toml and config-rpc.toml there, overridden by
--config (node keys) and --rpcconfig (rpc keys). --port-base N moves every port together
for nodes side by side: HTTP N, IPC N+1, WebSocket N+2, metrics N+3 and the Unix socket
DATA/nipc.sock (clients: -P N+1, or -S DATA/nipc.sock). On every start it prints each
listener and the genesis wallet's id (nipc wallet list shows all wallets). SIGHUP reloads config-access.toml and the
log level; the first SIGINT/SIGTERM drains, a second one exits at once. With
node.nats.enable it also publishes every confirmation to a NATS JetStream stream and serves
its API over NATS, for gateways elsewhere (docs/SCALING.md).`,
		Example: `  nipc node
  nipc node --data_path /tmp/a --port-base 7176
  nipc node --data_path /tmp/b --config node.ipc.tcp.port=7277 --config node.ipc.local.path=/tmp/b.sock --config rpc.enable=false --config node.websocket.enable=false
  nipc node --rpcconfig enable_control=true`,
		GroupID: groupDaemon,
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runNode(cmd, &d) },
	}
	d.register(cmd.Flags())
	d.registerPortBase(cmd.Flags(), roleNode)
	cmd.Flags().Bool("dev", true, "run the dev network (the only one nipc has); accepted for the node's command line")
	return cmd
}

func runNode(cmd *cobra.Command, d *dataFlags) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
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
	if sockets == (systemd.Listeners{}) {
		if err := config.PortClash(nc, rc, false); err != nil {
			return exitf(exitConfig, "%v", err)
		}
	}
	reloadConfig := func() (func(), []string, error) { return reloadLogLevel(d, nc, rc, level, log) }
	n, err := node.New(node.Options{DataDir: dir, Node: nc, RPC: rc, Log: log, Listeners: sockets, Notify: notify, ReloadConfig: reloadConfig})
	if errors.Is(err, ledger.ErrLocked) {
		return exitf(exitTimeout, "%v; stop that node first, or give this one its own --data_path DIR (and --port-base N)", err)
	}
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
		return listenFailed(err, nodeInUseHint)
	}
	io.WriteString(stdout, n.Banner())
	if err := n.Run(ctx, force); err != nil {
		return exitf(1, "%v", err)
	}
	return nil
}

// reloadLogLevel re-reads the configuration files (with the command line's
// overrides, as at start) and returns what applies node.logging.level;
// other changed keys wait for a restart: they are returned (for the
// Reload reply) and named in a warning. A file that no longer loads is an
// error, and nothing is applied.
func reloadLogLevel(d *dataFlags, running config.Node, runningRPC config.RPC, level *slog.LevelVar, log *slog.Logger) (apply func(), restart []string, err error) {
	_, nc, rc, err := d.load()
	if err != nil {
		if ee, ok := errors.AsType[*exitError](err); ok {
			return nil, nil, ee.err
		}
		return nil, nil, err
	}
	l := nc.Node.Logging.SlogLevel()
	nc.Node.Logging.Level = running.Node.Logging.Level
	restart = append(changedKeys("", running, nc), changedKeys("", runningRPC, rc)...)
	return func() {
		if l != level.Level() {
			log.Info("log level changed", "from", level.Level().String(), "to", l.String())
			level.Set(l)
		}
		if len(restart) > 0 {
			log.Warn("these keys changed and take effect at the next start; only node.logging.level applies now", "restart", strings.Join(restart, ", "))
		}
	}, restart, nil
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
