package fbjson

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
)

const burn = "nano_1111111111111111111111111111111111111111111111111111hifc8npp"

// Rejections, byte-exact. The §4.3 examples and the §4.2 rows with a
// position in the spec are the node's real output; the other columns follow
// the rule of §4.3 (bytes from the line start to just after the look-ahead
// token; for table-level errors, the token after the table's '}') and were
// worked out by hand from it.
var rejections = []struct {
	name, in string
	strict   bool // RejectUnknownFields
	want     string
}{
	// spec §4.3 (and §11.3 tests 14, 16, 17, 38)
	{"§4.3 AccountWeight without account", `{"message_type": "AccountWeight", "message": {}}`, false,
		"1: 48: error: required field is missing: account in AccountWeight"},
	{"§4.3 multi-line", "{ \n    \"message_type\" : \"AccountWeight\", \n    \"message\": {}\n}", false,
		"4: 1: error: required field is missing: account in AccountWeight"},
	{"§4.3 ServiceStop without name", `{"message_type": "ServiceStop", "message": {}}`, false,
		"1: 46: error: required field is missing: service_name in ServiceStop"},
	{"§4.3 type not the next key", `{"message": {"account":"x"}, "credentials": "abc", "message_type": "AccountWeight"}`, false,
		"1: 43: error: missing type field for this union value: message"},
	{"§4.3 unknown type name", `{"message_type": "Bogus", "message": {}}`, false,
		"1: 24: error: unknown enum value: Bogus"},
	{"§4.3 /api/v2/IsAlive empty body", `{"message_type": "IsAlive", "message": }`, false,
		"1: 40: error: expecting: { instead got: }"},

	// spec §4.2, row by row
	{"unquoted key", `{message_type: "IsAlive"}`, false,
		"1: 13: error: expecting: string constant instead got: message_type"},
	{"trailing comma", `{"message_type": "IsAlive",}`, false,
		"1: 28: error: expecting: string constant instead got: }"},
	{"trailing comma in a vector", `{"message_type": "TopicConfirmation", "message": {"options": {"accounts": ["a",]}}}`, false,
		"1: 80: error: expecting: string constant instead got: ]"},
	{"NONE with a message", `{"message_type": "NONE", "message": {}}`, false,
		"1: 37: error: illegal type id for: message"},
	{"out-of-range type id", `{"message_type": 99, "message": {}}`, false,
		"1: 33: error: illegal type id for: message"},
	{"type id too big for a byte", `{"message_type": 300, "message": {}}`, false,
		`1: 34: error: invalid number: "300", constant does not fit [0; 255]`},
	{"unknown field (strict)", `{"foo": 1, "message_type": "IsAlive"}`, true,
		"1: 9: error: unknown field: foo"},
	{"null for a required string", `{"message_type": "AccountWeight", "message": {"account": null}}`, false,
		"1: 63: error: required field is missing: account in AccountWeight"},
	{"null for a scalar", `{"time": null}`, false,
		`1: 14: error: invalid number: "null"`},
	{"unknown enum value", `{"message_type": "BlockInfo", "message": {"block_type": "BlockState", "block": {"subtype": "sideways"}}}`, false,
		"1: 101: error: unknown enum value: sideways"},
	{"integer for a string", `{"credentials": 123}`, false,
		"1: 19: error: expecting: string constant instead got: integer constant"},
	{"bool for a string", `{"credentials": true}`, false,
		"1: 20: error: expecting: string constant instead got: true"},
	{"negative for ulong", `{"time": -1}`, false,
		`1: 12: error: invalid number: "-1", constant does not fit [0; 18446744073709551615]`},
	{"ulong overflow", `{"time": 18446744073709551616}`, false,
		`1: 30: error: invalid number: "18446744073709551616", constant does not fit [0; 18446744073709551615]`},
	{"int overflow", `{"message_type": "Error", "message": {"code": 2147483648}}`, false,
		`1: 58: error: invalid number: "2147483648", constant does not fit [-2147483648; 2147483647]`},
	{"float for an integer", `{"time": 1.5}`, false,
		"1: 12: error: Cannot assign token starting with 'float constant' to value of <ulong> type."},
	{"float for a union type", `{"message_type": 1.5}`, false,
		"1: 20: error: Cannot assign token starting with 'float constant' to value of <> type."},
	{"field twice", `{"message_type": "AccountWeight", "message": {"account": "a", "account": "b"}}`, false,
		"1: 77: error: field set more than once: account"},
	{"trailing garbage", `{"message_type": "IsAlive", "message": {}} trailing`, false,
		"1: 51: error: expecting: end of file instead got: trailing"},
	{"second object", `{} {`, false,
		"1: 4: error: expecting: end of file instead got: {"},
	{"empty body", ``, false,
		"1: 0: error: input file is empty"},
	{"only whitespace and comments", "  // nothing\n  /* here */ ", false,
		"2: 13: error: input file is empty"},
	{"array", `[1]`, false,
		"1: 1: error: declaration expected"},
	{"not json", `not json`, false,
		"1: 3: error: declaration expected"},
	{"depth 65", `{"a":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`, false,
		"1: 69: error: maximum parsing depth 65 reached"},
	{"invalid UTF-8", "{\"credentials\": \"\xff\"}", false,
		"1: 19: error: illegal UTF-8 sequence"},
	{"invalid UTF-8 by escape", `{"credentials": "\xc3"}`, false,
		"1: 22: error: illegal UTF-8 sequence"},
	{"raw control character", "{\"credentials\": \"a\x01\"}", false,
		"1: 18: error: illegal character in string constant"},
	{"unterminated string", `{"credentials": "abc`, false,
		"1: 20: error: illegal character in string constant"},

	// more of flatbuffers' messages
	{"message without type", `{"message": {}}`, false,
		"1: 15: error: expecting: , instead got: }"},
	{"bad escape", `{"credentials": "\q"}`, false,
		"1: 18: error: unknown escape code in string constant"},
	{"short \\u", `{"credentials": "\u12"}`, false,
		"1: 19: error: escape code must be followed by 4 hex digits"},
	{"lone low surrogate", `{"credentials": "\udc00"}`, false,
		"1: 23: error: illegal Unicode sequence (unpaired low surrogate)"},
	{"lone high surrogate", `{"credentials": "\ud800x"}`, false,
		"1: 23: error: illegal Unicode sequence (unpaired high surrogate)"},
	{"illegal character", `{"credentials" # }`, false,
		"1: 16: error: illegal character: #"},
	{"non-ASCII outside a string", "{\"credentials\": é}", false,
		"1: 17: error: illegal character: code: -61"},
	{"lone minus", `{"time": -}`, false,
		"1: 10: error: invalid number: -"},
	{"unterminated comment", `{ /* `, false,
		"1: 5: error: end of file in comment"},
	{"doc comment after a token", "{ /// x\n}", false,
		"1: 7: error: a documentation comment should be on a line on its own"},
	{"block comment newline (column counts from the newline itself)", "{\"time\": /* a\nb */ x}", false,
		"2: 7: error: enum values need to be qualified by an enum type"},
	{"unqualified enum for an integer", `{"time": "abc"}`, false,
		"1: 14: error: enum values need to be qualified by an enum type"},
	{"qualified enum for an integer", `{"time": "BlockSubType.send"}`, false,
		"1: 28: error: unknown enum: BlockSubType"},
	{"escaped string for a scalar", `{"time": "\u0031"}`, false,
		"1: 17: error: type mismatch or invalid value, an initializer of non-string field must be trivial ASCII string: type: ulong, name: time, value: 1"},
	{"bool out of range", `{"message_type": "ServiceStop", "message": {"service_name": "x", "restart": 256}}`, false,
		`1: 81: error: invalid number: "256", constant does not fit [0; 255]`},
	{"string for a table", `{"message_type": "IsAlive", "message": "x"}`, false,
		"1: 42: error: expecting: { instead got: string constant"},
	{"wrong array arity", `{"message_type": "AccountWeight", "message": []}`, false,
		"1: 48: error: wrong number of unnamed fields in table vector"},
	{"skipped garbage", `{"foo": [1, }`, false,
		"1: 13: error: cannot parse value starting with: }"},
	{"$schema must be a string", `{"$schema": 1}`, false,
		"1: 13: error: expecting: string constant instead got: integer constant"},
	{"conversion function", `{"time": sin(1)}`, false,
		"1: 12: error: sin: type of argument mismatch, expecting: double, found: ulong, name: time, value: 0"},
	{"sign without a name", `{"time": -{}`, false,
		"1: 10: error: invalid number: -"},
	{"invalid BOM", "\xef\xbbx{}", false,
		"1: 2: error: invalid utf-8 byte order mark"},
	{"spaces for a number", `{"time": "   "}`, false,
		`1: 15: error: invalid number: "   "`},
	{"empty string for a number", `{"time": ""}`, false,
		`1: 12: error: invalid number: ""`},
	{"inner space in a number", `{"time": "1 2"}`, false,
		`1: 15: error: invalid number: "1 2"`},
	{"hex without digits", `{"time": 0x}`, false,
		"1: 11: error: invalid number: 0x"},
	{"vector for a scalar", `{"time": [1]}`, false,
		"1: 10: error: Cannot assign token starting with '[' to value of <ulong> type."},
	{"table given a vector value", `{"message_type": "TopicConfirmation", "message": {"options": {"accounts": "a"}}}`, false,
		"1: 77: error: expecting: [ instead got: string constant"},
}

func TestRejections(t *testing.T) {
	for _, c := range rejections {
		_, err := Parse([]byte(c.in), Options{RejectUnknownFields: c.strict})
		pe, ok := errors.AsType[*ParseError](err)
		if !ok {
			t.Errorf("%s: %q: got %v, want %q", c.name, c.in, err, c.want)
			continue
		}
		if pe.Error() != c.want {
			t.Errorf("%s: %q\n got %q\nwant %q", c.name, c.in, pe.Error(), c.want)
		}
		if got, want := pe.APIError().Message, "Invalid message format: "+c.want; got != want || pe.APIError().Code != 1 {
			t.Errorf("%s: APIError %q", c.name, got)
		}
	}
}

func TestErrorLine(t *testing.T) {
	_, err := Parse([]byte(`{"message_type": "AccountWeight", "message": {}}`), Options{})
	want := `{"message_type": "Error", "message": {"code": 1, "message": "Invalid message format: 1: 48: error: required field is missing: account in AccountWeight"}}`
	if got := string(ErrorReply(err)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// nipc escapes what the node would insert raw (a documented deviation).
	if got := string(ErrorLine("a \"q\" \\ \n é")); got != `{"message_type": "Error", "message": {"code": 1, "message": "a \"q\" \\ \n \u00E9"}}` {
		t.Errorf("escaping: %s", got)
	}
	if got := string(ErrorReply(errors.New("secret internal detail"))); !strings.Contains(got, `"Unknown exception"`) {
		t.Errorf("internal error: %s", got)
	}
	if got := string(ErrorReply(api.ErrVerify)); !strings.Contains(got, `"Envelope buffer did not pass verifier"`) {
		t.Errorf("api error: %s", got)
	}
}

func parseOK(t *testing.T, in string, opts Options) *fb.EnvelopeT {
	t.Helper()
	env, err := ParseEnvelope([]byte(in), opts)
	if err != nil {
		t.Fatalf("%q: %v", in, err)
	}
	return env
}

func TestAcceptance(t *testing.T) {
	aw := func(env *fb.EnvelopeT) string {
		if env.Message == nil || env.Message.Type != fb.MessageAccountWeight {
			return "<not AccountWeight>"
		}
		return env.Message.Value.(*fb.AccountWeightT).Account
	}
	for _, in := range []string{
		`{"message_type": "AccountWeight", "message": {"account": "` + burn + `"}}`,
		`{"message_type": 6, "message": {"account": "` + burn + `"}}`,
		`{"message_type": "6", "message": {"account": "` + burn + `"}}`,
		`{"message_type": "0x6", "message": {"account": "` + burn + `"}}`,
		`{'message_type': 'AccountWeight', 'message': {'account': '` + burn + `'}}`,
		`{"message": {"account": "` + burn + `"}, "message_type": "AccountWeight"}`,
		"// c\n{/* c */\"message_type\": \"AccountWeight\", // c\n\"message\": {\"account\": \"" + burn + "\"}}/* tail */ // tail",
		`{"$schema": "x", "message_type": "AccountWeight", "message": {"account": "` + burn + `"}}`,
		`{"foo": {"a": [1, {"b": null}, -2.5e3, inf, false], "c": 'x'}, "message_type": "AccountWeight", "message": {"account": "` + burn + `", "bar": [[]]}}`,
		`{"message_type": "AccountWeight", "message": ["` + burn + `"]}`,
		"\xef\xbb\xbf{\"message_type\": \"AccountWeight\", \"message\": {\"account\": \"" + burn + "\"}}",
		`{"message_type": "AccountWeight", "message": {"account": "` + burn + `"}}` + "\x00 garbage after a NUL",
		`{"credentials": null, "message_type": "AccountWeight", "message": {"account": "` + burn + `"}}`,
		`{"foo": 1, "message_type": "AccountWeight", "message": {"account": "` + burn + `"}}`,
	} {
		if got := aw(parseOK(t, in, Options{})); got != burn {
			t.Errorf("%q: account %q", in, got)
		}
	}

	// {} and a type without a message are accepted (the handler decides).
	if env := parseOK(t, `{}`, Options{}); env.Message != nil || env.Time != 0 {
		t.Errorf("{} = %+v", env)
	}
	if env := parseOK(t, `{"message_type": "TopicConfirmation"}`, Options{}); env.Message == nil || env.Message.Type != fb.MessageTopicConfirmation || env.Message.Value != nil {
		t.Errorf("type only = %+v", env.Message)
	}
	if env := parseOK(t, `{"message_type": 99}`, Options{}); env.Message == nil || env.Message.Type != 99 {
		t.Errorf("unknown id without message = %+v", env.Message)
	}
	// A trailing comma after only skipped fields is accepted (strict_json
	// only counts kept fields), as in flatbuffers.
	parseOK(t, `{"$schema": "x",}`, Options{})

	// Quoted numbers and bools, ints for bools, enums by name and number,
	// OR-ed enum names, empty strings kept, escapes decoded.
	env := parseOK(t, `{"time": "  0x10  ", "correlation_id": "", "credentials": "\u00e9\x41\ud83d\ude00\/",
		"message_type": "IsAlive AccountWeight", "message": {"voting_weight": "1"}}`, Options{})
	if env.Time != 16 || env.CorrelationId != "" || env.Credentials != "éA😀/" || env.Message.Type != fb.MessageAccountWeightResponse {
		t.Errorf("%+v", env)
	}
	env = parseOK(t, `{"message_type": "ServiceStop", "message": {"service_name": "s", "restart": "true"}}`, Options{})
	if !env.Message.Value.(*fb.ServiceStopT).Restart {
		t.Error(`"true" is not true`)
	}
	env = parseOK(t, `{"message_type": "ServiceStop", "message": {"service_name": "s", "restart": 1}}`, Options{})
	if !env.Message.Value.(*fb.ServiceStopT).Restart {
		t.Error(`1 is not true`)
	}
	env = parseOK(t, `{"message_type": "TopicConfirmation", "message": {"options": {"confirmation_type_filter": 3, "include_block": "false", "accounts": []}}}`, Options{})
	if o := env.Message.Value.(*fb.TopicConfirmationT).Options; o.ConfirmationTypeFilter != fb.TopicConfirmationTypeFilteractive_confirmation_height || o.IncludeBlock || !o.IncludeElectionInfo {
		t.Errorf("options %+v", o)
	}
	env = parseOK(t, `{"message_type": "Error", "message": {"code": -7, "message": ""}}`, Options{})
	if e := env.Message.Value.(*fb.ErrorT); e.Code != -7 {
		t.Errorf("%+v", e)
	}
}

// A JSON parse is exactly what the binary path would decode: the buffer
// verifies, and unknown fields are skipped whatever their shape.
func TestSkipUnknownByDefault(t *testing.T) {
	in := `{"foo": {"deep": [[[{"x": null}]]]}, "message_type": "IsAlive", "message": {"bar": 1}}`
	if env := parseOK(t, in, Options{}); env.Message.Type != fb.MessageIsAlive {
		t.Fatal(env)
	}
	if _, err := Parse([]byte(in), Options{RejectUnknownFields: true}); err == nil || err.Error() != "1: 9: error: unknown field: foo" {
		t.Fatal(err)
	}
	// 63 levels inside an unknown field still parse.
	deep := `{"a":` + strings.Repeat("[", 63) + strings.Repeat("]", 63) + `}`
	parseOK(t, deep, Options{})
}

func TestParseIsVerified(t *testing.T) {
	buf, err := Parse([]byte(`{"message_type": "IsAlive", "message": {}}`), Options{})
	if err != nil || api.Verify(buf) != nil {
		t.Fatal(err)
	}
	want, _ := api.Decode(buf)
	if !reflect.DeepEqual(want, api.NewEnvelope(&fb.IsAliveT{}, "", zero)) {
		t.Errorf("%+v", want)
	}
}
