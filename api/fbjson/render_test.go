package fbjson

import (
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
)

var zero = time.UnixMilli(0)

func render(t *testing.T, env *fb.EnvelopeT) string {
	t.Helper()
	out, err := RenderEnvelope(env)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestRenderShapes(t *testing.T) {
	now := time.UnixMilli(1579736914615)
	cases := []struct {
		name string
		env  *fb.EnvelopeT
		want string
	}{
		{"§2.2 IsAlive reply", api.NewEnvelope(&fb.IsAliveT{}, "", now),
			"{\n  \"time\": 1579736914615,\n  \"message_type\": \"IsAlive\",\n  \"message\": {\n  }\n}\n"},
		{"§4.4 Access denied", api.ErrorEnvelope(api.ErrAccessDenied, "c1", now),
			"{\n  \"time\": 1579736914615,\n  \"correlation_id\": \"c1\",\n  \"message_type\": \"Error\",\n  \"message\": {\n    \"code\": 3,\n    \"message\": \"Access denied\"\n  }\n}\n"},
		{"§11.3 #21 non-ASCII correlation id", api.NewEnvelope(&fb.AccountWeightResponseT{VotingWeight: "0"}, "é", now),
			"{\n  \"time\": 1579736914615,\n  \"correlation_id\": \"\\u00E9\",\n  \"message_type\": \"AccountWeightResponse\",\n  \"message\": {\n    \"voting_weight\": \"0\"\n  }\n}\n"},
		{"escapes", api.NewEnvelope(&fb.SuccessT{Message: "/\"\\\b\f\n\r\t\x01\x7f😀\u2028"}, "", zero),
			"{\n  \"message_type\": \"Success\",\n  \"message\": {\n    \"message\": \"/\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u007F\\uD83D\\uDE00\\u2028\"\n  }\n}\n"},
		{"defaults omitted, empty optional strings omitted", api.NewEnvelope(&fb.ServiceStopT{ServiceName: "x"}, "", zero),
			"{\n  \"message_type\": \"ServiceStop\",\n  \"message\": {\n    \"service_name\": \"x\"\n  }\n}\n"},
		{"vectors and nested tables", api.NewEnvelope(&fb.TopicConfirmationT{Options: &fb.TopicConfirmationOptionsT{
			ConfirmationTypeFilter: fb.TopicConfirmationTypeFilterinactive, Accounts: []string{"a", "b"}, IncludeBlock: false, IncludeElectionInfo: true}}, "", zero),
			"{\n  \"message_type\": \"TopicConfirmation\",\n  \"message\": {\n    \"options\": {\n      \"confirmation_type_filter\": \"inactive\",\n      \"accounts\": [\n        \"a\",\n        \"b\"\n      ],\n      \"include_block\": false\n    }\n  }\n}\n"},
		{"empty vector", api.NewEnvelope(&fb.RepresentativesResponseT{}, "", zero),
			"{\n  \"message_type\": \"RepresentativesResponse\",\n  \"message\": {\n    \"representatives\": [\n\n    ]\n  }\n}\n"},
		{"vector of tables", api.NewEnvelope(&fb.RepresentativesResponseT{Representatives: []*fb.RepresentativeT{{Account: "a", Weight: "1"}, {}}}, "", zero),
			"{\n  \"message_type\": \"RepresentativesResponse\",\n  \"message\": {\n    \"representatives\": [\n      {\n        \"account\": \"a\",\n        \"weight\": \"1\"\n      },\n      {\n      }\n    ]\n  }\n}\n"},
		{"unknown enum value and union type print as numbers", &fb.EnvelopeT{Message: &fb.MessageT{Type: 77}},
			"{\n  \"message_type\": 77\n}\n"},
		{"block union and uint64", api.NewEnvelope(&fb.EventConfirmationT{Amount: "1",
			Block:        &fb.BlockT{Type: fb.BlockBlockState, Value: &fb.BlockStateT{Work: "0123456789abcdef", Subtype: fb.BlockSubTypesend}},
			ElectionInfo: &fb.ElectionInfoT{Duration: 100, Time: 18446744073709551615}}, "", zero),
			"{\n  \"message_type\": \"EventConfirmation\",\n  \"message\": {\n    \"amount\": \"1\",\n    \"block_type\": \"BlockState\",\n    \"block\": {\n      \"work\": \"0123456789abcdef\",\n      \"subtype\": \"send\"\n    },\n    \"election_info\": {\n      \"duration\": 100,\n      \"time\": 18446744073709551615\n    }\n  }\n}\n"},
	}
	for _, c := range cases {
		if got := render(t, c.env); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

func TestRenderRefuses(t *testing.T) {
	if _, err := Render([]byte("garbage")); err != api.ErrVerify {
		t.Errorf("garbage: %v", err)
	}
	buf, _ := api.Encode(api.NewEnvelope(&fb.SuccessT{Message: "ab"}, "", zero))
	for i := range buf {
		if buf[i] == 'a' && buf[i+1] == 'b' {
			buf[i] = 0xff
		}
	}
	if _, err := Render(buf); err != ErrNotRenderable {
		t.Errorf("invalid UTF-8: %v", err)
	}
	// A union value whose type is unknown (it passes the verifier).
	buf, _ = api.Encode(api.NewEnvelope(&fb.IsAliveT{}, "", zero))
	for i := range buf {
		if buf[i] == byte(fb.MessageIsAlive) {
			buf[i] = 200
			break
		}
	}
	if api.Verify(buf) != nil {
		t.Fatal("setup")
	}
	if _, err := Render(buf); err != ErrNotRenderable {
		t.Errorf("unknown union type with a value: %v", err)
	}
}
