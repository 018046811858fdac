package fbjson

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/nipc/nipc/api"
)

// Inputs the parser must accept. flatc accepts each of them too and builds
// the same envelope (TestFlatcAgrees).
var accepted = []string{
	`{}`,
	`{"message_type": "IsAlive", "message": {}}`,
	`{"message_type": "IsAlive", "message": []}`,
	`{"message_type": "AccountWeight", "message": {"account": "` + burn + `"}}`,
	`{"message_type": 6, "message": {"account": "` + burn + `"}}`,
	`{"message_type": "6", "message": {"account": "` + burn + `"}}`,
	`{"message_type": "0x6", "message": {"account": "` + burn + `"}}`,
	`{'message_type': 'AccountWeight', 'message': {'account': '` + burn + `'}}`,
	`{"message": {"account": "` + burn + `"}, "message_type": "AccountWeight"}`,
	`{"time": 1, "message": {"account": "x"}, "message_type": "AccountWeight"}`,
	"// c\n{/* c */\"message_type\": \"AccountWeight\", // c\n\"message\": {\"account\": \"" + burn + "\"}}/* tail */ // tail",
	`{"$schema": "x", "message_type": "AccountWeight", "message": {"account": "` + burn + `"}}`,
	`{"$schema": "x",}`,
	`{"foo": {"a": [1, {"b": null}, -2.5e3, inf, false], "c": 'x'}, "message_type": "AccountWeight", "message": {"account": "` + burn + `", "bar": [[]]}}`,
	`{"message_type": "AccountWeight", "message": ["` + burn + `"]}`,
	"\xef\xbb\xbf{\"message_type\": \"AccountWeight\", \"message\": {\"account\": \"" + burn + "\"}}",
	`{"message_type": "AccountWeight", "message": {"account": "` + burn + `"}}` + "\x00 garbage after a NUL",
	`{"credentials": null, "message_type": "AccountWeight", "message": {"account": "` + burn + `"}}`,
	`{"message_type": "TopicConfirmation"}`,
	`{"message_type": 99}`,
	`{"time": "  0x10  ", "correlation_id": "", "credentials": "\u00e9\x41\ud83d\ude00\/", "message_type": "IsAlive AccountWeight", "message": {"voting_weight": "1"}}`,
	`{"message_type": "ServiceStop", "message": {"service_name": "s", "restart": "true"}}`,
	`{"message_type": "ServiceStop", "message": {"service_name": "s", "restart": 1}}`,
	`{"message_type": "ServiceStop", "message": {"service_name": "s", "restart": 2}}`,
	`{"message_type": "ServiceStop", "message": {"service_name": "s", "restart": "0x7 "}}`,
	`{"message_type": "TopicConfirmation", "message": {"options": {"confirmation_type_filter": 3, "include_block": "false", "accounts": []}}}`,
	`{"message_type": "TopicConfirmation", "message": {"options": {"confirmation_type_filter": "active inactive", "include_block": true}}}`,
	`{"message_type": "Error", "message": {"code": -7, "message": "", "category": "+5"}}`,
	`{"message_type": "Error", "message": {"code": "-0x10", "category": 007}}`,
	`{"time": 18446744073709551615, "message_type": "BlockInfo", "message": {"block": {"subtype": -3, "hash": "h"}, "block_type": 1}}`,
	`{"time": -0, "message_type": "EventConfirmation", "message": {"confirmation_type": "inactive", "block_type": "BlockChange", "block": ["a", "b", "c", "d", "e"]}}`,
	`{"message_type": "AccountHistoryResponse", "message": {"history": [{"type": "send"}, ["t", "s", "a", "1", 2, 3, "h", true]], "next": "n"}}`,
	"{\"credentials\": \"tab\\tnl\\nquote\\\"é\u2028\x7f\", \"message_type\": \"Success\", \"message\": {\"message\": \"\\u0000x\"}}",
}

func TestAcceptedInputs(t *testing.T) {
	for _, in := range accepted {
		buf, err := Parse([]byte(in), Options{})
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if err := api.Verify(buf); err != nil {
			t.Errorf("%q: output does not verify", in)
		}
	}
}

var flatcError = regexp.MustCompile(`x\.json:(\d+: \d+: error: .*)`)

func runFlatc(t *testing.T, flatc, dir, in string, rejectUnknown bool) (bin []byte, errText string) {
	t.Helper()
	f := filepath.Join(dir, "x.json")
	os.Remove(filepath.Join(dir, "x.bin"))
	if err := os.WriteFile(f, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-b", "--strict-json", "-o", dir}
	if !rejectUnknown {
		args = append(args, "--unknown-json")
	}
	out, err := exec.Command(flatc, append(args, "../nanoapi.fbs", f)...).CombinedOutput()
	if err != nil {
		if m := flatcError.FindSubmatch(out); m != nil {
			return nil, string(m[1])
		}
		return nil, strings.TrimSpace(string(out))
	}
	bin, err = os.ReadFile(filepath.Join(dir, "x.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return bin, ""
}

// flatc's own parser (2.0.8) is an independent implementation of the same
// rules: it must reject every rejection with the same text and position,
// and build the same bytes for every accepted input.
func TestFlatcAgrees(t *testing.T) {
	flatc := needFlatc(t)
	dir := t.TempDir()
	for _, c := range rejections {
		_, got := runFlatc(t, flatc, dir, c.in, c.strict)
		if got != c.want {
			t.Errorf("%s: %q\nflatc: %s\n ours: %s", c.name, c.in, got, c.want)
		}
	}
	for _, in := range accepted {
		if strings.IndexByte(in, 0) >= 0 {
			continue // the flatc command refuses files holding a NUL ("appears to be binary")
		}
		bin, msg := runFlatc(t, flatc, dir, in, false)
		if msg != "" {
			t.Errorf("%q: flatc rejects it: %s", in, msg)
			continue
		}
		ours, err := Parse([]byte(in), Options{})
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		want, err1 := api.Decode(bin)
		got, err2 := api.Decode(ours)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: flatc and we disagree (%v, %v)\nflatc %x\n ours %x", in, err1, err2, bin, ours)
		}
		if r1, r2 := mustRender(t, bin), mustRender(t, ours); r1 != r2 {
			t.Errorf("%q: renders differ\n%s\n%s", in, r1, r2)
		}
	}
}

func mustRender(t *testing.T, buf []byte) string {
	t.Helper()
	out, err := Render(buf)
	if err != nil {
		t.Fatalf("render %x: %v", buf, err)
	}
	return string(out)
}
