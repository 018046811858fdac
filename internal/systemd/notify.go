package systemd

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Notifier sends state changes to the service manager's NOTIFY_SOCKET.
type Notifier struct {
	addr *net.UnixAddr
	log  *slog.Logger
}

// NotifierFromEnv returns a Notifier for $NOTIFY_SOCKET and unsets the
// variable. Without it (not run by systemd, or Type= is not notify) it
// returns nil, which does nothing; an unusable value is logged and nil
// returned as well.
func NotifierFromEnv(log *slog.Logger) *Notifier {
	socket, ok := os.LookupEnv("NOTIFY_SOCKET")
	if !ok {
		return nil
	}
	os.Unsetenv("NOTIFY_SOCKET")
	if socket == "" {
		return nil
	}
	n, err := NewNotifier(socket, log)
	if err != nil {
		if log != nil {
			log.Error("systemd notifications are off", "err", err)
		}
		return nil
	}
	return n
}

// NewNotifier returns a Notifier for socket: an absolute path, or '@' and a
// name in the abstract namespace. log receives send failures (nil: none).
func NewNotifier(socket string, log *slog.Logger) (*Notifier, error) {
	if !strings.HasPrefix(socket, "/") && !strings.HasPrefix(socket, "@") || len(socket) < 2 {
		return nil, fmt.Errorf("systemd: NOTIFY_SOCKET=%q: want an absolute path or an @abstract name", socket)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// net turns a leading '@' into the abstract namespace's NUL byte.
	return &Notifier{addr: &net.UnixAddr{Name: socket, Net: "unixgram"}, log: log}, nil
}

// Ready sends READY=1 and status.
func (n *Notifier) Ready(status string) { n.send("READY=1", status) }

// Reloading sends RELOADING=1, MONOTONIC_USEC and status.
func (n *Notifier) Reloading(status string) {
	if n == nil {
		return
	}
	usec, err := monotonicUsec()
	if err != nil {
		n.log.Warn("systemd: no CLOCK_MONOTONIC for RELOADING=1", "err", err)
		n.send("RELOADING=1", status)
		return
	}
	n.send("RELOADING=1\nMONOTONIC_USEC="+strconv.FormatInt(usec, 10), status)
}

// Stopping sends STOPPING=1 and status.
func (n *Notifier) Stopping(status string) { n.send("STOPPING=1", status) }

// send sends state and, if not empty, status as one datagram, and logs a
// failure.
func (n *Notifier) send(state, status string) {
	if n == nil {
		return
	}
	msg := state
	if status != "" {
		msg += "\nSTATUS=" + oneLine(status)
	}
	if err := n.Notify(msg); err != nil {
		n.log.Warn("systemd notification failed", "state", strings.ReplaceAll(state, "\n", " "), "err", err)
	}
}

// Notify sends msg, newline-separated VAR=value lines, as one datagram.
func (n *Notifier) Notify(msg string) error {
	if n == nil {
		return nil
	}
	c, err := net.DialUnix("unixgram", nil, n.addr)
	if err != nil {
		return fmt.Errorf("systemd: notify: %w", err)
	}
	defer c.Close()
	if err := c.SetWriteDeadline(time.Now().Add(time.Second)); err != nil {
		return fmt.Errorf("systemd: notify: %w", err)
	}
	if _, err := c.Write([]byte(msg)); err != nil {
		return fmt.Errorf("systemd: notify: %w", err)
	}
	return nil
}

// oneLine keeps a STATUS= value on its line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// monotonicUsec is CLOCK_MONOTONIC in microseconds, the clock systemd
// compares MONOTONIC_USEC with (Go's monotonic time is not exposed).
func monotonicUsec() (int64, error) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0, err
	}
	return ts.Nano() / 1e3, nil
}
