package metrics

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/nipc/nipc/internal/listenerr"
)

// Server is the listener of /metrics and /healthz.
type Server struct {
	l   net.Listener
	srv *http.Server
	log *slog.Logger
}

// Listen binds addr (host:port) for m's Handler(healthy). Nothing is served
// until Serve.
func (m *Metrics) Listen(addr string, healthy func() error, log *slog.Logger) (*Server, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &listenerr.Error{What: "metrics", Addr: addr, Key: "node.metrics.port", Err: err}
	}
	return &Server{l: l, log: log, srv: &http.Server{
		Handler:           m.Handler(healthy),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}}, nil
}

// Addr is where the server listens.
func (s *Server) Addr() net.Addr { return s.l.Addr() }

// Serve serves until Shutdown or Close.
func (s *Server) Serve() {
	if err := s.srv.Serve(s.l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("metrics listener failed", "err", err)
	}
}

// Shutdown stops the server, served or not, letting a scrape in flight
// finish within ctx and closing what it did not let finish.
func (s *Server) Shutdown(ctx context.Context) {
	s.srv.Shutdown(ctx)
	s.srv.Close()
	s.l.Close() // if Serve never ran, the http.Server does not know it
}

// Close closes the listener of a server that never served.
func (s *Server) Close() { s.l.Close() }
