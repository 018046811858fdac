package gateway

import "net/http"

// FixedHeaders are the headers on every HTTP reply, for the external tests.
var FixedHeaders = fixedHeaders

// Handler is the server's HTTP handler, for benchmarks without sockets.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }
