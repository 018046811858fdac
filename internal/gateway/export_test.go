package gateway

import (
	"net/http"
	"time"
)

// Handler is the server's HTTP handler, for benchmarks without sockets.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// BodyDeadline is how long a body of mib MiB may take with body_timeout
// floor and body_timeout_per_mib perMiB (seconds).
func BodyDeadline(floor, perMiB, mib int64) time.Duration {
	var zero time.Time
	return bodyDeadline{floor: floor, perMiB: perMiB}.after(zero, mib).Sub(zero)
}
