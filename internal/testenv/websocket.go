package testenv

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// UpgradeStatus opens a WebSocket at url as a page of origin would (with
// that Origin header) and returns the HTTP status of the answer: 101 when
// the upgrade was accepted.
func UpgradeStatus(t testing.TB, url, origin string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {origin}},
		HTTPClient: &http.Client{Transport: tr},
	})
	if resp == nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	if resp.Body != nil {
		resp.Body.Close()
	}
	if c != nil {
		c.Close(websocket.StatusNormalClosure, "")
	}
	return resp.StatusCode
}

// CheckOrigins expects the WebSocket at each of urls to accept pages of
// every ok origin (101) and refuse those of every bad one (403).
func CheckOrigins(t testing.TB, urls, ok, bad []string) {
	t.Helper()
	for _, url := range urls {
		for _, o := range ok {
			if got := UpgradeStatus(t, url, o); got != http.StatusSwitchingProtocols {
				t.Errorf("%s, Origin %s: status %d, want 101", url, o, got)
			}
		}
		for _, o := range bad {
			if got := UpgradeStatus(t, url, o); got != http.StatusForbidden {
				t.Errorf("%s, Origin %s: status %d, want 403", url, o, got)
			}
		}
	}
}

// WSMessages reads c's messages into the returned channel (of capacity
// size), which is closed when reading fails; at the end of the test c is
// closed and the reader waited for.
func WSMessages(t testing.TB, c *websocket.Conn, size int) <-chan string {
	msgs := make(chan string, size)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(msgs)
		for {
			_, data, err := c.Read(context.Background())
			if err != nil {
				return
			}
			msgs <- string(data)
		}
	}()
	t.Cleanup(func() {
		c.Close(websocket.StatusNormalClosure, "")
		<-done
	})
	return msgs
}
