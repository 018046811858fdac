package ptree

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Strings with every class the renderer and parser treat specially.
var sampleStrings = []string{
	"", "a", "action", "nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3",
	"1000000000000000000000000000000", "true", "null", "-1.5e3",
	"a/b", `q"uote`, `back\slash`, "\b\f\n\r\t", "\x00\x01\x1f\x7f", " ",
	"é", "€uro", "😀", "\U0010FFFF", "\ufffd", "mixed é/\"😀\"\n\x00",
	"{}", "[]", ",:", "\\u0041",
}

func randString(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return sampleStrings[r.IntN(len(sampleStrings))]
	}
	n := r.IntN(12)
	var sb strings.Builder
	for range n {
		switch r.IntN(6) {
		case 0:
			sb.WriteByte(byte(r.IntN(0x80))) // any ASCII incl. controls
		case 1:
			sb.WriteRune(rune(0x80 + r.IntN(0x800-0x80)))
		case 2:
			c := rune(0x800 + r.IntN(0x10000-0x800))
			if c >= 0xD800 && c <= 0xDFFF {
				c = 'x'
			}
			sb.WriteRune(c)
		case 3:
			sb.WriteRune(rune(0x10000 + r.IntN(0x110000-0x10000)))
		default:
			sb.WriteByte(byte('a' + r.IntN(26)))
		}
	}
	return sb.String()
}

// randTree builds a tree that renders without loss: only leaves carry a
// Value, and all strings are valid UTF-8.
func randTree(r *rand.Rand, depth int) *Tree {
	t := New()
	if depth <= 0 || r.IntN(4) == 0 {
		t.Value = randString(r)
		return t
	}
	n := r.IntN(6)
	switch r.IntN(3) {
	case 0: // array
		for range n {
			t.Push(randTree(r, depth-1))
		}
	case 1: // object, possibly with duplicate and empty keys
		for range n {
			t.PutChild(randString(r), randTree(r, depth-1))
		}
	default: // object with plain keys
		for i := range n {
			t.PutChild(string(rune('a'+i)), randTree(r, depth-1))
		}
	}
	return t
}

func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		tr := randTree(r, 6)
		tr.Value = "" // the root's Value is not rendered
		for _, render := range []func([]byte, *Tree) []byte{AppendPretty, AppendCompact} {
			out := render(nil, tr)
			for _, c := range out {
				if c >= 0x80 {
					t.Fatalf("tree %d: output not ASCII: %q", i, out)
				}
			}
			back, err := Parse(out)
			if err != nil {
				t.Fatalf("tree %d: Parse(%q): %v", i, out, err)
			}
			// A root with no children parses back as an empty tree, and
			// so does a root that is a bare leaf: compare via dump, which
			// shows childless nodes by Value.
			want := tr
			if tr.IsLeaf() {
				want = New()
			}
			if !Equal(back, want) {
				t.Fatalf("tree %d: round trip changed the tree\n in %s\nout %s\nvia %q", i, dump(want), dump(back), out)
			}
			// Rendering is deterministic and idempotent.
			if again := render(nil, back); string(again) != string(out) {
				t.Fatalf("tree %d: re-render differs:\n%q\n%q", i, out, again)
			}
		}
	}
}
