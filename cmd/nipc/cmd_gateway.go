package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/gateway"
)

// cmdGateway runs the HTTP(S)/WebSocket gateway as its own process, reaching
// the node over IPC as config-rpc.toml's [process] table says. SIGHUP
// reloads the TLS certificate; the first SIGINT/SIGTERM drains, a second
// one exits at once.
func cmdGateway(args []string, _ io.Reader, stdout, stderr io.Writer) error {
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
	return runGateway(ctx, args, stdout, stderr, gatewayHooks{reload: reload, force: force})
}

// gatewayHooks let tests drive runGateway without signals.
type gatewayHooks struct {
	reload <-chan struct{}
	force  <-chan struct{}
	ready  func(*gateway.Server) // called once the gateway listens
}

func runGateway(ctx context.Context, args []string, stdout, stderr io.Writer, hooks gatewayHooks) error {
	fs := newFlagSet("gateway", stderr)
	var d dataFlags
	d.register(fs)
	var origins listFlag
	fs.Var(&origins, "ws_origin", "also let pages of this origin host pattern open the WebSocket, e.g. app.example.com or *.example.com:8080 (repeatable)")
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
	log := newLogger(stderr, nc.Node.Logging)
	backend := gateway.NewIPC(gateway.IPCOptions{
		Client:              gateway.ClientConfig(rc),
		RejectUnknownFields: !nc.Node.IPC.Flatbuffers.SkipUnexpectedFieldsInJSON,
		Log:                 log,
	})
	defer backend.Close()
	cctx, ccancel := context.WithTimeout(ctx, 3*time.Second)
	err = backend.Check(cctx)
	ccancel()
	if _, bad := errors.AsType[*client.AccessFileError](err); bad {
		return exitf(exitConfig, "%v", err)
	} else if err != nil {
		log.Warn("the node is not reachable yet; requests fail until it is", "err", err)
	}
	cfg := gateway.Config{RPC: rc, WebSocket: nc.Node.WebSocket, Backend: backend, Log: log}
	if len(origins) > 0 {
		cfg.OriginPatterns = append(append([]string(nil), gateway.DefaultOriginPatterns...), origins...)
	}
	srv, err := gateway.New(cfg)
	if err != nil {
		return exitf(exitConfig, "%v", err)
	}
	if err := srv.Listen(); err != nil {
		return exitf(1, "%v", err)
	}
	network, addr := gateway.ClientConfig(rc).Network()
	scheme := "http"
	if rc.TLS.EnableHTTPS {
		scheme = "https"
	}
	ws := "(off)"
	if a := srv.WebSocketAddr(); a != nil {
		ws = "ws://" + a.String()
	}
	fmt.Fprintf(stdout, "nipc gateway %s://%s, WebSocket %s, node at %s %s, data in %s\n", scheme, srv.Addr(), ws, network, addr, dir)
	if hooks.ready != nil {
		hooks.ready(srv)
	}

	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe() }()
	for {
		select {
		case err := <-served:
			return exitf(1, "%v", err)
		case <-hooks.reload:
			srv.Reload() // logs the outcome; a bad certificate leaves the old one
			continue
		case <-ctx.Done():
		}
		break
	}
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
