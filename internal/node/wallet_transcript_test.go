package node_test

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
)

// walletExchange is one request of a wallet flow transcript.
type walletExchange struct {
	line     int
	request  string
	reply    []string    // expected reply lines ('<--'), or
	contains string      // a substring the reply must contain ('<~~')
	captures [][2]string // ('<==' name member) values taken from the reply
}

type walletFlow struct {
	enableControl bool
	exchanges     []walletExchange
}

// readWalletFlow parses a wallet flow transcript: the format of
// testdata/legacy (see transcript_test.go) plus
//
//	<== name member    store the reply's top-level string member as {{name}}
//	{{name}}           in a request or reply line, the value stored under name
//
// because wallet ids are random. {{genesis_wallet}} is predefined: the
// wallet the node created with the dev genesis key. Captures are taken
// before the reply is compared, so a reply line may use a value captured
// from that same reply (this checks the reply's shape exactly).
func readWalletFlow(t *testing.T, path string) walletFlow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var fl walletFlow
	var cur *walletExchange
	flush := func() {
		if cur != nil {
			fl.exchanges = append(fl.exchanges, *cur)
		}
		cur = nil
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if cur == nil && strings.HasPrefix(line, "<") {
			t.Fatalf("%s:%d: reply before any request", path, n)
		}
		switch {
		case line == "!enable_control":
			fl.enableControl = true
		case strings.HasPrefix(line, "--> "):
			flush()
			cur = &walletExchange{line: n, request: line[4:]}
		case strings.HasPrefix(line, "<-- ") || line == "<--":
			cur.reply = append(cur.reply, strings.TrimPrefix(strings.TrimPrefix(line, "<--"), " "))
		case strings.HasPrefix(line, "<~~ "):
			cur.contains = line[4:]
		case strings.HasPrefix(line, "<== "):
			name, member, ok := strings.Cut(line[4:], " ")
			if !ok {
				t.Fatalf("%s:%d: want '<== name member'", path, n)
			}
			cur.captures = append(cur.captures, [2]string{name, member})
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			t.Fatalf("%s:%d: cannot read %q", path, n, line)
		}
	}
	flush()
	return fl
}

// walletExpand replaces every {{name}} in s; an unknown name fails the test.
func walletExpand(t *testing.T, line int, s string, vars map[string]string) string {
	t.Helper()
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return b.String() + s
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			t.Fatalf("line %d: unterminated {{ in %q", line, s)
		}
		name := s[i+2 : i+j]
		v, ok := vars[name]
		if !ok {
			t.Fatalf("line %d: {{%s}} was never captured", line, name)
		}
		b.WriteString(s[:i] + v)
		s = s[i+j+2:]
	}
}

// TestWalletFlows plays testdata/legacy/wallet_flows/*.txt over both
// transports in both legacy encodings, each on a fresh node (so the blocks
// the flow builds, and their hashes, are the same every time) and one
// persistent connection.
func TestWalletFlows(t *testing.T) {
	files, _ := filepath.Glob("testdata/legacy/wallet_flows/*.txt")
	if len(files) == 0 {
		t.Fatal("no wallet flows")
	}
	for _, file := range files {
		fl := readWalletFlow(t, file)
		t.Run(filepath.Base(file), func(t *testing.T) {
			for _, transport := range testenv.Transports {
				for _, enc := range []ipc.Encoding{ipc.EncodingJSON, ipc.EncodingJSONUnsafe} {
					t.Run(transport.Name+"/"+enc.String(), func(t *testing.T) {
						n := testenv.Start(t, testenv.Options{RPC: func(r *config.RPC) { r.EnableControl = fl.enableControl }})
						if n.GenesisWallet == nil {
							t.Fatal("the node made no genesis wallet")
						}
						vars := map[string]string{"genesis_wallet": n.GenesisWallet.String()}
						network, addr := transport.Config(n).Network()
						c, err := net.Dial(network, addr)
						if err != nil {
							t.Fatal(err)
						}
						defer c.Close()
						for _, ex := range fl.exchanges {
							req := walletExpand(t, ex.line, ex.request, vars)
							c.SetDeadline(time.Now().Add(10 * time.Second))
							if _, err := c.Write(ipc.AppendRequest(nil, enc, []byte(req))); err != nil {
								t.Fatalf("line %d: write: %v", ex.line, err)
							}
							got, err := ipc.ReadFrame(c, 1<<20, nil)
							if err != nil {
								t.Fatalf("line %d: %s: reading reply: %v", ex.line, req, err)
							}
							if len(ex.captures) > 0 {
								var m map[string]any
								if err := json.Unmarshal(got, &m); err != nil {
									t.Fatalf("line %d: %s: reply %q: %v", ex.line, req, got, err)
								}
								for _, c := range ex.captures {
									v, ok := m[c[1]].(string)
									if !ok {
										t.Fatalf("line %d: %s: reply %q has no string %q", ex.line, req, got, c[1])
									}
									vars[c[0]] = v
								}
							}
							if ex.contains != "" {
								if want := walletExpand(t, ex.line, ex.contains, vars); !strings.Contains(string(got), want) {
									t.Errorf("line %d: %s\ngot  %q\nwant it to contain %q", ex.line, req, got, want)
								}
								continue
							}
							var want strings.Builder
							for _, l := range ex.reply {
								want.WriteString(walletExpand(t, ex.line, l, vars) + "\n")
							}
							if string(got) != want.String() {
								t.Errorf("line %d: %s\ngot  %q\nwant %q", ex.line, req, got, want.String())
							}
						}
					})
				}
			}
		})
	}
}
