package testenv

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// HTTPGet returns the status and body of a GET of url, made on a
// connection of its own that is closed afterwards.
func HTTPGet(t testing.TB, url string) (int, string) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// FreePort returns a loopback TCP port that was free a moment ago, for a
// listener configured by port number.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// FreePortBase returns N such that the ports N..N+3 were free a moment
// ago on 127.0.0.1, for nipc's --port-base (HTTP N, IPC N+1, WebSocket
// N+2, metrics N+3).
func FreePortBase() (int, error) {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		base := l.Addr().(*net.TCPAddr).Port
		ls := []net.Listener{l}
		ok := base+3 <= 65535
		for i := 1; ok && i <= 3; i++ {
			li, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(base+i)))
			if err != nil {
				ok = false
				break
			}
			ls = append(ls, li)
		}
		for _, li := range ls {
			li.Close()
		}
		if ok {
			return base, nil
		}
	}
	return 0, errors.New("no four consecutive free ports on 127.0.0.1")
}
