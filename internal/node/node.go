package node

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/authz"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/membudget"
	"github.com/nipc/nipc/internal/metrics"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/internal/server"
	"github.com/nipc/nipc/internal/service"
	"github.com/nipc/nipc/internal/systemd"
	"github.com/nipc/nipc/internal/wallet"
	"github.com/nipc/nipc/nano"
)

// Version is nipc's version.
const Version = "0.1.0"

// Options configure a node.
type Options struct {
	DataDir string
	Node    config.Node
	RPC     config.RPC
	Log     *slog.Logger
	// DrainTimeout bounds how long shutdown waits for requests in flight
	// (default 10 s).
	DrainTimeout time.Duration
	// Listeners are the sockets systemd passed (socket activation). Each
	// is served in place of the configured address for its role, and
	// turns the role on. The node owns them from New on.
	Listeners systemd.Listeners
	// Notify, if not nil, hears READY=1 once the node serves, RELOADING=1
	// and READY=1 around each reload, and STOPPING=1 when shutdown begins.
	Notify *systemd.Notifier
	// ReloadConfig, if set, runs first in every reload: it re-reads the
	// configuration files and returns what applies the part that can change
	// while the node runs (the log level), and the changed keys that wait
	// for a restart (the Reload message's reply names them). An error fails
	// the reload; apply runs only once everything else reloaded has loaded
	// too.
	ReloadConfig func() (apply func(), restart []string, err error)
}

// Node is a running nipc daemon.
type Node struct {
	opts    Options
	log     *slog.Logger
	started time.Time
	srv     *server.Server
	legacy  *rpc.Legacy
	v2      *rpc.V2
	broker  *broker.Broker
	access  *authz.Store
	gw      *gateway.Server // the in-process HTTP/WebSocket gateway, if enabled
	ledger  *ledger.Ledger
	wallets *wallet.Store
	work    *rpc.Work // generates proof of work; closed when shutdown starts
	// receiver receives wallets' incoming sends (autoreceive.go).
	receiver *wallet.AutoReceiver

	// GenesisWallet is the wallet holding the dev genesis key that the node
	// created on this start, if it did (enable_genesis_wallet).
	GenesisWallet *wallet.ID
	// Genesis says which wallets hold the dev genesis key (set by New).
	Genesis Genesis

	stopOnce sync.Once
	stopc    chan struct{} // closed when a stop is requested

	// stateMu orders the service manager's notifications: a reload's
	// RELOADING=1 and READY=1 come between the READY=1 of the start and
	// STOPPING=1, or not at all. It also serialises reloads.
	stateMu sync.Mutex
	serving bool // READY=1 sent, STOPPING=1 not yet

	// metrics is nil unless [node.metrics] is on (metrics.go).
	metrics    *metrics.Metrics
	metricsSrv *metrics.Server
	down       atomic.Pointer[string] // why /healthz fails; nil while serving

	// nats is nil unless [node.nats] is on (nats.go); outbox is its
	// publisher, for the ledger's hook.
	nats   *natsPart
	outbox atomic.Pointer[natsbus.Outbox]
}

// New builds a node from validated configuration. Nothing listens yet.
func New(opts Options) (_ *Node, err error) {
	defer func() {
		if err != nil {
			opts.Listeners.Close()
		}
	}()
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.DrainTimeout == 0 {
		opts.DrainTimeout = 10 * time.Second
	}
	n := &Node{opts: opts, log: opts.Log, started: time.Now(), stopc: make(chan struct{}),
		work: rpc.NewWork(opts.Node.Node.Ledger.WorkThreads)}
	n.setDown("starting")
	if err := n.openState(); err != nil {
		return nil, err
	}

	info := rpc.NodeInfo{
		Version:           Version,
		Started:           n.started,
		StoreVendor:       "bbolt 1.5.0",
		StoreVersion:      1,
		ProtocolVersion:   21,
		NetworkIdentifier: networkIdentifier,
		Stop:              n.RequestStop,
	}
	backend := n.backend()
	reg, stats, err := n.legacyRegistry(info, backend)
	if err != nil {
		n.closeState()
		return nil, err
	}
	n.legacy = &rpc.Legacy{Registry: reg, EnableControl: opts.RPC.EnableControl, Log: opts.Log}
	access, err := authz.NewStore(filepath.Join(opts.DataDir, config.AccessFile))
	if err != nil {
		n.closeState()
		return nil, err
	}
	n.access = access
	handlers := rpc.V2Handlers(backend, info)
	maps.Copy(handlers, rpc.TopicHandlers(n.broker, n.RequestStop))
	handlers[fb.MessageReload] = rpc.ReloadHandler(n.ReloadReport)
	n.v2 = &rpc.V2{
		Handlers:            handlers,
		Policy:              func() authz.Authorizer { return n.access.Current() },
		RejectUnknownFields: !opts.Node.Node.IPC.Flatbuffers.SkipUnexpectedFieldsInJSON,
		Log:                 opts.Log,
	}
	if opts.Node.Node.Metrics.Enable {
		n.metrics = n.newMetrics()
		n.legacy.Observer = n.metrics
		n.v2.Observer = n.metrics
	}
	stats.Next = n.legacy.Observer // the metrics, if on
	n.legacy.Observer, n.v2.Observer = stats, stats

	// The seam: what the IPC port, the gateway's HTTP and its WebSocket
	// call.
	local := &service.Local{Legacy: n.legacy, V2: n.v2, Broker: n.broker}
	// One request budget for the IPC port and the gateway's HTTP bodies.
	budget := membudget.New(opts.Node.Node.IPC.MaxRequestBytesInFlight)
	httpOn := opts.Node.RPC.Enable || opts.Listeners.RPC != nil
	if httpOn || opts.Node.Node.WebSocket.Enable || opts.Listeners.WebSocket != nil {
		gw, err := gateway.New(gateway.Config{
			RPC:         opts.RPC,
			WebSocket:   opts.Node.Node.WebSocket,
			DisableHTTP: !httpOn,
			Backend:     local,
			Metrics:     n.metrics,
			Budget:      budget,
			Log:         opts.Log,
		})
		if err != nil {
			n.closeState()
			return nil, err
		}
		n.gw = gw
	}
	scfg := serverConfig(opts)
	scfg.Budget = budget
	if n.metrics != nil {
		scfg.Observer = n.metrics
	}
	srv, err := server.New(scfg, service.IPCHandler{Service: local}, opts.Log)
	if err != nil {
		n.closeState()
		return nil, err
	}
	n.srv = srv
	if opts.Node.Node.NATS.Enable {
		if err := n.startNATS(&service.Local{Legacy: n.legacy, V2: n.v2}); err != nil {
			srv.Close()
			n.closeState()
			return nil, err
		}
	}
	return n, nil
}

func serverConfig(o Options) server.Config {
	ipcc := o.Node.Node.IPC
	var accessFile string
	if ipcc.AccessCheck.Enable {
		// server.New reads the secret with ipc.ReadSecretFile: a missing,
		// empty or too open file fails the start, naming the fix.
		accessFile = ipcc.AccessCheck.File
	}
	return server.Config{
		TCP: server.TCPConfig{
			Enable:      ipcc.TCP.Enable || o.Listeners.IPCTCP != nil,
			Address:     ipcc.TCP.Address,
			Port:        ipcc.TCP.Port,
			IOTimeout:   ipcc.TCP.IOTimeout.Duration(),
			AllowUnsafe: ipcc.TCP.AllowUnsafe,
		},
		Local: server.LocalConfig{
			Enable:      ipcc.Local.Enable || o.Listeners.IPCUnix != nil,
			Path:        ipcc.Local.Path,
			Mode:        ipcc.Local.Mode(),
			IOTimeout:   ipcc.Local.IOTimeout.Duration(),
			AllowUnsafe: ipcc.Local.AllowUnsafe,
		},
		MaxFrameSize:            uint32(ipcc.MaxFrameSize),
		MaxRequestBytesInFlight: ipcc.MaxRequestBytesInFlight,
		IdleTimeout:             ipcc.IdleTimeout.Duration(),
		MaxConnections:          ipcc.MaxConnections,
		DrainTimeout:            o.DrainTimeout,
		AccessFile:              accessFile,
	}
}

// Reload re-reads what can change while the node runs: the configuration
// files' log level (Options.ReloadConfig), the access file
// (config-access.toml), as parse → validate → swap, and the gateway's TLS
// certificate. On error the old policy stays in force and the error says
// why. Once the node serves, the service manager hears RELOADING=1 before
// and READY=1 after, with a STATUS= line saying how it went.
func (n *Node) Reload() error {
	_, err := n.ReloadReport()
	return err
}

// ReloadReport is Reload that also returns the keys of the configuration
// files that changed and wait for a restart (none without
// Options.ReloadConfig).
func (n *Node) ReloadReport() (restart []string, err error) {
	n.stateMu.Lock()
	defer n.stateMu.Unlock()
	if !n.serving {
		restart, err = n.reload()
		n.metrics.Reloaded(err)
		return restart, err
	}
	n.opts.Notify.Reloading("reloading " + config.AccessFile)
	restart, err = n.reload()
	n.metrics.Reloaded(err)
	status := "reloaded " + config.AccessFile
	if err != nil {
		status = "reload failed, the previous configuration stays: " + err.Error()
	}
	n.opts.Notify.Ready(status + "; " + n.where())
	return restart, err
}

func (n *Node) reload() (restart []string, err error) {
	// Load and check everything, then swap everything: a reload changes
	// all it covers or nothing.
	applyConfig := func() {}
	if f := n.opts.ReloadConfig; f != nil {
		apply, keys, err := f()
		if err != nil {
			n.log.Error("reload failed; the running configuration stays", "err", err)
			return nil, err
		}
		restart = keys
		applyConfig = apply
	}
	commitAccess, err := n.access.Prepare()
	if err != nil {
		n.log.Error("reload failed; nothing changed (the previous access policy stays in force)", "err", err)
		return nil, err
	}
	commitTLS := func() {}
	if n.gw != nil {
		if commitTLS, err = n.gw.PrepareReload(); err != nil {
			n.log.Error("reload failed; nothing changed (log level, access policy and certificate stay)", "err", err)
			return nil, err
		}
	}
	applyConfig()
	commitAccess()
	commitTLS()
	if _, err := os.Stat(n.access.Path()); errors.Is(err, fs.ErrNotExist) {
		n.log.Info("reloaded: no access file: the built-in default", "path", n.access.Path())
	} else {
		n.log.Info("reloaded the access configuration", "file", n.access.Path())
	}
	return restart, nil
}

// Listen binds the IPC transports and the gateway's, or takes the sockets
// systemd passed for them. If it fails, the node is closed.
func (n *Node) Listen() error {
	sd := n.opts.Listeners
	if err := n.listenMetrics(); err != nil {
		sd.Close()
		n.closeState()
		return err
	}
	if err := n.srv.ListenWith(sd.IPCTCP, sd.IPCUnix); err != nil {
		n.closeMetricsListener()
		systemd.Listeners{RPC: sd.RPC, WebSocket: sd.WebSocket}.Close()
		n.closeState()
		return err
	}
	if n.gw != nil {
		if err := n.gw.Listen(gateway.Listeners{HTTP: sd.RPC, WebSocket: sd.WebSocket}); err != nil {
			n.closeMetricsListener()
			n.srv.Close()
			n.closeState()
			return err
		}
	}
	return nil
}

// TCPAddr and UnixPath report where the node listens (after Listen).
func (n *Node) TCPAddr() string {
	if a := n.srv.TCPAddr(); a != nil {
		return a.String()
	}
	return ""
}

// UnixPath is the IPC socket path, or "".
func (n *Node) UnixPath() string {
	if l := n.opts.Listeners.IPCUnix; l != nil {
		return l.Addr().String()
	}
	return n.srv.UnixPath()
}

// where says what listens where, for the service manager's STATUS= line.
func (n *Node) where() string {
	var ipcs, parts []string
	if a := n.TCPAddr(); a != "" {
		ipcs = append(ipcs, "tcp "+a)
	}
	if p := n.UnixPath(); p != "" {
		ipcs = append(ipcs, "unix "+p)
	}
	parts = append(parts, "IPC on "+strings.Join(ipcs, " and "))
	if n.gw != nil {
		if a := n.gw.Addr(); a != nil {
			parts = append(parts, "HTTP on "+a.String())
		}
		if a := n.gw.WebSocketAddr(); a != nil {
			parts = append(parts, "WebSocket on "+a.String())
		}
	}
	return strings.Join(parts, "; ")
}

// notifyServing tells the service manager that the node serves, or (false)
// that it stops, in order with reloads.
func (n *Node) notifyServing(serving bool, status string) {
	n.stateMu.Lock()
	defer n.stateMu.Unlock()
	if serving {
		n.setDown("")
		n.opts.Notify.Ready(status)
	} else {
		n.setDown(status)
		if n.serving {
			n.opts.Notify.Stopping(status)
		}
	}
	n.serving = serving
}

// RequestStop begins an orderly shutdown; Run returns once it is done.
func (n *Node) RequestStop() { n.stopOnce.Do(func() { close(n.stopc) }) }

// Run serves until ctx ends or a stop is requested, then shuts down: it stops
// accepting, lets requests in flight finish (bounded by DrainTimeout) and
// closes every session. A second cancellation of force (if not nil) closes
// everything at once.
func (n *Node) Run(ctx context.Context, force <-chan struct{}) error {
	stopReceive := n.startAutoReceive()
	served := make(chan error, 1)
	go func() { served <- n.srv.Serve() }()
	gwDone := make(chan error, 1)
	if n.gw != nil {
		go func() { gwDone <- n.gw.ListenAndServe() }()
	} else {
		gwDone <- gateway.ErrServerClosed
	}
	stopGateway := func(ctx context.Context) {
		if n.gw != nil {
			n.gw.Shutdown(ctx)
		}
		<-gwDone
	}
	metricsDone := make(chan struct{})
	stopMetrics := func(ctx context.Context) {}
	if n.metricsSrv != nil {
		go func() { defer close(metricsDone); n.metricsSrv.Serve() }()
		stopMetrics = func(ctx context.Context) { n.metricsSrv.Shutdown(ctx); <-metricsDone }
	}
	n.runNATS()
	n.log.Info("nipc node running", "version", Version, "tcp", n.TCPAddr(), "unix", n.UnixPath(), "data_path", n.opts.DataDir)
	n.notifyServing(true, n.where())

	select {
	case err := <-served:
		n.notifyServing(false, "IPC server stopped: "+err.Error())
		n.work.Close()
		n.srv.Close()
		stopGateway(context.Background())
		stopMetrics(context.Background())
		stopReceive()
		n.closeState()
		return fmt.Errorf("node: IPC server stopped: %w", err)
	case <-ctx.Done():
		n.log.Info("shutting down", "reason", "signal")
		n.notifyServing(false, "shutting down (signal)")
	case <-n.stopc:
		n.log.Info("shutting down", "reason", "stop action")
		n.notifyServing(false, "shutting down (stop action)")
	}
	// Work generation in flight ends now (work_generate answers its error),
	// so that draining does not wait out a search.
	n.work.Close()
	dctx, cancel := context.WithTimeout(context.Background(), n.opts.DrainTimeout)
	defer cancel()
	if force != nil {
		go func() {
			select {
			case <-force:
				n.log.Warn("second signal: closing every connection now")
				cancel()
			case <-dctx.Done():
			}
		}()
	}
	// The gateway first: its requests in flight use the ledger too.
	stopGateway(dctx)
	err := n.srv.Shutdown(dctx)
	if serr := <-served; !errors.Is(serr, server.ErrServerClosed) && err == nil {
		err = serr
	}
	// Metrics last, so that /healthz says why while the node drains.
	stopMetrics(dctx)
	stopReceive()
	n.closeState()
	n.log.Info("stopped")
	return err
}

// networkIdentifier is the dev genesis block hash, which the node reports as
// its network identifier.
const networkIdentifier = nano.DevGenesisHashHex
