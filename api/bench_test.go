package api

import (
	"testing"

	"github.com/nipc/nipc/api/fb"
)

func benchEnvelope() *fb.EnvelopeT {
	return NewEnvelope(&fb.AccountWeightT{Account: burnAccount}, "42", zeroTime)
}

func BenchmarkEncodeAccountWeight(b *testing.B) {
	env := benchEnvelope()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeAccountWeight(b *testing.B) {
	buf := vecAccountWeight
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if _, err := Decode(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyAccountWeight(b *testing.B) {
	buf := vecAccountWeight
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if err := Verify(buf); err != nil {
			b.Fatal(err)
		}
	}
}
