package fbjson

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/nipc/nipc/api"
)

// FuzzParseJSON: Parse never panics (nor recovers from one) and fails only
// with a *ParseError;
// whatever it accepts verifies, renders, and the rendering parses back to
// the same envelope and renders identically. The input is also fed to Render
// as a binary buffer, which must not panic either.
func FuzzParseJSON(f *testing.F) {
	for _, in := range accepted {
		f.Add([]byte(in), false)
	}
	for _, c := range rejections {
		f.Add([]byte(c.in), c.strict)
	}
	f.Fuzz(func(t *testing.T, in []byte, strict bool) {
		_, _ = Render(in)
		opts := Options{RejectUnknownFields: strict}
		buf, err := Parse(in, opts)
		if err != nil {
			if _, ok := errors.AsType[*ParseError](err); !ok {
				t.Fatalf("%q: error %T %v", in, err, err)
			}
			return
		}
		env, err := api.Decode(buf)
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
		env2, err := api.Decode(buf2)
		if err != nil || !reflect.DeepEqual(env, env2) {
			t.Fatalf("%q: re-parse of %q differs: %v\n%+v\n%+v", in, text, err, env, env2)
		}
		text2, err := Render(buf2)
		if err != nil || !bytes.Equal(text, text2) {
			t.Fatalf("%q: rendering is not a fixpoint:\n%s\n%s", in, text, text2)
		}
	})
}
