package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/natsgw"
	"github.com/nipc/nipc/internal/service"
)

// gatewayBackend is what the gateway asks: with [nats] enabled the node
// over NATS (natsgw: no IPC connection), else the node over IPC. It
// returns the service, where the node is for the banner and for systemd's
// status, and what closes the service.
func gatewayBackend(ctx context.Context, rc config.RPC, log *slog.Logger) (service.Service, string, string, func(), error) {
	if rc.NATS.Enable {
		nc, js, err := natsbus.Connect(ctx, rc.NATS, "nipc gateway", log)
		if err != nil {
			return nil, "", "", nil, exitf(exitConfig, "%v", err)
		}
		svc := natsgw.New(natsgw.Options{Conn: nc, JS: js, NATS: rc.NATS, Log: log})
		subj := natsbus.SubjectsOf(rc.NATS)
		servers := strings.Join(rc.NATS.Servers, ",")
		return svc, fmt.Sprintf("nats %s, %s.api.*, stream %s (nats.servers)", servers, subj.Prefix, subj.Stream),
			"nats " + servers, func() { svc.Close(); nc.Close() }, nil
	}
	backend := gateway.NewIPC(gateway.IPCOptions{Client: gateway.ClientConfig(rc), Log: log})
	cctx, ccancel := context.WithTimeout(ctx, 3*time.Second)
	err := backend.Check(cctx)
	ccancel()
	if _, bad := errors.AsType[*client.AccessFileError](err); bad {
		backend.Close()
		return nil, "", "", nil, exitf(exitConfig, "%v", err)
	} else if err != nil {
		log.Warn("the node is not reachable yet; requests fail until it is", "err", err)
	}
	network, addr := gateway.ClientConfig(rc).Network()
	nodeKey := "process.ipc_address, process.ipc_port"
	if network == "unix" {
		nodeKey = "process.ipc_path"
	}
	return backend, fmt.Sprintf("%s:%s (%s)", network, addr, nodeKey), network + " " + addr,
		func() { backend.Close() }, nil
}
