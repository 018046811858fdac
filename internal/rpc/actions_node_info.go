package rpc

import (
	"context"
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// The node's error texts of the identity, telemetry and statistics actions.
const (
	textRequiresPortAndAddress = "Both port and address required"
	textPeerNotFound           = "Peer not found"
	textInvalidMissingType     = "Invalid or missing type argument"
)

// DevNode is what the identity, telemetry and statistics actions of a single
// dev node answer from.
type DevNode struct {
	Backend *Backend
	Info    NodeInfo
	NodeKey nano.PrivateKey // the persisted node ID key (package nodeid)
	Stats   *Stats
	// Unchecked, if set, counts the unchecked blocks (telemetry's
	// unchecked_count); nil counts none.
	Unchecked func() uint64
	// Recent holds the recent elections (confirmation_history); nil:
	// none.
	Recent *Recent
	// Reemit, if set, publishes a confirmed block's confirmation again
	// (block_confirm): the node's broker.Reemit.
	Reemit func(ledger.Confirmation)
	// NATS, if set, reports the NATS outbox (nats_status); nil: [node.nats]
	// is off.
	NATS func() NATSStatus
}

// RegisterNodeInfoActions adds node_id (control: public, as_account and
// node_id, as the node's; never the private key), node_id_delete (the
// documentation's {"deprecated": "1"}, control as documented), telemetry
// (this node's own, signed with the node ID key), stats (type counters,
// samples, objects (control) or database) and stats_clear.
func RegisterNodeInfoActions(r *Registry, d *DevNode) {
	r.Register(Action{Name: "node_id", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		pub := d.NodeKey.PublicKey()
		return ptree.New().Put("public", pub.String()).Put("as_account", pub.Account()).Put("node_id", pub.NodeID()), nil
	}})
	r.Register(Action{Name: "node_id_delete", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		return ptree.New().Put("deprecated", "1"), nil
	}})
	r.Register(Action{Name: "telemetry", Func: d.telemetry})
	r.Register(Action{Name: "nats_status", Func: d.natsStatus})
	r.Register(Action{Name: "stats", Func: d.stats})
	r.Register(Action{Name: "stats_clear", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		d.Stats.Clear()
		return success(), nil
	}})
}

// telemetry answers this node's telemetry; with "raw" the node lists its
// peers' (none); with "address" and "port" a loopback address is this node
// (it has no peering port to compare), any other a peer it does not know.
func (d *DevNode) telemetry(ctx context.Context, req *Request) (*ptree.Tree, error) {
	addr, hasAddr := req.Get("address")
	port, hasPort := req.Get("port")
	if hasAddr || hasPort {
		if !hasAddr || !hasPort {
			return nil, Errorf(textRequiresPortAndAddress)
		}
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return nil, Errorf(textInvalidPort)
		}
		ip, err := netip.ParseAddr(strings.Trim(addr, "[]"))
		if err != nil {
			return nil, Errorf(textInvalidIPAddress)
		}
		if !ip.Unmap().IsLoopback() {
			return nil, Errorf(textPeerNotFound)
		}
		return d.localTelemetry(time.Now()), nil
	}
	if req.Bool("raw", false) {
		return ptree.New().Put("metrics", ""), nil
	}
	return d.LocalTelemetry(), nil
}

// LocalTelemetry is this node's telemetry as the telemetry action answers
// it now (the WebSocket's telemetry topic).
func (d *DevNode) LocalTelemetry() *ptree.Tree { return d.localTelemetry(time.Now()) }

// localTelemetry is the node's local_telemetry serialized as its
// serialize_json does, signed over its binary form
// (serialize_without_signature) with the node ID key.
func (d *DevNode) localTelemetry(now time.Time) *ptree.Tree {
	blocks, cemented := d.Backend.Ledger.BlockCount()
	var unchecked uint64
	if d.Unchecked != nil {
		unchecked = d.Unchecked()
	}
	accounts := d.Backend.Ledger.AccountCount()
	uptime := uint64(now.Sub(d.Info.Started) / time.Second)
	major, minor, patch := versionParts(d.Info.Version)
	ts := uint64(now.UnixMilli())
	th := d.Backend.Thresholds
	difficulty := max(th.Epoch1, th.Epoch2, th.Epoch2Receive)
	pub := d.NodeKey.PublicKey()
	genesis := genesisHash

	msg := make([]byte, 0, 32+8*5+4+1+8+32+5+8+8)
	msg = append(msg, pub[:]...)
	msg = binary.BigEndian.AppendUint64(msg, blocks)
	msg = binary.BigEndian.AppendUint64(msg, cemented)
	msg = binary.BigEndian.AppendUint64(msg, unchecked)
	msg = binary.BigEndian.AppendUint64(msg, accounts)
	msg = binary.BigEndian.AppendUint64(msg, 0) // bandwidth_cap: no network to limit
	msg = binary.BigEndian.AppendUint32(msg, 0) // peer_count
	msg = append(msg, byte(d.Info.ProtocolVersion))
	msg = binary.BigEndian.AppendUint64(msg, uptime)
	msg = append(msg, genesis[:]...)
	msg = append(msg, major, minor, patch, 0, 0) // pre_release_version, maker
	msg = binary.BigEndian.AppendUint64(msg, ts)
	msg = binary.BigEndian.AppendUint64(msg, difficulty)
	sig := nano.Sign(d.NodeKey, msg)

	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	return ptree.New().
		Put("block_count", u(blocks)).
		Put("cemented_count", u(cemented)).
		Put("unchecked_count", u(unchecked)).
		Put("account_count", u(accounts)).
		Put("bandwidth_cap", "0").
		Put("peer_count", "0").
		Put("protocol_version", strconv.Itoa(d.Info.ProtocolVersion)).
		Put("uptime", u(uptime)).
		Put("genesis_block", genesis.String()).
		Put("major_version", strconv.Itoa(int(major))).
		Put("minor_version", strconv.Itoa(int(minor))).
		Put("patch_version", strconv.Itoa(int(patch))).
		Put("pre_release_version", "0").
		Put("maker", "0").
		Put("timestamp", u(ts)).
		Put("active_difficulty", nano.FormatWork(difficulty)).
		Put("node_id", pub.NodeID()).
		Put("signature", sig.String())
}

// versionParts splits "major.minor.patch" (each part 0 when absent or not
// a number below 256).
func versionParts(v string) (major, minor, patch uint8) {
	var p [3]uint8
	for i, s := range strings.SplitN(v, ".", 3) {
		n, _ := strconv.ParseUint(s, 10, 8)
		p[i] = uint8(n)
	}
	return p[0], p[1], p[2]
}

// stats is the node's stats action.
func (d *DevNode) stats(ctx context.Context, req *Request) (*ptree.Tree, error) {
	typ, _ := req.Get("type")
	switch typ {
	case "counters", "samples":
		entries, took := d.Stats.Counters()
		now := time.Now()
		list := ptree.New()
		if typ == "counters" {
			clock := now.Format("15:04:05")
			for _, e := range entries {
				list.Push(ptree.New().Put("time", clock).Put("type", e.Type).Put("detail", e.Detail).
					Put("dir", e.Dir).Put("value", strconv.FormatUint(e.Value, 10)))
			}
		}
		return ptree.New().Put("type", typ).Put("created", now.Format("2006.01.02 15:04:05")).
			PutChild("entries", list).
			Put("stat_duration_seconds", strconv.FormatInt(int64(took/time.Second), 10)), nil
	case "objects":
		return d.objects()
	case "database":
		s, err := d.Backend.Ledger.DatabaseStats()
		if err != nil {
			return nil, err
		}
		i := strconv.Itoa
		return ptree.New().Put("branch_pages", i(s.BranchPages)).Put("depth", i(s.Depth)).
			Put("entries", i(s.Entries)).Put("leaf_pages", i(s.LeafPages)).
			Put("overflow_pages", i(s.OverflowPages)).Put("page_size", i(s.PageSize)), nil
	}
	return nil, Errorf(textInvalidMissingType)
}

// objects is the node's container info: what this node keeps in memory,
// each as a count and the size of one element in bytes.
func (d *DevNode) objects() (*ptree.Tree, error) {
	weights, err := d.Backend.Ledger.Representatives()
	if err != nil {
		return nil, err
	}
	item := func(count, size int) *ptree.Tree {
		return ptree.New().Put("count", strconv.Itoa(count)).Put("size", strconv.Itoa(size))
	}
	ledgerObjs := ptree.New().PutChild("rep_weights", item(len(weights), len(nano.PublicKey{})+16))
	statsObjs := ptree.New().PutChild("request_counters", item(d.Stats.Kinds(), 8))
	node := ptree.New().PutChild("ledger", ledgerObjs).PutChild("stats", statsObjs)
	return ptree.New().PutChild("node", node), nil
}
