package api

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/nipc/nipc/api/fb"
)

func TestRegistryCoversTheUnion(t *testing.T) {
	if len(Messages()) != len(fb.EnumNamesMessage)-1 {
		t.Fatalf("%d registry entries for %d union members", len(Messages()), len(fb.EnumNamesMessage)-1)
	}
	for id, name := range fb.EnumNamesMessage {
		m, ok := LookupMessage(id)
		if id == fb.MessageNONE {
			if ok {
				t.Error("NONE is registered")
			}
			continue
		}
		if !ok || m.Type != id || m.Name != name {
			t.Errorf("id %d (%s): %+v", id, name, m)
		}
		if byName, ok := LookupMessageName(name); !ok || byName.Type != id {
			t.Errorf("LookupMessageName(%s) = %+v", name, byName)
		}
		for _, p := range m.Allow {
			if !p.Valid() {
				t.Errorf("%s allows unknown permission %q", name, p)
			}
		}
		switch m.Kind {
		case KindRequest:
			reply, ok := LookupMessage(m.Reply)
			if !ok || reply.Kind == KindEvent || (reply.Kind == KindRequest && m.Type != fb.MessageIsAlive) {
				t.Errorf("%s replies with %v", name, m.Reply)
			}
			if name != "IsAlive" && len(m.Allow) == 0 {
				t.Errorf("%s needs no permission", name)
			}
		case KindReply, KindEvent:
			if len(m.Allow) != 0 || m.Reply != 0 {
				t.Errorf("%s (%v) has request data", name, m.Kind)
			}
		default:
			t.Errorf("%s: kind %v", name, m.Kind)
		}
		if m.Node != (id <= fb.MessageEventServiceStop) {
			t.Errorf("%s: Node = %v", name, m.Node)
		}
	}
	if _, ok := LookupMessage(200); ok {
		t.Error("id 200 registered")
	}
	if _, ok := LookupMessageName("accountweight"); ok {
		t.Error("names are matched case-insensitively")
	}
}

// The node's ids never move; nipc's are appended in this order.
func TestUnionIDs(t *testing.T) {
	want := []string{"NONE", "Error", "Success", "IsAlive", "EventAck", "BlockInfo", "AccountWeight",
		"AccountWeightResponse", "TopicConfirmation", "EventConfirmation", "ServiceRegister", "ServiceStop",
		"TopicServiceStop", "EventServiceStop",
		"AccountBalance", "AccountBalanceResponse", "AccountInfo", "AccountInfoResponse", "AccountHistory",
		"AccountHistoryResponse", "BlockInfoQuery", "BlockCount", "BlockCountResponse", "Representatives",
		"RepresentativesResponse", "Receivable", "ReceivableResponse", "Version", "VersionResponse", "Reload"}
	for id, name := range want {
		if got := fb.EnumNamesMessage[fb.Message(id)]; got != name {
			t.Errorf("union id %d is %q, want %q", id, got, name)
		}
	}
}

func TestPermissions(t *testing.T) {
	all := Permissions()
	if len(all) != 30 { // 13 of the node, 9 v2 requests of nipc, 8 WebSocket topics
		t.Fatalf("%d permissions", len(all))
	}
	node := 0
	for i, p := range all {
		if p.Node {
			node++
			if i >= 13 {
				t.Errorf("node permission %s after nipc's", p.Name)
			}
		}
		if got, ok := LookupPermission(string(p.Name)); !ok || got != p || p.Meaning == "" {
			t.Errorf("LookupPermission(%s) = %+v", p.Name, got)
		}
	}
	if node != 13 {
		t.Errorf("%d node permissions", node)
	}
	if _, ok := LookupPermission("api_account_weight "); ok || Permission("API_ACCOUNT_WEIGHT").Valid() {
		t.Error("lookup is not exact")
	}
}

func TestPermitted(t *testing.T) {
	has := func(ps ...Permission) func(Permission) bool {
		return func(p Permission) bool {
			for _, q := range ps {
				if p == q {
					return true
				}
			}
			return false
		}
	}
	get := func(name string) MessageInfo { m, _ := LookupMessageName(name); return m }
	cases := []struct {
		msg  string
		perm []Permission
		want bool
	}{
		{"IsAlive", nil, true},
		{"AccountWeight", nil, false},
		{"AccountWeight", []Permission{PermAccountWeight}, true},
		{"AccountWeight", []Permission{PermAccountQuery}, true},
		{"AccountInfo", []Permission{PermAccountQuery}, true},
		{"AccountInfo", []Permission{PermAccountWeight}, false},
		{"BlockCount", []Permission{PermAccountQuery}, false},
		{"ServiceStop", []Permission{PermService}, true},
		{"TopicServiceStop", []Permission{PermService}, false},
		{"TopicConfirmation", nil, false},
		{"Reload", []Permission{PermUnrestricted}, true},
		{"AccountWeightResponse", []Permission{PermUnrestricted}, false},
		{"EventConfirmation", []Permission{PermUnrestricted}, false},
	}
	for _, c := range cases {
		if got := get(c.msg).Permitted(has(c.perm...)); got != c.want {
			t.Errorf("%s with %v: %v", c.msg, c.perm, got)
		}
	}
	if !get("IsAlive").Open() || get("AccountWeight").Open() || get("Error").Open() {
		t.Error("Open")
	}
}

// Every request's comment in nanoapi.fbs names exactly the permissions the
// registry enforces.
func TestSchemaCommentsNamePermissions(t *testing.T) {
	re := regexp.MustCompile(`/// Permission: ([^\n]*)\n(?:///[^\n]*\n)*table (\w+)`)
	seen := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(Schema, -1) {
		text, name := strings.TrimSuffix(m[1], "."), m[2]
		seen[name] = true
		info, ok := LookupMessageName(name)
		if !ok || info.Kind != KindRequest {
			t.Errorf("%s has a Permission comment but is not a request", name)
			continue
		}
		var want []string
		for _, p := range info.Allow {
			want = append(want, string(p))
		}
		got := strings.Split(text, " or ")
		if len(want) == 0 {
			want = []string{"none (always allowed)"}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the schema says %q, the registry %q", name, got, want)
		}
	}
	for _, m := range Messages() {
		if m.Kind == KindRequest && !seen[m.Name] {
			t.Errorf("request %s has no Permission comment in nanoapi.fbs", m.Name)
		}
	}
}
