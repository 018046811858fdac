package node_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

// transcript is one parsed transcript file; the format is described at the
// top of transcript_test.go.
type transcript struct {
	path          string
	enableControl bool
	freshNode     bool
	exchanges     []exchange
}

// exchange is one request and what its reply must be.
type exchange struct {
	line     int
	request  string
	reply    string    // the exact reply ('<--', '<-|'), or
	contains string    // text the reply must contain ('<~~')
	captures []capture // reply members stored for later lines ('<==')
}

// capture is one '<== name member' line.
type capture struct {
	line         int
	name, member string
}

// predefinedNames may be used as {{name}} without being captured.
var predefinedNames = []string{"genesis_wallet"}

func readTranscript(t *testing.T, path string) *transcript {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr, err := parseTranscript(path, f)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// parseTranscript reads a transcript; an error names the file and line.
func parseTranscript(path string, r io.Reader) (*transcript, error) {
	p := transcriptParser{tr: &transcript{path: path}, known: map[string]bool{}}
	for _, name := range predefinedNames {
		p.known[name] = true
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if err := p.line(n, sc.Text()); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p.tr, nil
}

type transcriptParser struct {
	tr    *transcript
	known map[string]bool // the names captured so far, and the predefined ones
}

func (p *transcriptParser) line(n int, line string) error {
	op, arg, spaced := strings.Cut(line, " ")
	switch {
	case line == "" || strings.HasPrefix(line, "#"):
		return nil
	case strings.HasPrefix(line, "!"):
		return p.directive(line)
	case op == "-->" && spaced:
		p.tr.exchanges = append(p.tr.exchanges, exchange{line: n, request: arg})
		return p.checkNames(arg)
	case op == "<--":
		return p.reply(arg + "\n")
	case op == "<-|" && spaced:
		return p.reply(arg)
	case op == "<~~" && spaced:
		return p.contains(arg)
	case op == "<==" && spaced:
		return p.capture(n, arg)
	}
	return fmt.Errorf("cannot read %q", line)
}

func (p *transcriptParser) directive(line string) error {
	if len(p.tr.exchanges) > 0 {
		return fmt.Errorf("%s after the first request", line)
	}
	switch line {
	case "!enable_control":
		p.tr.enableControl = true
	case "!fresh_node":
		p.tr.freshNode = true
	default:
		return fmt.Errorf("unknown directive %q", line)
	}
	return nil
}

// last is the exchange a reply or capture line belongs to.
func (p *transcriptParser) last() (*exchange, error) {
	if len(p.tr.exchanges) == 0 {
		return nil, errors.New("reply before any request")
	}
	return &p.tr.exchanges[len(p.tr.exchanges)-1], nil
}

func (p *transcriptParser) reply(text string) error {
	ex, err := p.last()
	if err != nil {
		return err
	}
	if ex.contains != "" {
		return errors.New("an exact reply line after '<~~'")
	}
	ex.reply += text
	return p.checkNames(text)
}

func (p *transcriptParser) contains(text string) error {
	ex, err := p.last()
	if err != nil {
		return err
	}
	if ex.reply != "" || ex.contains != "" || text == "" {
		return errors.New("'<~~ text' must be the only reply line, with some text")
	}
	ex.contains = text
	return p.checkNames(text)
}

func (p *transcriptParser) capture(n int, arg string) error {
	ex, err := p.last()
	if err != nil {
		return err
	}
	f := strings.Fields(arg)
	if len(f) != 2 || strings.ContainsAny(f[0], "{}") {
		return errors.New("want '<== name member'")
	}
	ex.captures = append(ex.captures, capture{line: n, name: f[0], member: f[1]})
	p.known[f[0]] = true
	return nil
}

// checkNames fails if s uses a name not captured before it.
func (p *transcriptParser) checkNames(s string) error {
	_, err := expand(s, func(name string) (string, bool) { return "", p.known[name] })
	return err
}

// expand replaces every {{name}} in s with value(name), which reports
// whether name has a value.
func expand(s string, value func(name string) (string, bool)) (string, error) {
	var b strings.Builder
	for {
		before, after, ok := strings.Cut(s, "{{")
		if !ok {
			b.WriteString(s)
			return b.String(), nil
		}
		name, rest, ok := strings.Cut(after, "}}")
		if !ok {
			return "", fmt.Errorf("unterminated {{ in %q", s)
		}
		v, ok := value(name)
		if !ok {
			return "", fmt.Errorf("{{%s}} is not captured on an earlier line", name)
		}
		b.WriteString(before + v)
		s = rest
	}
}

// mustExpand expands s, a text of the exchange at line, with vars.
func (tr *transcript) mustExpand(t *testing.T, line int, s string, vars map[string]string) string {
	t.Helper()
	v, err := expand(s, func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	})
	if err != nil {
		t.Fatalf("%s:%d: %v", tr.path, line, err)
	}
	return v
}

// store puts the members ex captures from reply into vars.
func (tr *transcript) store(ex exchange, reply []byte, vars map[string]string) error {
	if len(ex.captures) == 0 {
		return nil
	}
	var m any
	if err := json.Unmarshal(reply, &m); err != nil {
		return fmt.Errorf("%s:%d: reply %q: %v", tr.path, ex.captures[0].line, reply, err)
	}
	for _, c := range ex.captures {
		v, ok := memberAt(m, c.member).(string)
		if !ok {
			return fmt.Errorf("%s:%d: reply %q has no string member %q", tr.path, c.line, reply, c.member)
		}
		vars[c.name] = v
	}
	return nil
}

// memberAt follows a dotted path into a decoded reply: object members by
// name, array elements by index ("confirmations.0.time"); nil if absent.
func memberAt(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func TestParseTranscript(t *testing.T) {
	const good = `!enable_control
# a comment
--> {"action": "wallet_create"}
<== w wallet
<-- {
<--     "wallet": "{{w}}"
<-- }
--> {"wallet": "{{w}}", "genesis": "{{genesis_wallet}}"}
<~~ "error"
`
	tr, err := parseTranscript("good.txt", strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if !tr.enableControl || tr.freshNode || len(tr.exchanges) != 2 {
		t.Fatalf("got %+v", tr)
	}
	first := tr.exchanges[0]
	if first.line != 3 || first.reply != "{\n    \"wallet\": \"{{w}}\"\n}\n" || len(first.captures) != 1 || first.captures[0] != (capture{4, "w", "wallet"}) {
		t.Errorf("first exchange: %+v", first)
	}
	if second := tr.exchanges[1]; second.line != 8 || second.contains != `"error"` || second.reply != "" {
		t.Errorf("second exchange: %+v", second)
	}
	vars := map[string]string{}
	if err := tr.store(first, []byte(`{"wallet": "W1"}`), vars); err != nil || vars["w"] != "W1" {
		t.Errorf("store: %v, %v", err, vars)
	}
	if err := tr.store(first, []byte(`{"error": "x"}`), vars); err == nil || !strings.HasPrefix(err.Error(), "good.txt:4: ") {
		t.Errorf("store of a reply without the member: %v", err)
	}

	for _, tt := range []struct{ text, want string }{
		{"--> {}\n<-- {}\nbogus\n", "bad.txt:3: "},
		{"<-- {}\n", "bad.txt:1: "},
		{"--> {}\n<== w wallet\n\n--> {\"w\": \"{{v}}\"}\n", "bad.txt:4: "},
		{"--> {\"w\": \"{{w}}\"}\n<== w wallet\n", "bad.txt:1: "},
		{"--> {}\n<== w\n", "bad.txt:2: "},
		{"--> {}\n<-- {{w\n", "bad.txt:2: "},
		{"--> {}\n<-- {}\n<~~ x\n", "bad.txt:3: "},
		{"--> {}\n!enable_control\n", "bad.txt:2: "},
		{"!bogus\n", "bad.txt:1: "},
	} {
		_, err := parseTranscript("bad.txt", strings.NewReader(tt.text))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want an error at %s", tt.text, err, tt.want)
		}
	}
}

func TestMemberAt(t *testing.T) {
	var reply any
	if err := json.Unmarshal([]byte(`{"a": "1", "list": [{"b": "2"}], "obj": {"c": "3"}}`), &reply); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want any
	}{
		{"a", "1"}, {"list.0.b", "2"}, {"obj.c", "3"},
		{"list.1.b", nil}, {"list.x", nil}, {"list.-1", nil}, {"a.b", nil}, {"missing", nil},
	}
	for _, tt := range tests {
		if got := memberAt(reply, tt.path); got != tt.want {
			t.Errorf("memberAt(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
