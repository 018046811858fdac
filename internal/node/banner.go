package node

import (
	"fmt"
	"strings"

	"github.com/nipc/nipc/nano"
)

// Endpoint is one listener of a running node: what it serves and where.
type Endpoint struct {
	Name string // "IPC TCP", "IPC Unix socket", "HTTP RPC", "WebSocket", "metrics"
	Addr string // tcp://host:port, a socket path, http(s)://host:port/, ws://host:port, ...
}

// Endpoints lists every listener the node bound or was given (systemd
// sockets included), after Listen, in a fixed order.
func (n *Node) Endpoints() []Endpoint {
	var eps []Endpoint
	if a := n.TCPAddr(); a != "" {
		eps = append(eps, Endpoint{"IPC TCP", "tcp://" + a})
	}
	if p := n.UnixPath(); p != "" {
		eps = append(eps, Endpoint{"IPC Unix socket", p})
	}
	if n.gw != nil {
		if a := n.gw.Addr(); a != nil {
			scheme := "http"
			if n.opts.RPC.TLS.EnableHTTPS {
				scheme = "https"
			}
			eps = append(eps, Endpoint{"HTTP RPC", scheme + "://" + a.String() + "/"})
		}
		if a := n.gw.WebSocketAddr(); a != nil {
			eps = append(eps, Endpoint{"WebSocket", "ws://" + a.String()})
		}
	}
	if a := n.MetricsAddr(); a != "" {
		eps = append(eps, Endpoint{"metrics", "http://" + a + "/metrics"})
	}
	return eps
}

// Banner is what nipc node prints once it listens: its version, each
// listener on a line, the data directory and the genesis wallet (on every
// start, not only the one that created it).
func (n *Node) Banner() string {
	var b strings.Builder
	fmt.Fprintf(&b, "nipc node %s, data in %s\n", Version, n.opts.DataDir)
	for _, e := range n.Endpoints() {
		fmt.Fprintf(&b, "  %-16s %s\n", e.Name+":", e.Addr)
	}
	b.WriteString(n.Genesis.line())
	return b.String()
}

// line is the banner's genesis wallet line(s).
func (g Genesis) line() string {
	var b strings.Builder
	if g.Destroyed != nil {
		fmt.Fprintf(&b, "the genesis wallet %s was destroyed (wallet_destroy)\n", g.Destroyed)
	}
	switch {
	case g.Created:
		fmt.Fprintf(&b, "created wallet %s holding the dev genesis account %s (all %s raw)\n", g.Wallets[0], nano.DevGenesisAccount, nano.GenesisAmount)
	case len(g.Wallets) > 0:
		for _, id := range g.Wallets {
			fmt.Fprintf(&b, "genesis wallet %s holds the dev genesis account %s\n", id, nano.DevGenesisAccount)
		}
	default:
		fmt.Fprintf(&b, "no wallet holds the dev genesis account %s (node.ledger.enable_genesis_wallet = false)\n", nano.DevGenesisAccount)
	}
	return b.String()
}
