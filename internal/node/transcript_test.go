package node_test

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
)

// exchange is one request of a transcript and what its reply must be.
type exchange struct {
	line     int
	request  string
	reply    string // exact reply (from '<--' lines), or
	contains string // a substring the reply must contain ('<~~')
}

type transcript struct {
	enableControl bool
	exchanges     []exchange
}

// readTranscript parses a file of '-->' requests and '<--' reply lines.
func readTranscript(t *testing.T, path string) transcript {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tr transcript
	var cur *exchange
	var reply strings.Builder
	flush := func() {
		if cur != nil {
			if cur.contains == "" {
				cur.reply = reply.String()
			}
			tr.exchanges = append(tr.exchanges, *cur)
		}
		cur, reply = nil, strings.Builder{}
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case line == "!enable_control":
			tr.enableControl = true
		case strings.HasPrefix(line, "--> "):
			flush()
			cur = &exchange{line: n, request: line[4:]}
		case strings.HasPrefix(line, "<-- ") || line == "<--":
			if cur == nil {
				t.Fatalf("%s:%d: reply before any request", path, n)
			}
			reply.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "<--"), " ") + "\n")
		case strings.HasPrefix(line, "<-| "):
			// A reply line without a trailing newline (v2's one-line errors).
			reply.WriteString(line[4:])
		case strings.HasPrefix(line, "<~~ "):
			cur.contains = line[4:]
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			t.Fatalf("%s:%d: cannot read %q", path, n, line)
		}
	}
	flush()
	return tr
}

// timeField is the varying "time" of a v2 JSON reply.
var timeField = regexp.MustCompile(`"time": [0-9]+`)

// TestV2JSONTranscripts plays every testdata/v2json transcript in encoding 4
// over both transports, each on one persistent connection. Reply times are
// compared as T.
func TestV2JSONTranscripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/v2json/*.txt")
	if len(files) == 0 {
		t.Fatal("no transcripts")
	}
	for _, file := range files {
		tr := readTranscript(t, file)
		t.Run(filepath.Base(file), func(t *testing.T) {
			n := testenv.Start(t, testenv.Options{RPC: func(r *config.RPC) { r.EnableControl = tr.enableControl }})
			for _, transport := range testenv.Transports {
				t.Run(transport.Name, func(t *testing.T) {
					playTranscript(t, n, transport, ipc.EncodingFlatbuffersJSON, tr, func(b []byte) []byte {
						return timeField.ReplaceAll(b, []byte(`"time": T`))
					})
				})
			}
		})
	}
}

// TestLegacyTranscripts plays every testdata/legacy transcript over both
// transports in both legacy encodings, each on one persistent connection.
func TestLegacyTranscripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/legacy/*.txt")
	if len(files) == 0 {
		t.Fatal("no transcripts")
	}
	for _, file := range files {
		tr := readTranscript(t, file)
		t.Run(filepath.Base(file), func(t *testing.T) {
			n := testenv.Start(t, testenv.Options{RPC: func(r *config.RPC) { r.EnableControl = tr.enableControl }})
			for _, transport := range testenv.Transports {
				for _, enc := range []ipc.Encoding{ipc.EncodingJSON, ipc.EncodingJSONUnsafe} {
					t.Run(transport.Name+"/"+enc.String(), func(t *testing.T) {
						playTranscript(t, n, transport, enc, tr, nil)
					})
				}
			}
		})
	}
}

// playTranscript sends every request of tr in encoding enc on one
// connection and compares each reply (after normalize, if given).
func playTranscript(t *testing.T, n *testenv.Node, transport testenv.Transport, enc ipc.Encoding, tr transcript, normalize func([]byte) []byte) {
	t.Helper()
	network, addr := transport.Config(n).Network()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, ex := range tr.exchanges {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write(ipc.AppendRequest(nil, enc, []byte(ex.request))); err != nil {
			t.Fatalf("line %d: write: %v", ex.line, err)
		}
		got, err := ipc.ReadFrame(c, 1<<20, nil)
		if err != nil {
			t.Fatalf("line %d: %s: reading reply: %v", ex.line, ex.request, err)
		}
		if normalize != nil {
			got = normalize(got)
		}
		if ex.contains != "" {
			if !bytes.Contains(got, []byte(ex.contains)) {
				t.Errorf("line %d: %s\ngot  %q\nwant it to contain %q", ex.line, ex.request, got, ex.contains)
			}
		} else if string(got) != ex.reply {
			t.Errorf("line %d: %s\ngot  %q\nwant %q", ex.line, ex.request, got, ex.reply)
		}
	}
}
