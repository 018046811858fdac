package gateway

import "net/http"

// Handler is the server's HTTP handler, for benchmarks without sockets.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }
