package v2api

import (
	"context"
	"testing"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/authz"
	"github.com/nipc/nipc/internal/peer"
)

// *authz.Policy is the authorizer the node runs with; it must keep
// offering the uid mapping Dispatcher looks for.
var _ authz.UnixUserMapper = (*authz.Policy)(nil)

// noUIDs hides an authorizer's uid mapping: it offers only Permitted.
type noUIDs struct{ authz.Authorizer }

// TestV2UnixUID: who a v2 request acts as. Credentials in the envelope
// always win; without them a Unix-socket peer whose uid the policy maps
// acts as that user, and anything else as the default user.
func TestV2UnixUID(t *testing.T) {
	pol, err := authz.Parse("config-access.toml", []byte(`
[[user]]
id = "ops"
bare = true
allow = "api_version"
unix_uids = [1000, 0]

[[user]]
id = "monitor"
bare = true
allow = "api_block_count"
`))
	if err != nil {
		t.Fatal(err)
	}
	unixPeer := func(uid uint32) *peer.Peer {
		return &peer.Peer{Transport: peer.Unix, Identity: peer.Identity{Cred: &peer.Cred{PID: 42, UID: uid, GID: uid}}}
	}
	tests := []struct {
		name   string
		policy authz.Authorizer
		peer   *peer.Peer // nil: no peer in ctx
		creds  string
		msg    any
		denied bool
	}{
		{"mapped uid without credentials", pol, unixPeer(1000), "", &fb.VersionT{}, false},
		{"mapped uid lacks what its user lacks", pol, unixPeer(1000), "", &fb.BlockCountT{}, true},
		{"mapped uid does not get the default user's permissions", pol, unixPeer(1000), "", &fb.AccountWeightT{}, true},
		{"root only when listed", pol, unixPeer(0), "", &fb.VersionT{}, false},
		{"unlisted uid is the default user", pol, unixPeer(1001), "", &fb.AccountWeightT{}, false},
		{"unlisted uid gets nothing more", pol, unixPeer(1001), "", &fb.VersionT{}, true},
		{"explicit credentials win over the uid", pol, unixPeer(1000), "monitor", &fb.BlockCountT{}, false},
		{"explicit credentials do not add the uid's user", pol, unixPeer(1000), "monitor", &fb.VersionT{}, true},
		{"unknown credentials are denied, not mapped", pol, unixPeer(1000), "nobody", &fb.VersionT{}, true},
		{"unknown credentials still may call IsAlive", pol, unixPeer(1000), "nobody", &fb.IsAliveT{}, false},
		{"Unix peer with unknown credentials (no SO_PEERCRED)", pol, &peer.Peer{Transport: peer.Unix}, "", &fb.VersionT{}, true},
		{"TCP peer", pol, &peer.Peer{Transport: peer.TCP}, "", &fb.VersionT{}, true},
		{"no peer in ctx", pol, nil, "", &fb.VersionT{}, true},
		{"credentials select the mapped user anywhere", pol, &peer.Peer{Transport: peer.TCP}, "ops", &fb.VersionT{}, false},
		{"an authorizer without a uid mapping", noUIDs{authz.Default()}, unixPeer(1000), "", &fb.VersionT{}, true},
	}
	ok := func(ctx context.Context, msg any) (any, error) { return &fb.SuccessT{}, nil }
	v := &Dispatcher{Handlers: map[fb.Message]Handler{
		fb.MessageIsAlive:       ok,
		fb.MessageVersion:       ok,
		fb.MessageBlockCount:    ok,
		fb.MessageAccountWeight: ok,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v.Policy = func() authz.Authorizer { return tt.policy }
			ctx := context.Background()
			if tt.peer != nil {
				ctx = peer.With(ctx, tt.peer)
			}
			env := api.NewEnvelope(tt.msg, "c1", v.now())
			env.Credentials = tt.creds
			reply := v.Dispatch(ctx, env)
			denied := reply.Message.Type == fb.MessageError && reply.Message.Value.(*fb.ErrorT).Code == api.CodeAccessDenied
			if denied != tt.denied {
				t.Errorf("reply %v %+v; want denied = %v", reply.Message.Type, reply.Message.Value, tt.denied)
			}
		})
	}
}
