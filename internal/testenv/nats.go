package testenv

import (
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// NATS starts an embedded NATS server with JetStream, its store in dir,
// on port (0: a free one; give the port of an earlier server to restart it
// in place), and shuts it down when t ends (Shutdown it earlier to take
// NATS away). Its URL is ClientURL().
func NATS(t testing.TB, dir string, port int) *server.Server {
	t.Helper()
	if port == 0 {
		port = FreePort(t)
	}
	s, err := server.NewServer(&server.Options{
		Host:      "127.0.0.1",
		Port:      port,
		JetStream: true,
		StoreDir:  dir,
		NoLog:     true,
		NoSigs:    true,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		t.Fatal("embedded NATS server not ready within 10s")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return s
}
