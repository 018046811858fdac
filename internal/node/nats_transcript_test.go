package node_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/testenv"
)

// natsPrefixes numbers the subject prefixes of the nodes sharing one NATS
// server, so that each answers only its own requests.
var natsPrefixes atomic.Int64

// startNATSTranscriptNode is startTranscriptNode with the API over NATS
// at url, under a prefix of its own.
func startNATSTranscriptNode(t *testing.T, tr *transcript, url, access string) (*testenv.Node, natsbus.Subjects) {
	t.Helper()
	i := strconv.FormatInt(natsPrefixes.Add(1), 10)
	var subj natsbus.Subjects
	n := testenv.Start(t, testenv.Options{
		Access: access,
		Node: func(c *config.Node) {
			c.Node.NATS.Enable = true
			c.Node.NATS.Servers = []string{url}
			c.Node.NATS.SubjectPrefix = "t" + i + ".dev"
			c.Node.NATS.Stream = "T" + i
			subj = natsbus.SubjectsOf(c.Node.NATS.NATS)
		},
		RPC: func(r *config.RPC) { r.EnableControl = tr.enableControl },
	})
	return n, subj
}

// TestTranscriptsOverNATS plays the legacy and v2json transcripts over
// NATS request/reply (P.api.legacy, P.api.v2): the replies are those of
// IPC, access denied and control gating included.
func TestTranscriptsOverNATS(t *testing.T) {
	s := testenv.NATS(t, t.TempDir(), 0)
	nc, _ := natsClient(t, s.ClientURL())
	files, _ := filepath.Glob("testdata/transcripts/*/*.txt")
	for _, file := range files {
		dir := filepath.Base(filepath.Dir(file))
		suite := transcriptSuites[dir]
		t.Run(dir+"/"+filepath.Base(file), func(t *testing.T) {
			tr := readTranscript(t, file)
			n, subj := startNATSTranscriptNode(t, tr, s.ClientURL(), "")
			subject := subj.APILegacy()
			if dir == "v2json" {
				subject = subj.APIV2()
			}
			playExchanges(t, n, tr, suite.normalize, func(req string) ([]byte, error) {
				m, err := nc.Request(subject, []byte(req), 10*time.Second)
				if err != nil {
					return nil, err
				}
				return m.Data, nil
			})
		})
	}
}

// TestNATSV2Message: P.api.v2.<Message> takes the message without an
// envelope, credentials from Nano-Api-Key and the correlation id from
// Nano-Correlation-Id, as /api/v2/<Message> does.
func TestNATSV2Message(t *testing.T) {
	s := testenv.NATS(t, t.TempDir(), 0)
	nc, _ := natsClient(t, s.ClientURL())
	_, subj := startNATSTranscriptNode(t, &transcript{}, s.ClientURL(), accessFile)
	tests := []struct {
		name, message, key, body, want string
	}{
		{"allowed", "AccountWeight", "admin", `{"account": "` + someAccount + `"}`, `"voting_weight": "0"`},
		{"denied", "BlockCount", "", `{}`, `"message": "Access denied"`},
		{"correlation id", "IsAlive", "", `{}`, `"correlation_id": "c-42"`},
		{"bad json", "IsAlive", "", `{`, `"message_type": "Error"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := nats.NewMsg(subj.APIV2Message(tt.message))
			m.Data = []byte(tt.body)
			m.Header.Set(natsbus.HeaderAPIKey, tt.key)
			m.Header.Set(natsbus.HeaderCorrelationID, "c-42")
			r, err := nc.RequestMsg(m, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(r.Data), tt.want) {
				t.Errorf("reply %s\nwant it to contain %s", r.Data, tt.want)
			}
		})
	}
}
