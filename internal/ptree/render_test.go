package ptree

import (
	"strings"
	"testing"
)

func TestAppendPrettyExamples(t *testing.T) {
	blockCount := New().Put("count", "1").Put("unchecked", "0").Put("cemented", "1")

	l := New()
	l.PushValue("x")
	l.PushValue("y")
	nested := New().
		PutChild("a", New().Put("b", "c")).
		PutChild("l", l).
		Put("e", "")

	deep := New().PutChild("a", New().PutChild("b", New().PutChild("c", New().Put("d", "e"))))

	arrOfObj := New()
	arrOfObj.Push(New().Put("k", "1"))
	arrOfObj.Push(New())
	arrOfArr := New()
	arrOfArr.Push(l)
	arrOfObj.Push(arrOfArr)

	rootArrayKeys := New()
	rootArrayKeys.PushValue("x")
	rootArrayKeys.PushValue("y")

	mixed := New().PutChild("m", New().Put("", "x").Put("k", "y"))

	withValues := &Tree{Value: "root value ignored"}
	withValues.PutChild("n", (&Tree{Value: "ignored"}).Put("k", "v"))

	tests := []struct {
		name string
		t    *Tree
		want string
	}{
		{"error", New().Put("error", "Unable to parse JSON"), "{\n    \"error\": \"Unable to parse JSON\"\n}\n"},
		{"block_count", blockCount, "{\n    \"count\": \"1\",\n    \"unchecked\": \"0\",\n    \"cemented\": \"1\"\n}\n"},
		{"nested", nested, `{
    "a": {
        "b": "c"
    },
    "l": [
        "x",
        "y"
    ],
    "e": ""
}
`},
		{"empty root", New(), "{\n}\n"},
		{"nil root", nil, "{\n}\n"},
		{"empty children render as strings", New().PutChild("history", New()).PutChild("representatives", nil).Put("success", ""),
			"{\n    \"history\": \"\",\n    \"representatives\": \"\",\n    \"success\": \"\"\n}\n"},
		{"deep", deep, `{
    "a": {
        "b": {
            "c": {
                "d": "e"
            }
        }
    }
}
`},
		{"array of objects and arrays", New().PutChild("r", arrOfObj), `{
    "r": [
        {
            "k": "1"
        },
        "",
        [
            [
                "x",
                "y"
            ]
        ]
    ]
}
`},
		{"root is always an object", rootArrayKeys, "{\n    \"\": \"x\",\n    \"\": \"y\"\n}\n"},
		{"mixed keys make an object", mixed, "{\n    \"m\": {\n        \"\": \"x\",\n        \"k\": \"y\"\n    }\n}\n"},
		{"values of nodes with children are ignored", withValues, "{\n    \"n\": {\n        \"k\": \"v\"\n    }\n}\n"},
		{"duplicate keys kept", New().Put("a", "1").Put("a", "2"), "{\n    \"a\": \"1\",\n    \"a\": \"2\"\n}\n"},
		{"escaped keys", New().Put("a/\"b\"", "c"), "{\n    \"a\\/\\\"b\\\"\": \"c\"\n}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(AppendPretty(nil, tc.t)); got != tc.want {
				t.Errorf("AppendPretty\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestAppendPrettyAppends(t *testing.T) {
	got := AppendPretty([]byte("prefix"), New().Put("a", "b"))
	if string(got) != "prefix{\n    \"a\": \"b\"\n}\n" {
		t.Errorf("got %q", got)
	}
}

func TestAppendPrettyDeepIndent(t *testing.T) {
	// Deeper than the 64-space indent constant.
	root := New()
	cur := root
	for range 20 {
		next := New()
		cur.PutChild("k", next)
		cur = next
	}
	cur.Put("leaf", "v")
	out := AppendPretty(nil, root)
	back, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if !Equal(back, root) {
		t.Errorf("deep tree did not round-trip:\n%s", out)
	}
	wantLine := "\n" + strings.Repeat(" ", 4*21) + "\"leaf\": \"v\"\n"
	if !strings.Contains(string(out), wantLine) {
		t.Errorf("missing %q in\n%s", wantLine, out)
	}
}

func TestAppendCompact(t *testing.T) {
	l := New()
	l.PushValue("x")
	l.PushValue("y")
	tests := []struct {
		name string
		t    *Tree
		want string
	}{
		{"object and array", New().Put("a", "b").PutChild("l", l), `{"a":"b","l":["x","y"]}` + "\n"},
		{"empty", New(), "{}\n"},
		{"nested", New().PutChild("o", New().PutChild("p", New().Put("q", "1/2"))).PutChild("e", New()),
			`{"o":{"p":{"q":"1\/2"}},"e":""}` + "\n"},
		{"send with id", New().Put("action", "send").Put("amount", "1").Put("id", "abc"),
			`{"action":"send","amount":"1","id":"abc"}` + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(AppendCompact(nil, tc.t)); got != tc.want {
				t.Errorf("AppendCompact\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain text 123 !#$%&'()*+,-.:;<=>?@[]^_`{|}~", `"plain text 123 !#$%&'()*+,-.:;<=>?@[]^_` + "`{|}~\""},
		{`"`, `"\""`},
		{`\`, `"\\"`},
		{"/", `"\/"`},
		{"a/b", `"a\/b"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00", `"\u0000"`},
		{"\x01\x07\x0b\x0e\x1a\x1f", `"\u0001\u0007\u000B\u000E\u001A\u001F"`},
		{"\x7f", "\"\x7f\""}, // boost writes DEL raw
		{" ", `" "`},
		{"é", `"\u00E9"`},
		{"\u00ff", `"\u00FF"`},
		{"€", `"\u20AC"`},
		{"\uffff", `"\uFFFF"`},
		{"\ufffd", `"\uFFFD"`},
		{"😀", `"\uD83D\uDE00"`},
		{"\U0010FFFF", `"\uDBFF\uDFFF"`},
		{"\U00010000", `"\uD800\uDC00"`},
		{"a\xffb", `"a\uFFFDb"`},
		{"\xc3", `"\uFFFD"`},
		{"\xc3(", `"\uFFFD("`},
		{"\xed\xa0\x80", `"\uFFFD\uFFFD\uFFFD"`},
		{"\xc0\xaf", `"\uFFFD\uFFFD"`},
		{"nano_1/é\"x\"\n", `"nano_1\/\u00E9\"x\"\n"`},
	}
	for _, tc := range tests {
		got := string(appendString(nil, tc.in))
		if got != tc.want {
			t.Errorf("appendString(%q) = %s, want %s", tc.in, got, tc.want)
		}
		for i := 0; i < len(got); i++ {
			if got[i] >= 0x80 {
				t.Errorf("appendString(%q) = %q is not ASCII", tc.in, got)
				break
			}
		}
	}
	// Every single byte value.
	for c := 0; c < 256; c++ {
		got := string(appendString(nil, string([]byte{byte(c)})))
		var want string
		switch {
		case c == '"' || c == '\\' || c == '/':
			want = `"\` + string(rune(c)) + `"`
		case c == '\b':
			want = `"\b"`
		case c == '\f':
			want = `"\f"`
		case c == '\n':
			want = `"\n"`
		case c == '\r':
			want = `"\r"`
		case c == '\t':
			want = `"\t"`
		case c < 0x20:
			want = `"\u00` + string("0123456789ABCDEF"[c>>4]) + string("0123456789ABCDEF"[c&15]) + `"`
		case c < 0x80:
			want = `"` + string(rune(c)) + `"`
		default:
			want = `"\uFFFD"`
		}
		if got != want {
			t.Errorf("byte %#x: got %s, want %s", c, got, want)
		}
	}
}

func TestErrorReply(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Unable to parse JSON", "{\n    \"error\": \"Unable to parse JSON\"\n}\n"},
		{"Unknown command", "{\n    \"error\": \"Unknown command\"\n}\n"},
		{"a/b \"é\"", "{\n    \"error\": \"a\\/b \\\"\\u00E9\\\"\"\n}\n"},
	}
	for _, tc := range tests {
		if got := string(ErrorReply(tc.in)); got != tc.want {
			t.Errorf("ErrorReply(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got, want := string(ErrorReply(tc.in)), string(AppendPretty(nil, New().Put("error", tc.in))); got != want {
			t.Errorf("ErrorReply(%q) differs from AppendPretty: %q vs %q", tc.in, got, want)
		}
	}
}

func TestBuilders(t *testing.T) {
	r := New().Put("a", "1").Put("b", "2").Put("a", "3")
	r.Set("a", "x")   // replaces the first a
	r.Set("new", "n") // appends
	sub := New().Put("k", "v")
	r.PutChild("s", sub)
	sub.Put("k2", "v2") // PutChild attaches, it does not copy
	r.Set("s", "flat")  // Set drops the subtree's children
	if got, want := dump(r), `("a":"x","b":"2","a":"3","new":"n","s":"flat")`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	var zero Tree
	zero.Put("z", "1")
	if v, ok := zero.Get("z"); !ok || v != "1" {
		t.Error("zero Tree not usable")
	}
	if !Equal(nil, nil) || Equal(New(), nil) || !Equal(New(), &Tree{}) || Equal(New().Put("a", "1"), New().Put("b", "1")) ||
		Equal(New().Put("a", "1"), New().Put("a", "2")) || Equal(New().Put("a", "1"), New()) {
		t.Error("Equal wrong")
	}
}

func TestAppendPrettyAllocs(t *testing.T) {
	r := smallReply()
	buf := make([]byte, 0, 256)
	n := testing.AllocsPerRun(100, func() {
		buf = AppendPretty(buf[:0], r)
	})
	if n != 0 {
		t.Errorf("AppendPretty into a large enough buffer: %v allocs, want 0", n)
	}
}
