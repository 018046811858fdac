package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/listenerr"
	"github.com/nipc/nipc/internal/logthrottle"
	"github.com/nipc/nipc/internal/membudget"
	"github.com/nipc/nipc/internal/metrics"
	"github.com/nipc/nipc/internal/service"
)

// ErrServerClosed is returned by the Serve methods after Shutdown.
var ErrServerClosed = http.ErrServerClosed

// DefaultOriginPatterns are the browser origins whose pages may open the
// WebSocket when Config.WebSocket.AllowedOrigins is nil, besides the
// gateway's own host: loopback only, as config-node.toml's default
// node.websocket.allowed_origins.
var DefaultOriginPatterns = config.DefaultAllowedOrigins()

// Config is what a Server is built from.
type Config struct {
	// RPC is config-rpc.toml: listen address and port, enable_control,
	// max_json_depth, max_request_size, the body, idle and connection
	// limits (for both ports), allowed_hosts (both ports), allowed_origins
	// (HTTP: which pages besides the gateway's own may call control
	// actions; nil or empty, none), logging and [tls].
	RPC config.RPC
	// WebSocket is config-node.toml's [node.websocket]: when enabled, the
	// WebSocket API also listens on its own address and port. Its
	// AllowedOrigins (patterns as config.CheckOriginPattern describes;
	// nil means DefaultOriginPatterns, empty none) are the browser origins
	// allowed to open the WebSocket, on that port and at /websocket alike,
	// besides the gateway's own host. Requests without an Origin header
	// (programs, not pages) are not affected.
	WebSocket config.WebSocket
	// DisableHTTP leaves out the HTTP listener (a node with rpc.enable
	// false and the WebSocket on).
	DisableHTTP bool

	// Backend is the service behind the gateway (required):
	// service.Local in the node's process, *IPC in a gateway of its own.
	// It answers HTTP requests and the WebSocket's subscriptions.
	Backend service.Service

	// Metrics, if set, counts HTTP requests and WebSocket sessions.
	Metrics *metrics.Metrics

	// Budget, if set, bounds the request bodies being read, handled or
	// answered (node.ipc.max_request_bytes_in_flight): the node gives its
	// IPC server the same one. A body is charged for its buffer as it
	// grows; one that finds no room within body_timeout is answered 503
	// with Retry-After. Nil: no bound.
	Budget *membudget.Budget

	// Timeouts; zero means the default.
	ReadHeaderTimeout time.Duration // 10 s
	IdleTimeout       time.Duration // RPC.IdleTimeout, or config.DefaultRPC's: keep-alive connections idle longer are closed, on both ports
	WriteTimeout      time.Duration // 10 s: each WebSocket message

	Log *slog.Logger
}

// Server is the gateway: HTTP(S) on config-rpc.toml's address and port,
// the WebSocket at /websocket there and on [node.websocket]'s own port.
type Server struct {
	cfg     Config
	log     *slog.Logger
	backend service.Service
	certs   *certStore      // nil without HTTPS
	control bool            // the HTTP layer enforces enable_control
	origins []originPattern // WebSocket allowed origins
	pages   []originPattern // HTTP allowed_origins
	hosts   hostPolicy
	body    bodyDeadline
	metrics *metrics.Metrics
	budget  *membudget.Budget

	// Lines a client can cause at will, at most one a second each.
	originLog *logthrottle.Throttle // control action from a foreign page
	wsLog     *logthrottle.Throttle // WebSocket upgrade refused
	busyLog   *logthrottle.Throttle // body refused for the budget

	httpSrv *http.Server
	wsSrv   *http.Server

	mu       sync.Mutex
	httpL    net.Listener
	wsL      net.Listener
	sessions map[*wsSession]struct{}
	closing  bool
	wsWG     sync.WaitGroup // sessions and their helper goroutines
}

// New builds a server from validated configuration (it checks config-rpc.toml's
// values and the allowed origins again). With HTTPS on it loads the
// certificate now, so a bad one fails here.
func New(cfg Config) (*Server, error) {
	if cfg.Backend == nil {
		return nil, errors.New("gateway: no backend")
	}
	if err := cfg.RPC.Validate(); err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	origins := cfg.WebSocket.AllowedOrigins
	if origins == nil {
		origins = DefaultOriginPatterns
	}
	for _, p := range origins {
		if err := config.CheckOriginPattern(p); err != nil {
			return nil, fmt.Errorf("gateway: node.websocket.allowed_origins: %w", err)
		}
	}
	if cfg.ReadHeaderTimeout <= 0 {
		cfg.ReadHeaderTimeout = 10 * time.Second
	}
	// No page but the gateway's own may call control actions or use
	// credentials unless config-rpc.toml lists it (a local dev server's
	// page is foreign too).
	pages := cfg.RPC.AllowedOrigins
	// Zero values (a Config built by hand) take config-rpc.toml's defaults.
	defaults := config.DefaultRPC()
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = cfg.RPC.IdleTimeout.Duration()
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = defaults.IdleTimeout.Duration()
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	s := &Server{cfg: cfg, log: cfg.Log, backend: cfg.Backend, origins: acceptPatterns(origins), metrics: cfg.Metrics, sessions: make(map[*wsSession]struct{})}
	s.pages = acceptPatterns(pages)
	s.budget = cfg.Budget
	s.originLog = logthrottle.New(logthrottle.Every)
	s.wsLog = logthrottle.New(logthrottle.Every)
	s.busyLog = logthrottle.New(logthrottle.Every)
	s.hosts = newHostPolicy([]string{cfg.RPC.Address, cfg.WebSocket.Address}, cfg.RPC.AllowedHosts)
	s.body = bodyDeadline{floor: int64(cfg.RPC.BodyTimeout), perMiB: int64(cfg.RPC.BodyTimeoutPerMiB)}
	if s.body.floor <= 0 {
		s.body.floor = int64(defaults.BodyTimeout)
	}
	s.control = !cfg.Backend.EnforcesControl()
	if cfg.RPC.TLS.EnableHTTPS {
		cs, err := newCertStore(cfg.RPC.TLS)
		if err != nil {
			return nil, err
		}
		s.certs = cs
	}
	errLog := slog.NewLogLogger(cfg.Log.Handler(), slog.LevelDebug)
	s.httpSrv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          errLog,
		// HTTP/1.1 only (see certStore.config).
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	if s.certs != nil {
		s.httpSrv.TLSConfig = s.certs.config()
	}
	s.wsSrv = &http.Server{
		Handler:           http.HandlerFunc(s.serveWebSocketPort),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          errLog,
	}
	return s, nil
}

// Listeners are listeners opened by someone else (systemd socket
// activation) for Listen to serve in place of the configured addresses.
type Listeners struct {
	HTTP      net.Listener // in place of config-rpc.toml's address and port
	WebSocket net.Listener // in place of [node.websocket]'s address and port
}

// Listen binds the HTTP address and, if [node.websocket] is enabled, the
// WebSocket address. A listener given in pre is served in place of the
// configured address for its role, enabled in the configuration or not;
// the server owns it from the call on and closes it if Listen fails. It may
// be called once, before ListenAndServe.
func (s *Server) Listen(pre ...Listeners) error {
	var given Listeners
	for _, p := range pre {
		if p.HTTP != nil {
			given.HTTP = p.HTTP
		}
		if p.WebSocket != nil {
			given.WebSocket = p.WebSocket
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	closeGiven := func() {
		for _, l := range []net.Listener{given.HTTP, given.WebSocket} {
			if l != nil {
				l.Close()
			}
		}
	}
	if s.httpL != nil || s.wsL != nil {
		closeGiven()
		return errors.New("gateway: Listen called twice")
	}
	switch {
	case given.HTTP != nil:
		s.httpL = given.HTTP
	case !s.cfg.DisableHTTP:
		addr := net.JoinHostPort(s.cfg.RPC.Address, strconv.Itoa(s.cfg.RPC.Port))
		l, err := net.Listen("tcp", addr)
		if err != nil {
			closeGiven()
			return &listenerr.Error{What: "HTTP RPC", Addr: addr, Key: "port in config-rpc.toml", Err: err}
		}
		s.httpL = l
	}
	switch ws := s.cfg.WebSocket; {
	case given.WebSocket != nil:
		s.wsL = given.WebSocket
	case ws.Enable:
		addr := net.JoinHostPort(ws.Address, strconv.Itoa(ws.Port))
		l, err := net.Listen("tcp", addr)
		if err != nil {
			if s.httpL != nil && s.httpL != given.HTTP {
				s.httpL.Close()
			}
			s.httpL = nil
			closeGiven()
			return &listenerr.Error{What: "WebSocket", Addr: addr, Key: "node.websocket.port", Err: err}
		}
		s.wsL = l
	}
	addr, local := s.cfg.RPC.Address, isLoopback(s.cfg.RPC.Address)
	if given.HTTP != nil { // a Unix socket is local
		a, isTCP := given.HTTP.Addr().(*net.TCPAddr)
		addr, local = given.HTTP.Addr().String(), !isTCP || a.IP.IsLoopback()
	}
	if s.cfg.RPC.EnableControl && s.httpL != nil && !local {
		s.log.Warn("control-level RPCs are enabled on a non-local address", "address", addr)
	}
	return nil
}

// acceptPatterns turns allowed_origins patterns into the lower-case
// path.Match patterns originAllowed matches, once: '[' and ']' stand for
// themselves (CheckOriginPattern refuses a backslash, the only other
// escape).
func acceptPatterns(patterns []string) []originPattern {
	out := make([]originPattern, len(patterns))
	for i, p := range patterns {
		out[i] = originPattern{match: strings.ToLower(bracketEscaper.Replace(p)), scheme: strings.Contains(p, "://")}
	}
	return out
}

// originPattern is one allowed_origins pattern as originAllowed matches it.
type originPattern struct {
	match  string // lower case, path.Match syntax
	scheme bool   // matched against scheme://host[:port], not host[:port]
}

var bracketEscaper = strings.NewReplacer("[", `\[`, "]", `\]`)

// isLoopback reports a loopback host: localhost or a loopback address
// (IPv4-mapped included, no zone), parsed without allocating (it runs for
// every request).
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Zone() == "" && ip.Unmap().IsLoopback()
}

// Addr is the HTTP listener's address (nil before Listen or without HTTP).
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.httpL == nil {
		return nil
	}
	return s.httpL.Addr()
}

// WebSocketAddr is the WebSocket listener's address (nil if disabled).
func (s *Server) WebSocketAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wsL == nil {
		return nil
	}
	return s.wsL.Addr()
}

// ListenAndServe listens (unless Listen was called) and serves until
// Shutdown, then returns ErrServerClosed; or returns the first error.
func (s *Server) ListenAndServe() error {
	s.mu.Lock()
	listened := s.httpL != nil || s.wsL != nil
	s.mu.Unlock()
	if !listened {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	s.mu.Lock()
	httpL, wsL := s.httpL, s.wsL
	s.mu.Unlock()
	errc := make(chan error, 2)
	n := 0
	if httpL != nil {
		n++
		go func() { errc <- s.Serve(httpL) }()
	}
	if wsL != nil {
		n++
		go func() { errc <- s.ServeWebSocket(wsL) }()
	}
	if n == 0 {
		return errors.New("gateway: nothing to serve (HTTP disabled and the WebSocket off)")
	}
	err := <-errc
	if !errors.Is(err, ErrServerClosed) {
		// One listener failed: stop the other too.
		s.httpSrv.Close()
		s.wsSrv.Close()
	}
	for range n - 1 {
		<-errc
	}
	return err
}

// Serve serves HTTP (HTTPS when [tls] enable_https) on l until Shutdown,
// at most max_connections connections at once.
func (s *Server) Serve(l net.Listener) error {
	l = newCapListener(l, s.cfg.RPC.MaxConnections, s.certs == nil, s.log, "http")
	if s.certs != nil {
		return s.httpSrv.ServeTLS(l, "", "")
	}
	return s.httpSrv.Serve(l)
}

// ServeWebSocket serves the WebSocket API alone on l (any path), at most
// max_connections connections at once.
func (s *Server) ServeWebSocket(l net.Listener) error {
	return s.wsSrv.Serve(newCapListener(l, s.cfg.RPC.MaxConnections, true, s.log, "websocket"))
}

// Reload re-reads the TLS certificate, its key and the client CA bundle:
// parse, validate, then swap; connections already open keep theirs. On
// error the old certificate stays in use and the error says why. Without
// HTTPS it does nothing.
func (s *Server) Reload() error {
	commit, err := s.PrepareReload()
	if err != nil {
		return err
	}
	commit()
	return nil
}

// PrepareReload is the first half of Reload: it loads and checks the TLS
// certificate and returns what makes it live, changing nothing yet (so
// that a caller reloading several things can swap all or none).
func (s *Server) PrepareReload() (commit func(), err error) {
	if s.certs == nil {
		return func() {}, nil
	}
	st, err := loadTLS(s.certs.files, time.Now())
	if err != nil {
		s.log.Error("TLS reload failed; the previous certificate stays in use", "err", err)
		return nil, err
	}
	return func() {
		s.certs.cur.Store(st)
		s.log.Info("reloaded the TLS certificate", "file", s.cfg.RPC.TLS.ServerCertPath)
	}, nil
}

// Shutdown stops accepting, lets HTTP requests in flight finish, closes
// idle keep-alive connections and every WebSocket (status 1001 "Shutting
// down"), and waits for them, bounded by ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	sessions := make([]*wsSession, 0, len(s.sessions))
	for sess := range s.sessions {
		sessions = append(sessions, sess)
	}
	s.mu.Unlock()
	for _, sess := range sessions {
		sess.goClose(websocket.StatusGoingAway, closeShutdown)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, srv := range []*http.Server{s.httpSrv, s.wsSrv} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = srv.Shutdown(ctx)
		}()
	}
	wg.Wait()
	done := make(chan struct{})
	go func() {
		s.wsWG.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		for _, sess := range sessions {
			sess.c.CloseNow()
		}
		<-done
		errs = append(errs, ctx.Err())
	}
	return errors.Join(errs...)
}

// track registers a session; false once shutting down.
func (s *Server) track(sess *wsSession) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.sessions[sess] = struct{}{}
	s.wsWG.Add(1)
	s.metrics.WebSocketOpened()
	return true
}

func (s *Server) untrack(sess *wsSession) {
	s.mu.Lock()
	delete(s.sessions, sess)
	s.mu.Unlock()
	s.metrics.WebSocketClosed()
	s.wsWG.Done()
}
