package node_test

// Transcripts are the node's request/reply tests, written as the protocol
// reads. TestTranscripts plays every testdata/transcripts/<dir>/*.txt; the
// directory names the encodings a file is played in (transcriptSuites), and
// each file runs over both transports in each of them, every run on one
// persistent connection. A transcript is made of these lines:
//
//	# text           a comment; blank lines are skipped too
//	!enable_control  the node runs with enable_control on
//	!fresh_node      every run starts a node of its own; without it the runs
//	                 of a file share one node, one after another, so the file
//	                 must not depend on state it changes itself
//	--> request      a request payload, sent as one frame
//	<-- line         a line of the exact reply, newline included ("<--"
//	                 alone is an empty line)
//	<-| text         exact reply text with no newline after it (the one-line
//	                 errors of v2)
//	<~~ text         the reply must contain text (the only reply line then)
//	<== name member  store the reply's top-level string member as {{name}}
//	{{name}}         in a -->, <--, <-| or <~~ line: the stored value
//
// Directives come before the first request; reply and capture lines belong
// to the request above them. Captures are taken before the reply is
// compared, so a reply line may use a name captured from that same reply,
// which checks the reply's shape exactly. A name must be captured on an
// earlier line, except {{genesis_wallet}}: the wallet the node created with
// the dev genesis key. Transcripts without captures are what the legacy
// runner played; captures exist because wallet ids are random and block
// hashes are long.
//
// A malformed line, a {{name}} not captured before it, or a captured member
// missing from the reply fails the test at file:line.

import (
	"bytes"
	"net"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
)

// transcriptSuite is how the transcripts of one directory are played.
type transcriptSuite struct {
	encodings []ipc.Encoding
	normalize func([]byte) []byte // applied to every reply, if set
}

// transcriptSuites maps each directory under testdata/transcripts to its
// suite.
var transcriptSuites = map[string]transcriptSuite{
	"legacy": {encodings: []ipc.Encoding{ipc.EncodingJSON, ipc.EncodingJSONUnsafe}},
	// The varying "time" of a v2 reply is compared as T.
	"v2json": {encodings: []ipc.Encoding{ipc.EncodingFlatbuffersJSON}, normalize: func(b []byte) []byte {
		return timeField.ReplaceAll(b, []byte(`"time": T`))
	}},
}

var timeField = regexp.MustCompile(`"time": [0-9]+`)

func TestTranscripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/transcripts/*/*.txt")
	played := map[string]int{}
	for _, file := range files {
		dir := filepath.Base(filepath.Dir(file))
		suite, ok := transcriptSuites[dir]
		if !ok {
			t.Fatalf("%s: no suite plays testdata/transcripts/%s", file, dir)
		}
		played[dir]++
		t.Run(dir+"/"+filepath.Base(file), func(t *testing.T) {
			tr := readTranscript(t, file)
			var shared *testenv.Node
			if !tr.freshNode {
				shared = startTranscriptNode(t, tr)
			}
			for _, transport := range testenv.Transports {
				for _, enc := range suite.encodings {
					t.Run(transport.Name+"/"+enc.String(), func(t *testing.T) {
						n := shared
						if n == nil {
							n = startTranscriptNode(t, tr)
						}
						playTranscript(t, n, transport, enc, tr, suite.normalize)
					})
				}
			}
		})
	}
	for dir := range transcriptSuites {
		if played[dir] == 0 {
			t.Errorf("no transcripts in testdata/transcripts/%s", dir)
		}
	}
}

func startTranscriptNode(t *testing.T, tr *transcript) *testenv.Node {
	t.Helper()
	return testenv.Start(t, testenv.Options{RPC: func(r *config.RPC) { r.EnableControl = tr.enableControl }})
}

// playTranscript sends every request of tr in encoding enc on one connection
// and checks each reply (after normalize, if set).
func playTranscript(t *testing.T, n *testenv.Node, transport testenv.Transport, enc ipc.Encoding, tr *transcript, normalize func([]byte) []byte) {
	t.Helper()
	network, addr := transport.Config(n).Network()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	playExchanges(t, n, tr, normalize, func(req string) ([]byte, error) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write(ipc.AppendRequest(nil, enc, []byte(req))); err != nil {
			return nil, err
		}
		return ipc.ReadFrame(c, 1<<20, nil)
	})
}

// playExchanges sends every request of tr with roundTrip and checks each
// reply (after normalize, if set).
func playExchanges(t *testing.T, n *testenv.Node, tr *transcript, normalize func([]byte) []byte, roundTrip func(req string) ([]byte, error)) {
	t.Helper()
	vars := map[string]string{}
	if n.GenesisWallet != nil {
		vars["genesis_wallet"] = n.GenesisWallet.String()
	}
	for _, ex := range tr.exchanges {
		req := tr.mustExpand(t, ex.line, ex.request, vars)
		got, err := roundTrip(req)
		if err != nil {
			t.Fatalf("%s:%d: %s: %v", tr.path, ex.line, req, err)
		}
		if normalize != nil {
			got = normalize(got)
		}
		if err := tr.store(ex, got, vars); err != nil {
			t.Fatal(err)
		}
		if ex.contains != "" {
			if want := tr.mustExpand(t, ex.line, ex.contains, vars); !bytes.Contains(got, []byte(want)) {
				t.Errorf("%s:%d: %s\ngot  %q\nwant it to contain %q", tr.path, ex.line, req, got, want)
			}
		} else if want := tr.mustExpand(t, ex.line, ex.reply, vars); string(got) != want {
			t.Errorf("%s:%d: %s\ngot  %q\nwant %q", tr.path, ex.line, req, got, want)
		}
	}
}
