package authz

import (
	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/internal/peer"
)

// Authorizer decides whether the holder of some credentials may send a v2
// message. *Policy is the one the node runs with; tests may give others.
type Authorizer interface {
	Permitted(credentials string, m api.MessageInfo) bool
}

// UnixUserMapper is implemented by an Authorizer that maps the uids of
// Unix-socket peers to users (*Policy, from config-access.toml's
// unix_uids). When the authorizer in force implements it, a request
// without credentials from a Unix-socket peer whose uid it maps acts as
// that user; credentials given always win.
type UnixUserMapper interface {
	// UnixUser returns the credentials (user id) a request without
	// credentials from a process running as uid acts with.
	UnixUser(uid uint32) (credentials string, ok bool)
}

// builtin is the authorizer of a caller without one: the built-in
// default. A Policy is immutable, so one value serves every request.
var builtin Authorizer = Default()

// Permitted is the one permission decision of every front end (IPC v2
// requests, the HTTP gateway's /api/v2, WebSocket subscriptions): may a
// request with credentials creds from peer p (nil: none known) send m
// under pol (nil: Default())? It acts as Principal's user.
func Permitted(pol Authorizer, p *peer.Peer, creds string, m api.MessageInfo) bool {
	if pol == nil {
		pol = builtin
	}
	return pol.Permitted(Principal(pol, p, creds), m)
}

// Principal returns the credentials a request acts with under pol: its
// own (creds) when it has any; otherwise, when it came over the Unix
// socket from a peer whose uid pol maps to a user (peer.Peer.Cred, read
// once per connection), that user's id; otherwise "", the default user.
// Explicit credentials always keep their meaning, so a mapped local
// client can still act as another user by sending that user's
// credentials, and a TCP or gateway request never has a uid.
func Principal(pol Authorizer, p *peer.Peer, creds string) string {
	if creds != "" {
		return creds
	}
	m, ok := pol.(UnixUserMapper)
	if !ok || p == nil || p.Cred == nil {
		return ""
	}
	if id, ok := m.UnixUser(p.Cred.UID); ok {
		return id
	}
	return ""
}
