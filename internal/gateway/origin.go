package gateway

import (
	"net"
	"net/http"
	neturl "net/url"
	"path"
	"slices"
	"strings"
)

// Who may talk to the gateway from a browser (docs/GATEWAY.md, "Web pages
// and DNS rebinding").
//
// Host: a request must name a host the gateway serves: "localhost", a
// loopback address, the address the connection arrived on, the configured
// address of either port, or a name config-rpc.toml's allowed_hosts lists.
// Anything else is a page reaching the port under a name of its own (DNS
// rebinding) or a misdirected request, and gets 421. A request without a
// Host (HTTP/1.0) and a connection over a Unix socket are not checked: no
// browser makes them.
//
// Origin: a request whose Origin is neither the gateway's own host nor
// one allowed_origins lists comes from a page the operator merely visits.
// It may read, as on the node (replies keep Access-Control-Allow-Origin:
// *), but it may not call a control action, and a v2 request from it acts
// as the default user: its credentials are ignored. Requests without an
// Origin (programs) are not affected. The WebSocket refuses such pages
// altogether (node.websocket.allowed_origins), with the same matching.

// hostPolicy holds the names the gateway serves besides loopback and the
// connection's own address.
type hostPolicy struct {
	names    []string // lower case: the configured addresses of both ports
	ips      []net.IP // those of them that are IP addresses, parsed once
	patterns []string // allowed_hosts, lower case
}

func newHostPolicy(addresses, allowed []string) hostPolicy {
	var p hostPolicy
	for _, a := range addresses {
		if a != "" {
			p.names = append(p.names, strings.ToLower(a))
			if ip := net.ParseIP(a); ip != nil {
				p.ips = append(p.ips, ip)
			}
		}
	}
	for _, a := range allowed {
		p.patterns = append(p.patterns, strings.ToLower(a))
	}
	return p
}

// allows reports whether r's Host names this gateway.
func (p hostPolicy) allows(r *http.Request) bool {
	if r.Host == "" {
		return true
	}
	local, isTCP := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	if !isTCP {
		return true // a Unix socket (or a test without a connection)
	}
	host := strings.ToLower(hostOnly(r.Host))
	if isLoopback(host) || slices.Contains(p.names, host) {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.Equal(local.IP) || slices.ContainsFunc(p.ips, ip.Equal) {
			return true
		}
	}
	for _, pat := range p.patterns {
		if ok, _ := path.Match(pat, host); ok {
			return true
		}
	}
	return false
}

// hostOnly strips the port and an IPv6 address's brackets from a Host.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

// refuseHost answers a request for a host the gateway does not serve.
func refuseHost(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Connection", "close")
	w.WriteHeader(http.StatusMisdirectedRequest)
	w.Write([]byte(`nipc gateway: Host ` + quoteHeader(r.Host) + ` is not served here; a client that reaches it under this name must be listed in allowed_hosts in config-rpc.toml` + "\n"))
}

// quoteHeader quotes a header value for a text reply, printable ASCII only.
func quoteHeader(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s) && i < 256; i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			b.WriteByte('?')
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// originAllowed reports whether r comes from a program (no Origin), from a
// page of the host it is addressed to, or from a page one of patterns
// (acceptPatterns' form) matches: case-insensitively, against the Origin's
// host[:port], or its scheme://host[:port] when the pattern has "://".
// "null" and other Origins without a host are foreign.
func originAllowed(r *http.Request, patterns []originPattern) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := neturl.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(r.Host, u.Host) {
		return true
	}
	host := strings.ToLower(u.Host)
	withScheme := strings.ToLower(u.Scheme) + "://" + host
	for _, p := range patterns {
		target := host
		if p.scheme {
			target = withScheme
		}
		if ok, _ := path.Match(p.match, target); ok {
			return true
		}
	}
	return false
}
