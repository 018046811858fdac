package rpc

import (
	"context"
	"strconv"
	"time"

	"github.com/nipc/nipc/internal/nodeinfo"
	"github.com/nipc/nipc/internal/ptree"
)

// NodeInfo is what the node-level actions report and do.
type NodeInfo struct {
	nodeinfo.Info           // what version reports
	Started       time.Time // for uptime
	Stop          func()    // begins an orderly shutdown; called after stop's reply is rendered
}

// RegisterNodeActions adds version, uptime and stop.
func RegisterNodeActions(r *Registry, n NodeInfo) {
	r.Register(Action{Name: "version", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		t := ptree.New()
		t.Put("rpc_version", "1")
		t.Put("store_version", strconv.Itoa(n.StoreVersion))
		t.Put("protocol_version", strconv.Itoa(n.ProtocolVersion))
		t.Put("node_vendor", n.NodeVendor())
		t.Put("store_vendor", n.StoreVendor)
		t.Put("network", "dev")
		t.Put("network_identifier", n.NetworkIdentifier)
		t.Put("build_info", n.BuildInfo())
		return t, nil
	}})
	r.Register(Action{Name: "uptime", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		t := ptree.New()
		t.Put("seconds", strconv.FormatInt(int64(time.Since(n.Started)/time.Second), 10))
		return t, nil
	}})
	r.Register(Action{Name: "stop", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		t := ptree.New()
		t.Put("success", "")
		return t, nil
	}, After: n.Stop})
}
