package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/authz"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/internal/v2api"
	"github.com/nipc/nipc/ipc"
)

// credHandler answers with the peer's credentials as the handler sees them
// in ctx: "<transport> pid=… uid=… gid=…", or "<transport> cred=none".
var credHandler = HandlerFunc(func(ctx context.Context, enc ipc.Encoding, payload, dst []byte) []byte {
	p := peer.From(ctx)
	if p.Cred == nil {
		return fmt.Appendf(dst, "%s cred=none", p.Transport)
	}
	return fmt.Appendf(dst, "%s pid=%d uid=%d gid=%d", p.Transport, p.Cred.PID, p.Cred.UID, p.Cred.GID)
})

// ownCred is what the handler should see for a Unix peer that is this
// test process: its own pid, uid and gid on Linux, nothing elsewhere.
func ownCred() string {
	if runtime.GOOS != "linux" {
		return "unix cred=none"
	}
	return fmt.Sprintf("unix pid=%d uid=%d gid=%d", os.Getpid(), os.Getuid(), os.Getgid())
}

// TestPeerCredInContext: the peer's credentials are read once per Unix
// connection and reach every request's ctx; TCP connections have none.
func TestPeerCredInContext(t *testing.T) {
	s := startServer(t, credHandler, nil)
	for _, tc := range []struct{ network, addr, want string }{
		{"tcp", s.TCPAddr().String(), "tcp cred=none"},
		{"unix", s.UnixPath(), ownCred()},
	} {
		c := dial(t, tc.network, tc.addr)
		for i := range 2 { // the same on every request of the connection
			c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("x")))
			if got := readReply(t, c); got != tc.want {
				t.Errorf("%s request %d: got %q, want %q", tc.network, i, got, tc.want)
			}
		}
	}
}

// acceptedPair returns the server side of a fresh connection on network
// (the client side is closed at cleanup).
func acceptedPair(t *testing.T, network string) net.Conn {
	t.Helper()
	addr := "127.0.0.1:0"
	if network == "unix" {
		addr = filepath.Join(shortTempDir(t), "p.sock")
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	dial(t, network, l.Addr().String())
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestIdentifyLogs: a new connection is logged at debug level with the
// peer's pid, uid and gid (Unix) or remote address (TCP), and later lines
// of a Unix connection carry its pid and uid.
func TestIdentifyLogs(t *testing.T) {
	wantUnix := fmt.Sprintf("msg=\"connection opened\" pid=%d uid=%d gid=%d", os.Getpid(), os.Getuid(), os.Getgid())
	if runtime.GOOS != "linux" {
		wantUnix = "msg=\"connection opened\" peer_cred=unknown"
	}
	for _, tc := range []struct{ network, want string }{
		{"tcp", "msg=\"connection opened\" remote=127.0.0.1:"},
		{"unix", wantUnix},
	} {
		t.Run(tc.network, func(t *testing.T) {
			var buf bytes.Buffer // identify logs on this goroutine
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c := acceptedPair(t, tc.network)
			ss := &session{conn: c, peer: &peer.Peer{Remote: c.RemoteAddr().String()}}
			_, id, _ := credHandshaker{}.Handshake(context.Background(), c)
			ss.peer.Cred = id.Cred
			ss.identify(log).Info("later")
			got := buf.String()
			if !strings.Contains(got, "level=DEBUG "+tc.want) {
				t.Errorf("log:\n%s\nwant a debug line with %s", got, tc.want)
			}
			if tc.network == "unix" && runtime.GOOS == "linux" {
				if want := fmt.Sprintf("msg=later pid=%d uid=%d\n", os.Getpid(), os.Getuid()); !strings.Contains(got, want) {
					t.Errorf("log:\n%s\nwant a later line with %s", got, want)
				}
				if c := ss.peer.Cred; c == nil || c.UID != uint32(os.Getuid()) {
					t.Errorf("peer.Cred = %+v", c)
				}
			} else if ss.peer.Cred != nil {
				t.Errorf("peer.Cred = %+v on %s", ss.peer.Cred, tc.network)
			}
		})
	}
}

// uidEnv is a server answering v2 requests under the access file at path.
type uidEnv struct {
	s     *Server
	path  string
	store *authz.Store
}

// uidServer starts a server whose v2 handler answers Version, BlockCount
// and AccountWeight with Success, checked against the access file text.
func uidServer(t *testing.T, text string) *uidEnv {
	t.Helper()
	e := &uidEnv{path: filepath.Join(t.TempDir(), "config-access.toml")}
	e.write(t, text)
	var err error
	if e.store, err = authz.NewStore(e.path); err != nil {
		t.Fatal(err)
	}
	ok := func(ctx context.Context, msg any) (any, error) { return &fb.SuccessT{}, nil }
	v2 := &v2api.Dispatcher{
		Handlers: map[fb.Message]v2api.Handler{fb.MessageVersion: ok, fb.MessageBlockCount: ok, fb.MessageAccountWeight: ok},
		Policy:   func() authz.Authorizer { return e.store.Current() },
	}
	e.s = startServer(t, HandlerFunc(v2.Handle), nil)
	return e
}

func (e *uidEnv) write(t *testing.T, text string) {
	t.Helper()
	if err := os.WriteFile(e.path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (e *uidEnv) reload(t *testing.T, text string) {
	t.Helper()
	e.write(t, text)
	if err := e.store.Reload(); err != nil {
		t.Fatal(err)
	}
}

// call sends one v2 request (encoding 4) with the given credentials ("" is
// none: the field cannot tell absent from empty) and reports "ok", "denied" or the reply.
func call(t *testing.T, c net.Conn, message, creds string) string {
	t.Helper()
	fields := "{}"
	if message == "AccountWeight" {
		fields = `{"account": "x"}` // required; the handler does not look at it
	}
	body := fmt.Sprintf(`{"credentials": %q, "message_type": %q, "message": %s}`, creds, message, fields)
	c.Write(ipc.AppendRequest(nil, ipc.EncodingFlatbuffersJSON, []byte(body)))
	reply := readReply(t, c)
	switch {
	case strings.Contains(reply, `"message_type": "Success"`):
		return "ok"
	case strings.Contains(reply, `"message": "Access denied"`):
		return "denied"
	}
	return reply
}

// uidAccessFile is an access file with two bare users: ops-key may call
// Version, monitor-key BlockCount; each lists the uids given ("": none).
func uidAccessFile(opsUIDs, monitorUIDs string) string {
	return fmt.Sprintf(`
[[user]]
id = "ops-key"
bare = true
allow = "api_version"
unix_uids = [%s]

[[user]]
id = "monitor-key"
bare = true
allow = "api_block_count"
unix_uids = [%s]
`, opsUIDs, monitorUIDs)
}

// TestUnixUIDActsAsUser: over the Unix socket, a request without
// credentials from this process acts as the user whose unix_uids lists
// its uid; over TCP the same request is the default user's; credentials
// keep their meaning on both; a reload changes the mapping for the next
// request, on a connection already open too.
func TestUnixUIDActsAsUser(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peer credentials are read on Linux only")
	}
	uid, other := fmt.Sprint(os.Getuid()), fmt.Sprint(os.Getuid()+1)
	e := uidServer(t, uidAccessFile(uid, other))
	const (
		unixConn = iota // one Unix connection for the whole test
		tcpConn         // one TCP connection for the whole test
		newUnix         // a new Unix connection
	)
	conns := map[int]net.Conn{
		unixConn: dial(t, "unix", e.s.UnixPath()),
		tcpConn:  dial(t, "tcp", e.s.TCPAddr().String()),
	}
	type step struct {
		conn                 int
		message, creds, want string
	}
	phases := []struct {
		name                string
		opsUIDs, monitorUID string // the file for this phase (the first is loaded at start)
		steps               []step
	}{
		{"mapped", uid, other, []step{
			{unixConn, "Version", "", "ok"},               // only ops-key may
			{tcpConn, "Version", "", "denied"},            // TCP has no uid: the default user
			{unixConn, "AccountWeight", "", "denied"},     // ops-key is bare: not the default user's
			{tcpConn, "AccountWeight", "", "ok"},          // the default user's
			{unixConn, "BlockCount", "monitor-key", "ok"}, // credentials win over the uid
			{unixConn, "Version", "monitor-key", "denied"},
			{tcpConn, "Version", "ops-key", "ok"}, // and select a user anywhere
			{unixConn, "Version", "no-such-key", "denied"},
		}},
		{"reload moves the uid to another user", "", uid, []step{
			{unixConn, "Version", "", "denied"},
			{unixConn, "BlockCount", "", "ok"},
			{newUnix, "BlockCount", "", "ok"},
		}},
		{"reload unlists the uid: the default user", "", other, []step{
			{unixConn, "BlockCount", "", "denied"},
			{unixConn, "Version", "", "denied"},
			{unixConn, "AccountWeight", "", "ok"},
			{newUnix, "AccountWeight", "", "ok"},
		}},
	}
	for i, ph := range phases {
		t.Run(ph.name, func(t *testing.T) {
			if i > 0 {
				e.reload(t, uidAccessFile(ph.opsUIDs, ph.monitorUID))
			}
			for _, st := range ph.steps {
				c, ok := conns[st.conn]
				if !ok {
					c = dial(t, "unix", e.s.UnixPath())
				}
				if got := call(t, c, st.message, st.creds); got != st.want {
					t.Errorf("%s %s credentials %q: %s, want %s", c.LocalAddr().Network(), st.message, st.creds, got, st.want)
				}
			}
		})
	}
}
