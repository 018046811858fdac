package tomlerr

import (
	"testing"

	"github.com/pelletier/go-toml/v2/unstable"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		source string
		at     Pos
		msg    string
		want   string
	}{
		{"access.toml", Pos{3, 7}, "unknown key x", "access.toml:3:7: unknown key x"},
		{"access.toml", Pos{}, "cannot read the file: permission denied", "access.toml: cannot read the file: permission denied"},
		{"--config rpc.x=1", Pos{}, "unknown key rpc.x", "--config rpc.x=1: unknown key rpc.x"},
		{"", Pos{3, 7}, "port: 0 is out of range 1..65535", "port: 0 is out of range 1..65535"},
	}
	for _, tt := range tests {
		if got := Format(tt.source, tt.at, tt.msg); got != tt.want {
			t.Errorf("Format(%q, %v, %q) = %q, want %q", tt.source, tt.at, tt.msg, got, tt.want)
		}
	}
}

// TestLines: positions by offset agree with go-toml's own (Parser.Shape)
// for every node of a document, and a node without a range falls back.
func TestLines(t *testing.T) {
	data := []byte("a = 1\n\n[t]\nb = \"x\"\n  c = [1, 2]\nd = {e = true}\n")
	l := NewLines(data)
	for _, tt := range []struct {
		offset int
		want   Pos
	}{{0, Pos{1, 1}}, {4, Pos{1, 5}}, {5, Pos{1, 6}}, {6, Pos{2, 1}}, {7, Pos{3, 1}}, {len(data), Pos{7, 1}}} {
		if got := l.At(tt.offset); got != tt.want {
			t.Errorf("At(%d) = %v, want %v", tt.offset, got, tt.want)
		}
	}
	var p unstable.Parser
	p.Reset(data)
	n := 0
	var check func(node *unstable.Node)
	check = func(node *unstable.Node) {
		fallback := Pos{99, 99}
		got := l.Node(node, fallback)
		if node.Raw.Length == 0 {
			if got != fallback {
				t.Errorf("%s without a range: got %v, want the fallback", node.Kind, got)
			}
		} else {
			s := p.Shape(node.Raw).Start
			if want := (Pos{s.Line, s.Column}); got != want {
				t.Errorf("%s %q: Node = %v, go-toml says %v", node.Kind, node.Data, got, want)
			}
			n++
		}
		for it := node.Children(); it.Next(); {
			check(it.Node())
		}
	}
	for p.NextExpression() {
		check(p.Expression())
	}
	if err := p.Error(); err != nil {
		t.Fatal(err)
	}
	if n < 8 {
		t.Errorf("checked %d nodes with a range, want at least 8", n)
	}
}

func TestClosest(t *testing.T) {
	tests := []struct {
		name       string
		candidates []string
		want       string
	}{
		{"rol", []string{"role", "user"}, "role"},
		{"ROLE", []string{"role", "user"}, "role"},   // case is ignored
		{"role", []string{"role", "roles"}, "roles"}, // the name itself is skipped
		{"addres", []string{"address", "port"}, "address"},
		{"xyz", []string{"role", "user"}, ""}, // 3 edits: too far
		{"ab", []string{"xy"}, ""},            // as many edits as bytes
		{"a", []string{"b"}, ""},
		{"", []string{"a"}, ""},
		{"porrt", []string{"port", "part"}, "port"}, // the first of equals wins
		{"pert", []string{"part", "port"}, "part"},
		{string(make([]byte, 65)), []string{string(make([]byte, 64))}, ""}, // long: never close
	}
	for _, tt := range tests {
		if got := Closest(tt.name, tt.candidates...); got != tt.want {
			t.Errorf("Closest(%q, %q) = %q, want %q", tt.name, tt.candidates, got, tt.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	if got := DidYouMean("[[", "role", "]]"); got != " (did you mean [[role]]?)" {
		t.Errorf("DidYouMean = %q", got)
	}
	if got := DidYouMean("[[", "", "]]"); got != "" {
		t.Errorf("DidYouMean without a suggestion = %q, want \"\"", got)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"kitten", "sitting", 3},
		{"role", "roles", 1}, {"ab", "ba", 2}, {"same", "same", 0},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestBareValueHint(t *testing.T) {
	for _, tc := range []struct{ msg, line, want string }{
		{"unexpected character U+0079 'y' at start of value", "enable_control = yes", " (did you mean enable_control = true?)"},
		{"unexpected character U+0054 'T' at start of value", "  enable = True  # on", " (did you mean enable = true?)"},
		{"unexpected character U+006F 'o' at start of value", "enable=off", " (did you mean enable = false?)"},
		{"expected newline but got U+002E '.'", `address = 127.0.0.1`, ` (did you mean address = "127.0.0.1"? TOML strings are quoted)`},
		{"unexpected character U+0064 'd' at start of value", `level = debug # more`, ` (did you mean level = "debug"? TOML strings are quoted)`},
		{"expected newline but got U+0078 'x'", `a = "x" x`, ""},
		{"expected ']' to close table name", "[node.ipc", ""},
		{"unexpected character U+0079 'y' at start of value", "= yes", ""},
		{"unexpected character U+0079 'y' at start of value", "no equals sign", ""},
		{"strings must be quoted", "port = 7076x", ""},
	} {
		if got := BareValueHint(tc.msg, tc.line); got != tc.want {
			t.Errorf("BareValueHint(%q, %q) = %q, want %q", tc.msg, tc.line, got, tc.want)
		}
	}
}

func TestLineText(t *testing.T) {
	data := []byte("a = 1\nb = yes\n")
	for n, want := range map[int]string{0: "", 1: "a = 1", 2: "b = yes", 3: "", 4: ""} {
		if got := LineText(data, n); got != want {
			t.Errorf("LineText(%d) = %q, want %q", n, got, want)
		}
	}
}
