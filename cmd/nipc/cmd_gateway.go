package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/membudget"
	"github.com/nipc/nipc/internal/metrics"
	"github.com/nipc/nipc/internal/node"
	"github.com/nipc/nipc/internal/systemd"
)

// newGatewayCmd runs the HTTP(S)/WebSocket gateway as its own process,
// reaching the node over IPC as config-rpc.toml's [process] table says, or
// over NATS with its [nats] enabled (gatewayBackend). Its
// WebSocket is config-node.toml's [node.websocket] (address, port and
// allowed_origins, to which each --ws_origin adds a pattern). SIGHUP
// reloads the TLS certificate; the first SIGINT/SIGTERM drains, a second
// one exits at once. Under systemd it takes the sockets named "rpc" and
// "websocket" and reports readiness, reloads and shutdown (internal/systemd).
func newGatewayCmd() *cobra.Command {
	return gatewayCmd(func(cmd *cobra.Command, o *gatewayOptions) error {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		sigs := make(chan os.Signal, 2)
		signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
		defer func() {
			signal.Stop(sigs)
			close(sigs)
		}()
		force := make(chan struct{})
		reload := make(chan struct{}, 1)
		go func() {
			terms := 0
			for s := range sigs {
				if s == syscall.SIGHUP {
					select {
					case reload <- struct{}{}:
					default:
					}
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
		return serveGateway(ctx, o, cmd.OutOrStdout(), cmd.ErrOrStderr(), gatewayHooks{reload: reload, force: force})
	})
}

// gatewayOptions are the gateway's flags.
type gatewayOptions struct {
	data    dataFlags
	origins []string
}

// gatewayCmd is the gateway verb with serve as what it runs.
func gatewayCmd(serve func(*cobra.Command, *gatewayOptions) error) *cobra.Command {
	var o gatewayOptions
	cmd := &cobra.Command{
		Use:   "gateway [--data_path DIR] [--port-base N] [--config k=v]... [--rpcconfig k=v]... [--ws_origin PATTERN]...",
		Short: "run the HTTP(S)/WebSocket gateway as its own process, reaching the node over IPC",
		Long: `Runs the node's HTTP RPC and WebSocket as a process of its own, reaching the node over IPC
as config-rpc.toml's [process] table says (ipc_path, or ipc_address and ipc_port), or, with
config-rpc.toml's [nats] enabled, over NATS with no IPC connection: requests to the node's
API service, confirmations from its JetStream stream (docs/SCALING.md). Its
WebSocket is config-node.toml's [node.websocket]. --port-base N serves HTTP on N and the
WebSocket on N+2 and reaches the node's IPC on 127.0.0.1:N+1: the ports of a node started
with the same --port-base and its own HTTP and WebSocket off. SIGHUP reloads the TLS certificate; the
first SIGINT/SIGTERM drains, a second one exits at once (docs/GATEWAY.md).`,
		Example: `  nipc gateway --rpcconfig process.ipc_path=/tmp/nano --rpcconfig port=8076 --config node.websocket.port=8078
  nipc gateway --data_path /tmp/gw --port-base 9076
  nipc gateway --data_path /tmp/gw --port-base 8100 --rpcconfig nats.enable=true --rpcconfig nats.servers=nats://127.0.0.1:4222
  nipc gateway --data_path /tmp/gw --rpcconfig port=8076 --config node.websocket.enable=false --ws_origin app.example.com`,
		GroupID: groupDaemon,
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return serve(cmd, &o) },
	}
	o.data.register(cmd.Flags())
	o.data.registerPortBase(cmd.Flags(), roleGateway)
	cmd.Flags().StringArrayVar(&o.origins, "ws_origin", nil, "also let pages of this origin open the WebSocket, besides node.websocket.allowed_origins: a host[:port] pattern such as app.example.com or *.example.com:8080 (repeatable)")
	return cmd
}

// gatewayHooks let tests drive the gateway without signals.
type gatewayHooks struct {
	reload <-chan struct{}
	force  <-chan struct{}
	ready  func(*gateway.Server) // called once the gateway listens
}

// runGateway parses args as the gateway verb's and serves until ctx ends
// (tests run the gateway in process with it).
func runGateway(ctx context.Context, args []string, stdout, stderr io.Writer, hooks gatewayHooks) error {
	cmd := gatewayCmd(func(_ *cobra.Command, o *gatewayOptions) error { return serveGateway(ctx, o, stdout, stderr, hooks) })
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(flagError)
	return cmd.Execute()
}

func serveGateway(ctx context.Context, o *gatewayOptions, stdout, stderr io.Writer, hooks gatewayHooks) error {
	d, origins := &o.data, o.origins
	for _, o := range origins {
		if err := config.CheckOriginPattern(o); err != nil {
			return exitf(exitConfig, "--ws_origin %s: %v", o, err)
		}
	}
	dir, nc, rc, err := d.load()
	if err != nil {
		return err
	}
	// The flag adds to the key, so the file's origins (by default loopback)
	// stay allowed.
	ws := nc.Node.WebSocket
	ws.AllowedOrigins = append(slices.Clip(ws.AllowedOrigins), origins...)
	log := newLogger(stderr, nc.Node.Logging, nil)
	notify := systemd.NotifierFromEnv(log)
	sockets, err := systemd.Activated(systemd.RoleRPC, systemd.RoleWebSocket)
	if err != nil {
		return exitf(exitConfig, "socket activation: %v", err)
	}
	if sockets == (systemd.Listeners{}) {
		if err := config.PortClash(nc, rc, true); err != nil {
			return exitf(exitConfig, "%v", err)
		}
	}
	given := gateway.Listeners{HTTP: sockets.RPC, WebSocket: sockets.WebSocket}
	backend, nodeAt, nodeWhere, closeBackend, err := gatewayBackend(ctx, rc, log)
	if err != nil {
		sockets.Close()
		return err
	}
	defer closeBackend()
	var health gatewayHealth
	health.set("starting")
	// Its own request budget, from the node's key: it holds the bodies it reads.
	cfg := gateway.Config{RPC: rc, WebSocket: ws, Backend: backend, Log: log, Budget: membudget.New(nc.Node.IPC.MaxRequestBytesInFlight)}
	metricsAddr := ""
	if nc.Node.Metrics.Enable {
		cfg.Metrics = metrics.New()
		if r, ok := backend.(interface{ RegisterMetrics(*metrics.Metrics) }); ok {
			r.RegisterMetrics(cfg.Metrics) // natsgw: lag, subscribers, drops
		}
		mc := nc.Node.Metrics
		ms, err := cfg.Metrics.Listen(net.JoinHostPort(mc.Address, strconv.Itoa(mc.Port)), health.check, log)
		if err != nil {
			sockets.Close()
			return listenFailed(err, gatewayInUseHint)
		}
		metricsAddr = ms.Addr().String()
		go ms.Serve()
		defer func() {
			// A scrape in flight gets as long as the gateway's drain.
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ms.Shutdown(sctx)
		}()
	}
	srv, err := gateway.New(cfg)
	if err != nil {
		sockets.Close()
		return exitf(exitConfig, "%v", err)
	}
	if err := srv.Listen(given); err != nil {
		return listenFailed(err, gatewayInUseHint)
	}
	scheme := "http"
	if rc.TLS.EnableHTTPS {
		scheme = "https"
	}
	wsAddr := "(off)"
	if a := srv.WebSocketAddr(); a != nil {
		wsAddr = "ws://" + a.String()
	}
	fmt.Fprintf(stdout, "nipc gateway %s, data in %s\n", node.Version, dir)
	if a := srv.Addr(); a != nil {
		fmt.Fprintf(stdout, "  %-16s %s://%s/\n", "HTTP RPC:", scheme, a)
	}
	fmt.Fprintf(stdout, "  %-16s %s\n", "WebSocket:", wsAddr)
	if metricsAddr != "" {
		fmt.Fprintf(stdout, "  %-16s http://%s/metrics\n", "metrics:", metricsAddr)
	}
	fmt.Fprintf(stdout, "  %-16s %s\n", "node at:", nodeAt)
	if hooks.ready != nil {
		hooks.ready(srv)
	}

	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe() }()
	where := fmt.Sprintf("HTTP on %s; WebSocket on %s; node at %s", srv.Addr(), wsAddr, nodeWhere)
	notify.Ready(where)
	health.set("")
	for {
		select {
		case err := <-served:
			notify.Stopping("gateway stopped: " + err.Error())
			return exitf(1, "%v", err)
		case <-hooks.reload:
			notify.Reloading("reloading the TLS certificate")
			status := "reloaded"
			err := srv.Reload() // logged; a bad certificate leaves the old one
			if err != nil {
				status = "reload failed, the previous certificate stays: " + err.Error()
			}
			cfg.Metrics.Reloaded(err)
			notify.Ready(status + "; " + where)
			continue
		case <-ctx.Done():
		}
		break
	}
	notify.Stopping("shutting down")
	health.set("shutting down")
	dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if hooks.force != nil {
		go func() {
			select {
			case <-hooks.force:
				cancel()
			case <-dctx.Done():
			}
		}()
	}
	err = srv.Shutdown(dctx)
	if serr := <-served; !errors.Is(serr, gateway.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return exitf(1, "shutdown: %v", err)
	}
	return nil
}

// gatewayHealth is /healthz: "starting" until the gateway serves, then
// ok, then "shutting down".
type gatewayHealth struct{ down atomic.Pointer[string] }

func (h *gatewayHealth) set(reason string) {
	if reason == "" {
		h.down.Store(nil)
	} else {
		h.down.Store(&reason)
	}
}

func (h *gatewayHealth) check() error {
	if r := h.down.Load(); r != nil {
		return errors.New(*r)
	}
	return nil
}
