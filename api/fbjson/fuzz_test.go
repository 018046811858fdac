package fbjson

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/nipc/nipc/api"
)

// FuzzParseJSON: Parse never panics (nor recovers from one) and fails only
// with a *ParseError;
// whatever it accepts verifies, renders, and the rendering parses back to
// the same envelope and renders identically. The input is also fed to Render
// as a binary buffer, which must not panic either. Scan, by a scan first
// (as above 64 KiB) and in one pass, fails with Parse's error, or, on what
// Parse accepts, with api.ErrVerify (the bounds) or not at all, giving
// Parse's envelope, its header and where its credentials are.
func FuzzParseJSON(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte, strict bool) {
		_, _ = Render(in)
		opts := Options{RejectUnknownFields: strict}
		buf, err := Parse(in, opts)
		checkScan(t, in, opts, buf, err)
		if err != nil {
			if _, ok := errors.AsType[*ParseError](err); !ok {
				t.Fatalf("%q: error %T %v", in, err, err)
			}
			return
		}
		env, err := api.DecodeWithin(buf, math.MaxUint64)
		if err != nil {
			t.Fatalf("%q: parsed buffer fails verification: %v", in, err)
		}
		text, err := Render(buf)
		if err != nil {
			t.Fatalf("%q: parsed buffer does not render: %v", in, err)
		}
		buf2, err := Parse(text, Options{RejectUnknownFields: true})
		if err != nil {
			t.Fatalf("%q: rendering %q does not parse: %v", in, text, err)
		}
		env2, err := api.DecodeWithin(buf2, math.MaxUint64)
		if err != nil || !reflect.DeepEqual(env, env2) {
			t.Fatalf("%q: re-parse of %q differs: %v\n%+v\n%+v", in, text, err, env, env2)
		}
		text2, err := Render(buf2)
		if err != nil || !bytes.Equal(text, text2) {
			t.Fatalf("%q: rendering is not a fixpoint:\n%s\n%s", in, text, text2)
		}
	})
}

// addSeeds adds the parser's seeds (text, strict): the accepted texts,
// the rejections and the bound seeds.
func addSeeds(f *testing.F) {
	for _, in := range accepted {
		f.Add([]byte(in), false)
	}
	for _, c := range rejections {
		f.Add([]byte(c.in), c.strict)
	}
	for _, in := range boundSeeds() {
		f.Add([]byte(in), false)
	}
}

// boundSeeds are envelopes at the decoding bounds: one-byte accounts past
// BuildFactor (refused), and real ones within it, with credentials.
func boundSeeds() []string {
	head, tail := `{"message_type": "TopicConfirmation", "message": {"options": {"accounts": [`, `"a"]}}}`
	acct := `"nano_1111111111111111111111111111111111111111111111111111hifc8npp",`
	return []string{
		head + strings.Repeat(`"a",`, 9000) + tail,
		`{"credentials": 'k\u0041', ` + head[1:] + strings.Repeat(acct, 20) + tail,
	}
}

// checkScan checks scan against Parse's result (buf, err) for in, with the
// one-pass threshold at 0 and at the largest int.
func checkScan(t *testing.T, in []byte, opts Options, buf []byte, err error) {
	t.Helper()
	for _, onePass := range []int{0, math.MaxInt} {
		r, serr := scan(in, opts, onePass)
		if err != nil {
			if serr == nil || serr.Error() != err.Error() || reflect.TypeOf(serr) != reflect.TypeOf(err) {
				t.Fatalf("%q: scan (one pass below %d): %v, Parse: %v", in, onePass, serr, err)
			}
			continue
		}
		if serr != nil {
			if serr != api.ErrVerify {
				t.Fatalf("%q: scan (one pass below %d) of a parsed text: %v", in, onePass, serr)
			}
			continue
		}
		want, err := api.DecodeWithin(buf, math.MaxUint64)
		if err != nil {
			t.Fatalf("%q: Parse's buffer: %v", in, err)
		}
		env, err := r.Envelope()
		if err != nil || !reflect.DeepEqual(env, want) {
			t.Fatalf("%q: scan's envelope (one pass below %d): %v\n%+v\n%+v", in, onePass, err, env, want)
		}
		h := r.Header()
		if h.Credentials != want.Credentials || h.CorrelationID != want.CorrelationId ||
			(want.Message != nil) != (h.Type != 0 || h.HasMessage) ||
			want.Message != nil && (h.Type != want.Message.Type || h.HasMessage != (want.Message.Value != nil)) {
			t.Fatalf("%q: header %+v, envelope %+v", in, h, want)
		}
		start, end, ok := r.CredentialsSpan()
		if !ok {
			if want.Credentials != "" {
				t.Fatalf("%q: no credentials span, credentials %q", in, want.Credentials)
			}
			continue
		}
		tok, err := Parse([]byte(`{"credentials": `+string(in[start:end])+`}`), Options{})
		if err != nil {
			t.Fatalf("%q: credentials token %q: %v", in, in[start:end], err)
		}
		if got, _ := api.DecodeWithin(tok, math.MaxUint64); got == nil || got.Credentials != want.Credentials {
			t.Fatalf("%q: credentials token %q is not %q", in, in[start:end], want.Credentials)
		}
	}
}
