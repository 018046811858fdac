package node_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
)

// parityAccess: the default user and "watcher" may subscribe; "weigher"
// (bare) may not, nor may "denied", whose role takes it away.
const parityAccess = `
[[user]]
id = ""
allow = "api_topic_confirmation"

[[user]]
id = "watcher"
allow = "api_topic_confirmation"

[[user]]
id = "weigher"
allow = "api_account_weight"
bare = true

[[user]]
id = "denied"
deny = "api_topic_confirmation"
`

// TestPermissionParity: one access file, one table of users, and every
// front end asks to subscribe to confirmations as each of them: IPC
// encodings 3 and 4 to the node, HTTP /api/v2/TopicConfirmation and the
// /api/v2 envelope, and a WebSocket subscribe, through the node's own
// gateway and through a gateway in a process of its own. Each gets the
// same permission decision, which is made behind the seam.
func TestPermissionParity(t *testing.T) {
	users := []struct {
		creds   string
		allowed bool
	}{
		{"", true},
		{"watcher", true},
		{"weigher", false},
		{"denied", false},
	}
	httpPort := testenv.FreePort(t)
	n := testenv.Start(t, testenv.Options{
		Access: parityAccess,
		Node:   func(c *config.Node) { c.RPC.Enable = true },
		RPC: func(r *config.RPC) {
			r.Address = "127.0.0.1"
			r.Port = httpPort
		},
	})
	inproc := "127.0.0.1:" + strconv.Itoa(httpPort)
	separate := startSeparateGateway(t, n)

	type frontEnd struct {
		name   string
		denied func(t *testing.T, creds string) bool
	}
	var fronts []frontEnd
	for _, enc := range []ipc.Encoding{ipc.EncodingFlatbuffers, ipc.EncodingFlatbuffersJSON} {
		fronts = append(fronts, frontEnd{"IPC encoding " + strconv.Itoa(int(enc)), func(t *testing.T, creds string) bool {
			return ipcDenied(t, n, enc, creds)
		}})
	}
	for _, gw := range []struct{ name, addr string }{{"in-process", inproc}, {"separate", separate}} {
		fronts = append(fronts,
			frontEnd{"HTTP /api/v2/TopicConfirmation " + gw.name, func(t *testing.T, creds string) bool {
				return httpDenied(t, "http://"+gw.addr+"/api/v2/TopicConfirmation", `{}`, map[string]string{"Nano-Api-Key": creds})
			}},
			frontEnd{"HTTP /api/v2 envelope " + gw.name, func(t *testing.T, creds string) bool {
				return httpDenied(t, "http://"+gw.addr+"/api/v2", string(envelopeJSON(t, creds)), nil)
			}},
			frontEnd{"WebSocket subscribe " + gw.name, func(t *testing.T, creds string) bool {
				return wsDenied(t, "ws://"+gw.addr+"/websocket", creds)
			}},
		)
	}
	for _, u := range users {
		for _, f := range fronts {
			t.Run(f.name+"/"+strconv.Quote(u.creds), func(t *testing.T) {
				if denied := f.denied(t, u.creds); denied == u.allowed {
					t.Errorf("denied = %v, want %v", denied, !u.allowed)
				}
			})
		}
	}
}

// startSeparateGateway runs a gateway with the IPC service to n (HTTP and
// /websocket on a free port) and returns its address.
func startSeparateGateway(t *testing.T, n *testenv.Node) string {
	t.Helper()
	rc := config.DefaultRPC()
	rc.Address = "127.0.0.1"
	rc.Port = testenv.FreePort(t)
	backend := gateway.NewIPC(gateway.IPCOptions{Client: client.Config{Path: n.UnixPath()}})
	gw, err := gateway.New(gateway.Config{RPC: rc, Backend: backend})
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- gw.ListenAndServe() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		gw.Shutdown(ctx)
		if err := <-done; !errors.Is(err, gateway.ErrServerClosed) {
			t.Errorf("gateway: %v", err)
		}
		backend.Close()
	})
	return gw.Addr().String()
}

func topicEnvelope(creds string) *fb.EnvelopeT {
	env := api.NewEnvelope(&fb.TopicConfirmationT{}, "", time.Now())
	env.Credentials = creds
	return env
}

func envelopeJSON(t *testing.T, creds string) []byte {
	t.Helper()
	out, err := fbjson.RenderEnvelope(topicEnvelope(creds))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// accessDenied reports whether a v2 reply (JSON or binary) is the Access
// denied error.
func accessDenied(t *testing.T, reply []byte, json bool) bool {
	t.Helper()
	if json {
		bin, err := fbjson.Parse(reply, fbjson.Options{})
		if err != nil {
			t.Fatalf("reply is not envelope JSON: %v\n%s", err, reply)
		}
		reply = bin
	}
	env, err := api.Decode(reply)
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	e, ok := env.Message.Value.(*fb.ErrorT)
	return ok && e.Code == api.CodeAccessDenied
}

func ipcDenied(t *testing.T, n *testenv.Node, enc ipc.Encoding, creds string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cl, err := client.Dial(ctx, client.Config{Path: n.UnixPath(), PoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var payload []byte
	if enc == ipc.EncodingFlatbuffers {
		payload, err = api.Encode(topicEnvelope(creds))
		if err != nil {
			t.Fatal(err)
		}
	} else {
		payload = envelopeJSON(t, creds)
	}
	reply, err := cl.Do(ctx, enc, payload)
	if err != nil {
		t.Fatal(err)
	}
	return accessDenied(t, reply, enc == ipc.EncodingFlatbuffersJSON)
}

func httpDenied(t *testing.T, url, body string, header map[string]string) bool {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return accessDenied(t, reply, true)
}

func wsDenied(t *testing.T, url, creds string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	msg := `{"action": "subscribe", "topic": "confirmation", "ack": true, "api_key": ` + strconv.Quote(creds) + `}`
	if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	_, reply, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := string(reply)
	if !strings.Contains(s, `"ack": "subscribe"`) {
		t.Fatalf("no ack: %s", s)
	}
	if !strings.Contains(s, `"error"`) {
		return false
	}
	if !strings.Contains(s, `"error_code": "`+strconv.Itoa(int(api.CodeAccessDenied))+`"`) {
		t.Fatalf("refused for another reason: %s", s)
	}
	return true
}
