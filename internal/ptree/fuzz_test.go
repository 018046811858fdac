package ptree

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// surrogateEscape matches a \u escape of a UTF-16 surrogate, which
// encoding/json accepts unpaired but boost (and Parse) reject.
var surrogateEscape = regexp.MustCompile(`\\u[dD][89a-fA-F]`)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"action":"block_count"}`,
		smallRequest,
		mediumRequest,
		`{"a":{"b":{"c":[1,[2,[3,{}]],[]]}},"e":""}`,
		`["x",{"k":null},true,false,-0.5e+10]`,
		`{"s":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}`,
		"\xEF\xBB\xBF{\"a\":\"b\"}",
		`{"a":"b",}`,
		`{"a":01}`,
		`{"a":"\ud800"}`,
		"{\"a\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := Parse(data)

		// Every prefix and suffix split must parse or fail without panic.
		half := len(data) / 2
		Parse(data[:half])
		Parse(data[half:])

		if err != nil {
			if tr != nil || !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse error %v with tree %v", err, tr)
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(data) {
				t.Fatalf("bad error %#v", err)
			}
			// Anything encoding/json accepts as valid UTF-8 with an
			// object or array root must be accepted too, barring the
			// documented differences.
			trimmed := bytes.TrimLeft(data, " \t\r\n")
			if json.Valid(data) && utf8.Valid(data) && len(data) > 0 && data[0] != 0xEF &&
				len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') &&
				!surrogateEscape.Match(data) && !strings.HasPrefix(se.Msg, "nesting") &&
				!strings.HasPrefix(se.Msg, "too many values") {
				t.Fatalf("Parse(%q) = %v, but encoding/json accepts it", data, err)
			}
			return
		}

		body := data
		if len(body) > 0 && body[0] == 0xEF {
			body = body[min(3, len(body)):]
		}
		if !json.Valid(body) {
			t.Fatalf("Parse accepted %q, which encoding/json rejects", data)
		}
		for _, render := range []func([]byte, *Tree) []byte{AppendPretty, AppendCompact} {
			out := render(nil, tr)
			for _, c := range out {
				if c >= utf8.RuneSelf {
					t.Fatalf("non-ASCII output %q", out)
				}
			}
			if !json.Valid(out) {
				t.Fatalf("rendered invalid JSON %q", out)
			}
			back, err := Parse(out)
			if err != nil {
				t.Fatalf("re-parse of %q: %v", out, err)
			}
			if !Equal(tr, back) {
				t.Fatalf("round trip changed the tree\n in %s\nout %s", dump(tr), dump(back))
			}
		}
	})
}

// FuzzScan checks the validating scan against the builder (the same
// decision and error, but for MaxValues) and against encoding/json's
// Valid where boost's rules and RFC 8259 agree: valid UTF-8, no BOM, an
// object or array root, no \u escape of a surrogate, not deeper than
// MaxDepth.
func FuzzScan(f *testing.F) {
	for _, s := range []string{
		`{"action":"block_count","x":[1,1,1]}`,
		mediumRequest,
		`{"a":[{"b":[]},{}],"c":{"d":"\n\u00e9"}}`,
		`[[],[[]],{"":""}]`,
		`{"a":[1,2,}`,
		`{"a":"\q"}`,
		`{"a" 1}`,
		` [ 1 , -0.5e7 , true , false , null ] `,
		`{"a":tru}`,
		"\xEF\xBB\xBF[1]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := parser{s: string(data), scan: true}
		err := sc.document(nil, nil)
		_, perr := Parse(data)
		switch {
		case err != nil && (perr == nil || perr.Error() != err.Error()):
			t.Fatalf("scan: %v, Parse: %v", err, perr)
		case err == nil && perr != nil && sc.values <= MaxValues(len(data)):
			t.Fatalf("scan accepted %d values, Parse: %v", sc.values, perr)
		}
		if err != nil && strings.HasPrefix(err.(*SyntaxError).Msg, "nesting") {
			return
		}
		trimmed := bytes.TrimLeft(data, " \t\r\n")
		if !utf8.Valid(data) || len(trimmed) == 0 || data[0] == 0xEF ||
			(trimmed[0] != '{' && trimmed[0] != '[') || surrogateEscape.Match(data) {
			return
		}
		if ok := json.Valid(data); ok != (err == nil) {
			t.Fatalf("scan(%q) = %v, encoding/json Valid = %v", data, err, ok)
		}
	})
}
