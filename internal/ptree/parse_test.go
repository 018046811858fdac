package ptree

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// dump renders t unambiguously for test comparisons: a leaf is its quoted
// Value, any other node is (key:child,...) with quoted keys.
func dump(t *Tree) string {
	var sb strings.Builder
	dumpTo(&sb, t)
	return sb.String()
}

func dumpTo(sb *strings.Builder, t *Tree) {
	if t.IsLeaf() {
		sb.WriteString(strconv.Quote(t.Value))
		return
	}
	sb.WriteByte('(')
	first := true
	for k, v := range t.All() {
		if !first {
			sb.WriteByte(',')
		}
		first = false
		sb.WriteString(strconv.Quote(k))
		sb.WriteByte(':')
		dumpTo(sb, v)
	}
	sb.WriteByte(')')
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"block_count", `{"action":"block_count"}`, `("action":"block_count")`},
		{"account_weight", `{"action":"account_weight","account":"nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3"}`,
			`("action":"account_weight","account":"nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3")`},
		{"empty object", `{}`, `""`},
		{"empty array root", `[]`, `""`},
		{"array root", `[1, "a", true]`, `("":"1","":"a","":"true")`},
		{"whitespace", " \t\r\n{ \"a\" \n:\t\"b\" , \"c\":\"d\"\r\n}\n\t ", `("a":"b","c":"d")`},
		{"numbers keep source text", `{"a":10,"b":-0,"c":1.50,"d":-2E+03,"e":0.1e-7,"f":123456789012345678901234567890}`,
			`("a":"10","b":"-0","c":"1.50","d":"-2E+03","e":"0.1e-7","f":"123456789012345678901234567890")`},
		{"number equals string", `{"count":10}`, `("count":"10")`},
		{"literals", `{"t":true,"f":false,"n":null}`, `("t":"true","f":"false","n":"null")`},
		{"duplicates kept in order", `{"a":"1","b":"2","a":"3"}`, `("a":"1","b":"2","a":"3")`},
		{"nested", `{"a":{"b":"c"},"l":["x","y"],"e":"","o":{},"z":[]}`,
			`("a":("b":"c"),"l":("":"x","":"y"),"e":"","o":"","z":"")`},
		{"array of objects", `[{"a":1},{"b":[2,[3]]}]`, `("":("a":"1"),"":("b":("":"2","":("":"3"))))`},
		{"escapes", `{"s":"q\"b\\s\/b\bf\fn\nr\rt\t"}`, `("s":"q\"b\\s/b\bf\fn\nr\rt\t")`},
		{"unicode escapes", `{"s":"\u00e9\u00C9\u20AC\ud83d\ude00\u0000x"}`, `("s":"éÉ€😀\x00x")`},
		{"escaped key", `{"k\u0041\n":"v"}`, `("kA\n":"v")`},
		{"raw utf8", `{"s":"é€😀"}`, `("s":"é€😀")`},
		{"raw U+FFFD and DEL", "{\"s\":\"\uFFFD\x7f\"}", `("s":"�\x7f")`},
		{"slash", `{"s":"a/b"}`, `("s":"a/b")`},
		{"bom", "\xEF\xBB\xBF{\"a\":\"b\"}", `("a":"b")`},
		{"boost skips any 3 bytes after 0xEF", "\xEFxy{\"a\":\"b\"}", `("a":"b")`},
		{"empty key", `{"":"v"}`, `("":"v")`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := Parse([]byte(tc.in))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got := dump(tr); got != tc.want {
				t.Errorf("Parse(%q)\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ``},
		{"only whitespace", " \n\t"},
		{"not json", `not json`},
		{"scalar string root", `"abc"`},
		{"scalar number root", `10`},
		{"scalar literal root", `true`},
		{"bom then nothing", "\xEF\xBB\xBF"},
		{"bom with object eaten", "\xEF{}"},
		{"unterminated object", `{"a":"b"`},
		{"unterminated string", `{"a":"b}`},
		{"unterminated array", `["a"`},
		{"trailing comma object", `{"a":"b",}`},
		{"trailing comma array", `["a",]`},
		{"leading comma", `[,"a"]`},
		{"missing colon", `{"a" "b"}`},
		{"missing value", `{"a":}`},
		{"missing comma", `{"a":"b" "c":"d"}`},
		{"unquoted key", `{a:"b"}`},
		{"single quotes", `{'a':'b'}`},
		{"number key", `{1:"b"}`},
		{"comment", `{"a":"b" /* c */}`},
		{"line comment", "{\"a\":\"b\"} // c"},
		{"garbage after", `{"a":"b"}x`},
		{"second document", `{}{}`},
		{"nul after", "{}\x00"},
		{"mismatched close", `{"a":"b"]`},
		{"mismatched close array", `["a"}`},
		{"leading zero", `{"a":01}`},
		{"plus sign", `{"a":+1}`},
		{"bare minus", `{"a":-}`},
		{"dot without digits", `{"a":1.}`},
		{"leading dot", `{"a":.5}`},
		{"exponent without digits", `{"a":1e}`},
		{"exponent sign only", `{"a":1e+}`},
		{"hex number", `{"a":0x10}`},
		{"NaN", `{"a":NaN}`},
		{"Infinity", `{"a":Infinity}`},
		{"truncated true", `{"a":tru}`},
		{"True", `{"a":True}`},
		{"nul literal", `{"a":nul}`},
		{"raw newline in string", "{\"a\":\"b\nc\"}"},
		{"raw tab in string", "{\"a\":\"b\tc\"}"},
		{"raw NUL in string", "{\"a\":\"b\x00c\"}"},
		{"invalid escape", `{"a":"\x41"}`},
		{"escaped single quote", `{"a":"\'"}`},
		{"short unicode escape", `{"a":"\u12"}`},
		{"bad hex", `{"a":"\u12G4"}`},
		{"unicode escape at end", `{"a":"\u`},
		{"backslash at end", `{"a":"\`},
		{"stray low surrogate", `{"a":"\udc00"}`},
		{"lone high surrogate", `{"a":"\ud800"}`},
		{"high surrogate then char", `{"a":"\ud800x"}`},
		{"high surrogate then non-low", `{"a":"\ud800\u0041"}`},
		{"high surrogate then high", `{"a":"\ud800\ud800"}`},
		{"invalid utf8 byte", "{\"a\":\"\xff\"}"},
		{"truncated utf8", "{\"a\":\"\xc3\"}"},
		{"utf8 continuation alone", "{\"a\":\"\x80\"}"},
		{"overlong utf8", "{\"a\":\"\xc0\xaf\"}"},
		{"encoded surrogate", "{\"a\":\"\xed\xa0\x80\"}"},
		{"beyond U+10FFFF", "{\"a\":\"\xf4\x90\x80\x80\"}"},
		{"invalid utf8 in key", "{\"\xff\":\"b\"}"},
		{"non-ws control char", "\x0b{}"},
		{"form feed is not ws", "{}\f"},
		{"nbsp is not ws", "{}\u00a0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := Parse([]byte(tc.in))
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want error", tc.in, dump(tr))
			}
			if tr != nil {
				t.Errorf("Parse(%q) returned a tree with the error", tc.in)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("Parse(%q) error %v does not wrap ErrSyntax", tc.in, err)
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(tc.in) {
				t.Errorf("Parse(%q) error %#v: want *SyntaxError with an offset in the input", tc.in, err)
			}
			if !strings.HasPrefix(err.Error(), "ptree: ") {
				t.Errorf("error %q lacks the ptree: prefix", err)
			}
		})
	}
}

func TestParseErrorOffset(t *testing.T) {
	_, err := Parse([]byte(`{"a":"b",}`))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 9 || se.Msg != "expected key string" {
		t.Fatalf("got %#v, want offset 9 expected key string", err)
	}
	if got, want := err.Error(), "ptree: expected key string at offset 9"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestParseDepth(t *testing.T) {
	nest := func(n int, open, close string) []byte {
		return []byte(strings.Repeat(open, n) + strings.Repeat(close, n))
	}
	if _, err := Parse(nest(MaxDepth, "[", "]")); err != nil {
		t.Errorf("array depth %d: %v", MaxDepth, err)
	}
	// objects need an innermost value
	deepObj := strings.Repeat(`{"a":`, MaxDepth-1) + `{}` + strings.Repeat("}", MaxDepth-1)
	if _, err := Parse([]byte(deepObj)); err != nil {
		t.Errorf("object depth %d: %v", MaxDepth, err)
	}
	tooDeepObj := strings.Repeat(`{"a":`, MaxDepth) + `{}` + strings.Repeat("}", MaxDepth)
	if _, err := Parse([]byte(tooDeepObj)); !errors.Is(err, ErrSyntax) {
		t.Errorf("object depth %d: err = %v, want ErrSyntax", MaxDepth+1, err)
	}
	if _, err := Parse(nest(MaxDepth+1, "[", "]")); !errors.Is(err, ErrSyntax) {
		t.Errorf("array depth %d: err = %v, want ErrSyntax", MaxDepth+1, err)
	}
	// Far too deep and unterminated: must fail fast without deep recursion.
	if _, err := Parse([]byte(strings.Repeat("[", 1<<20))); !errors.Is(err, ErrSyntax) {
		t.Errorf("1M '[': err = %v", err)
	}
	// Many siblings at shallow depth are fine.
	wide := "[" + strings.Repeat("[],", 10000) + "[]]"
	tr, err := Parse([]byte(wide))
	if err != nil || tr.Len() != 10001 {
		t.Errorf("wide array: len %v err %v", tr, err)
	}
}

func TestParseAccessors(t *testing.T) {
	tr, err := Parse([]byte(`{"action":"accounts_balances","accounts":["nano_1","nano_2"],"count":10,"o":{"k":"v"},"action":"dup"}`))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := tr.Get("action"); !ok || v != "accounts_balances" {
		t.Errorf("Get(action) = %q, %v", v, ok)
	}
	if v, ok := tr.Get("count"); !ok || v != "10" {
		t.Errorf("Get(count) = %q, %v", v, ok)
	}
	if _, ok := tr.Get("accounts"); ok {
		t.Error("Get on an array child must report !ok")
	}
	if _, ok := tr.Get("missing"); ok {
		t.Error("Get(missing) ok")
	}
	if !tr.Has("o") || tr.Has("k") {
		t.Error("Has wrong")
	}
	accts, ok := tr.Child("accounts")
	if !ok || accts.Len() != 2 || accts.IsLeaf() {
		t.Fatalf("Child(accounts) = %v, %v", accts, ok)
	}
	var got []string
	accts.Each(func(k string, v *Tree) bool {
		if k != "" {
			t.Errorf("array element key %q", k)
		}
		got = append(got, v.Value)
		return true
	})
	if strings.Join(got, ",") != "nano_1,nano_2" {
		t.Errorf("Each = %v", got)
	}
	n := 0
	for range tr.All() {
		n++
		break
	}
	tr.Each(func(string, *Tree) bool { n++; return false })
	if n != 2 {
		t.Errorf("early stop: n = %d", n)
	}
	if tr.Len() != 5 {
		t.Errorf("Len = %d", tr.Len())
	}
	// Appending to a parsed node must not clobber its neighbours, which
	// share chunk storage.
	accts.PushValue("nano_3")
	o, _ := tr.Child("o")
	o.Put("k2", "v2")
	want := `("action":"accounts_balances","accounts":("":"nano_1","":"nano_2","":"nano_3"),"count":"10","o":("k":"v","k2":"v2"),"action":"dup")`
	if got := dump(tr); got != want {
		t.Errorf("after appends\n got %s\nwant %s", got, want)
	}
}

func TestParseDoesNotRetainInput(t *testing.T) {
	in := []byte(`{"action":"block_count","s":"a\nb"}`)
	tr, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		in[i] = 'X'
	}
	if got := dump(tr); got != `("action":"block_count","s":"a\nb")` {
		t.Errorf("tree changed with the input buffer: %s", got)
	}
}

func TestParseAllocs(t *testing.T) {
	in := []byte(smallRequest)
	n := testing.AllocsPerRun(100, func() {
		if _, err := Parse(in); err != nil {
			t.Fatal(err)
		}
	})
	if n > 3 {
		t.Errorf("Parse(small request) = %v allocs, want <= 3", n)
	}
}
