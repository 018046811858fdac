package nano

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestInteropNanocurrencyJS checks this package against the real npm
// nanocurrency@2.5.0 (pinned in interop/package-lock.json) through
// interop/nanocurrency_vectors.js: key derivation, addresses, state block
// hashes and signatures, and work both ways. Set NIPC_SKIP_INTEROP=1 to skip
// it where Node.js or interop/node_modules is unavailable.
func TestInteropNanocurrencyJS(t *testing.T) {
	if os.Getenv("NIPC_SKIP_INTEROP") == "1" {
		t.Skip("NIPC_SKIP_INTEROP=1")
	}
	script, err := filepath.Abs(filepath.Join("..", "interop", "nanocurrency_vectors.js"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join("..", "interop", "node_modules", "nanocurrency", "package.json")); err != nil {
		t.Fatalf("nanocurrency is not installed (%v); run: npm ci --prefix interop", err)
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node (Node.js) is not on PATH: %v; install it, or set NIPC_SKIP_INTEROP=1", err)
	}

	// Cases: fixed seeds and indexes plus random ones.
	type keyCase struct {
		Seed  string `json:"seed"`
		Index uint32 `json:"index"`
	}
	var keys []keyCase
	for _, idx := range []uint32{0, 1, 987654321, 4294967295} {
		keys = append(keys, keyCase{strings.Repeat("0", 64), idx})
	}
	for i := range 4 {
		s, err := GenerateSeed()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, keyCase{s.Hex(), uint32(i) * 1000003})
	}

	type blockCase struct {
		Account        string `json:"account"`
		Previous       string `json:"previous"`
		Representative string `json:"representative"`
		Balance        string `json:"balance"`
		Link           string `json:"link"`
		SecretKey      string `json:"secretKey"`
	}
	var blocks []blockCase
	var goBlocks []*Block
	var privs []PrivateKey
	balances := []Amount{{}, NewAmount(1), RawPerNano, MaxAmount, {hi: 12345, lo: 678}}
	for i, k := range keys {
		seed, _ := ParseSeed(k.Seed)
		priv := DeriveKey(seed, k.Index)
		var prev, link, rep [32]byte
		if i%3 != 0 { // every third block opens its chain
			rand.Read(prev[:])
		}
		rand.Read(link[:])
		rand.Read(rep[:])
		b := &Block{
			Type: BlockTypeState, Account: priv.PublicKey(), Previous: prev,
			Representative: rep, Balance: balances[i%len(balances)], Link: link,
		}
		linkText := b.Link.String()
		if i%2 == 1 { // nanocurrency takes the link as an address or as hex
			linkText = b.LinkAsAccount()
		}
		blocks = append(blocks, blockCase{b.Account.Account(), b.Previous.String(), b.Representative.Account(), b.Balance.String(), linkText, priv.Hex()})
		goBlocks = append(goBlocks, b)
		privs = append(privs, priv)
	}

	// Work generated here, to be validated by nanocurrency, and difficulty
	// probes: at threshold = our difficulty nanocurrency must say valid,
	// one above it invalid, which pins the exact difficulty value.
	type validateCase struct {
		BlockHash string `json:"blockHash"`
		Work      string `json:"work"`
		Threshold string `json:"threshold"`
	}
	type validateWant struct {
		c    validateCase
		want bool
	}
	var validates []validateWant
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	dev := DevThresholds()
	for i, b := range goBlocks {
		threshold := []uint64{dev.Epoch1, dev.Epoch2, dev.Epoch2Receive}[i%3]
		work, err := Generate(ctx, b.Root(), threshold)
		if err != nil {
			t.Fatal(err)
		}
		b.Work = work
		validates = append(validates, validateWant{validateCase{b.Root().String(), FormatWork(work), FormatWork(threshold)}, true})
		d := b.Difficulty()
		validates = append(validates, validateWant{validateCase{b.Root().String(), FormatWork(work), FormatWork(d)}, true})
		if d != ^uint64(0) {
			validates = append(validates, validateWant{validateCase{b.Root().String(), FormatWork(work), FormatWork(d + 1)}, false})
		}
	}
	type computeCase struct {
		BlockHash string `json:"blockHash"`
		Threshold string `json:"threshold"`
	}
	var computes []computeCase
	for _, b := range goBlocks[:4] {
		computes = append(computes, computeCase{b.Root().String(), FormatWork(dev.Epoch1)})
	}
	computes = append(computes, computeCase{goBlocks[4].Root().String(), FormatWork(dev.Epoch2)})

	req := map[string]any{"keys": keys, "blocks": blocks, "compute": computes}
	var vc []validateCase
	for _, v := range validates {
		vc = append(vc, v.c)
	}
	req["validate"] = vc
	input, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}

	var resp struct {
		Keys []struct {
			SecretKey, PublicKey, Address, XrbAddress, PublicKeyFromAddress string
		}
		Blocks []struct {
			Hash, Signature string
		}
		Validate []bool
		Compute  []*string
	}
	cmd := exec.CommandContext(ctx, nodeBin, script)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("decoding %q: %v", out, err)
	}
	if len(resp.Keys) != len(keys) || len(resp.Blocks) != len(blocks) || len(resp.Validate) != len(validates) || len(resp.Compute) != len(computes) {
		t.Fatalf("answer has the wrong number of results: %s", out)
	}

	for i, k := range keys {
		seed, _ := ParseSeed(k.Seed)
		priv := DeriveKey(seed, k.Index)
		pub := priv.PublicKey()
		got := resp.Keys[i]
		if !strings.EqualFold(got.SecretKey, priv.Hex()) || !strings.EqualFold(got.PublicKey, pub.String()) ||
			!strings.EqualFold(got.PublicKeyFromAddress, pub.String()) {
			t.Errorf("seed %s index %d: nanocurrency %+v, nano %s %s", k.Seed, k.Index, got, priv.Hex(), pub)
		}
		if got.Address != pub.Account() {
			t.Errorf("address: nanocurrency %s, nano %s", got.Address, pub.Account())
		}
		if parsed, err := ParseAccount(got.XrbAddress); err != nil || parsed != pub {
			t.Errorf("ParseAccount(%s) = %s, %v", got.XrbAddress, parsed, err)
		}
	}
	for i, b := range goBlocks {
		got := resp.Blocks[i]
		h := b.Hash()
		if !strings.EqualFold(got.Hash, h.String()) {
			t.Errorf("block %d hash: nanocurrency %s, nano %s", i, got.Hash, h)
		}
		sig := Sign(privs[i], h[:])
		if !strings.EqualFold(got.Signature, sig.String()) {
			t.Errorf("block %d signature: nanocurrency %s, nano %s", i, got.Signature, sig)
		}
		if jsSig, err := ParseSignature(got.Signature); err != nil || !Verify(b.Account, h[:], jsSig) {
			t.Errorf("block %d: nanocurrency's signature does not verify here: %v", i, err)
		}
	}
	for i, v := range validates {
		if resp.Validate[i] != v.want {
			t.Errorf("nanocurrency validateWork(%+v) = %v, want %v", v.c, resp.Validate[i], v.want)
		}
	}
	for i, c := range computes {
		if resp.Compute[i] == nil {
			t.Errorf("nanocurrency computeWork(%+v) found nothing", c)
			continue
		}
		work, err := ParseWork(*resp.Compute[i])
		root, _ := ParseHash(c.BlockHash)
		threshold, _ := ParseWork(c.Threshold)
		if err != nil || !Validate(root, work, threshold) {
			t.Errorf("work %s from nanocurrency for %s is below %s here (%v)", *resp.Compute[i], c.BlockHash, c.Threshold, err)
		}
	}
}
