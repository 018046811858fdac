package testenv

import (
	"io"
	"net"
	"net/http"
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
