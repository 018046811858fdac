package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHTTPPortMessage: a client verb pointed at an HTTP server (net/http,
// as the node's gateway; it answers once its header timeout passes) says
// so and names the IPC port, instead of "frame of 1213486160 bytes".
func TestHTTPPortMessage(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Config.ReadHeaderTimeout = 100 * time.Millisecond
	srv.Start()
	defer srv.Close()
	port := strconv.Itoa(srv.Listener.Addr().(*net.TCPAddr).Port)
	for _, args := range [][]string{{"rpc", "uptime", "-P", port}, {"ping", "-P", port}, {"call", "IsAlive", "-P", port}, {"sub", "confirmation", "-P", port}} {
		t.Run(args[0], func(t *testing.T) {
			out, errOut, code := nipc(t, nil, "", args...)
			want := "tcp:127.0.0.1:" + port + " is an HTTP server: use the IPC port 7077"
			if code != exitProtocol || !strings.Contains(errOut, want) || strings.Contains(errOut, "1213486160") {
				t.Fatalf("exit %d (want %d)\nstdout %s\nstderr %s (want %q)", code, exitProtocol, out, errOut, want)
			}
		})
	}
}

// TestTimeoutMessage: a node that never answers is "no answer within
// --timeout from where", exit 75, not a raw Go error.
func TestTimeoutMessage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	defer func() { ln.Close(); <-done }()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	for _, args := range [][]string{{"rpc", "uptime"}, {"status"}, {"call", "IsAlive", "--encoding", "flatbuffers"}} {
		t.Run(args[0], func(t *testing.T) {
			out, errOut, code := nipc(t, nil, "", append(args, "-P", port, "--timeout", "300ms")...)
			want := "no answer within 300ms from tcp:127.0.0.1:" + port
			if code != exitTimeout || !strings.Contains(errOut, want) || strings.Contains(errOut, "deadline exceeded") {
				t.Fatalf("exit %d (want %d)\nstdout %s\nstderr %s (want %q)", code, exitTimeout, out, errOut, want)
			}
		})
	}
}
