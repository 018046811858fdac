package config

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

var update = flag.Bool("update", false, "rewrite the generated key tables in docs/CONFIG.md")

// countLeaves counts the scalar values of a decoded TOML document.
func countLeaves(m map[string]any) int {
	n := 0
	for _, v := range m {
		if sub, ok := v.(map[string]any); ok {
			n += countLeaves(sub)
		} else {
			n++
		}
	}
	return n
}

func TestGenerateRoundTrip(t *testing.T) {
	tests := []struct {
		kind, file string
		keys       int
		load       func(dir string) (any, error)
		want       any
	}{
		{"node", NodeFile, len(keyDocs(DefaultNode())), func(dir string) (any, error) { return LoadNode(dir, nil) }, DefaultNode()},
		{"rpc", RPCFile, len(keyDocs(DefaultRPC())), func(dir string) (any, error) { return LoadRPC(dir, nil) }, DefaultRPC()},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			text, err := Generate(tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			dir, _ := writeFile(t, tt.file, text)
			got, err := tt.load(dir)
			if err != nil {
				t.Fatalf("loading the generated file: %v\n%s", err, text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("generated file loads as %+v, want %+v", got, tt.want)
			}
			// Every key is written, each right under its comment.
			var m map[string]any
			if err := toml.Unmarshal([]byte(text), &m); err != nil {
				t.Fatal(err)
			}
			if n := countLeaves(m); n != tt.keys {
				t.Errorf("generated file has %d keys, want %d", n, tt.keys)
			}
			lines := strings.Split(text, "\n")
			for i, line := range lines {
				if strings.Contains(line, " = ") && !strings.HasPrefix(line, "#") {
					if i == 0 || !strings.HasPrefix(lines[i-1], "# ") {
						t.Errorf("line %d %q has no comment above it", i+1, line)
					}
				}
			}
		})
	}
}

// render writes any value, not only the defaults, so that it loads back.
func TestRenderRoundTrip(t *testing.T) {
	n := DefaultNode()
	n.Node.IPC.TCP.Port = 1234
	n.Node.IPC.Local.Path = "/tmp/with \"quotes\" and \\ and é"
	n.Node.Logging.Level = "debug"
	n.RPC.ChildProcess.RPCPath = "tab\there"
	n.Node.WebSocket.AllowedOrigins = []string{"[::1]:*", "*.example.com"}
	dir, _ := writeFile(t, NodeFile, render(n))
	got, err := LoadNode(dir, nil)
	if err != nil || !reflect.DeepEqual(got, n) {
		t.Errorf("LoadNode(render(n)) = %+v, %v; want %+v", got, err, n)
	}
}

func TestGenerateAccess(t *testing.T) {
	text, err := Generate("access")
	if err != nil {
		t.Fatal(err)
	}
	// As generated, the file is valid TOML with nothing in it.
	var m map[string]any
	if err := toml.Unmarshal([]byte(text), &m); err != nil || len(m) != 0 {
		t.Fatalf("generated access file decodes to %v, %v; want an empty document", m, err)
	}
	var sample []string
	for i, line := range strings.Split(text, "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "# ") || line == "#":
		case strings.HasPrefix(line, "#"):
			sample = append(sample, line[1:])
		default:
			t.Errorf("line %d is not commented out: %q", i+1, line)
		}
	}
	// Uncommented, the sample is a valid access file in the node's format.
	type entry struct {
		ID    string `toml:"id"`
		Roles string `toml:"roles"`
		Allow string `toml:"allow"`
		Deny  string `toml:"deny"`
		Bare  bool   `toml:"bare"`
	}
	var doc struct {
		Role []entry `toml:"role"`
		User []entry `toml:"user"`
	}
	if err := decodeStrict([]byte(strings.Join(sample, "\n")), &doc); err != nil {
		t.Fatalf("uncommented sample: %v\n%s", err, strings.Join(sample, "\n"))
	}
	if len(doc.Role) == 0 || len(doc.User) < 2 || doc.User[0].ID != "" {
		t.Errorf("sample has roles %+v, users %+v; want roles, and the default user first", doc.Role, doc.User)
	}
	roles := map[string]bool{}
	for _, r := range doc.Role {
		roles[r.ID] = true
		if r.Deny != "" || r.Roles != "" {
			t.Errorf("role %q has deny or roles", r.ID)
		}
	}
	for _, e := range append(doc.Role, doc.User...) {
		for _, list := range []string{e.Allow, e.Deny} {
			for p := range strings.SplitSeq(list, ",") {
				if p = strings.TrimSpace(p); p != "" && !slices.Contains(permissions(), p) {
					t.Errorf("%q uses unknown permission %q", e.ID, p)
				}
			}
		}
		for r := range strings.SplitSeq(e.Roles, ",") {
			if r = strings.TrimSpace(r); r != "" && !roles[r] {
				t.Errorf("%q uses unknown role %q", e.ID, r)
			}
		}
	}
	// The comment lists every permission.
	for _, p := range permissions() {
		if !strings.Contains(text, p) {
			t.Errorf("permission %s is not listed", p)
		}
	}
}

func TestGenerateUnknownKind(t *testing.T) {
	if _, err := Generate("tls"); errText(err) != `config: unknown kind "tls" (want node, rpc or access)` {
		t.Errorf("Generate(tls) error = %v", err)
	}
}

// docs/CONFIG.md holds the key tables rendered from the struct tags; run
// "go test ./internal/config -run TestConfigDoc -update" after changing a key.
func TestConfigDoc(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "CONFIG.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, sec := range []struct {
		name  string
		value any
	}{
		{"config-node.toml", DefaultNode()},
		{"config-rpc.toml", DefaultRPC()},
	} {
		begin := "<!-- BEGIN GENERATED KEYS " + sec.name + " -->\n"
		end := "<!-- END GENERATED KEYS " + sec.name + " -->"
		i, j := strings.Index(doc, begin), strings.Index(doc, end)
		if i < 0 || j < i {
			t.Fatalf("%s: no %q ... %q section", path, begin, end)
		}
		want := markdownTable(sec.value)
		if got := doc[i+len(begin) : j]; got != want {
			if !*update {
				t.Errorf("%s: the %s key table is out of date; run go test ./internal/config -run TestConfigDoc -update", path, sec.name)
				continue
			}
			doc = doc[:i+len(begin)] + want + doc[j:]
		}
	}
	if *update && doc != string(data) {
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
