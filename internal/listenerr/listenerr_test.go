package listenerr_test

import (
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/nipc/nipc/internal/listenerr"
)

// TestError: a port in use (a real one) names the key and is EADDRINUSE
// for errors.Is; any other failure says where and why, without the key.
func TestError(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, inUse := net.Listen("tcp", busy.Addr().String())
	_, badHost := net.Listen("tcp", "256.0.0.1:1")
	for _, tc := range []struct {
		name   string
		err    error
		want   string
		isBusy bool
	}{
		{"in use", inUse, "HTTP RPC: " + busy.Addr().String() + ": address already in use (another nipc or Nano node? change port in config-rpc.toml)", true},
		{"other", badHost, "HTTP RPC: listen on " + busy.Addr().String() + ": ", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil {
				t.Fatal("net.Listen did not fail")
			}
			e := &listenerr.Error{What: "HTTP RPC", Addr: busy.Addr().String(), Key: "port in config-rpc.toml", Err: tc.err}
			if got := e.Error(); !strings.HasPrefix(got, tc.want) {
				t.Errorf("Error() = %q, want prefix %q", got, tc.want)
			}
			if got := errors.Is(e, syscall.EADDRINUSE); got != tc.isBusy {
				t.Errorf("errors.Is(EADDRINUSE) = %v, want %v", got, tc.isBusy)
			}
			if strings.Contains(e.Error(), "change") != tc.isBusy {
				t.Errorf("Error() = %q: names the key only when in use", e.Error())
			}
		})
	}
}
