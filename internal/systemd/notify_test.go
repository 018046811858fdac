package systemd

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// listenNotify is a service manager's end: a datagram socket at a path in
// a temp dir, or (abstract) in the abstract namespace. It returns the
// NOTIFY_SOCKET value and the socket.
func listenNotify(t *testing.T, abstract bool) (string, *net.UnixConn) {
	t.Helper()
	name := "@nipc-test-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if !abstract {
		dir, err := os.MkdirTemp("", "nipc-sd")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		name = filepath.Join(dir, "notify")
	}
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return name, c
}

// receive reads one notification.
func receive(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no notification: %v", err)
	}
	return string(buf[:n])
}

func TestNotify(t *testing.T) {
	for _, abstract := range []bool{false, true} {
		t.Run(fmt.Sprintf("abstract=%v", abstract), func(t *testing.T) {
			socket, c := listenNotify(t, abstract)
			n, err := NewNotifier(socket, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name string
				send func()
				want string // with %d for MONOTONIC_USEC
			}{
				{"ready", func() { n.Ready("IPC on tcp 127.0.0.1:7077") }, "READY=1\nSTATUS=IPC on tcp 127.0.0.1:7077"},
				{"ready without status", func() { n.Ready("") }, "READY=1"},
				{"reloading", func() { n.Reloading("reloading") }, "RELOADING=1\nMONOTONIC_USEC=%d\nSTATUS=reloading"},
				{"stopping", func() { n.Stopping("shutting down") }, "STOPPING=1\nSTATUS=shutting down"},
				{"status on one line", func() { n.Ready("reload failed:\nline 3\r\n  bad key") }, "READY=1\nSTATUS=reload failed: line 3 bad key"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before, _ := monotonicUsec()
					tc.send()
					got := receive(t, c)
					after, _ := monotonicUsec()
					want := tc.want
					if strings.Contains(want, "%d") {
						var usec int64
						for line := range strings.SplitSeq(got, "\n") {
							if v, ok := strings.CutPrefix(line, "MONOTONIC_USEC="); ok {
								usec, _ = strconv.ParseInt(v, 10, 64)
							}
						}
						if usec < before || usec > after {
							t.Errorf("MONOTONIC_USEC=%d, not within [%d, %d]", usec, before, after)
						}
						want = fmt.Sprintf(want, usec)
					}
					if got != want {
						t.Errorf("got %q, want %q", got, want)
					}
				})
			}
		})
	}
}

func TestNotifierNilDoesNothing(t *testing.T) {
	var n *Notifier
	n.Ready("x")
	n.Reloading("x")
	n.Stopping("x")
	if err := n.Notify("READY=1"); err != nil {
		t.Fatal(err)
	}
}

func TestNotifyFailureIsLogged(t *testing.T) {
	var logs bytes.Buffer
	n, err := NewNotifier(filepath.Join(t.TempDir(), "nobody"), slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	n.Ready("up")
	if !strings.Contains(logs.String(), "systemd notification failed") || !strings.Contains(logs.String(), `state="READY=1"`) {
		t.Fatalf("log: %s", logs.String())
	}
}

func TestNewNotifierRejects(t *testing.T) {
	for _, socket := range []string{"relative/path", "vsock:2:1234", "@", ""} {
		if _, err := NewNotifier(socket, nil); err == nil {
			t.Errorf("NewNotifier(%q) accepted it", socket)
		}
	}
}

func TestNotifierFromEnv(t *testing.T) {
	socket, c := listenNotify(t, true)
	for _, tc := range []struct {
		name  string
		value *string // nil: unset
		ok    bool
	}{
		{"unset", nil, false},
		{"empty", new(""), false},
		{"unusable", new("vsock:2:1"), false},
		{"abstract", &socket, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.value != nil {
				t.Setenv("NOTIFY_SOCKET", *tc.value)
			} else {
				t.Setenv("NOTIFY_SOCKET", "")
				os.Unsetenv("NOTIFY_SOCKET")
			}
			n := NotifierFromEnv(nil)
			if (n != nil) != tc.ok {
				t.Fatalf("NotifierFromEnv = %v, want a notifier: %v", n, tc.ok)
			}
			if _, set := os.LookupEnv("NOTIFY_SOCKET"); set {
				t.Error("NOTIFY_SOCKET still set")
			}
			if n != nil {
				n.Stopping("")
				if got := receive(t, c); got != "STOPPING=1" {
					t.Errorf("got %q", got)
				}
			}
		})
	}
}
