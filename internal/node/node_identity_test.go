package node_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/nodeid"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// The node ID key is created once in the data directory (mode 0600) and is
// the same after a restart; telemetry is signed with it over the node's
// binary telemetry layout.
func TestNodeIDPersistsAndSignsTelemetry(t *testing.T) {
	dir := testenv.TempDir(t)
	first := startAndAsk(t, dir)
	fi, err := os.Stat(filepath.Join(dir, nodeid.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("%s has mode %04o, want 0600", nodeid.FileName, m)
	}
	second := startAndAsk(t, dir)
	if first != second {
		t.Errorf("node_id after restart %s, want %s", second, first)
	}
	if other := startAndAsk(t, testenv.TempDir(t)); other == first {
		t.Error("another data directory has the same node ID")
	}
}

// startAndAsk starts a node on dir, checks its telemetry's signature, stops
// it and returns its node_id.
func startAndAsk(t *testing.T, dir string) string {
	t.Helper()
	n := testenv.Start(t, testenv.Options{DataDir: dir, RPC: walletControlOn})
	cl := testenv.Dial(t, n, testenv.Transports[0])
	id := walletCall(t, cl, "node_id", nil)
	pub, err := nano.ParsePublicKey(walletString(t, id, "public"))
	if err != nil {
		t.Fatal(err)
	}
	if got := walletString(t, id, "node_id"); got != pub.NodeID() || walletString(t, id, "as_account") != pub.Account() {
		t.Fatalf("node_id reply %v does not match its public key", id)
	}
	tel := walletCall(t, cl, "telemetry", nil)
	if walletString(t, tel, "node_id") != pub.NodeID() {
		t.Fatalf("telemetry node_id %v, want %s", tel["node_id"], pub.NodeID())
	}
	if !nano.Verify(pub, telemetryMessage(t, pub, tel), mustSig(t, walletString(t, tel, "signature"))) {
		t.Errorf("telemetry signature does not verify: %v", tel)
	}
	cl.Close()
	n.RequestStop()
	select {
	case err := <-n.Stopped:
		n.Stopped <- err
	case <-time.After(10 * time.Second):
		t.Fatal("node did not stop")
	}
	return pub.NodeID()
}

// telemetryMessage is the node's serialize_without_signature of a telemetry
// reply.
func telemetryMessage(t *testing.T, pub nano.PublicKey, tel map[string]any) []byte {
	t.Helper()
	num := func(k string, bits int) uint64 {
		v, err := strconv.ParseUint(walletString(t, tel, k), 10, bits)
		if err != nil {
			t.Fatalf("telemetry %s: %v", k, err)
		}
		return v
	}
	genesis, err := nano.ParseHash(walletString(t, tel, "genesis_block"))
	if err != nil {
		t.Fatal(err)
	}
	diff, err := strconv.ParseUint(walletString(t, tel, "active_difficulty"), 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	m := append([]byte(nil), pub[:]...)
	for _, k := range []string{"block_count", "cemented_count", "unchecked_count", "account_count", "bandwidth_cap"} {
		m = binary.BigEndian.AppendUint64(m, num(k, 64))
	}
	m = binary.BigEndian.AppendUint32(m, uint32(num("peer_count", 32)))
	m = append(m, byte(num("protocol_version", 8)))
	m = binary.BigEndian.AppendUint64(m, num("uptime", 64))
	m = append(m, genesis[:]...)
	for _, k := range []string{"major_version", "minor_version", "patch_version", "pre_release_version", "maker"} {
		m = append(m, byte(num(k, 8)))
	}
	m = binary.BigEndian.AppendUint64(m, num("timestamp", 64))
	return binary.BigEndian.AppendUint64(m, diff)
}

func mustSig(t *testing.T, s string) nano.Signature {
	t.Helper()
	sig, err := nano.ParseSignature(s)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// stats counts the blocks stored and confirmed and the requests answered
// since the last stats_clear.
func TestStatsCountsBlocksAndRequests(t *testing.T) {
	n := testenv.Start(t, testenv.Options{RPC: walletControlOn})
	cl := testenv.Dial(t, n, testenv.Transports[1])
	walletCall(t, cl, "stats_clear", nil)
	g := n.GenesisWallet.String()
	for i := range 2 {
		walletCall(t, cl, "send", map[string]any{"wallet": g, "source": nano.DevGenesisAccount, "destination": nano.DevGenesisAccount, "amount": "1", "id": strconv.Itoa(i)})
	}
	walletCall(t, cl, "block_count", nil)
	got := map[string]string{}
	for _, e := range walletCall(t, cl, "stats", map[string]any{"type": "counters"})["entries"].([]any) {
		m := e.(map[string]any)
		got[m["type"].(string)+"/"+m["detail"].(string)+"/"+m["dir"].(string)] = m["value"].(string)
	}
	want := map[string]string{
		"rpc/stats_clear/in": "1", "rpc/send/in": "2", "rpc/block_count/in": "1",
		"ledger/all/in": "2", "confirmation_height/blocks_confirmed/in": "2",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("counter %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	walletCall(t, cl, "stats_clear", nil)
	entries := walletCall(t, cl, "stats", map[string]any{"type": "counters"})["entries"].([]any)
	if len(entries) != 1 {
		t.Errorf("after stats_clear: %v, want only stats_clear's own count", entries)
	}
}
