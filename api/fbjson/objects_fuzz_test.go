package fbjson

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
)

// FuzzScanObjects is the differential test of the objects sink: Scan (in
// one pass, and by a scan first as above 64 KiB) and Request.Envelope give
// the same Go objects as the text parsed into a FlatBuffer, the bounds
// checked and the buffer decoded (scanViaBinary, Scan as it was before the
// objects sink), or fail alike: the same *ParseError text, or the same
// error value (api.ErrVerify for the bounds).
func FuzzScanObjects(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte, strict bool) {
		opts := Options{RejectUnknownFields: strict}
		want, werr := scanViaBinary(in, opts)
		for _, onePass := range []int{0, math.MaxInt} {
			var env *fb.EnvelopeT
			r, err := scan(in, opts, onePass)
			if err == nil {
				env, err = r.Envelope()
			}
			if !sameError(err, werr) {
				t.Fatalf("%q (one pass below %d): error %v, via the FlatBuffer %v", in, onePass, err, werr)
			}
			if err == nil && !reflect.DeepEqual(env, want) {
				t.Fatalf("%q (one pass below %d): objects differ:\n%s\nvia the FlatBuffer:\n%s", in, onePass, dump(env), dump(want))
			}
		}
	})
}

// scanViaBinary is Scan as it was before the objects sink: the text parsed
// into a FlatBuffer, the bounds checked, the buffer decoded.
func scanViaBinary(text []byte, opts Options) (*fb.EnvelopeT, error) {
	p := &parser{b: flatbuffers.NewBuilder(512)}
	p.reset(text, opts)
	if err := p.document(); err != nil {
		return nil, err
	}
	if err := p.sc.within(len(text)); err != nil {
		return nil, err
	}
	return api.DecodeWithin(p.b.FinishedBytes(), api.DecodeLimit(len(text)))
}

func sameError(a, b error) bool {
	pa, oka := errors.AsType[*ParseError](a)
	pb, okb := errors.AsType[*ParseError](b)
	if oka || okb {
		return oka && okb && pa.Error() == pb.Error()
	}
	return a == b
}

// dump prints an envelope, its message and the message's value.
func dump(env *fb.EnvelopeT) string {
	if env == nil {
		return "<nil>"
	}
	s := fmt.Sprintf("%#v", *env)
	if env.Message != nil {
		s += fmt.Sprintf(" %#v %#v", *env.Message, env.Message.Value)
	}
	return s
}
