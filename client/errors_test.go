package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
)

// TestHTTPServer: a client pointed at an HTTP port (a real net/http server)
// gets an *HTTPServerError naming the address, inside a *ProtocolError,
// for a call and for a subscription, instead of "frame of 1213486160 bytes".
func TestHTTPServer(t *testing.T) {
	// net/http answers the IPC request (no request line) when its header
	// timeout passes: 10 s on the node's gateway, 100 ms here.
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ReadHeaderTimeout = 100 * time.Millisecond
	srv.Start()
	defer srv.Close()
	a := srv.Listener.Addr().(*net.TCPAddr)
	cfg := client.Config{Addr: a.IP.String(), Port: a.Port}
	where := "tcp:" + a.String()
	tests := []struct {
		name string
		call func(*client.Client) error
	}{
		{"legacy call", func(cl *client.Client) error { _, err := cl.Legacy(ctx(t), "uptime", nil); return err }},
		{"v2 call", func(cl *client.Client) error { return cl.IsAlive(ctx(t)) }},
		{"subscription", func(cl *client.Client) error { _, err := cl.Subscribe(ctx(t), nil); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, err := client.Dial(ctx(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			err = tt.call(cl)
			he, ok := errors.AsType[*client.HTTPServerError](err)
			if !ok {
				t.Fatalf("err = %v (%T), want an *HTTPServerError", err, err)
			}
			if _, ok := errors.AsType[*client.ProtocolError](err); !ok {
				t.Errorf("err %v is not a *ProtocolError", err)
			}
			msg := he.Error()
			if !strings.HasPrefix(msg, where+" is an HTTP server") || !strings.Contains(msg, strconv.Itoa(client.DefaultPort)) {
				t.Errorf("Error() = %q", msg)
			}
			if strings.Contains(err.Error(), "1213486160") {
				t.Errorf("the message still reads HTTP as a length: %v", err)
			}
		})
	}
}

// TestTimeoutError: a node that never answers gives a *TimeoutError saying
// how long the call waited and where, which is still a timeout for
// IsTimeout.
func TestTimeoutError(t *testing.T) {
	f := startFake(t, silent)
	cfg := f.config()
	cl, err := client.Dial(ctx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	c, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = cl.Legacy(c, "uptime", nil)
	te, ok := errors.AsType[*client.TimeoutError](err)
	if !ok {
		t.Fatalf("err = %v (%T), want a *TimeoutError", err, err)
	}
	if !client.IsTimeout(err) {
		t.Errorf("%v is not a timeout", err)
	}
	network, addr := cfg.Network()
	if te.Network != network || te.Address != addr || te.After < 150*time.Millisecond || te.After > 2*time.Second {
		t.Errorf("TimeoutError %+v", te)
	}
	if want := "client: no answer within "; !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), " from "+network+":"+addr) {
		t.Errorf("Error() = %q", err.Error())
	}
}

// TestIsBroken: the errors of a connection that died under us (wrapped or
// not) are broken; a timeout, a server error or a protocol error is not.
func TestIsBroken(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{io.EOF, true},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{&net.OpError{Op: "write", Err: os.NewSyscallError("write", syscall.EPIPE)}, true},
		{&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, true},
		{fmt.Errorf("client: %w", net.ErrClosed), true},
		{context.DeadlineExceeded, false},
		{os.ErrDeadlineExceeded, false},
		{syscall.ECONNREFUSED, false},
		{&client.ServerError{Text: "Unknown command"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := client.IsBroken(tt.err); got != tt.want {
			t.Errorf("IsBroken(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
