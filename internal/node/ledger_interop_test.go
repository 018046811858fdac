package node_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// jsBlock is a state block as nanocurrency builds it.
type jsBlock struct {
	Account        string `json:"account"`
	Previous       string `json:"previous"`
	Representative string `json:"representative"`
	Balance        string `json:"balance"`
	Link           string `json:"link"`
	SecretKey      string `json:"secretKey"`
}

type jsCompute struct {
	BlockHash string `json:"blockHash"`
	Threshold string `json:"threshold"`
}

// nanocurrency runs interop/nanocurrency_vectors.js (the real npm
// nanocurrency@2.5.0) on one block: its hash and signature, and work on
// root at the dev ledger's threshold.
func nanocurrency(t *testing.T, b jsBlock, root nano.Hash) (hash, signature, work string) {
	t.Helper()
	if os.Getenv("NIPC_SKIP_INTEROP") == "1" {
		t.Skip("NIPC_SKIP_INTEROP=1")
	}
	dir := filepath.Join("..", "..", "interop")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "nanocurrency", "package.json")); err != nil {
		t.Fatalf("nanocurrency is not installed (%v); run: npm ci --prefix interop", err)
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node (Node.js) is not on PATH: %v; install it, or set NIPC_SKIP_INTEROP=1", err)
	}
	input, err := json.Marshal(map[string]any{
		"blocks":  []jsBlock{b},
		"compute": []jsCompute{{root.String(), nano.FormatWork(nano.DevThresholds().Epoch1)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodeBin, filepath.Join(dir, "nanocurrency_vectors.js"))
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nanocurrency_vectors.js: %v\n%s", err, stderr.String())
	}
	var resp struct {
		Blocks []struct {
			Hash      string `json:"hash"`
			Signature string `json:"signature"`
		} `json:"blocks"`
		Compute []*string `json:"compute"`
	}
	if err := json.Unmarshal(out, &resp); err != nil || len(resp.Blocks) != 1 || len(resp.Compute) != 1 || resp.Compute[0] == nil {
		t.Fatalf("nanocurrency answered %s (%v)", out, err)
	}
	return resp.Blocks[0].Hash, resp.Blocks[0].Signature, *resp.Compute[0]
}

// TestLedgerNanocurrencyInterop: a send from the genesis and the open that
// receives it, each hashed, signed and worked by the npm nanocurrency
// library, are accepted by process, which answers nanocurrency's hashes.
func TestLedgerNanocurrencyInterop(t *testing.T) {
	g, d := nano.DevGenesisKey(), testKey(1)
	G, D := g.PublicKey(), d.PublicKey()
	amount := nano.RawPerNano
	balance := sub(t, nano.MaxAmount, amount)

	send := jsBlock{G.Account(), genesisHash.String(), G.Account(), balance.String(), D.Account(), g.Hex()}
	sendHash, sendSig, sendWork := nanocurrency(t, send, genesisHash)
	open := jsBlock{D.Account(), strings.Repeat("0", 64), D.Account(), amount.String(), sendHash, d.Hex()}
	openHash, openSig, openWork := nanocurrency(t, open, nano.Hash(D))

	// nano agrees on the hashes before the node is asked.
	goSend := &nano.Block{Type: nano.BlockTypeState, Account: G, Previous: genesisHash, Representative: G, Balance: balance, Link: nano.Hash(D)}
	if h := goSend.Hash().String(); !strings.EqualFold(h, sendHash) {
		t.Fatalf("send hash: nanocurrency %s, nano %s", sendHash, h)
	}

	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			n := testenv.Start(t, testenv.Options{})
			c := newLedgerClient(t, n, tr)
			// The send as JSON with the link as an address; the open with
			// the link as hex, given as a string (json_block false).
			c.want(req{"action": "process", "json_block": true, "block": map[string]string{
				"type": "state", "account": send.Account, "previous": send.Previous, "representative": send.Representative,
				"balance": send.Balance, "link": send.Link, "signature": sendSig, "work": sendWork,
			}}, ptree.New().Put("hash", strings.ToUpper(sendHash)))
			openJSON, err := json.Marshal(map[string]string{
				"type": "state", "account": open.Account, "previous": open.Previous, "representative": open.Representative,
				"balance": open.Balance, "link": open.Link, "signature": openSig, "work": openWork,
			})
			if err != nil {
				t.Fatal(err)
			}
			c.want(req{"action": "process", "block": string(openJSON)}, ptree.New().Put("hash", strings.ToUpper(openHash)))
			c.want(req{"action": "account_balance", "account": D.Account()},
				ptree.New().Put("balance", amount.String()).Put("pending", "0").Put("receivable", "0"))
		})
	}
}
