package config

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzLoadNode feeds arbitrary bytes as config-node.toml. Loading never
// panics; it returns either errors that are all *Error values naming the
// file, or a valid Node that renders to a file loading back to itself.
func FuzzLoadNode(f *testing.F) {
	for _, kind := range []string{"node", "rpc"} {
		text, _ := Generate(kind)
		f.Add([]byte(text))
	}
	f.Add([]byte("[node.ipc.local]\n[node.ipc.tcp]\n[rpc]\n[rpc.child_process]\n"))
	f.Add([]byte("node.ipc.tcp = { port = 7078, address = \"::1\" }\n"))
	f.Add([]byte("[node.ipc.tcp]\nprot = 1\n"))
	f.Add([]byte("[node.ipc.tcp]\nport = \"x\"\n"))
	f.Add([]byte("[[node]]\n"))
	f.Add([]byte("[node.ipc.local]\npath = \"\\u0000\"\n"))
	f.Add([]byte("[node.websocket]\nallowed_origins = [\"a.example\", \"https://*.b.example:*\"]\n"))
	f.Add([]byte("[node.websocket]\nallowed_origins = []\n"))
	const path = "/data/config-node.toml"
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := parseNode(path, data, nil)
		if err != nil {
			for _, e := range splitErrors(err) {
				ce, ok := errors.AsType[*Error](e)
				if !ok || ce.Source != path {
					t.Fatalf("error %v (%T) does not name the file", e, e)
				}
			}
			if !reflect.DeepEqual(n, Node{}) {
				t.Fatalf("failed load returned %+v", n)
			}
			return
		}
		if err := n.Validate(); err != nil {
			t.Fatalf("loaded config does not validate: %v", err)
		}
		again, err := parseNode(path, []byte(render(n)), nil)
		if err != nil || !reflect.DeepEqual(again, n) {
			t.Fatalf("render round trip: %+v, %v; want %+v", again, err, n)
		}
	})
}
